package httpapi

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/smppstack/smpp/coding"
	"github.com/smppstack/smpp/smsc"
)

// AccountInput is the body of POST, PUT and PATCH on admin accounts.
// Password (8 characters at most, or a bcrypt hash) is required when an
// account is created; omitted, the current one is kept. An omitted
// webhook.secret keeps the current webhook's secret.
type AccountInput struct {
	SystemID   string        `json:"system_id,omitempty"`
	Password   string        `json:"password,omitempty"`
	BindModes  []string      `json:"bind_modes,omitempty"`
	MaxBinds   int           `json:"max_binds,omitempty"`
	AllowIPs   []string      `json:"allow_ips,omitempty"`
	Throughput float64       `json:"throughput,omitempty"`
	Addresses  []string      `json:"addresses,omitempty"`
	Outbind    *OutbindInput `json:"outbind,omitempty"`
	Disabled   bool          `json:"disabled,omitempty"`
	Webhook    *WebhookInput `json:"webhook,omitempty"`
}

// OutbindInput is an account's outbind target.
type OutbindInput struct {
	Addr     string `json:"addr"`
	Password string `json:"password,omitempty"`
}

// WebhookInput is an account's webhook.
type WebhookInput struct {
	URL    string   `json:"url"`
	Secret string   `json:"secret,omitempty"`
	Events []string `json:"events,omitempty"`
}

// AccountView is an account as the API shows it: no password, no webhook
// secret.
type AccountView struct {
	SystemID   string       `json:"system_id"`
	BindModes  []string     `json:"bind_modes"`
	MaxBinds   int          `json:"max_binds"`
	AllowIPs   []string     `json:"allow_ips"`
	Throughput float64      `json:"throughput"`
	Addresses  []string     `json:"addresses"`
	Outbind    *OutbindView `json:"outbind,omitempty"`
	Disabled   bool         `json:"disabled"`
	Webhook    *WebhookView `json:"webhook,omitempty"`
}

// OutbindView is an account's outbind target.
type OutbindView struct {
	Addr string `json:"addr"`
}

// WebhookView is an account's webhook.
type WebhookView struct {
	URL       string   `json:"url"`
	Events    []string `json:"events"`
	SecretSet bool     `json:"secret_set"`
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func toAccountView(c smsc.Account) AccountView {
	v := AccountView{
		SystemID: c.SystemID, BindModes: nonNil(c.BindModes), MaxBinds: c.MaxBinds, AllowIPs: nonNil(c.AllowIPs),
		Throughput: c.Throughput, Addresses: nonNil(c.Addresses), Disabled: c.Disabled,
	}
	if c.Outbind != nil {
		v.Outbind = &OutbindView{Addr: c.Outbind.Addr}
	}
	if c.Webhook != nil {
		ev := c.Webhook.Events
		if len(ev) == 0 {
			ev = []string{smsc.WebhookEventMO, smsc.WebhookEventReceipt}
		}
		v.Webhook = &WebhookView{URL: c.Webhook.URL, Events: ev, SecretSet: c.Webhook.Secret != ""}
	}
	return v
}

// toInput is the current account as input (password omitted: kept).
func toInput(c smsc.Account) AccountInput {
	in := AccountInput{
		SystemID: c.SystemID, BindModes: c.BindModes, MaxBinds: c.MaxBinds, AllowIPs: c.AllowIPs,
		Throughput: c.Throughput, Addresses: c.Addresses, Disabled: c.Disabled,
	}
	if c.Outbind != nil {
		in.Outbind = &OutbindInput{Addr: c.Outbind.Addr, Password: c.Outbind.Password}
	}
	if c.Webhook != nil {
		in.Webhook = &WebhookInput{URL: c.Webhook.URL, Secret: c.Webhook.Secret, Events: c.Webhook.Events}
	}
	return in
}

func (in AccountInput) account() smsc.Account {
	c := smsc.Account{
		SystemID: in.SystemID, Password: in.Password, BindModes: in.BindModes, MaxBinds: in.MaxBinds,
		AllowIPs: in.AllowIPs, Throughput: in.Throughput, Addresses: in.Addresses, Disabled: in.Disabled,
	}
	if in.Outbind != nil {
		c.Outbind = &smsc.OutbindTarget{Addr: in.Outbind.Addr, Password: in.Outbind.Password}
	}
	if in.Webhook != nil {
		c.Webhook = &smsc.WebhookConfig{URL: in.Webhook.URL, Secret: in.Webhook.Secret, Events: in.Webhook.Events}
	}
	return c
}

func (a *api) findAccount(id string) (smsc.Account, bool) {
	for _, c := range a.b.Accounts() {
		if c.SystemID == id {
			return c, true
		}
	}
	return smsc.Account{}, false
}

func errNoAccount() error { return errf(http.StatusNotFound, "system_id", "no such account") }

func (a *api) listAccounts(w http.ResponseWriter, r *http.Request, _ principal) {
	accs := a.b.Accounts()
	slices.SortFunc(accs, func(x, y smsc.Account) int { return strings.Compare(x.SystemID, y.SystemID) })
	out := make([]AccountView, 0, len(accs))
	for _, c := range accs {
		out = append(out, toAccountView(c))
	}
	writeJSON(w, http.StatusOK, map[string]any{"accounts": out})
}

func (a *api) getAccount(w http.ResponseWriter, r *http.Request, _ principal) {
	c, ok := a.findAccount(r.PathValue("system_id"))
	if !ok {
		a.fail(w, r, errNoAccount())
		return
	}
	writeJSON(w, http.StatusOK, toAccountView(c))
}

// store saves in (keeping the current webhook secret when omitted) and
// answers with the stored account.
func (a *api) storeAccount(w http.ResponseWriter, r *http.Request, in AccountInput, status int) {
	if cur, ok := a.findAccount(in.SystemID); ok && in.Webhook != nil && in.Webhook.Secret == "" && cur.Webhook != nil {
		in.Webhook.Secret = cur.Webhook.Secret
	}
	if err := a.b.PutAccount(r.Context(), in.account()); err != nil {
		a.fail(w, r, err)
		return
	}
	c, _ := a.findAccount(in.SystemID)
	writeJSON(w, status, toAccountView(c))
}

func (a *api) createAccount(w http.ResponseWriter, r *http.Request, _ principal) {
	var in AccountInput
	if err := decode(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	switch _, exists := a.findAccount(in.SystemID); {
	case in.SystemID == "":
		a.fail(w, r, errf(http.StatusBadRequest, "system_id", "is required"))
		return
	case exists:
		a.fail(w, r, errf(http.StatusConflict, "system_id", "account %q exists; use PUT or PATCH /api/v1/admin/accounts/%s", in.SystemID, in.SystemID))
		return
	case in.Password == "":
		a.fail(w, r, errf(http.StatusBadRequest, "password", "is required"))
		return
	}
	w.Header().Set("Location", "/api/v1/admin/accounts/"+in.SystemID)
	a.storeAccount(w, r, in, http.StatusCreated)
}

func (a *api) putAccount(w http.ResponseWriter, r *http.Request, _ principal) {
	id := r.PathValue("system_id")
	var in AccountInput
	if err := decode(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	if in.SystemID != "" && in.SystemID != id {
		a.fail(w, r, errf(http.StatusBadRequest, "system_id", "does not match the path"))
		return
	}
	in.SystemID = id
	status := http.StatusOK
	if _, exists := a.findAccount(id); !exists {
		if in.Password == "" {
			a.fail(w, r, errf(http.StatusBadRequest, "password", "is required"))
			return
		}
		status = http.StatusCreated
	}
	a.storeAccount(w, r, in, status)
}

// patchAccount applies a JSON merge patch (RFC 7396) to the account.
func (a *api) patchAccount(w http.ResponseWriter, r *http.Request, _ principal) {
	id := r.PathValue("system_id")
	cur, ok := a.findAccount(id)
	if !ok {
		a.fail(w, r, errNoAccount())
		return
	}
	var raw json.RawMessage
	if err := decode(r, &raw); err != nil {
		a.fail(w, r, err)
		return
	}
	// The patch alone must be a valid partial account (names the field).
	if err := strictUnmarshal(raw, &AccountInput{}); err != nil {
		a.fail(w, r, err)
		return
	}
	var patch map[string]any
	if err := json.Unmarshal(raw, &patch); err != nil || patch == nil {
		a.fail(w, r, errf(http.StatusBadRequest, "body", "must be a JSON object"))
		return
	}
	base, _ := json.Marshal(toInput(cur))
	var doc map[string]any
	json.Unmarshal(base, &doc)
	merged, _ := json.Marshal(mergePatch(doc, patch))
	var in AccountInput
	if err := strictUnmarshal(merged, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	if in.SystemID != id {
		a.fail(w, r, errf(http.StatusBadRequest, "system_id", "cannot be changed"))
		return
	}
	a.storeAccount(w, r, in, http.StatusOK)
}

func strictUnmarshal(b []byte, v any) error {
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	return nil
}

// mergePatch applies an RFC 7396 merge patch.
func mergePatch(doc, patch map[string]any) map[string]any {
	if doc == nil {
		doc = map[string]any{}
	}
	for k, v := range patch {
		switch v := v.(type) {
		case nil:
			delete(doc, k)
		case map[string]any:
			sub, _ := doc[k].(map[string]any)
			doc[k] = mergePatch(sub, v)
		default:
			doc[k] = v
		}
	}
	return doc
}

// disableAccount disables the account (it is kept, so its messages and
// history stay readable) and unbinds its sessions on every node.
func (a *api) disableAccount(w http.ResponseWriter, r *http.Request, _ principal) {
	id := r.PathValue("system_id")
	cur, ok := a.findAccount(id)
	if !ok {
		a.fail(w, r, errNoAccount())
		return
	}
	in := toInput(cur)
	in.Disabled = true
	if err := a.b.PutAccount(r.Context(), in.account()); err != nil {
		a.fail(w, r, err)
		return
	}
	for _, s := range a.b.ClusterSessions(r.Context()) {
		if s.SystemID == id {
			a.b.Kick(r.Context(), s.ID)
		}
	}
	c, _ := a.findAccount(id)
	writeJSON(w, http.StatusOK, toAccountView(c))
}

// Session is a bound SMPP session of one of the cluster's nodes.
type Session struct {
	ID       string    `json:"id"`
	SystemID string    `json:"system_id"`
	Mode     string    `json:"mode"`
	State    string    `json:"state"`
	Remote   string    `json:"remote"`
	Node     string    `json:"node"`
	BoundAt  time.Time `json:"bound_at,omitzero"`
	Sent     uint64    `json:"pdus_sent"`
	Received uint64    `json:"pdus_received"`
	InFlight int       `json:"in_flight"`
	Serving  int       `json:"serving"`
	Timeouts uint64    `json:"timeouts"`
	Errors   uint64    `json:"errors"`
}

func (a *api) listSessions(w http.ResponseWriter, r *http.Request, _ principal) {
	out := []Session{}
	for _, s := range a.b.ClusterSessions(r.Context()) {
		out = append(out, Session{
			ID: s.ID, SystemID: s.SystemID, Mode: s.Mode, State: s.State, Remote: s.Remote, Node: s.Node,
			BoundAt: s.BoundAt, Sent: s.Stats.Sent, Received: s.Stats.Received, InFlight: s.Stats.InFlight,
			Serving: s.Stats.Serving, Timeouts: s.Stats.Timeouts, Errors: s.Stats.Errors,
		})
	}
	writeJSON(w, http.StatusOK, map[string]any{"sessions": out})
}

func (a *api) kickSession(w http.ResponseWriter, r *http.Request, _ principal) {
	id := r.PathValue("id")
	if err := a.b.Kick(r.Context(), id); err != nil {
		var fe *smsc.FieldError
		if errors.As(err, &fe) {
			a.fail(w, r, errf(http.StatusNotFound, "id", "%s", fe.Msg))
			return
		}
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// Network is the simulated handset network's behaviour: a default delay
// and, per destination prefix (longest wins), a delay and a weighted mix of
// outcomes. A rejection rate of 10% with error 11 on 4477* is
// {"prefix":"4477*","outcomes":[{"stat":"DELIVRD","weight":90},{"stat":"REJECTD","err":11,"weight":10}]}.
type Network struct {
	Delay string        `json:"delay"`
	Rules []NetworkRule `json:"rules"`
}

// NetworkRule is the behaviour for destinations matching Prefix.
type NetworkRule struct {
	Prefix   string    `json:"prefix"`
	Delay    string    `json:"delay,omitempty"`
	Outcomes []Outcome `json:"outcomes"`
}

// Outcome is a receipt state (DELIVRD, UNDELIV, EXPIRED, REJECTD, DELETED,
// ACCEPTD) with its network error code and relative weight.
type Outcome struct {
	Stat   string  `json:"stat"`
	Err    int     `json:"err,omitempty"`
	Weight float64 `json:"weight"`
}

func toNetwork(c smsc.NetworkConfig) Network {
	n := Network{Delay: time.Duration(c.Delay).String(), Rules: []NetworkRule{}}
	for _, r := range c.Rules {
		nr := NetworkRule{Prefix: r.Prefix, Outcomes: []Outcome{}}
		if r.Delay != nil {
			nr.Delay = time.Duration(*r.Delay).String()
		}
		for _, o := range r.Outcomes {
			nr.Outcomes = append(nr.Outcomes, Outcome{Stat: o.Stat, Err: o.Err, Weight: o.Weight})
		}
		n.Rules = append(n.Rules, nr)
	}
	return n
}

func parseDelay(field, s string) (smsc.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, errf(http.StatusBadRequest, field, "must be a duration such as 200ms or 2s")
	}
	return smsc.Duration(d), nil
}

func (n Network) config() (smsc.NetworkConfig, error) {
	var c smsc.NetworkConfig
	if n.Delay != "" {
		d, err := parseDelay("delay", n.Delay)
		if err != nil {
			return c, err
		}
		c.Delay = d
	}
	for i, r := range n.Rules {
		nr := smsc.NetworkRule{Prefix: r.Prefix}
		if r.Delay != "" {
			d, err := parseDelay(fmt.Sprintf("rules[%d].delay", i), r.Delay)
			if err != nil {
				return c, err
			}
			nr.Delay = &d
		}
		for _, o := range r.Outcomes {
			nr.Outcomes = append(nr.Outcomes, smsc.Outcome{Stat: strings.ToUpper(o.Stat), Err: o.Err, Weight: o.Weight})
		}
		c.Rules = append(c.Rules, nr)
	}
	return c, nil
}

func (a *api) getNetwork(w http.ResponseWriter, r *http.Request, _ principal) {
	writeJSON(w, http.StatusOK, toNetwork(a.b.Network()))
}

func (a *api) putNetwork(w http.ResponseWriter, r *http.Request, _ principal) {
	var n Network
	if err := decode(r, &n); err != nil {
		a.fail(w, r, err)
		return
	}
	cfg, err := n.config()
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if err := a.b.SetNetwork(cfg); err != nil {
		var ce *smsc.ConfigError
		if errors.As(err, &ce) {
			err = errf(http.StatusBadRequest, strings.TrimPrefix(ce.Key, "network."), "%s", ce.Msg)
		}
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toNetwork(a.b.Network()))
}

// MORequest is the body of POST /api/v1/admin/mo: a message from a virtual
// handset to an account's address.
type MORequest struct {
	From string `json:"from"`
	To   string `json:"to"`
	Text string `json:"text,omitempty"`
	// Hex is binary user data instead of Text.
	Hex string `json:"hex,omitempty"`
	// Coding: auto (default), gsm7, ucs2, latin1, ascii.
	Coding string `json:"coding,omitempty"`
}

func (a *api) injectMO(w http.ResponseWriter, r *http.Request, _ principal) {
	var req MORequest
	if err := decode(r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	switch {
	case req.From == "" || len(req.From) > 20:
		a.fail(w, r, errf(http.StatusBadRequest, "from", "is required, at most 20 characters"))
		return
	case req.To == "" || len(req.To) > 20:
		a.fail(w, r, errf(http.StatusBadRequest, "to", "is required, at most 20 characters"))
		return
	case req.Text == "" && req.Hex == "":
		a.fail(w, r, errf(http.StatusBadRequest, "text", "text or hex is required"))
		return
	}
	codec, ok := coding.ByName(req.Coding)
	if _, binary := codec.(coding.Binary); !ok || binary {
		a.fail(w, r, errf(http.StatusBadRequest, "coding", "must be auto, gsm7, ucs2, latin1 or ascii"))
		return
	}
	if codec == nil {
		codec = coding.Choose(req.Text)
	}
	var ud []byte
	var err error
	if req.Hex != "" {
		codec = coding.Binary{}
		if ud, err = hex.DecodeString(req.Hex); err != nil {
			a.fail(w, r, errf(http.StatusBadRequest, "hex", "not valid hex"))
			return
		}
	} else if ud, err = codec.Encode(req.Text); err != nil {
		a.fail(w, r, errf(http.StatusBadRequest, "text", "%s", err.Error()))
		return
	}
	if len(ud) > 65535 {
		a.fail(w, r, errf(http.StatusBadRequest, "text", "too long"))
		return
	}
	id, err := a.b.InjectMO(r.Context(), strings.TrimPrefix(req.From, "+"), strings.TrimPrefix(req.To, "+"), codec.DataCoding(), ud, 0)
	if err != nil {
		var ce *smsc.ConfigError
		if errors.As(err, &ce) && ce.Key == "to" {
			err = errf(http.StatusUnprocessableEntity, "to", "%s", ce.Msg)
		}
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"id": id})
}

// PhoneMessage is a message the simulated network delivered to a handset.
type PhoneMessage struct {
	ID    string    `json:"id"`
	From  string    `json:"from"`
	Text  string    `json:"text"`
	Time  time.Time `json:"time"`
	State string    `json:"state"`
	Part  string    `json:"part,omitempty"`
}

func (a *api) phoneMessages(w http.ResponseWriter, r *http.Request, _ principal) {
	number := strings.TrimPrefix(r.PathValue("number"), "+")
	out := []PhoneMessage{}
	for _, m := range a.b.ClusterPhoneMessages(r.Context(), number) {
		out = append(out, PhoneMessage{ID: m.ID, From: m.From, Text: m.Text, Time: m.Time, State: m.State, Part: m.Part})
	}
	writeJSON(w, http.StatusOK, map[string]any{"number": number, "messages": out})
}

// Stats are this node's counters; queue depths for every account (the
// admin) or the caller's (an account).
type Stats struct {
	Node        string            `json:"node,omitempty"`
	Submitted   uint64            `json:"submitted"`
	Delivered   uint64            `json:"delivered"`
	Receipts    uint64            `json:"receipts"`
	Binds       uint64            `json:"binds"`
	FailedBinds uint64            `json:"failed_binds"`
	Retries     uint64            `json:"retries"`
	Expired     uint64            `json:"expired"`
	Sessions    int               `json:"sessions"`
	Webhooks    WebhookCounters   `json:"webhooks"`
	Queues      map[string]uint64 `json:"queues"`
}

// WebhookCounters are this node's webhook counters.
type WebhookCounters struct {
	Attempts  uint64 `json:"attempts"`
	Delivered uint64 `json:"delivered"`
	Failures  uint64 `json:"failures"`
}

func (a *api) stats(w http.ResponseWriter, r *http.Request, p principal) {
	ctx := r.Context()
	if !p.admin {
		n, err := a.b.QueueDepth(ctx, p.account)
		if err != nil {
			n = 0
		}
		writeJSON(w, http.StatusOK, map[string]any{"account": p.account, "queues": map[string]uint64{p.account: n}})
		return
	}
	s := a.b.Stats()
	ws := a.b.WebhookStats()
	out := Stats{
		Node: s.Node, Submitted: s.Submitted, Delivered: s.Delivered, Receipts: s.Receipts, Binds: s.Binds,
		FailedBinds: s.FailedBinds, Retries: s.Retries, Expired: s.Expired, Sessions: s.Sessions,
		Webhooks: WebhookCounters{Attempts: ws.Attempts, Delivered: ws.Delivered, Failures: ws.Failures},
		Queues:   map[string]uint64{},
	}
	for _, t := range a.queueTargets() {
		if n, err := a.b.QueueDepth(ctx, t); err == nil {
			out.Queues[t] = n
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// queueTargets are every account and the simulated network.
func (a *api) queueTargets() []string {
	var ts []string
	for _, c := range a.b.Accounts() {
		ts = append(ts, c.SystemID)
	}
	slices.Sort(ts)
	return append(ts, "network")
}
