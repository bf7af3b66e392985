package main

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/smppstack/smpp/smsc"
	"github.com/smppstack/smpp/smsc/httpapi"
	"github.com/smppstack/smpp/smsc/web"
)

// httpBuilder builds the handler served on --http-addr.
type httpBuilder func(srv *smsc.Server, log *slog.Logger, adminToken string, loopback bool) http.Handler

// newHTTPHandler serves the HTTP API under /api/, /metrics, /healthz and
// /readyz, and the dashboard under /. On a loopback listener the dashboard
// page carries the admin token, so a local user opens it without a login.
func newHTTPHandler(srv *smsc.Server, log *slog.Logger, adminToken string, loopback bool) http.Handler {
	api := httpapi.New(srv, httpapi.Options{AdminToken: adminToken, Logger: log})
	mux := http.NewServeMux()
	for _, p := range []string{"/api/", "/metrics", "/healthz", "/readyz"} {
		mux.Handle(p, api)
	}
	opts := web.Options{}
	if loopback {
		opts.AdminToken = adminToken
	}
	mux.Handle("/", web.Handler(opts))
	return mux
}

func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// adminTokenFile returns the admin token kept in DATA/admin.token, creating
// it (mode 0600) on first use; created reports that it is new.
func adminTokenFile(dir string) (token string, created bool, err error) {
	path := filepath.Join(dir, "admin.token")
	b, err := os.ReadFile(path)
	if err == nil {
		t := strings.TrimSpace(string(b))
		if len(t) < 16 {
			return "", false, fmt.Errorf("%s: token shorter than 16 characters", path)
		}
		return t, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", false, err
	}
	var raw [24]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", false, err
	}
	t := base64.RawURLEncoding.EncodeToString(raw[:])
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", false, err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(t+"\n"), 0o600); err != nil {
		return "", false, err
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", false, err
	}
	return t, true, nil
}
