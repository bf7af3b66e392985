package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// smscd serves the HTTP API and the dashboard on --http-addr; the admin
// token it generated is kept in the data directory and accepted by the API.
func TestHTTPServed(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	d := start(t, []string{"--data", data, "--smpp-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0"}, nil)
	m := regexp.MustCompile(`(?m)^  http: +(\S+)$`).FindStringSubmatch(d.stdout.String())
	if m == nil {
		t.Fatalf("no http line:\n%s", d.stdout)
	}
	base := "http://" + m[1]
	tok, err := os.ReadFile(filepath.Join(data, "admin.token"))
	if err != nil {
		t.Fatal(err)
	}
	get := func(path, token string) (int, string) {
		req, _ := http.NewRequest("GET", base+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := get("/healthz", ""); code != 200 {
		t.Errorf("/healthz: %d", code)
	}
	if code, body := get("/", ""); code != 200 || !strings.Contains(body, "<html") {
		t.Errorf("dashboard: %d %.80q", code, body)
	}
	if code, _ := get("/api/v1/admin/accounts", ""); code != 401 {
		t.Errorf("admin API without a token: %d, want 401", code)
	}
	if code, body := get("/api/v1/admin/accounts", strings.TrimSpace(string(tok))); code != 200 || !strings.Contains(body, "smppclient1") {
		t.Errorf("admin API with the generated token: %d %s", code, body)
	}
	if code, body := get("/metrics", ""); code != 200 || !strings.Contains(body, "# TYPE") {
		t.Errorf("/metrics: %d", code)
	}
}
