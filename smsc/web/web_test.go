package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/smppstack/smpp/smsc/web"
)

func get(t *testing.T, h http.Handler, target string, mod func(*http.Request)) *http.Response {
	t.Helper()
	r := httptest.NewRequest("GET", target, nil)
	if mod != nil {
		mod(r)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Result()
}

func body(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestIndex(t *testing.T) {
	h := web.Handler(web.Options{})
	res := get(t, h, "/", nil)
	if res.StatusCode != 200 {
		t.Fatalf("GET / = %d", res.StatusCode)
	}
	b := body(t, res)
	for _, want := range []string{`<meta name="smsc-api" content="/api/v1">`, `<title>smscd dashboard</title>`, `src="js/app.js"`, `href="app.css"`} {
		if !strings.Contains(b, want) {
			t.Errorf("index.html lacks %s", want)
		}
	}
	if strings.Contains(b, "smsc-admin-token") {
		t.Error("index.html carries a token without Options.AdminToken")
	}
	hdr := res.Header
	if ct := hdr.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if csp := hdr.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "unsafe") {
		t.Errorf("Content-Security-Policy %q", csp)
	}
	if hdr.Get("Cache-Control") != "no-store" || hdr.Get("X-Content-Type-Options") != "nosniff" || hdr.Get("X-Frame-Options") != "DENY" {
		t.Errorf("headers %v", hdr)
	}
}

func TestOptions(t *testing.T) {
	h := web.Handler(web.Options{API: "/smsc/api/", Title: `A&B "SMSC"`})
	b := body(t, get(t, h, "/index.html", nil))
	if !strings.Contains(b, `<meta name="smsc-api" content="/smsc/api">`) {
		t.Errorf("API option not applied:\n%s", b)
	}
	if !strings.Contains(b, `<title>A&amp;B &#34;SMSC&#34; dashboard</title>`) {
		t.Errorf("title not escaped:\n%s", b)
	}
}

// The admin token goes only to pages asked for over loopback, by a
// loopback host name.
func TestAdminTokenInjection(t *testing.T) {
	const tok = `tok"<en>`
	h := web.Handler(web.Options{AdminToken: tok})
	for _, c := range []struct {
		remote, host string
		want         bool
	}{
		{"127.0.0.1:5555", "127.0.0.1:8080", true},
		{"127.0.0.1:5555", "localhost:8080", true},
		{"[::1]:5555", "[::1]:8080", true},
		{"127.0.0.1:5555", "evil.example:8080", false}, // DNS rebinding
		{"192.0.2.7:5555", "127.0.0.1:8080", false},    // not from this host
		{"192.0.2.7:5555", "smsc.example", false},
		{"bogus", "127.0.0.1", false},
	} {
		b := body(t, get(t, h, "/", func(r *http.Request) { r.RemoteAddr, r.Host = c.remote, c.host }))
		got := strings.Contains(b, `<meta name="smsc-admin-token" content="tok&#34;&lt;en&gt;">`)
		if got != c.want {
			t.Errorf("remote %s host %s: token injected %v, want %v", c.remote, c.host, got, c.want)
		}
		if !c.want && strings.Contains(b, "tok") {
			t.Errorf("remote %s host %s: token leaked:\n%s", c.remote, c.host, b)
		}
	}
}

func TestAssets(t *testing.T) {
	h := web.Handler(web.Options{})
	for path, ct := range map[string]string{
		"/app.css":            "text/css; charset=utf-8",
		"/js/app.js":          "text/javascript; charset=utf-8",
		"/js/pdu.js":          "text/javascript; charset=utf-8",
		"/js/views/phones.js": "text/javascript; charset=utf-8",
		"/favicon.svg":        "image/svg+xml",
	} {
		res := get(t, h, path, nil)
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != ct {
			t.Errorf("GET %s = %d %q, want 200 %q", path, res.StatusCode, res.Header.Get("Content-Type"), ct)
			continue
		}
		etag := res.Header.Get("ETag")
		if etag == "" || res.Header.Get("Cache-Control") != "no-cache" {
			t.Errorf("GET %s: ETag %q Cache-Control %q", path, etag, res.Header.Get("Cache-Control"))
			continue
		}
		res = get(t, h, path, func(r *http.Request) { r.Header.Set("If-None-Match", etag) })
		if res.StatusCode != http.StatusNotModified {
			t.Errorf("GET %s with its ETag = %d, want 304", path, res.StatusCode)
		}
	}
	for _, path := range []string{"/nope", "/js/", "/static/app.css", "/api/v1/stats", "/../web.go"} {
		if res := get(t, h, path, nil); res.StatusCode != 404 {
			t.Errorf("GET %s = %d, want 404", path, res.StatusCode)
		}
	}
	r := httptest.NewRequest("POST", "/", strings.NewReader("x"))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST / = %d Allow %q", w.Code, w.Header().Get("Allow"))
	}
	r = httptest.NewRequest("HEAD", "/app.css", nil)
	w = httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 200 || w.Body.Len() != 0 {
		t.Errorf("HEAD /app.css = %d with %d bytes", w.Code, w.Body.Len())
	}
}

// Every local file the page loads exists: the index's links, and every
// module the scripts import (a typo would only show in a browser).
func TestReferencesResolve(t *testing.T) {
	h := web.Handler(web.Options{})
	seen := map[string]bool{}
	var visit func(path string)
	importRE := regexp.MustCompile(`(?m)^\s*import\s+(?:[^'"]*?from\s+)?['"]([^'"]+)['"]|import\(['"]([^'"]+)['"]\)`)
	visit = func(path string) {
		if seen[path] {
			return
		}
		seen[path] = true
		res := get(t, h, path, nil)
		if res.StatusCode != 200 {
			t.Errorf("%s: %d", path, res.StatusCode)
			return
		}
		if !strings.HasSuffix(path, ".js") {
			return
		}
		dir := path[:strings.LastIndex(path, "/")+1]
		for _, m := range importRE.FindAllStringSubmatch(body(t, res), -1) {
			ref := m[1] + m[2]
			if !strings.HasPrefix(ref, "./") && !strings.HasPrefix(ref, "../") {
				t.Errorf("%s imports %q: only relative imports of local files are allowed", path, ref)
				continue
			}
			visit(resolve(dir, ref))
		}
	}
	index := body(t, get(t, h, "/", nil))
	for _, m := range regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(index, -1) {
		ref := m[1]
		if strings.Contains(ref, "//") || strings.HasPrefix(ref, "#") {
			t.Errorf("index.html loads %q: only local files are allowed", ref)
			continue
		}
		visit(resolve("/", ref))
	}
	if !seen["/js/views/network.js"] || !seen["/js/pdu.js"] {
		t.Errorf("the import walk missed modules: %v", seen)
	}
}

func resolve(dir, ref string) string {
	p := dir + strings.TrimPrefix(ref, "./")
	for strings.Contains(p, "/../") {
		i := strings.Index(p, "/../")
		j := strings.LastIndex(p[:i], "/")
		p = p[:j] + p[i+3:]
	}
	return p
}
