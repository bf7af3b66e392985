// Package web serves the smscd dashboard: a single-page application of
// plain HTML, CSS and JavaScript embedded in the binary. It needs no build
// step and loads nothing from other origins: the page talks only to the
// HTTP API of package httpapi on the same origin (under /api/v1 by
// default), with the admin bearer token, and follows the SMSC live through
// the API's event stream.
//
// Mount it at the root, beside the API:
//
//	mux := http.NewServeMux()
//	mux.Handle("/api/v1/", api)
//	mux.Handle("/", web.Handler(web.Options{}))
//
// The page asks for the admin token once and keeps it in the tab's
// sessionStorage. For local use, Options.AdminToken hands the token to
// pages opened on a loopback address so that they need no login.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"html/template"
	"io/fs"
	"mime"
	"net"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed static
var static embed.FS

// Options configure the dashboard.
type Options struct {
	// API is the path of the HTTP API the page calls (default "/api/v1").
	API string
	// AdminToken, when set, is written into pages requested over loopback
	// (the client's address and the Host header both loopback, e.g.
	// http://127.0.0.1:8080/), so that a local dashboard opens without a
	// login. Other requests get the login form as usual. Set it only when
	// the HTTP listener is on a loopback address and no reverse proxy
	// forwards to it: a proxy on the same host makes every request look
	// local.
	AdminToken string
	// Title is shown in the header and the window title (default "smscd").
	Title string
}

// Handler returns the dashboard: index.html at "/" and its assets below
// it. It answers GET and HEAD only, and 404 for paths it does not know, so
// it can be mounted at "/" of a mux that routes /api/v1/ elsewhere.
func Handler(opts Options) http.Handler {
	if opts.API == "" {
		opts.API = "/api/v1"
	}
	opts.API = strings.TrimSuffix(opts.API, "/")
	if opts.Title == "" {
		opts.Title = "smscd"
	}
	sub, err := fs.Sub(static, "static")
	if err != nil {
		panic(err)
	}
	h := &handler{opts: opts, assets: map[string]asset{}}
	err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, p)
		if err != nil {
			return err
		}
		if p == "index.html" {
			h.index = template.Must(template.New(p).Parse(string(b)))
			return nil
		}
		sum := sha256.Sum256(b)
		ct := mime.TypeByExtension(path.Ext(p))
		if ct == "" {
			ct = http.DetectContentType(b)
		}
		h.assets["/"+p] = asset{body: b, ctype: ct, etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`}
		return nil
	})
	if err != nil || h.index == nil {
		panic("web: embedded assets: missing index.html")
	}
	return h
}

type asset struct {
	body  []byte
	ctype string
	etag  string
}

type handler struct {
	opts   Options
	index  *template.Template
	assets map[string]asset
}

// csp allows nothing but this origin: no inline script or style, no
// framing, no form posts elsewhere.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

var modTime = time.Unix(0, 0)

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Security-Policy", csp)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "no-referrer")
	hdr.Set("X-Frame-Options", "DENY")
	p := r.URL.Path
	if p == "/" || p == "/index.html" {
		h.serveIndex(w, r)
		return
	}
	a, ok := h.assets[p]
	if !ok {
		http.NotFound(w, r)
		return
	}
	hdr.Set("Content-Type", a.ctype)
	hdr.Set("ETag", a.etag)
	hdr.Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, "", modTime, bytes.NewReader(a.body))
}

func (h *handler) serveIndex(w http.ResponseWriter, r *http.Request) {
	data := struct {
		Title, API, Token string
	}{Title: h.opts.Title, API: h.opts.API}
	if h.opts.AdminToken != "" && local(r) {
		data.Token = h.opts.AdminToken
	}
	var buf bytes.Buffer
	if err := h.index.Execute(&buf, data); err != nil {
		http.Error(w, "dashboard template: "+err.Error(), http.StatusInternalServerError)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	// The page may carry the token: never cache it.
	hdr.Set("Cache-Control", "no-store")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(buf.Bytes()))
}

// local reports whether r comes from a loopback address and names a
// loopback host (so a DNS-rebound name never gets the token).
func local(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return false
	}
	name := r.Host
	if h, _, err := net.SplitHostPort(name); err == nil {
		name = h
	}
	name = strings.TrimSuffix(strings.TrimPrefix(name, "["), "]")
	if strings.EqualFold(name, "localhost") {
		return true
	}
	ip = net.ParseIP(name)
	return ip != nil && ip.IsLoopback()
}
