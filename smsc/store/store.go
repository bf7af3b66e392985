// Package store keeps smscd's durable state on NATS JetStream (design
// README §2): an in-process nats-server with a file store under the data
// directory by default (no port opened), or an external NATS cluster by URL
// — one code path.
//
// Layout:
//   - stream <P>_MT, subjects <p>.mt.<target>: accepted messages awaiting
//     delivery, one durable pull consumer per target (an account's system_id,
//     or "_net" for the simulated handset network). The stream sequence is the
//     message_id. Acked after the peer's deliver_sm_resp.
//   - KV <P>_STATE: the latest state of each message, keyed r.<owner>.<id>
//     when the owner asked for a receipt (the owner's receipt consumer reads
//     these keys' stream, so the state record is the receipt queue item) or
//     n.<owner>.<id> otherwise; d.<id> marks a receipt delivered.
//   - KV <P>_CTRL: cancellations and replacements, watched by every node.
//   - KV <P>_ACCOUNTS: accounts created at runtime.
//
// A message is acknowledged to the submitter only after its MT record is
// stored (PubAck), and a delivery is acknowledged in JetStream only after its
// outcome is stored, so a crash at any point loses nothing; redeliveries are
// checked against the state records so a peer that acknowledged a message
// does not get it again.
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Sync is the fsync policy of the embedded file store.
type Sync struct {
	// Always fsyncs every write before it is acknowledged.
	Always bool
	// Interval fsyncs periodically (default 1s when Always is false). Writes
	// reach the operating system before they are acknowledged either way, so
	// a crash of the process loses nothing; a power loss may lose the last
	// interval.
	Interval time.Duration
}

// ParseSync parses "always", "batch" (fsync every 10ms, a group commit) or
// "interval" / "interval:D" (default 1s).
func ParseSync(s string) (Sync, error) {
	switch {
	case s == "" || s == "interval":
		return Sync{Interval: time.Second}, nil
	case s == "always":
		return Sync{Always: true}, nil
	case s == "batch":
		return Sync{Interval: 10 * time.Millisecond}, nil
	case strings.HasPrefix(s, "interval:"):
		d, err := time.ParseDuration(strings.TrimPrefix(s, "interval:"))
		if err != nil || d <= 0 {
			return Sync{}, fmt.Errorf("store: bad fsync interval %q", s)
		}
		return Sync{Interval: d}, nil
	}
	return Sync{}, fmt.Errorf("store: unknown fsync policy %q (want always, batch, interval or interval:DURATION)", s)
}

// Options configures Open.
type Options struct {
	// Dir is the data directory of the embedded server (ignored with URL).
	Dir string
	// URL connects to an external NATS server or cluster instead of
	// embedding one.
	URL string
	// Sync is the fsync policy of the embedded server.
	Sync Sync
	// Retention bounds how long records are kept (default 72h); it must
	// exceed the longest validity period.
	Retention time.Duration
	// Replicas for streams on an external cluster (default 1).
	Replicas int
	// Prefix names the streams and subjects (default "SMSC"), so several
	// independent SMSCs can share one NATS.
	Prefix string
	// Memory uses in-memory streams (tests and throw-away simulators).
	Memory bool
	// Logger receives the NATS client's asynchronous errors (default: none).
	Logger *slog.Logger
}

// Store is an open connection to the JetStream storage.
type Store struct {
	opts Options
	ns   *server.Server // embedded server, nil with URL
	nc   *nats.Conn     // writes: publishes, KV
	js   jetstream.JetStream
	ncc  *nats.Conn // consumers and their acks
	jsc  jetstream.JetStream

	mt       jetstream.Stream
	state    jetstream.KeyValue
	ctrl     jetstream.KeyValue
	accounts jetstream.KeyValue
	binds    jetstream.KeyValue // bound sessions per account, for max_binds across nodes

	prefix  string // lower-case subject prefix
	mtName  string
	kvState string
}

// Open starts the embedded server (or connects to opts.URL) and makes sure
// the streams and buckets exist.
func Open(ctx context.Context, opts Options) (*Store, error) {
	if opts.Retention <= 0 {
		opts.Retention = 72 * time.Hour
	}
	if opts.Replicas <= 0 {
		opts.Replicas = 1
	}
	if opts.Prefix == "" {
		opts.Prefix = "SMSC"
	}
	s := &Store{opts: opts, prefix: strings.ToLower(opts.Prefix)}
	s.mtName = opts.Prefix + "_MT"
	s.kvState = opts.Prefix + "_STATE"
	var err error
	if opts.URL == "" {
		if err := s.startEmbedded(); err != nil {
			return nil, err
		}
	}
	// Two connections: one for writes (publishes, KV), one for the
	// consumers, so that deliveries and their acks do not queue behind
	// publishes on one socket (or, embedded, one in-process pipe).
	if s.nc, err = s.connect("smscd"); err != nil {
		s.Close()
		return nil, err
	}
	if s.ncc, err = s.connect("smscd-consumers"); err != nil {
		s.Close()
		return nil, err
	}
	s.js, err = jetstream.New(s.nc, jetstream.WithPublishAsyncMaxPending(8192))
	if err == nil {
		s.jsc, err = jetstream.New(s.ncc)
	}
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("store: %w", err)
	}
	if err := s.setup(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) startEmbedded() error {
	if s.opts.Dir == "" {
		return errors.New("store: data directory is required for the embedded server")
	}
	dir, err := filepath.Abs(filepath.Join(s.opts.Dir, "jetstream"))
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("store: data directory: %w", err)
	}
	sync := s.opts.Sync
	if !sync.Always && sync.Interval <= 0 {
		sync.Interval = time.Second
	}
	ns, err := server.NewServer(&server.Options{
		ServerName:   "smscd",
		JetStream:    true,
		StoreDir:     dir,
		DontListen:   true,
		NoSigs:       true,
		NoLog:        true,
		SyncAlways:   sync.Always,
		SyncInterval: sync.Interval,
		MaxPayload:   8 << 20,
	})
	if err != nil {
		return fmt.Errorf("store: embedded NATS: %w", err)
	}
	ns.Start()
	if !ns.ReadyForConnections(30 * time.Second) {
		ns.Shutdown()
		return errors.New("store: embedded NATS did not start")
	}
	s.ns = ns
	return nil
}

// connect opens a connection to the embedded server (in-process, no port)
// or to opts.URL.
func (s *Store) connect(name string) (*nats.Conn, error) {
	if s.ns != nil {
		nc, err := nats.Connect("", nats.InProcessServer(s.ns), nats.Name(name), s.errorHandler())
		if err != nil {
			return nil, fmt.Errorf("store: in-process connection: %w", err)
		}
		return nc, nil
	}
	nc, err := nats.Connect(s.opts.URL, nats.Name(name), nats.MaxReconnects(-1),
		nats.ReconnectWait(250*time.Millisecond), nats.ReconnectBufSize(64<<20), s.errorHandler())
	if err != nil {
		return nil, fmt.Errorf("store: connect to %s: %w", s.opts.URL, err)
	}
	return nc, nil
}

// errorHandler routes the NATS client's asynchronous errors to the logger
// instead of stderr; errors of subscriptions torn down while closing are
// expected and dropped.
func (s *Store) errorHandler() nats.Option {
	return nats.ErrorHandler(func(nc *nats.Conn, sub *nats.Subscription, err error) {
		if s.opts.Logger == nil || nc.IsClosed() || nc.IsDraining() || errors.Is(err, nats.ErrConsumerNotFound) {
			return
		}
		subj := ""
		if sub != nil {
			subj = sub.Subject
		}
		s.opts.Logger.Warn("store: NATS error", "subject", subj, "err", err)
	})
}

func (s *Store) storage() jetstream.StorageType {
	if s.opts.Memory {
		return jetstream.MemoryStorage
	}
	return jetstream.FileStorage
}

func (s *Store) setup(ctx context.Context) error {
	var err error
	s.mt, err = s.js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:        s.mtName,
		Subjects:    []string{s.prefix + ".mt.>"},
		Storage:     s.storage(),
		Retention:   jetstream.LimitsPolicy,
		MaxAge:      s.opts.Retention,
		Replicas:    s.opts.Replicas,
		AllowDirect: true,
		Discard:     jetstream.DiscardOld,
	})
	if err != nil {
		return fmt.Errorf("store: stream %s: %w", s.mtName, err)
	}
	kv := func(name string, ttl time.Duration, history uint8) (jetstream.KeyValue, error) {
		b, err := s.js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
			Bucket:   name,
			Storage:  s.storage(),
			Replicas: s.opts.Replicas,
			TTL:      ttl,
			History:  history,
		})
		if err != nil {
			return nil, fmt.Errorf("store: bucket %s: %w", name, err)
		}
		return b, nil
	}
	if s.state, err = kv(s.kvState, s.opts.Retention, 1); err != nil {
		return err
	}
	if s.ctrl, err = kv(s.opts.Prefix+"_CTRL", s.opts.Retention, 1); err != nil {
		return err
	}
	if s.accounts, err = kv(s.opts.Prefix+"_ACCOUNTS", 0, 5); err != nil {
		return err
	}
	if s.binds, err = kv(s.opts.Prefix+"_BINDS", 0, 1); err != nil {
		return err
	}
	return nil
}

// OnReconnect calls fn each time the connection to NATS is re-established
// (an external server restarted: consumer state it had not persisted may
// be lost, so the caller re-checks deliveries).
func (s *Store) OnReconnect(fn func()) {
	s.nc.SetReconnectHandler(func(*nats.Conn) { fn() })
	s.ncc.SetReconnectHandler(func(*nats.Conn) { fn() })
}

// JetStream returns the JetStream context (for tools and tests).
func (s *Store) JetStream() jetstream.JetStream { return s.js }

// Conn returns the NATS connection.
func (s *Store) Conn() *nats.Conn { return s.nc }

// Close drains the connection and stops the embedded server, flushing the
// file store.
func (s *Store) Close() error {
	for _, nc := range []*nats.Conn{s.ncc, s.nc} {
		if nc == nil {
			continue
		}
		closed := make(chan struct{})
		nc.SetClosedHandler(func(*nats.Conn) { close(closed) })
		if nc.Drain() == nil {
			select {
			case <-closed:
			case <-time.After(5 * time.Second):
			}
		}
		nc.Close()
	}
	if s.ns != nil {
		s.ns.Shutdown()
		s.ns.WaitForShutdown()
	}
	return nil
}
