package smsc

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/smppstack/smpp/pdu"
)

// Config is the SMSC's configuration: a plain struct; the library never reads
// flags, files or the environment (cmd/smscd maps those onto it). Zero
// values select the documented defaults.
type Config struct {
	// SystemID is the MC's system_id in bind_resp and outbind (default "smscd").
	SystemID string `yaml:"system_id" json:"system_id"`
	// SMPPAddr is the SMPP listen address (default 127.0.0.1:2775).
	SMPPAddr string `yaml:"smpp_addr" json:"smpp_addr"`
	// Node names this process in a cluster (default: host name and pid).
	Node string `yaml:"node" json:"node"`
	// Accounts are the ESMEs allowed to bind.
	Accounts []Account `yaml:"accounts" json:"accounts"`
	// Routes add routes beyond the addresses accounts own.
	Routes []Route `yaml:"routes" json:"routes"`
	// DistributionLists are the lists submit_multi may address by name.
	DistributionLists []DistributionList `yaml:"distribution_lists" json:"distribution_lists"`
	// Network configures the simulated handset network.
	Network NetworkConfig `yaml:"network" json:"network"`
	// DefaultValidity applies when a submission has no validity_period
	// (default 48h). MaxValidity caps requested ones (default 7 days).
	DefaultValidity Duration `yaml:"default_validity" json:"default_validity"`
	MaxValidity     Duration `yaml:"max_validity" json:"max_validity"`
	// Retry is the back-off between delivery attempts to an ESME.
	Retry RetryPolicy `yaml:"retry" json:"retry"`
	// Lockout throttles and locks out repeated failed binds.
	Lockout LockoutPolicy `yaml:"lockout" json:"lockout"`
	// MaxConnsPerIP limits concurrent SMPP connections from one address
	// (default 0: unlimited).
	MaxConnsPerIP int `yaml:"max_conns_per_ip" json:"max_conns_per_ip"`
	// Window is the deliver_sm window per session (default 64).
	Window int `yaml:"window" json:"window"`
	// EnquireLink is the keepalive interval (default 30s).
	EnquireLink Duration `yaml:"enquire_link" json:"enquire_link"`
	// BindTimeout is the session_init timer (default 10s).
	BindTimeout Duration `yaml:"bind_timeout" json:"bind_timeout"`
	// OutbindInterval is how often waiting messages trigger an outbind to
	// accounts that configure one (default 10s).
	OutbindInterval Duration `yaml:"outbind_interval" json:"outbind_interval"`
	// ExpirySweep is how often messages waiting for accounts without a bound
	// receiver are checked for expiry (default 30s).
	ExpirySweep Duration `yaml:"expiry_sweep" json:"expiry_sweep"`
}

// Duration is a time.Duration that reads "30s" style strings from YAML/JSON.
type Duration time.Duration

// UnmarshalText parses a Go duration string.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("invalid duration %q (use e.g. 30s, 5m, 48h)", string(b))
	}
	*d = Duration(v)
	return nil
}

// MarshalText writes a Go duration string.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// Account is an ESME's account.
type Account struct {
	SystemID string `yaml:"system_id" json:"system_id"`
	// Password is a bcrypt hash ("$2a$…") or a plain password, which is
	// hashed when the configuration is loaded.
	Password string `yaml:"password" json:"password,omitempty"`
	// BindModes allowed: any of "tx", "rx", "trx" (default all).
	BindModes []string `yaml:"bind_modes" json:"bind_modes,omitempty"`
	// MaxBinds limits concurrent sessions of the account (0: no limit),
	// across every node that shares the store (binds.go).
	MaxBinds int `yaml:"max_binds" json:"max_binds,omitempty"`
	// AllowIPs restricts binds to these CIDRs or addresses (default any).
	AllowIPs []string `yaml:"allow_ips" json:"allow_ips,omitempty"`
	// Throughput limits submissions per second (0: unlimited); beyond it
	// requests are answered ESME_RTHROTTLED.
	Throughput float64 `yaml:"throughput" json:"throughput,omitempty"`
	// Addresses this account receives as deliver_sm: exact numbers, or
	// prefixes ending in "*" ("4477*").
	Addresses []string `yaml:"addresses" json:"addresses,omitempty"`
	// Outbind, when set, is an ESME listener the SMSC connects to with
	// outbind when messages wait for the account and no receiver is bound.
	Outbind *OutbindTarget `yaml:"outbind" json:"outbind,omitempty"`
	// Disabled accounts cannot bind.
	Disabled bool `yaml:"disabled" json:"disabled,omitempty"`
	// Webhook, when set, receives the account's MO messages and receipts as
	// signed HTTP POSTs instead of its SMPP receivers (see webhook.go).
	Webhook *WebhookConfig `yaml:"webhook" json:"webhook,omitempty"`
}

// OutbindTarget is where and how to outbind to an ESME.
type OutbindTarget struct {
	Addr     string `yaml:"addr" json:"addr"`
	Password string `yaml:"password" json:"password,omitempty"` // sent in outbind for the ESME to check
}

// Route sends destinations matching Prefix (exact, or a prefix ending in
// "*") to Target: an account's system_id, or "network" for the simulated
// handset network. Upstream SMPP connectors can become another kind of
// target.
type Route struct {
	Prefix string `yaml:"prefix" json:"prefix"`
	Target string `yaml:"target" json:"target"`
}

// DistributionList is a named list of destination numbers for submit_multi.
type DistributionList struct {
	Name    string   `yaml:"name" json:"name"`
	Members []string `yaml:"members" json:"members"`
}

// NetworkConfig configures the simulated handset network: every message it
// receives produces an outcome after a delay, per destination prefix.
type NetworkConfig struct {
	// Delay before the outcome (default 200ms).
	Delay Duration `yaml:"delay" json:"delay"`
	// Rules override Delay and the outcome for destinations matching a
	// prefix (longest wins). Without a rule the outcome is DELIVRD.
	Rules []NetworkRule `yaml:"rules" json:"rules,omitempty"`
}

// NetworkRule is the behaviour for destinations matching Prefix.
type NetworkRule struct {
	Prefix   string    `yaml:"prefix" json:"prefix"`
	Delay    *Duration `yaml:"delay" json:"delay,omitempty"`
	Outcomes []Outcome `yaml:"outcomes" json:"outcomes"`
}

// Outcome is one possible result with its relative weight.
type Outcome struct {
	// Stat is DELIVRD, UNDELIV, EXPIRED, REJECTD, DELETED or ACCEPTD.
	Stat   string  `yaml:"stat" json:"stat"`
	Err    int     `yaml:"err" json:"err,omitempty"`
	Weight float64 `yaml:"weight" json:"weight"`
}

// RetryPolicy is capped exponential back-off between delivery attempts.
type RetryPolicy struct {
	Min Duration `yaml:"min" json:"min"` // default 1s
	Max Duration `yaml:"max" json:"max"` // default 5m
}

// LockoutPolicy slows and then locks out repeated failed binds, per source
// IP and per system_id.
type LockoutPolicy struct {
	// MaxFailures within Window lock the IP or system_id out (default 5).
	MaxFailures int `yaml:"max_failures" json:"max_failures"`
	// Window over which failures are counted (default 5m).
	Window Duration `yaml:"window" json:"window"`
	// Duration of a lock-out (default 15m).
	Duration Duration `yaml:"duration" json:"duration"`
	// Delay added to the answer per recent failure (default 200ms, capped at 3s).
	Delay Duration `yaml:"delay" json:"delay"`
}

func (c *Config) setDefaults() {
	if c.SystemID == "" {
		c.SystemID = "smscd"
	}
	if c.SMPPAddr == "" {
		c.SMPPAddr = "127.0.0.1:2775"
	}
	if c.DefaultValidity == 0 {
		c.DefaultValidity = Duration(48 * time.Hour)
	}
	if c.MaxValidity == 0 {
		c.MaxValidity = Duration(7 * 24 * time.Hour)
	}
	if c.Network.Delay == 0 {
		c.Network.Delay = Duration(200 * time.Millisecond)
	}
	if c.Retry.Min == 0 {
		c.Retry.Min = Duration(time.Second)
	}
	if c.Retry.Max == 0 {
		c.Retry.Max = Duration(5 * time.Minute)
	}
	l := &c.Lockout
	if l.MaxFailures == 0 {
		l.MaxFailures = 5
	}
	if l.Window == 0 {
		l.Window = Duration(5 * time.Minute)
	}
	if l.Duration == 0 {
		l.Duration = Duration(15 * time.Minute)
	}
	if l.Delay == 0 {
		l.Delay = Duration(200 * time.Millisecond)
	}
	if c.Window == 0 {
		c.Window = 64
	}
	if c.EnquireLink == 0 {
		c.EnquireLink = Duration(30 * time.Second)
	}
	if c.BindTimeout == 0 {
		c.BindTimeout = Duration(10 * time.Second)
	}
	if c.ExpirySweep == 0 {
		c.ExpirySweep = Duration(30 * time.Second)
	}
	if c.OutbindInterval == 0 {
		c.OutbindInterval = Duration(10 * time.Second)
	}
}

// ConfigError names the configuration key that is wrong.
type ConfigError struct {
	Key string // e.g. "accounts[1].allow_ips[0]"
	Msg string
}

func (e *ConfigError) Error() string { return "smsc: config " + e.Key + ": " + e.Msg }

// Validate checks the configuration and returns a *ConfigError naming the
// first bad key.
func (c *Config) Validate() error {
	bad := func(key, format string, a ...any) error {
		return &ConfigError{Key: key, Msg: fmt.Sprintf(format, a...)}
	}
	if len(c.SystemID) > 15 {
		return bad("system_id", "at most 15 characters (SMPP system_id)")
	}
	seen := map[string]bool{}
	for i, a := range c.Accounts {
		key := fmt.Sprintf("accounts[%d]", i)
		switch {
		case a.SystemID == "":
			return bad(key+".system_id", "is required")
		case len(a.SystemID) > 15:
			return bad(key+".system_id", "at most 15 characters (SMPP system_id)")
		case seen[a.SystemID]:
			return bad(key+".system_id", "duplicate %q", a.SystemID)
		case a.Password == "":
			return bad(key+".password", "is required")
		case !isBcrypt(a.Password) && len(a.Password) > 8:
			return bad(key+".password", "at most 8 characters (SMPP password field)")
		case a.Throughput < 0:
			return bad(key+".throughput", "must not be negative")
		case a.MaxBinds < 0:
			return bad(key+".max_binds", "must not be negative")
		}
		seen[a.SystemID] = true
		for j, m := range a.BindModes {
			if _, ok := pdu.ParseBindMode(m); !ok {
				return bad(fmt.Sprintf("%s.bind_modes[%d]", key, j), "%q is not tx, rx or trx", m)
			}
		}
		for j, ip := range a.AllowIPs {
			if _, err := parseCIDR(ip); err != nil {
				return bad(fmt.Sprintf("%s.allow_ips[%d]", key, j), "%q is not an IP address or CIDR", ip)
			}
		}
		for j, addr := range a.Addresses {
			if err := checkPattern(addr); err != nil {
				return bad(fmt.Sprintf("%s.addresses[%d]", key, j), "%v", err)
			}
		}
		if a.Outbind != nil && a.Outbind.Addr == "" {
			return bad(key+".outbind.addr", "is required")
		}
		if err := a.validateWebhook(key); err != nil {
			return err
		}
	}
	for i, r := range c.Routes {
		key := fmt.Sprintf("routes[%d]", i)
		if err := checkPattern(r.Prefix); err != nil {
			return bad(key+".prefix", "%v", err)
		}
		if r.Target != "network" && !seen[r.Target] {
			return bad(key+".target", "%q is neither \"network\" nor a configured account", r.Target)
		}
	}
	for i, dl := range c.DistributionLists {
		key := fmt.Sprintf("distribution_lists[%d]", i)
		if dl.Name == "" || len(dl.Name) > 20 {
			return bad(key+".name", "is required, at most 20 characters")
		}
		if len(dl.Members) == 0 {
			return bad(key+".members", "must list at least one address")
		}
	}
	for i, r := range c.Network.Rules {
		key := fmt.Sprintf("network.rules[%d]", i)
		if err := checkPattern(r.Prefix); err != nil && r.Prefix != "*" && r.Prefix != "" {
			return bad(key+".prefix", "%v", err)
		}
		for j, o := range r.Outcomes {
			if _, ok := pdu.ParseMessageState(o.Stat); !ok {
				return bad(fmt.Sprintf("%s.outcomes[%d].stat", key, j), "%q is not a receipt state (DELIVRD, UNDELIV, EXPIRED, REJECTD, DELETED, ACCEPTD)", o.Stat)
			}
			if o.Weight < 0 {
				return bad(fmt.Sprintf("%s.outcomes[%d].weight", key, j), "must not be negative")
			}
		}
	}
	if c.DefaultValidity < 0 || c.MaxValidity < 0 {
		return bad("default_validity", "must not be negative")
	}
	return nil
}

func checkPattern(p string) error {
	s := strings.TrimSuffix(p, "*")
	if s == "" && p != "*" {
		return errors.New("empty address")
	}
	if len(s) > 20 {
		return fmt.Errorf("%q is longer than 20 characters", p)
	}
	if strings.ContainsAny(s, "* ") {
		return fmt.Errorf("%q: '*' is only allowed at the end", p)
	}
	return nil
}

func parseCIDR(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		return netip.ParsePrefix(s)
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

func isBcrypt(s string) bool {
	return len(s) == 60 && (strings.HasPrefix(s, "$2a$") || strings.HasPrefix(s, "$2b$") || strings.HasPrefix(s, "$2y$"))
}
