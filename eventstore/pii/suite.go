package pii

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"hash"

	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/sm4"

	"casework/eventstore"
)

// Suite is the set of algorithms a data directory uses: the chain hash of
// its event store, the AEAD that seals fields and wraps keys, and the hash
// of the keyed lookup index. It is chosen when the data directory is
// created and recorded with the store and the key store.
type Suite struct {
	// Name is "intl" or "gm".
	Name string
	// Hash is the event store's chain hash.
	Hash eventstore.ChainHash
	// KeySize is the length of a data key in bytes.
	KeySize  int
	newBlock func(key []byte) (cipher.Block, error)
	newHash  func() hash.Hash
}

// SM3 is the chain hash of the gm suite (GB/T 32905-2016).
var SM3 = eventstore.ChainHash{Name: "sm3", New: sm3.New}

// The two suites.
var (
	// Intl is SHA-256, AES-256-GCM and HMAC-SHA-256.
	Intl = Suite{Name: "intl", Hash: eventstore.SHA256, KeySize: 32, newBlock: aes.NewCipher, newHash: sha256.New}
	// GM is the national suite: SM3, SM4-GCM (GB/T 32907-2016) and HMAC-SM3.
	GM = Suite{Name: "gm", Hash: SM3, KeySize: 16, newBlock: sm4.NewCipher, newHash: sm3.New}
)

// Suites lists the known suites.
func Suites() []Suite { return []Suite{Intl, GM} }

// LookupSuite returns the suite named name.
// Errors: an unknown name.
func LookupSuite(name string) (Suite, error) {
	for _, s := range Suites() {
		if s.Name == name {
			return s, nil
		}
	}
	return Suite{}, fmt.Errorf("pii: unknown crypto suite %q (want intl or gm)", name)
}

// SuiteForHash returns the suite whose chain hash is named hash.
// Errors: no suite uses that hash.
func SuiteForHash(hash string) (Suite, error) {
	for _, s := range Suites() {
		if s.Hash.Name == hash {
			return s, nil
		}
	}
	return Suite{}, fmt.Errorf("pii: no crypto suite uses the chain hash %q", hash)
}

// AEAD returns the suite's authenticated cipher (GCM) under key.
// Errors: key is not KeySize bytes.
func (s Suite) AEAD(key []byte) (cipher.AEAD, error) {
	if len(key) != s.KeySize {
		return nil, fmt.Errorf("pii: %s key must have %d bytes, has %d", s.Name, s.KeySize, len(key))
	}
	b, err := s.newBlock(key)
	if err != nil {
		return nil, fmt.Errorf("pii: %s cipher: %w", s.Name, err)
	}
	g, err := cipher.NewGCM(b)
	if err != nil {
		return nil, fmt.Errorf("pii: %s GCM: %w", s.Name, err)
	}
	return g, nil
}

// MAC returns the suite's keyed hash (HMAC) of msg under key.
func (s Suite) MAC(key, msg []byte) []byte {
	m := hmac.New(s.newHash, key)
	m.Write(msg)
	return m.Sum(nil)
}
