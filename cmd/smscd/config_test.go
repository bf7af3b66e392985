package main

import (
	"errors"
	"flag"
	"log/slog"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/smppstack/smpp/smsc/store"
)

func TestDefaults(t *testing.T) {
	t.Parallel()
	s, err := configure(nil, envFunc(nil))
	if err != nil {
		t.Fatal(err)
	}
	if s.cfg.SMPPAddr != "" || len(s.cfg.Accounts) != 0 { // smsc defaults the address to 127.0.0.1:2775
		t.Errorf("cfg %+v", s.cfg)
	}
	if s.httpAddr != "127.0.0.1:8080" || s.store.Dir != "data" || s.store.URL != "" {
		t.Errorf("http %q, store %+v", s.httpAddr, s.store)
	}
	if s.store.Sync != (store.Sync{Interval: time.Second}) {
		t.Errorf("sync %+v", s.store.Sync)
	}
	// Records outlive the default max_validity (7 days) by a day.
	if s.store.Retention != 8*24*time.Hour {
		t.Errorf("retention %v", s.store.Retention)
	}
	if s.logLevel != slog.LevelInfo || s.logFormat != "text" || s.configPath != "" {
		t.Errorf("log %v %q, config %q", s.logLevel, s.logFormat, s.configPath)
	}
}

// Every option: flags > environment > file > defaults.
func TestPrecedence(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := writeFile(t, dir, "smscd.yaml", `
smpp_addr: 127.0.0.1:1001
http_addr: 127.0.0.1:1002
node: filenode
storage:
  data: filedata
  nats_url: nats://file:4222
  fsync: always
log:
  level: debug
  format: json
`)
	type want struct {
		smpp, http, node, data, url string
		sync                        store.Sync
		level                       slog.Level
		format                      string
	}
	fileOnly := want{"127.0.0.1:1001", "127.0.0.1:1002", "filenode", "filedata", "nats://file:4222", store.Sync{Always: true}, slog.LevelDebug, "json"}
	allEnv := map[string]string{
		"SMSCD_SMPP_ADDR": "127.0.0.1:2001", "SMSCD_HTTP_ADDR": "127.0.0.1:2002", "SMSCD_NODE": "envnode",
		"SMSCD_DATA": "envdata", "SMSCD_NATS_URL": "nats://env:4222", "SMSCD_FSYNC": "batch",
		"SMSCD_LOG_LEVEL": "warn", "SMSCD_LOG_FORMAT": "text",
	}
	envWins := want{"127.0.0.1:2001", "127.0.0.1:2002", "envnode", "envdata", "nats://env:4222", store.Sync{Interval: 10 * time.Millisecond}, slog.LevelWarn, "text"}
	allFlags := []string{"--smpp-addr", "127.0.0.1:3001", "--http-addr", "127.0.0.1:3002", "--node", "flagnode",
		"--data", "flagdata", "--nats-url", "nats://flag:4222", "--fsync", "interval:2s",
		"--log-level", "error", "--log-format", "json"}
	flagsWin := want{"127.0.0.1:3001", "127.0.0.1:3002", "flagnode", "flagdata", "nats://flag:4222", store.Sync{Interval: 2 * time.Second}, slog.LevelError, "json"}

	tests := []struct {
		name string
		args []string
		env  map[string]string
		want want
	}{
		{"file", []string{"--config", file}, nil, fileOnly},
		{"env over file", []string{"--config", file}, allEnv, envWins},
		{"flags over env and file", append([]string{"--config", file}, allFlags...), allEnv, flagsWin},
		{"mixed", []string{"--config", file, "--fsync", "interval:2s", "--node", "flagnode"},
			map[string]string{"SMSCD_DATA": "envdata", "SMSCD_LOG_LEVEL": "warn", "SMSCD_NODE": "envnode", "SMSCD_FSYNC": "batch"},
			want{"127.0.0.1:1001", "127.0.0.1:1002", "flagnode", "envdata", "nats://file:4222", store.Sync{Interval: 2 * time.Second}, slog.LevelWarn, "json"}},
		{"config from env", nil, map[string]string{"SMSCD_CONFIG": file}, fileOnly},
		{"--config over SMSCD_CONFIG", []string{"--config", file}, map[string]string{"SMSCD_CONFIG": "no-such.yaml"}, fileOnly},
		{"empty env is unset", []string{"--config", file}, map[string]string{"SMSCD_DATA": "", "SMSCD_FSYNC": ""}, fileOnly},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := configure(tc.args, envFunc(tc.env))
			if err != nil {
				t.Fatal(err)
			}
			got := want{s.cfg.SMPPAddr, s.httpAddr, s.cfg.Node, s.store.Dir, s.store.URL, s.store.Sync, s.logLevel, s.logFormat}
			if got != tc.want {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestStorageSection(t *testing.T) {
	t.Parallel()
	file := writeFile(t, t.TempDir(), "smscd.yaml", `
max_validity: 24h
storage:
  retention: 36h
  replicas: 3
  prefix: SMSC_B
`)
	s, err := configure([]string{"--config", file}, envFunc(nil))
	if err != nil {
		t.Fatal(err)
	}
	if s.store.Retention != 36*time.Hour || s.store.Replicas != 3 || s.store.Prefix != "SMSC_B" {
		t.Errorf("store %+v", s.store)
	}
	// Without retention: the larger of 72h and max_validity+24h.
	file2 := writeFile(t, t.TempDir(), "smscd.yaml", "max_validity: 24h\n")
	if s, err := configure([]string{"--config", file2}, envFunc(nil)); err != nil || s.store.Retention != 72*time.Hour {
		t.Errorf("retention %v, %v", s.store.Retention, err)
	}
}

// An empty file, or one with only comments, is the default configuration.
func TestEmptyConfigFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, content := range []string{"", "\n", "# nothing yet\n", "---\n"} {
		f := writeFile(t, dir, "empty.yaml", content)
		if _, err := configure([]string{"--config", f}, envFunc(nil)); err != nil {
			t.Errorf("%q: %v", content, err)
		}
	}
}

// Anchors and aliases work, and errors inside an alias still name the key.
func TestYAMLAliases(t *testing.T) {
	t.Parallel()
	f := writeFile(t, t.TempDir(), "smscd.yaml", `
x-ips: &office [10.0.0.0/8]
`)
	_, err := configure([]string{"--config", f}, envFunc(nil))
	if err == nil || !strings.Contains(err.Error(), "x-ips: unknown key") {
		t.Errorf("err %v", err)
	}
	f = writeFile(t, t.TempDir(), "smscd.yaml", `
accounts:
  - system_id: a
    password: pa
    allow_ips: &office [10.0.0.0/8, 192.168.0.0/16]
  - system_id: b
    password: pb
    allow_ips: *office
`)
	s, err := configure([]string{"--config", f}, envFunc(nil))
	if err != nil {
		t.Fatal(err)
	}
	if got := s.cfg.Accounts[1].AllowIPs; len(got) != 2 {
		t.Errorf("alias: %v", got)
	}
}

func TestConfigureErrorKinds(t *testing.T) {
	t.Parallel()
	if _, err := configure([]string{"-h"}, envFunc(nil)); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v", err)
	}
	var ue *usageErr
	if _, err := configure([]string{"--nope"}, envFunc(nil)); !errors.As(err, &ue) {
		t.Errorf("--nope: %T %v", err, err)
	}
	f := writeFile(t, t.TempDir(), "bad.yaml", "window: x\n")
	if _, err := configure([]string{"--config", f}, envFunc(nil)); !errors.As(err, &ue) || !strings.Contains(err.Error(), filepath.Base(f)+":1") {
		t.Errorf("bad file: %T %v", err, err)
	}
}

func TestSuggest(t *testing.T) {
	t.Parallel()
	fields := yamlFields(reflect.TypeFor[fileConfig]())
	for typo, want := range map[string]string{
		"acounts":           "accounts",
		"smpp_address":      "smpp_addr",
		"smpp_adress":       "smpp_addr",
		"foo":               "",
		"Accounts":          "accounts",
		"distributionlists": "distribution_lists",
		"zzz":               "",
		"storag":            "storage",
	} {
		if got := suggest(typo, fields); got != want {
			t.Errorf("suggest(%q) = %q, want %q", typo, got, want)
		}
	}
}
