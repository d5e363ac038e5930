package service

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
	"golang.org/x/crypto/argon2"

	"casework/domain"
	"casework/domain/account"
)

// Password hashing: argon2id with OWASP's first recommended configuration
// (m=19 MiB, t=2, p=1), a 16-byte salt and a 32-byte key, in the PHC
// string format.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
	// MinPasswordLength is the shortest password accepted.
	MinPasswordLength = 10
)

// HashPassword returns the argon2id PHC string of password.
func HashPassword(password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches the PHC string encoded.
func CheckPassword(encoded, password string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var v int
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m > 1<<20 || t > 16 || p == 0 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when the username is unknown, so that the
// answer takes as long as for a known one.
var dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$" + base64.RawStdEncoding.EncodeToString(make([]byte, 32))

// Token is a signed bearer token.
type Token struct {
	AccessToken string    `json:"access_token"`
	TokenType   string    `json:"token_type"`
	ExpiresIn   int       `json:"expires_in"`
	ExpiresAt   time.Time `json:"expires_at"`
}

// Login checks a username and password and returns a bearer token. The
// lockout is shared by every node of the store (see lockout.go): a failed
// login is recorded before it is answered, and the right password is
// refused while the account is locked.
//
// Errors: ErrLocked after account.MaxLoginFailures failures in a row, for
// account.LockoutPeriod; ErrUnauthenticated for a wrong password, an
// unknown or a disabled account (indistinguishably, also in time);
// ErrConcurrency when the attempt kept losing races with others on the
// same account; the store's error when the attempt could not be recorded
// (then no token is given).
func (s *Service) Login(ctx context.Context, username, password string) (Token, error) {
	a, ok := s.dir.AccountByUsername(username)
	if !ok {
		if s.unknown.locked(username, s.now()) {
			return Token{}, ErrLocked
		}
		CheckPassword(dummyHash, password)
		s.unknown.fail(username, s.now())
		s.storeTime.pad(ctx)
		return Token{}, ErrUnauthenticated
	}
	start := time.Now()
	st, _, _, err := s.loginState(ctx, a.ID)
	if err != nil {
		return Token{}, err
	}
	if st.Locked(s.now()) {
		return Token{}, ErrLocked
	}
	read := time.Since(start)
	if !CheckPassword(a.PasswordHash, password) || !a.CanLogIn() {
		// Counted even if the caller goes away: the password was tried.
		start = time.Now()
		err := s.recordLogin(context.WithoutCancel(ctx), &a, func(st *account.LoginState, c domain.Cmd) ([]domain.Payload, error) {
			return st.RecordFailure(c, a.ID)
		})
		s.storeTime.observe(read + time.Since(start))
		if err != nil {
			return Token{}, err
		}
		return Token{}, ErrUnauthenticated
	}
	if err := s.recordLogin(ctx, &a, func(st *account.LoginState, c domain.Cmd) ([]domain.Payload, error) {
		return st.RecordSuccess(c, a.ID)
	}); err != nil {
		return Token{}, err
	}
	return s.issueToken(a)
}

func (s *Service) issueToken(a account.State) (Token, error) {
	now := s.now()
	exp := now.Add(s.cfg.TokenTTL)
	claims := jwt.RegisteredClaims{
		Subject:   a.ID.String(),
		Issuer:    "casework",
		IssuedAt:  jwt.NewNumericDate(now),
		NotBefore: jwt.NewNumericDate(now.Add(-time.Minute)),
		ExpiresAt: jwt.NewNumericDate(exp),
		ID:        uuid.NewString(),
	}
	signed, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(s.cfg.SigningKey)
	if err != nil {
		return Token{}, fmt.Errorf("sign token: %w", err)
	}
	return Token{AccessToken: signed, TokenType: "Bearer", ExpiresIn: int(s.cfg.TokenTTL.Seconds()), ExpiresAt: exp.UTC()}, nil
}

// verified remembers tokens whose signature was checked, with their
// subject and expiry, so that a client's every request does not parse and
// verify its token again. Expiry and the account's state are still checked
// on every request.
type verified struct {
	mu sync.Mutex
	m  map[string]verifiedToken
}

type verifiedToken struct {
	sub uuid.UUID
	exp time.Time
}

const maxVerified = 10_000

func (v *verified) get(tok string) (verifiedToken, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	t, ok := v.m[tok]
	return t, ok
}

func (v *verified) put(tok string, t verifiedToken) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.m == nil || len(v.m) >= maxVerified {
		v.m = map[string]verifiedToken{}
	}
	v.m[tok] = t
}

// Authenticate verifies a bearer token and returns the principal with the
// account's current role and org unit. Errors: ErrUnauthenticated.
func (s *Service) Authenticate(ctx context.Context, bearer string) (Principal, error) {
	vt, ok := s.tokens.get(bearer)
	if !ok {
		tok, err := jwt.ParseWithClaims(bearer, &jwt.RegisteredClaims{}, func(t *jwt.Token) (any, error) {
			return s.cfg.SigningKey, nil
		}, jwt.WithValidMethods([]string{"HS256"}), jwt.WithIssuer("casework"), jwt.WithExpirationRequired(),
			jwt.WithTimeFunc(s.now))
		if err != nil || !tok.Valid {
			return Principal{}, ErrUnauthenticated
		}
		sub, _ := tok.Claims.GetSubject()
		exp, _ := tok.Claims.GetExpirationTime()
		id, err := uuid.Parse(sub)
		if err != nil || exp == nil {
			return Principal{}, ErrUnauthenticated
		}
		vt = verifiedToken{sub: id, exp: exp.Time}
		s.tokens.put(bearer, vt)
	}
	if !s.now().Before(vt.exp) {
		return Principal{}, ErrUnauthenticated
	}
	id := vt.sub
	a, ok := s.dir.Account(id)
	if !ok || !a.CanLogIn() {
		return Principal{}, ErrUnauthenticated
	}
	p := PrincipalOf(&a)
	p.ExpiresAt = vt.exp
	return p, nil
}

// PrincipalOf is who account a acts as: its role and org unit, no expiry.
func PrincipalOf(a *account.State) Principal {
	unit, _ := uuid.Parse(a.OrgUnit)
	return Principal{AccountID: a.ID, Username: a.Username, DisplayName: a.DisplayName, Role: a.Role, OrgUnit: unit}
}
