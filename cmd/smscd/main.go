// Command smscd runs the SMSC of the smpp project: the embeddable core of
// package smsc behind its SMPP front door, storing messages in NATS
// JetStream (embedded in-process by default, with no port opened).
//
// On a fresh clone, one command starts it:
//
//	go run ./cmd/smscd
//
// It listens for SMPP on 127.0.0.1:2775, keeps its data under ./data and
// prints how to connect. When the configuration defines no accounts it
// creates one, system_id "smppclient1", with a random 8-character password
// that is printed once, at the start that creates it; only the password's
// bcrypt hash is kept, in DATA/accounts.yaml (mode 0600), and later starts
// with the same data directory reuse that account without printing the
// password again. Delete the file to get a new account. Everything the
// account sends goes to the simulated handset network, which answers with
// delivery receipts.
//
// # Usage
//
//	smscd [--config FILE] [--smpp-addr HOST:PORT] [--http-addr HOST:PORT]
//	      [--data DIR] [--nats-url URL] [--fsync POLICY]
//	      [--log-level LEVEL] [--log-format text|json] [--node NAME]
//
// Settings are taken, highest precedence first, from the flags, the
// environment, the configuration file and the defaults:
//
//	flag          environment        YAML key           default
//	--config      SMSCD_CONFIG       -                  none
//	--smpp-addr   SMSCD_SMPP_ADDR    smpp_addr          127.0.0.1:2775
//	--http-addr   SMSCD_HTTP_ADDR    http_addr          127.0.0.1:8080
//	--data        SMSCD_DATA         storage.data       data
//	--nats-url    SMSCD_NATS_URL     storage.nats_url   none: embedded NATS
//	--fsync       SMSCD_FSYNC        storage.fsync      interval (1s)
//	--log-level   SMSCD_LOG_LEVEL    log.level          info
//	--log-format  SMSCD_LOG_FORMAT   log.format         text
//	--node        SMSCD_NODE         node               host name and pid
//
// --fsync is always (fsync every write before it is acknowledged), batch
// (every 10ms), interval, or interval:D. The HTTP address is reserved for
// the HTTP API and the dashboard; until they are built in, nothing listens
// there.
//
// # Configuration file
//
// The YAML file has every key of smsc.Config at the top level (system_id,
// smpp_addr, node, accounts, routes, distribution_lists, network,
// default_validity, max_validity, retry, lockout, max_conns_per_ip, window,
// enquire_link, bind_timeout, outbind_interval), plus http_addr, a storage
// section (data, nats_url, fsync, retention, replicas, prefix) and a log
// section (level, format). example.yaml beside this file documents them
// all. Passwords may be bcrypt hashes or plain (hashed when loaded).
// Unknown keys are errors. storage.retention defaults to the larger of 72h
// and max_validity plus a day, and must exceed max_validity.
//
// # Exit status
//
// 0 after a graceful shutdown (SIGINT or SIGTERM: stop accepting binds,
// unbind every session, finish in-flight requests, flush the store; 30s at
// most); 1 when the SMSC cannot start or stop cleanly (address in use,
// store unavailable); 2 for a bad flag, environment variable or
// configuration, with one line on stderr naming it:
//
//	smscd: config accounts[1].allow_ips[0]: "10.0.0.300" is not an IP address or CIDR (smscd.yaml:14)
//
// Logs are structured (log/slog) on stderr; passwords never appear in them.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/smppstack/smpp/smsc"
)

const (
	exitOK      = 0
	exitRuntime = 1
	exitUsage   = 2

	shutdownTimeout = 30 * time.Second
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // a second signal kills at once
	}()
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is smscd: it starts the SMSC, prints how to connect on stdout, logs
// on stderr, and shuts down gracefully when ctx is done. It returns the
// exit status.
func run(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) int {
	return runWith(ctx, args, env, stdout, stderr, newHTTPHandler)
}

// runWith is run with the builder of the HTTP handler given (tests replace
// the API and dashboard with a stub).
func runWith(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer, httpHandler httpBuilder) int {
	stderr = &syncWriter{w: stderr}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(stderr, "smscd: %s\n", strings.ReplaceAll(fmt.Sprintf(format, a...), "\n", " "))
		return code
	}
	s, err := configure(args, env)
	if errors.Is(err, flag.ErrHelp) {
		usage(stderr)
		return exitOK
	}
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	log := newLogger(stderr, s.logLevel, s.logFormat)

	// Without configured accounts, use (or create) the generated one.
	var generated struct {
		password, path string
		used           bool
	}
	if len(s.cfg.Accounts) == 0 {
		accs, pw, path, err := generatedAccounts(s.store.Dir)
		var ue *usageErr
		switch {
		case errors.As(err, &ue):
			return fail(exitUsage, "%v", err)
		case err != nil:
			return fail(exitRuntime, "accounts file: %v", unwrapPathError(err))
		}
		if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
			log.Warn("smscd: accounts file is readable by others; chmod 600 it", "path", path, "mode", fi.Mode().Perm().String())
		}
		s.cfg.Accounts = accs
		generated.password, generated.path, generated.used = pw, path, true
		if pw != "" {
			log.Info("smscd: generated an account; its password is printed on stdout once and kept only as a bcrypt hash", "system_id", accs[0].SystemID, "path", path)
		}
	}

	srv, err := smsc.New(s.cfg, smsc.WithStoreOptions(s.store), smsc.WithLogger(log), smsc.WithBcryptCost(bcryptCost))
	if err != nil {
		var ce *smsc.ConfigError
		if generated.used && errors.As(err, &ce) && strings.HasPrefix(ce.Key, "accounts[") {
			return fail(exitUsage, "%s: %s: %s", generated.path, ce.Key, ce.Msg)
		}
		if errors.As(err, &ce) {
			return fail(exitUsage, "%v", s.configError(err))
		}
		return fail(exitRuntime, "%v", err)
	}
	if err := srv.Start(ctx); err != nil {
		if ctx.Err() != nil {
			return fail(exitRuntime, "interrupted while starting")
		}
		return fail(exitRuntime, "cannot start: %v", err)
	}

	adminToken, newToken := s.adminToken, false
	if adminToken == "" {
		adminToken, newToken, err = adminTokenFile(s.store.Dir)
		if err != nil {
			srv.Shutdown(context.Background())
			return fail(exitRuntime, "admin token: %v", unwrapPathError(err))
		}
	}
	var hs *http.Server
	httpAddr := ""
	if httpHandler != nil {
		l, err := net.Listen("tcp", s.httpAddr)
		if err != nil {
			srv.Shutdown(context.Background())
			return fail(exitRuntime, "cannot start: HTTP: %v", err)
		}
		httpAddr = l.Addr().String()
		hs = &http.Server{
			Handler:           httpHandler(srv, log, adminToken, isLoopback(httpAddr)),
			ReadHeaderTimeout: 10 * time.Second,
			ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		}
		go hs.Serve(l)
	}

	smppAddr := srv.SMPPAddr().String()
	printBanner(stdout, banner{
		smppAddr:  smppAddr,
		httpAddr:  httpAddr,
		httpWant:  s.httpAddr,
		settings:  s,
		generated: generated.used,
		password:  generated.password,
		path:      generated.path,
		newToken:  newToken,
		token:     adminToken,
	})
	log.Info("smscd: ready", "smpp", smppAddr, "http", httpAddr, "data", s.store.Dir, "nats", s.store.URL != "")

	<-ctx.Done()
	log.Info("smscd: shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	var errs []error
	if hs != nil {
		if err := hs.Shutdown(sctx); err != nil {
			errs = append(errs, fmt.Errorf("HTTP: %w", err))
		}
	}
	if err := srv.Shutdown(sctx); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		log.Error("smscd: unclean shutdown", "err", err)
		return fail(exitRuntime, "shutdown: %v", err)
	}
	log.Info("smscd: stopped")
	return exitOK
}

type banner struct {
	smppAddr, httpAddr, httpWant string
	settings                     *settings
	generated                    bool
	password, path               string
	newToken                     bool   // the admin token was just generated: print it once
	token                        string // the admin token
}

// printBanner tells a person how to connect. Tests read the "smpp:" and
// "password:" lines.
func printBanner(w io.Writer, b banner) {
	s := b.settings
	var sb strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&sb, format+"\n", a...) }
	p("smscd is running")
	p("  smpp:      %s", b.smppAddr)
	if b.httpAddr != "" {
		p("  http:      %s", b.httpAddr)
		p("  dashboard: http://%s/", dialable(b.httpAddr))
	}
	if s.store.URL != "" {
		p("  storage:   NATS at %s", s.store.URL)
	} else {
		p("  data:      %s (embedded JetStream, no port opened)", s.store.Dir)
	}
	if s.configPath != "" {
		p("  config:    %s", s.configPath)
	}
	systemID, password := s.cfg.Accounts[0].SystemID, "PASSWORD"
	switch {
	case b.generated && b.password != "":
		password = b.password
		p("  system_id: %s", systemID)
		p("  password:  %s", b.password)
		p("  (generated now and shown only this once: only its bcrypt hash is kept, in %s)", b.path)
	case b.generated:
		p("  system_id: %s", systemID)
		p("  (its password was printed when %s was created; delete that file for a new one)", b.path)
	default:
		ids := make([]string, len(s.cfg.Accounts))
		for i, a := range s.cfg.Accounts {
			ids[i] = a.SystemID
		}
		p("  accounts:  %s (passwords as configured)", strings.Join(ids, ", "))
	}
	if b.newToken {
		p("  admin token: %s", b.token)
		p("  (generated now for the admin API and dashboard, kept in %s)", filepath.Join(s.store.Dir, "admin.token"))
	}
	p("send a message and wait for its delivery receipt:")
	p("  go run ./cmd/smpp send --addr %s --system-id %s --password %s --from 12345 --to 33612345678 --text \"Hello\" --dlr",
		dialable(b.smppAddr), systemID, password)
	p("stop with Ctrl-C or SIGTERM")
	io.WriteString(w, sb.String())
}

// dialable turns a wildcard listen address into one a client can dial.
func dialable(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		if ip.To4() != nil {
			host = "127.0.0.1"
		} else {
			host = "::1"
		}
	}
	return net.JoinHostPort(host, port)
}

func newLogger(w io.Writer, level slog.Level, format string) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func usage(w io.Writer) {
	fs, _, _ := newFlagSet()
	fmt.Fprint(w, `usage: smscd [flags]

Runs the SMSC: SMPP on --smpp-addr, messages stored in NATS JetStream
(embedded, under --data, unless --nats-url is given). Without configured
accounts it creates one and prints its password once.
Precedence: flags > environment > --config file > defaults.

flags:
`)
	fs.SetOutput(w)
	fs.PrintDefaults()
	fmt.Fprint(w, `
exit status: 0 after SIGINT/SIGTERM and a clean shutdown, 1 runtime failure,
2 bad flag, environment variable or configuration.
`)
}

// syncWriter serializes writes: the logger and run's own messages share
// stderr.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
