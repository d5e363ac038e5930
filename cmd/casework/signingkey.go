package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// signingKeySize is the size of a generated key: HS256 wants 32 bytes.
const signingKeySize = 32

// loadSigningKey reads the token signing key from path, creating it with
// 32 random bytes (mode 0600) if it does not exist. The create is
// exclusive, so that two nodes sharing a data directory that start at once
// end up with the same key. Errors: the file cannot be read or created,
// or holds fewer than 32 bytes.
func loadSigningKey(path string) ([]byte, error) { return loadKey("signing key", path) }

// loadKey is loadSigningKey for any 32-byte secret named what.
func loadKey(what, path string) ([]byte, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	switch {
	case err == nil:
		key := make([]byte, signingKeySize)
		if _, err := rand.Read(key); err != nil {
			f.Close()
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		if _, err := f.Write(key); err != nil {
			f.Close()
			return nil, fmt.Errorf("write %s: %w", what, err)
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return nil, fmt.Errorf("write %s: %w", what, err)
		}
		if err := f.Close(); err != nil {
			return nil, fmt.Errorf("write %s: %w", what, err)
		}
		return key, nil
	case !errors.Is(err, fs.ErrExist):
		return nil, fmt.Errorf("create %s: %w", what, err)
	}
	key, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", what, err)
	}
	if len(key) < signingKeySize {
		return nil, fmt.Errorf("%s %s: %d bytes, need at least %d", what, path, len(key), signingKeySize)
	}
	return key, nil
}
