package main

// Configuration: the YAML file, the SMSCD_* environment and the flags,
// merged with the precedence flags > environment > file > defaults, and
// checked so that every mistake stops smscd with one line naming the key
// (and, for the file, its line).

import (
	"bytes"
	"encoding"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/smppstack/smpp/smsc"
	"github.com/smppstack/smpp/smsc/store"
)

// Defaults of the settings smsc.Config does not default itself.
const (
	defaultHTTPAddr  = "127.0.0.1:8080"
	defaultDataDir   = "data"
	defaultRetention = 72 * time.Hour     // the store's own default
	smscMaxValidity  = 7 * 24 * time.Hour // smsc.Config's default max_validity
)

// fileConfig is the YAML configuration file: every key of smsc.Config at the
// top level, plus the keys only the daemon reads (http_addr, storage, log).
type fileConfig struct {
	smsc.Config `yaml:",inline"`
	// HTTPAddr is where the HTTP API listens (default 127.0.0.1:8080).
	HTTPAddr string `yaml:"http_addr"`
	// AdminToken authorises the admin API and the dashboard (default: a
	// token generated once and kept in DATA/admin.token).
	AdminToken string `yaml:"admin_token"`
	// Storage is where and how messages are kept.
	Storage storageConfig `yaml:"storage"`
	// Log configures the structured log on stderr.
	Log logConfig `yaml:"log"`
}

// storageConfig maps onto store.Options.
type storageConfig struct {
	Data      string        `yaml:"data"`      // data directory (default ./data)
	NATSURL   string        `yaml:"nats_url"`  // external NATS instead of the embedded server
	Fsync     string        `yaml:"fsync"`     // always | batch | interval | interval:D
	Retention smsc.Duration `yaml:"retention"` // default max(72h, max_validity+24h)
	Replicas  int           `yaml:"replicas"`  // on an external cluster (default 1)
	Prefix    string        `yaml:"prefix"`    // stream and subject prefix (default SMSC)
}

type logConfig struct {
	Level  string `yaml:"level"`  // debug | info | warn | error (default info)
	Format string `yaml:"format"` // text | json (default text)
}

// settings is the resolved configuration run starts the SMSC with.
type settings struct {
	cfg        smsc.Config
	httpAddr   string
	adminToken string
	store      store.Options
	logLevel   slog.Level
	logFormat  string

	configPath string         // "" without a file
	lines      map[string]int // YAML key path → line in configPath
}

// option is a setting that the file, the environment and a flag can all
// give. One table drives the three, so they cannot drift apart.
type option struct {
	flag, env, key string // --flag, SMSCD_ENV, YAML key path
	usage          string
	field          func(*fileConfig) *string
	check          func(string) error // nil: any value
}

var options = []option{
	{"smpp-addr", "SMSCD_SMPP_ADDR", "smpp_addr", "SMPP listen address `HOST:PORT` (default 127.0.0.1:2775)",
		func(c *fileConfig) *string { return &c.SMPPAddr }, checkHostPort},
	{"http-addr", "SMSCD_HTTP_ADDR", "http_addr", "HTTP API listen address `HOST:PORT` (default " + defaultHTTPAddr + ")",
		func(c *fileConfig) *string { return &c.HTTPAddr }, checkHostPort},
	{"admin-token", "SMSCD_ADMIN_TOKEN", "admin_token", "admin API and dashboard `TOKEN` (default: generated once, kept in DATA/admin.token)",
		func(c *fileConfig) *string { return &c.AdminToken }, checkAdminToken},
	{"data", "SMSCD_DATA", "storage.data", "data `DIR`: the embedded JetStream store and accounts.yaml (default ./data)",
		func(c *fileConfig) *string { return &c.Storage.Data }, nil},
	{"nats-url", "SMSCD_NATS_URL", "storage.nats_url", "use the NATS server or cluster at `URL` instead of the embedded one",
		func(c *fileConfig) *string { return &c.Storage.NATSURL }, checkNATSURL},
	{"fsync", "SMSCD_FSYNC", "storage.fsync", "fsync `POLICY` of the embedded store: always, batch, interval or interval:D (default interval:1s)",
		func(c *fileConfig) *string { return &c.Storage.Fsync }, checkFsync},
	{"log-level", "SMSCD_LOG_LEVEL", "log.level", "log `LEVEL`: debug, info, warn or error (default info)",
		func(c *fileConfig) *string { return &c.Log.Level }, checkLogLevel},
	{"log-format", "SMSCD_LOG_FORMAT", "log.format", "log `FORMAT`: text or json (default text)",
		func(c *fileConfig) *string { return &c.Log.Format }, checkLogFormat},
	{"node", "SMSCD_NODE", "node", "`NAME` of this node in a cluster (default host name and pid)",
		func(c *fileConfig) *string { return &c.Node }, nil},
}

// usageErr is a bad flag, environment variable or configuration: exit
// status 2. Its message is the whole line after "smscd: ".
type usageErr struct{ msg string }

func (e *usageErr) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageErr{fmt.Sprintf(format, a...)} }

// newFlagSet returns the flag set of smscd; the caller reads the option
// values from it.
func newFlagSet() (*flag.FlagSet, *string, map[string]*string) {
	fs := flag.NewFlagSet("smscd", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	config := fs.String("config", "", "YAML configuration `FILE` (env SMSCD_CONFIG)")
	vals := map[string]*string{}
	for _, o := range options {
		vals[o.flag] = fs.String(o.flag, "", o.usage+" (env "+o.env+")")
	}
	return fs, config, vals
}

// configure resolves the settings from args and env. Its errors are
// *usageErr, or flag.ErrHelp for -h.
func configure(args []string, env func(string) string) (*settings, error) {
	fs, configFlag, flagVals := newFlagSet()
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, usagef("%v (see 'smscd -h')", err)
	}
	if fs.NArg() > 0 {
		return nil, usagef("unexpected argument %q (see 'smscd -h')", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	s := &settings{lines: map[string]int{}}
	var fc fileConfig
	s.configPath = env("SMSCD_CONFIG")
	if set["config"] {
		s.configPath = *configFlag
	}
	if s.configPath != "" {
		lines, err := loadYAML(s.configPath, &fc)
		if err != nil {
			return nil, err
		}
		s.lines = lines
		for _, o := range options {
			if v := *o.field(&fc); v != "" && o.check != nil {
				if err := o.check(v); err != nil {
					return nil, s.keyError(o.key, err.Error())
				}
			}
		}
	}
	// The environment overrides the file, flags override both.
	for _, o := range options {
		if v := env(o.env); v != "" {
			if o.check != nil {
				if err := o.check(v); err != nil {
					return nil, usagef("%s: %v", o.env, err)
				}
			}
			*o.field(&fc) = v
		}
	}
	for _, o := range options {
		if set[o.flag] {
			v := *flagVals[o.flag]
			if o.check != nil {
				if err := o.check(v); err != nil {
					return nil, usagef("--%s: %v", o.flag, err)
				}
			}
			*o.field(&fc) = v
		}
	}
	if err := s.resolve(&fc); err != nil {
		return nil, err
	}
	return s, nil
}

// resolve applies the defaults and checks what only makes sense as a whole.
func (s *settings) resolve(fc *fileConfig) error {
	if err := fc.Config.Validate(); err != nil {
		return s.configError(err)
	}
	s.cfg = fc.Config
	s.httpAddr = orDefault(fc.HTTPAddr, defaultHTTPAddr)
	s.adminToken = fc.AdminToken
	st := fc.Storage
	s.store = store.Options{
		Dir:      orDefault(st.Data, defaultDataDir),
		URL:      st.NATSURL,
		Replicas: st.Replicas,
		Prefix:   st.Prefix,
	}
	s.store.Sync, _ = store.ParseSync(st.Fsync) // checked by the option
	if st.Replicas < 0 {
		return s.keyError("storage.replicas", "must not be negative")
	}
	if st.Prefix != "" && !streamName.MatchString(st.Prefix) {
		return s.keyError("storage.prefix", fmt.Sprintf("%q: use letters, digits, '_' and '-' only", st.Prefix))
	}
	maxValidity := time.Duration(fc.MaxValidity)
	if maxValidity == 0 {
		maxValidity = smscMaxValidity
	}
	switch ret := time.Duration(st.Retention); {
	case ret < 0:
		return s.keyError("storage.retention", "must not be negative")
	case ret == 0:
		// Records must outlive the longest validity period, with a day to
		// spare for query_sm on expired messages.
		s.store.Retention = max(defaultRetention, maxValidity+24*time.Hour)
	case ret <= maxValidity:
		return s.keyError("storage.retention", fmt.Sprintf("%v must exceed max_validity (%v), or messages are dropped before they expire", ret, maxValidity))
	default:
		s.store.Retention = ret
	}
	s.logLevel, _ = parseLogLevel(orDefault(fc.Log.Level, "info"))
	s.logFormat = orDefault(fc.Log.Format, "text")
	return nil
}

var streamName = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// keyError is a usage error about a key of the configuration file, with
// the file and line where the key (or its closest enclosing key) is.
func (s *settings) keyError(key, msg string) error {
	return usagef("config %s: %s%s", key, msg, s.where(key))
}

// configError turns an *smsc.ConfigError into a keyError.
func (s *settings) configError(err error) error {
	var ce *smsc.ConfigError
	if errors.As(err, &ce) {
		return s.keyError(ce.Key, ce.Msg)
	}
	return usagef("config: %v", err)
}

// where returns " (FILE:LINE)" for key, or for the closest enclosing key
// the file has, or "" when the file has none of them.
func (s *settings) where(key string) string {
	for k := key; k != ""; k = parentKey(k) {
		if line, ok := s.lines[k]; ok {
			return fmt.Sprintf(" (%s:%d)", s.configPath, line)
		}
	}
	return ""
}

// parentKey strips the last element: "a[1].b" → "a[1]" → "a" → "".
func parentKey(k string) string {
	i := strings.LastIndexAny(k, ".[")
	if i < 0 {
		return ""
	}
	return k[:i]
}

func checkHostPort(v string) error {
	_, port, err := net.SplitHostPort(v)
	if err != nil {
		return fmt.Errorf("%q is not HOST:PORT", v)
	}
	if n, err := strconv.ParseUint(port, 10, 16); err != nil || n > 65535 {
		return fmt.Errorf("%q: port %q is not a number from 0 to 65535", v, port)
	}
	return nil
}

func checkNATSURL(v string) error {
	for _, u := range strings.Split(v, ",") {
		p, err := url.Parse(strings.TrimSpace(u))
		if err != nil || p.Host == "" {
			return fmt.Errorf("%q is not a NATS URL (nats://HOST:PORT, several separated by commas)", v)
		}
	}
	return nil
}

func checkFsync(v string) error {
	if _, err := store.ParseSync(v); err != nil {
		return fmt.Errorf("%q is not always, batch, interval or interval:DURATION (e.g. interval:500ms)", v)
	}
	return nil
}

func parseLogLevel(v string) (slog.Level, error) {
	switch strings.ToLower(v) {
	case "debug":
		return slog.LevelDebug, nil
	case "info":
		return slog.LevelInfo, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("%q is not debug, info, warn or error", v)
}

func checkLogLevel(v string) error { _, err := parseLogLevel(v); return err }

func checkLogFormat(v string) error {
	if v != "text" && v != "json" {
		return fmt.Errorf("%q is not text or json", v)
	}
	return nil
}

// loadYAML decodes the YAML file at path into out (a pointer to a struct),
// rejecting unknown keys and values of the wrong type with an error that
// names the key path and the line. It returns the line of every key path.
func loadYAML(path string, out any) (map[string]int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, usagef("config: %v", unwrapPathError(err))
	}
	return decodeYAML(path, b, out)
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %v", pe.Path, pe.Err)
	}
	return err
}

// decodeYAML is loadYAML on the file's contents; name is the file name in
// the messages.
func decodeYAML(name string, b []byte, out any) (map[string]int, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, usagef("config %s", syntaxError(name, err))
	}
	w := &walker{file: name, lines: map[string]int{}}
	if err := w.walk(&doc, reflect.TypeOf(out).Elem(), ""); err != nil {
		return nil, err
	}
	// The walk has checked keys and types with better messages; decoding
	// with KnownFields is the backstop.
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(out); err != nil && !errors.Is(err, io.EOF) {
		return nil, usagef("config %s", syntaxError(name, err))
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, usagef("config %s:%d: a second YAML document; the configuration is one document", name, extra.Line)
	}
	return w.lines, nil
}

var yamlLine = regexp.MustCompile(`^yaml: (?:unmarshal errors:\s*)?line (\d+): `)

// syntaxError words a yaml package error as "FILE:LINE: message".
func syntaxError(name string, err error) string {
	msg := strings.Join(strings.Fields(err.Error()), " ")
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("%s:%s: %s", name, m[1], msg[len(m[0]):])
	}
	return fmt.Sprintf("%s: %s", name, strings.TrimPrefix(msg, "yaml: "))
}

// walker checks a YAML node tree against the Go type it decodes into,
// recording the line of every key path ("accounts[1].allow_ips[0]").
type walker struct {
	file  string
	lines map[string]int
}

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

func (w *walker) errorf(path string, n *yaml.Node, format string, a ...any) error {
	if path == "" {
		return usagef("config %s:%d: %s", w.file, n.Line, fmt.Sprintf(format, a...))
	}
	return usagef("config %s: %s (%s:%d)", path, fmt.Sprintf(format, a...), w.file, n.Line)
}

func (w *walker) walk(n *yaml.Node, t reflect.Type, path string) error {
	for depth := 0; n.Kind == yaml.AliasNode && n.Alias != nil && depth < 100; depth++ {
		n = n.Alias
	}
	if n.Kind == 0 { // an empty file
		return nil
	}
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return nil
		}
		return w.walk(n.Content[0], t, path)
	}
	if path != "" {
		if _, ok := w.lines[path]; !ok {
			w.lines[path] = n.Line
		}
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(textUnmarshaler) {
		return w.leaf(n, t, path)
	}
	switch t.Kind() {
	case reflect.Interface:
		return nil
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return w.errorf(path, n, "want a mapping of keys to values, not %s", describe(n))
		}
		fields := yamlFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Value == "<<" { // a merge key: the decoder checks it
				continue
			}
			key := joinKey(path, k.Value)
			ft, ok := fields[k.Value]
			if !ok {
				hint := ""
				if s := suggest(k.Value, fields); s != "" {
					hint = fmt.Sprintf(" (did you mean %q?)", s)
				}
				return w.errorf(key, k, "unknown key%s", hint)
			}
			w.lines[key] = k.Line
			if err := w.walk(v, ft, key); err != nil {
				return err
			}
		}
		return nil
	case reflect.Slice, reflect.Array:
		if n.Kind != yaml.SequenceNode {
			return w.errorf(path, n, "want a list, not %s", describe(n))
		}
		for i, c := range n.Content {
			if err := w.walk(c, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return w.errorf(path, n, "want a mapping of keys to values, not %s", describe(n))
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if err := w.walk(n.Content[i+1], t.Elem(), joinKey(path, n.Content[i].Value)); err != nil {
				return err
			}
		}
		return nil
	}
	return w.leaf(n, t, path)
}

// leaf checks a scalar by decoding it alone.
func (w *walker) leaf(n *yaml.Node, t reflect.Type, path string) error {
	if n.Kind != yaml.ScalarNode {
		return w.errorf(path, n, "want a single value, not %s", describe(n))
	}
	err := n.Decode(reflect.New(t).Interface())
	if err == nil && isInt(t.Kind()) && n.ShortTag() == "!!float" {
		err = &yaml.TypeError{} // the decoder would truncate 1.5 to 1
	}
	if err == nil {
		return nil
	}
	var te *yaml.TypeError
	if !errors.As(err, &te) { // a TextUnmarshaler's own message
		return w.errorf(path, n, "%v", err)
	}
	want := "a " + t.String()
	switch k := t.Kind(); {
	case isInt(k):
		want = "an integer"
	case k == reflect.Float32 || k == reflect.Float64:
		want = "a number"
	case k == reflect.Bool:
		want = "true or false"
	case k == reflect.String:
		want = "a string"
	}
	return w.errorf(path, n, "%q is not %s", n.Value, want)
}

func isInt(k reflect.Kind) bool {
	switch k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	}
	return fmt.Sprintf("the value %q", n.Value)
}

func joinKey(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

// yamlFields maps the YAML keys of struct type t to their field types, as
// go.yaml.in/yaml/v3 names them (the yaml tag, else the lower-cased field
// name; ",inline" structs contribute their keys).
func yamlFields(t reflect.Type) map[string]reflect.Type {
	m := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			continue
		}
		if strings.Contains(","+opts+",", ",inline,") {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				for k, v := range yamlFields(ft) {
					m[k] = v
				}
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		m[name] = f.Type
	}
	return m
}

// suggest returns the known key closest to k when it is a likely typo.
func suggest(k string, fields map[string]reflect.Type) string {
	limit := len(k) / 3
	if len(k) >= 8 {
		limit = len(k) * 2 / 5
	}
	best, bestD := "", limit+1
	for name := range fields {
		d := editDistance(strings.ToLower(k), name)
		if d < bestD || (d == bestD && name < best) {
			best, bestD = name, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func checkAdminToken(v string) error {
	if len(v) < 16 {
		return errors.New("must be at least 16 characters")
	}
	return nil
}
