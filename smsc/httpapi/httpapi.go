// Package httpapi is the HTTP front door of the SMSC: a JSON API under
// /api/v1 (described by the OpenAPI 3 document served at
// /api/v1/openapi.json), Prometheus metrics at /metrics, and /healthz and
// /readyz probes.
//
// The handlers are thin: they authenticate, decode and validate the JSON
// shape, call the core operations of package smsc through the narrow
// Backend interface (satisfied by *smsc.Server; tests use fakes too), and
// map results and errors to the API's own JSON types, so the wire format does
// not change when smsc or store structs do (design README §3, style-anchors
// §3.6).
//
// # Authentication
//
// An account authenticates with HTTP Basic (its SMPP system_id and password)
// or with a bearer token issued to it by POST /api/v1/tokens. The admin
// authenticates with "Authorization: Bearer <Options.AdminToken>"; on account
// endpoints the admin names the account with ?account=SYSTEM_ID. Failures
// are 401 with WWW-Authenticate; an account on an admin endpoint gets 403.
// An account never sees another account's data: another account's message
// id is 404 exactly like a missing one.
//
// # Errors
//
// Every error is JSON {"error":"...","field":"..."}, field naming the
// offending input (a JSON field, a query parameter, or a header) when there
// is one.
package httpapi

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/smppstack/smpp/pdu"
	"github.com/smppstack/smpp/smsc"
	"github.com/smppstack/smpp/smsc/store"
)

// Backend is what the API needs from the SMSC; *smsc.Server satisfies it.
// It is split by concern so fakes can implement a part and embed the rest.
type Backend interface {
	Messaging
	Auth
	Admin
	Observer
}

// Messaging are an account's operations on its messages.
type Messaging interface {
	SubmitText(ctx context.Context, owner string, r smsc.TextRequest) ([]string, error)
	MessageDetail(ctx context.Context, owner, id string) (*smsc.MessageDetail, error)
	Messages(ctx context.Context, owner, cursor string, limit int) ([]*smsc.MessageDetail, string, error)
	Cancel(ctx context.Context, owner, id string) error
	Idempotent(ctx context.Context, owner, key, fingerprint string, do func() smsc.IdempotentResult) (smsc.IdempotentResult, bool, error)
	WebhookAttempts(ctx context.Context, owner, id, cursor string, limit int) ([]store.WebhookAttempt, string, error)
}

// Auth authenticates accounts and manages their API tokens.
type Auth interface {
	Authenticate(systemID, password string) bool
	AccountEnabled(systemID string) bool
	IssueToken(ctx context.Context, owner, name string, ttl time.Duration) (smsc.Token, string, error)
	TokenOwner(ctx context.Context, token string) (string, error)
	Tokens(ctx context.Context, owner string) ([]smsc.Token, error)
	RevokeToken(ctx context.Context, owner, id string) error
}

// Admin are the administrator's operations.
type Admin interface {
	Accounts() []smsc.Account
	PutAccount(ctx context.Context, a smsc.Account) error
	Sessions() []smsc.SessionInfo
	ClusterSessions(ctx context.Context) []smsc.SessionInfo
	Kick(ctx context.Context, id string) error
	Network() smsc.NetworkConfig
	SetNetwork(cfg smsc.NetworkConfig) error
	InjectMO(ctx context.Context, from, to string, dc pdu.DataCoding, ud []byte, esm pdu.ESMClass) (string, error)
	ClusterPhoneMessages(ctx context.Context, number string) []smsc.PhoneMessage
}

// Observer feeds metrics, stats, health and live events.
type Observer interface {
	Stats() smsc.Stats
	WebhookStats() smsc.WebhookStats
	QueueDepth(ctx context.Context, target string) (uint64, error)
	Subscribe(ctx context.Context) <-chan smsc.Event
	SMPPAddr() net.Addr
}

// SubmitLatency is optionally implemented by the Backend to export the
// latency histogram of SMPP submits (count, sum in seconds, cumulative
// count per upper bound in seconds, +Inf included).
type SubmitLatency interface {
	SubmitLatency() (count uint64, sum float64, buckets map[float64]uint64)
}

// PDUCounter is optionally implemented by the Backend to export SMPP PDU
// counters by direction ("in"/"out"), command name and status name; /metrics
// then carries smsc_pdus_total{direction,command,status}.
type PDUCounter interface {
	PDUCounts(fn func(direction, command, status string, n uint64))
}

var _ Backend = (*smsc.Server)(nil)

// Options configure New.
type Options struct {
	// AdminToken enables the admin API for "Authorization: Bearer
	// <AdminToken>". Empty disables it (admin endpoints answer 403).
	AdminToken string
	// Logger receives request errors (default: discard).
	Logger *slog.Logger
	// Registry receives the SMSC's and the API's metrics and is served at
	// /metrics (default: a new registry with the Go and process collectors).
	Registry *prometheus.Registry
	// MaxBody bounds request bodies (default 1 MiB).
	MaxBody int64
	// EventHeartbeat is the interval of SSE keepalive comments (default 15s).
	EventHeartbeat time.Duration
}

type api struct {
	b    Backend
	opts Options
	log  *slog.Logger
	mux  *http.ServeMux
	m    *metrics
}

// New returns the handler serving the API, /metrics, /healthz and /readyz.
func New(b Backend, opts Options) http.Handler {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = 1 << 20
	}
	if opts.EventHeartbeat <= 0 {
		opts.EventHeartbeat = 15 * time.Second
	}
	a := &api{b: b, opts: opts, log: opts.Logger, mux: http.NewServeMux()}
	a.m = newMetrics(a, opts.Registry)
	for _, rt := range a.routes() {
		a.mux.Handle(rt.method+" "+rt.path, a.wrap(rt))
	}
	a.mux.HandleFunc("/api/", a.notFound)
	return a.mux
}

type authKind uint8

const (
	public       authKind = iota
	asAccount             // an account, or the admin naming one with ?account=
	accountOrAll          // an account (its own view), or the admin (everything)
	adminOnly
)

type route struct {
	method, path string
	auth         authKind
	h            func(w http.ResponseWriter, r *http.Request, p principal)
}

// routes is the whole API surface; the OpenAPI document lists exactly these
// (openapi_test.go checks it).
func (a *api) routes() []route {
	return []route{
		{"GET", "/healthz", public, a.healthz},
		{"GET", "/readyz", public, a.readyz},
		{"GET", "/metrics", public, a.metricsHandler},
		{"GET", "/api/v1/openapi.json", public, a.openAPI},

		{"POST", "/api/v1/messages", asAccount, a.submit},
		{"GET", "/api/v1/messages", asAccount, a.listMessages},
		{"GET", "/api/v1/messages/{id}", asAccount, a.getMessage},
		{"DELETE", "/api/v1/messages/{id}", asAccount, a.cancelMessage},
		{"POST", "/api/v1/tokens", asAccount, a.issueToken},
		{"GET", "/api/v1/tokens", asAccount, a.listTokens},
		{"DELETE", "/api/v1/tokens/{id}", asAccount, a.revokeToken},
		{"GET", "/api/v1/webhooks/attempts", asAccount, a.webhookAttempts},

		{"GET", "/api/v1/events", accountOrAll, a.events},
		{"GET", "/api/v1/stats", accountOrAll, a.stats},

		{"GET", "/api/v1/admin/accounts", adminOnly, a.listAccounts},
		{"POST", "/api/v1/admin/accounts", adminOnly, a.createAccount},
		{"GET", "/api/v1/admin/accounts/{system_id}", adminOnly, a.getAccount},
		{"PUT", "/api/v1/admin/accounts/{system_id}", adminOnly, a.putAccount},
		{"PATCH", "/api/v1/admin/accounts/{system_id}", adminOnly, a.patchAccount},
		{"DELETE", "/api/v1/admin/accounts/{system_id}", adminOnly, a.disableAccount},
		{"GET", "/api/v1/admin/sessions", adminOnly, a.listSessions},
		{"DELETE", "/api/v1/admin/sessions/{id}", adminOnly, a.kickSession},
		{"GET", "/api/v1/admin/network", adminOnly, a.getNetwork},
		{"PUT", "/api/v1/admin/network", adminOnly, a.putNetwork},
		{"POST", "/api/v1/admin/mo", adminOnly, a.injectMO},
		{"GET", "/api/v1/phones/{number}/messages", adminOnly, a.phoneMessages},
	}
}

// principal is who made a request. For asAccount routes account is always
// set (the admin's ?account=); for accountOrAll routes the admin has none.
type principal struct {
	admin   bool
	account string
}

// statusWriter records the status for metrics and logs.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (a *api) wrap(rt route) http.Handler {
	name := rt.method + " " + rt.path
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			code := sw.status
			if code == 0 {
				code = http.StatusOK
			}
			a.m.request(name, code, time.Since(start))
		}()
		if r.Body != nil {
			r.Body = http.MaxBytesReader(sw, r.Body, a.opts.MaxBody)
		}
		p, err := a.authenticate(r, rt.auth)
		if err != nil {
			a.fail(sw, r, err)
			return
		}
		rt.h(sw, r, p)
	})
}

// apiError is an error with its HTTP status and the field it concerns.
type apiError struct {
	status int
	msg    string
	field  string
}

func (e *apiError) Error() string { return e.msg }

func errf(status int, field, format string, args ...any) *apiError {
	return &apiError{status: status, field: field, msg: fmt.Sprintf(format, args...)}
}

var errUnauthorized = errf(http.StatusUnauthorized, "", "authentication required: HTTP Basic with the account's system_id and password, or a bearer token")

func (a *api) authenticate(r *http.Request, kind authKind) (principal, error) {
	if kind == public {
		return principal{}, nil
	}
	var p principal
	authz := r.Header.Get("Authorization")
	scheme, cred, _ := strings.Cut(authz, " ")
	cred = strings.TrimSpace(cred)
	if authz == "" && r.URL.Path == "/api/v1/events" {
		// EventSource cannot set headers: accept the token as a parameter.
		if t := r.URL.Query().Get("access_token"); t != "" {
			scheme, cred = "Bearer", t
		}
	}
	switch {
	case strings.EqualFold(scheme, "Basic"):
		user, pass, ok := r.BasicAuth()
		if !ok || !a.b.Authenticate(user, pass) {
			a.m.authFailure("basic")
			return p, errf(http.StatusUnauthorized, "", "invalid system_id or password")
		}
		p.account = user
	case strings.EqualFold(scheme, "Bearer") && cred != "":
		if a.opts.AdminToken != "" && subtle.ConstantTimeCompare([]byte(cred), []byte(a.opts.AdminToken)) == 1 {
			p.admin = true
			break
		}
		owner, err := a.b.TokenOwner(r.Context(), cred)
		if errors.Is(err, smsc.ErrBadToken) {
			a.m.authFailure("bearer")
			return p, errf(http.StatusUnauthorized, "", "invalid or expired token")
		}
		if err != nil {
			return p, errf(http.StatusServiceUnavailable, "", "token store unavailable")
		}
		p.account = owner
	default:
		return p, errUnauthorized
	}
	switch kind {
	case adminOnly:
		if !p.admin {
			if a.opts.AdminToken == "" {
				return p, errf(http.StatusForbidden, "", "the admin API is disabled (no admin token configured)")
			}
			return p, errf(http.StatusForbidden, "", "admin token required")
		}
	case asAccount:
		if p.admin {
			acc := r.URL.Query().Get("account")
			if acc == "" {
				return p, errf(http.StatusBadRequest, "account", "the admin must name the account with ?account=SYSTEM_ID")
			}
			if !a.b.AccountEnabled(acc) {
				return p, errf(http.StatusNotFound, "account", "no such account")
			}
			p.account = acc
		}
	case accountOrAll:
		if p.admin {
			p.account = r.URL.Query().Get("account") // optional narrowing
		}
	}
	return p, nil
}

// writeJSON writes v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

type errorBody struct {
	Error string   `json:"error"`
	Field string   `json:"field,omitempty"`
	IDs   []string `json:"ids,omitempty"`
}

// fail maps an error to its status and writes the JSON error.
func (a *api) fail(w http.ResponseWriter, r *http.Request, err error) {
	ae := toAPIError(err)
	if ae.status == http.StatusUnauthorized {
		w.Header().Add("WWW-Authenticate", `Basic realm="smscd", charset="UTF-8"`)
		w.Header().Add("WWW-Authenticate", `Bearer realm="smscd"`)
	}
	if ae.status >= 500 {
		a.log.Error("httpapi: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	writeJSON(w, ae.status, errorBody{Error: ae.msg, Field: ae.field})
}

func toAPIError(err error) *apiError {
	var ae *apiError
	var fe *smsc.FieldError
	var ce *smsc.ConfigError
	var mbe *http.MaxBytesError
	var st pdu.Status
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &mbe):
		return errf(http.StatusRequestEntityTooLarge, "body", "request body larger than %d bytes", mbe.Limit)
	case errors.As(err, &fe):
		return &apiError{status: http.StatusBadRequest, field: fe.Field, msg: fe.Msg}
	case errors.As(err, &ce):
		return &apiError{status: http.StatusBadRequest, field: ce.Key, msg: ce.Msg}
	case errors.Is(err, smsc.ErrUnknownMessage):
		return errf(http.StatusNotFound, "id", "no such message")
	case errors.Is(err, smsc.ErrIdempotencyMismatch):
		return errf(http.StatusUnprocessableEntity, "Idempotency-Key", "this Idempotency-Key was used with a different request")
	case errors.Is(err, smsc.ErrIdempotencyInProgress):
		return errf(http.StatusConflict, "Idempotency-Key", "a request with this Idempotency-Key is still in progress")
	case errors.Is(err, smsc.ErrBadToken):
		return errf(http.StatusNotFound, "id", "no such token")
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return errf(http.StatusServiceUnavailable, "", "request cancelled or timed out")
	case errors.As(err, &st):
		switch st {
		case pdu.StatusCancelFail:
			return errf(http.StatusConflict, "id", "the message is already in a final state")
		case pdu.StatusThrottled:
			return errf(http.StatusTooManyRequests, "", "throttled")
		case pdu.StatusInvDstAddr:
			return errf(http.StatusBadRequest, "to", "invalid destination address")
		case pdu.StatusInvSrcAddr:
			return errf(http.StatusBadRequest, "from", "invalid source address")
		case pdu.StatusSysErr, pdu.StatusQueryFail:
			return errf(http.StatusServiceUnavailable, "", "storage unavailable, retry later")
		}
		return errf(http.StatusInternalServerError, "", "%s", st.Error())
	}
	return errf(http.StatusInternalServerError, "", "internal error")
}

// decode reads one JSON object into v, refusing unknown fields, wrong types
// and trailing data, with the field named.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if err := dec.Decode(&struct{}{}); err != io.EOF {
		return errf(http.StatusBadRequest, "body", "the body must hold exactly one JSON object")
	}
	return nil
}

func jsonError(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return err
	case errors.Is(err, io.EOF):
		return errf(http.StatusBadRequest, "body", "the body must be a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errf(http.StatusBadRequest, "body", "truncated JSON")
	case errors.As(err, &se):
		return errf(http.StatusBadRequest, "body", "invalid JSON at offset %d: %s", se.Offset, se.Error())
	case errors.As(err, &te):
		if te.Field == "" {
			return errf(http.StatusBadRequest, "body", "the body must be a JSON object")
		}
		return errf(http.StatusBadRequest, te.Field, "must be %s, not %s", jsonKind(te.Type), te.Value)
	}
	if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		f, _ = strconv.Unquote(f)
		return errf(http.StatusBadRequest, f, "unknown field")
	}
	return errf(http.StatusBadRequest, "body", "%s", err.Error())
}

func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return t.String()
}

// queryInt parses an optional integer query parameter within [lo, hi].
func queryInt(r *http.Request, name string, def, lo, hi int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, errf(http.StatusBadRequest, name, "must be an integer from %d to %d", lo, hi)
	}
	return n, nil
}

// notFound answers unknown /api/ paths with JSON 404, and paths that exist
// with another method with JSON 405 and Allow.
func (a *api) notFound(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
		r2 := r.Clone(r.Context())
		r2.Method = m
		if _, pat := a.mux.Handler(r2); pat != "" && pat != "/api/" {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		writeJSON(w, http.StatusMethodNotAllowed, errorBody{Error: "method " + r.Method + " not allowed; use " + strings.Join(allow, ", ")})
		return
	}
	writeJSON(w, http.StatusNotFound, errorBody{Error: "no such endpoint: " + r.URL.Path})
}

func (a *api) healthz(w http.ResponseWriter, r *http.Request, _ principal) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz checks that the store answers and the SMPP listener is open.
func (a *api) readyz(w http.ResponseWriter, r *http.Request, _ principal) {
	checks := map[string]string{"store": "ok", "smpp": "ok"}
	ok := true
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if _, err := a.b.QueueDepth(ctx, "network"); err != nil {
		checks["store"], ok = err.Error(), false
	}
	if a.b.SMPPAddr() == nil {
		checks["smpp"], ok = "not listening", false
	}
	status, code := "ready", http.StatusOK
	if !ok {
		status, code = "unavailable", http.StatusServiceUnavailable
	}
	writeJSON(w, code, map[string]any{"status": status, "checks": checks})
}
