package smsc

// Authentication of the HTTP front door: an account's SMPP credentials, or
// API bearer tokens issued to it. Tokens are random 32-octet values; only
// their SHA-256 is stored (KV <P>_TOKENS, shared by every node, kept across
// restarts), with the owner and the expiry.

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/smppstack/smpp/smsc/store"
)

// Authenticate reports whether password is systemID's and the account may be
// used (it exists and is not disabled). Failures count towards the same
// lock-out as failed binds (LockoutPolicy), so the HTTP API is no side door
// for guessing SMPP passwords.
func (s *Server) Authenticate(systemID, password string) bool {
	key := "id:" + systemID
	if s.lock.locked(key) {
		return false
	}
	acc := s.account(systemID)
	if acc == nil || !acc.checkPassword(password) {
		s.lock.fail(key)
		return false
	}
	s.lock.succeed(key)
	return !acc.cfg.Disabled
}

// AccountEnabled reports whether systemID exists and is not disabled.
func (s *Server) AccountEnabled(systemID string) bool {
	acc := s.account(systemID)
	return acc != nil && !acc.cfg.Disabled
}

// Token describes an API token (never its secret value).
type Token struct {
	ID      string    `json:"id"` // SHA-256 of the token, hex
	Owner   string    `json:"account"`
	Name    string    `json:"name,omitempty"`
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
}

// DefaultTokenTTL is the lifetime of a token issued without one.
const DefaultTokenTTL = 24 * time.Hour

// tokenPrefix starts every token, so they are recognisable in logs and
// secret scanners.
const tokenPrefix = "smsc_"

var errNotStarted = errors.New("smsc: not started")

// ErrBadToken is returned for unknown, expired or revoked tokens.
var ErrBadToken = errors.New("smsc: invalid or expired token")

func (s *Server) tokens(ctx context.Context) (*store.KV, error) {
	if s.st == nil {
		return nil, errNotStarted
	}
	return s.front.bucket(ctx, &s.front.tokens, s.st.EnsureTokens)
}

func tokenKey(owner, id string) string { return "t." + store.KeyPart(owner) + "." + id }

func tokenID(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

// IssueToken creates a bearer token for owner, valid for ttl (0: the
// default, at most store.MaxTokenTTL). The token value is returned once;
// only its hash is kept.
func (s *Server) IssueToken(ctx context.Context, owner, name string, ttl time.Duration) (Token, string, error) {
	if !s.AccountEnabled(owner) {
		return Token{}, "", &FieldError{"account", "unknown or disabled account"}
	}
	switch {
	case ttl == 0:
		ttl = DefaultTokenTTL
	case ttl < time.Minute || ttl > store.MaxTokenTTL:
		return Token{}, "", &FieldError{"ttl", "must be between 1m and " + store.MaxTokenTTL.String()}
	}
	if len(name) > 64 {
		return Token{}, "", &FieldError{"name", "at most 64 characters"}
	}
	kv, err := s.tokens(ctx)
	if err != nil {
		return Token{}, "", err
	}
	var raw [32]byte
	rand.Read(raw[:])
	// The owner is part of the token so that lookups are one key read.
	tok := tokenPrefix + base64.RawURLEncoding.EncodeToString([]byte(owner)) + "." + base64.RawURLEncoding.EncodeToString(raw[:])
	now := s.now()
	t := Token{ID: tokenID(tok), Owner: owner, Name: name, Created: now, Expires: now.Add(ttl)}
	b, _ := json.Marshal(t)
	if _, err := kv.Create(ctx, tokenKey(owner, t.ID), b); err != nil {
		return Token{}, "", err
	}
	return t, tok, nil
}

// TokenOwner returns the account a bearer token was issued to, or
// ErrBadToken when it is unknown, expired, revoked, or its account is
// disabled.
func (s *Server) TokenOwner(ctx context.Context, tok string) (string, error) {
	rest, ok := strings.CutPrefix(tok, tokenPrefix)
	if !ok {
		return "", ErrBadToken
	}
	enc, _, ok := strings.Cut(rest, ".")
	if !ok {
		return "", ErrBadToken
	}
	ob, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil || len(ob) == 0 {
		return "", ErrBadToken
	}
	owner := string(ob)
	kv, err := s.tokens(ctx)
	if err != nil {
		return "", err
	}
	b, _, err := kv.Get(ctx, tokenKey(owner, tokenID(tok)))
	if errors.Is(err, store.ErrNotFound) {
		return "", ErrBadToken
	}
	if err != nil {
		return "", err
	}
	var t Token
	if json.Unmarshal(b, &t) != nil || t.Owner != owner || !s.now().Before(t.Expires) || !s.AccountEnabled(owner) {
		return "", ErrBadToken
	}
	return owner, nil
}

// Tokens lists owner's unexpired tokens.
func (s *Server) Tokens(ctx context.Context, owner string) ([]Token, error) {
	kv, err := s.tokens(ctx)
	if err != nil {
		return nil, err
	}
	keys, err := kv.Keys(ctx, "t."+store.KeyPart(owner)+".*")
	if err != nil {
		return nil, err
	}
	out := []Token{}
	now := s.now()
	for _, k := range keys {
		b, _, err := kv.Get(ctx, k)
		if err != nil {
			continue
		}
		var t Token
		if json.Unmarshal(b, &t) == nil && now.Before(t.Expires) {
			out = append(out, t)
		}
	}
	return out, nil
}

// RevokeToken deletes one of owner's tokens by its id; another account's
// token id is ErrBadToken, like an unknown one.
func (s *Server) RevokeToken(ctx context.Context, owner, id string) error {
	if len(id) != 64 || strings.Trim(id, "0123456789abcdef") != "" {
		return ErrBadToken
	}
	kv, err := s.tokens(ctx)
	if err != nil {
		return err
	}
	if _, _, err := kv.Get(ctx, tokenKey(owner, id)); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return ErrBadToken
		}
		return err
	}
	return kv.Delete(ctx, tokenKey(owner, id))
}
