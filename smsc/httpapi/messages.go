package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/smppstack/smpp/smsc"
	"github.com/smppstack/smpp/smsc/store"
)

// SubmitRequest is the body of POST /api/v1/messages.
type SubmitRequest struct {
	From string `json:"from"`
	To   string `json:"to"`
	// Text is encoded (coding) and split into parts like on SMPP; Hex is
	// raw binary user data instead.
	Text string `json:"text,omitempty"`
	Hex  string `json:"hex,omitempty"`
	// Coding: auto (default), gsm7, ucs2, latin1, ascii, binary.
	Coding string `json:"coding,omitempty"`
	// Concat: udh (default), udh16, sar, payload.
	Concat string `json:"concat,omitempty"`
	// DLR requests a delivery receipt per part.
	DLR bool `json:"dlr,omitempty"`
	// Validity and Schedule: a Go duration ("10m") or an SMPP time.
	Validity string `json:"validity,omitempty"`
	Schedule string `json:"schedule,omitempty"`
}

// SubmitResponse is the answer to POST /api/v1/messages: the id of the first
// part and the ids of all parts.
type SubmitResponse struct {
	ID    string   `json:"id"`
	IDs   []string `json:"ids"`
	Parts int      `json:"parts"`
}

// Message is a message with its state and history.
type Message struct {
	ID         string         `json:"id"`
	From       string         `json:"from"`
	To         string         `json:"to"`
	State      string         `json:"state"`
	Err        uint16         `json:"err,omitempty"`
	Text       string         `json:"text,omitempty"`
	DataCoding uint8          `json:"data_coding"`
	DLR        bool           `json:"dlr"`
	Target     string         `json:"target"`
	Submitted  time.Time      `json:"submitted"`
	Done       time.Time      `json:"done,omitzero"`
	Expires    time.Time      `json:"expires"`
	Schedule   time.Time      `json:"schedule,omitzero"`
	PDU        string         `json:"pdu"`
	Events     []MessageEvent `json:"events"`
}

// MessageEvent is one step of a message's history.
type MessageEvent struct {
	Time  time.Time `json:"time,omitzero"`
	Event string    `json:"event"`
	Info  string    `json:"info,omitempty"`
}

func toMessage(d *smsc.MessageDetail) Message {
	m := Message{
		ID: d.ID, From: d.From, To: d.To, State: d.State, Err: d.Err, Text: d.Text, DataCoding: d.DataCoding,
		DLR: d.Receipt, Target: d.Target, Submitted: d.Submitted, Done: d.Done, Expires: d.Expires,
		Schedule: d.Schedule, PDU: d.PDU, Events: []MessageEvent{},
	}
	for _, e := range d.Events {
		m.Events = append(m.Events, MessageEvent{Time: e.Time, Event: e.Event, Info: e.Info})
	}
	return m
}

// messageStates are the message_state names a listing filters on.
var messageStates = []string{"SCHEDULED", "ENROUTE", "DELIVERED", "EXPIRED", "DELETED", "UNDELIVERABLE", "ACCEPTED", "UNKNOWN", "REJECTED", "SKIPPED"}

func (a *api) submit(w http.ResponseWriter, r *http.Request, p principal) {
	var req SubmitRequest
	if err := decode(r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	do := func() smsc.IdempotentResult {
		start := time.Now()
		ids, err := a.b.SubmitText(r.Context(), p.account, smsc.TextRequest{
			From: req.From, To: req.To, Text: req.Text, Hex: req.Hex, Coding: req.Coding, Concat: req.Concat,
			DLR: req.DLR, Validity: req.Validity, Schedule: req.Schedule,
		})
		a.m.submitted(time.Since(start), len(ids), err)
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err != nil {
			ae := toAPIError(err)
			if ae.status >= 500 {
				a.log.Error("httpapi: submit failed", "account", p.account, "err", err)
			}
			enc.Encode(errorBody{Error: ae.msg, Field: ae.field, IDs: ids})
			return smsc.IdempotentResult{Status: ae.status, Body: buf.Bytes()}
		}
		enc.Encode(SubmitResponse{ID: ids[0], IDs: ids, Parts: len(ids)})
		return smsc.IdempotentResult{Status: http.StatusAccepted, Body: buf.Bytes()}
	}
	var res smsc.IdempotentResult
	if key := r.Header.Get("Idempotency-Key"); key != "" {
		canon, _ := json.Marshal(req) // the decoded request: field order and spacing do not matter
		sum := sha256.Sum256(append([]byte("POST /api/v1/messages\n"), canon...))
		var replayed bool
		var err error
		res, replayed, err = a.b.Idempotent(r.Context(), p.account, key, hex.EncodeToString(sum[:]), do)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		if replayed {
			w.Header().Set("Idempotent-Replayed", "true")
		}
	} else {
		res = do()
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if res.Status == http.StatusAccepted {
		var sr SubmitResponse
		if json.Unmarshal(res.Body, &sr) == nil && sr.ID != "" {
			w.Header().Set("Location", "/api/v1/messages/"+sr.ID)
		}
	}
	w.WriteHeader(res.Status)
	w.Write(res.Body)
}

func (a *api) getMessage(w http.ResponseWriter, r *http.Request, p principal) {
	d, err := a.b.MessageDetail(r.Context(), p.account, r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toMessage(d))
}

func (a *api) cancelMessage(w http.ResponseWriter, r *http.Request, p principal) {
	id := r.PathValue("id")
	if err := a.b.Cancel(r.Context(), p.account, id); err != nil {
		a.fail(w, r, err)
		return
	}
	d, err := a.b.MessageDetail(r.Context(), p.account, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toMessage(d))
}

// MessagePage is a page of messages; Next is the cursor of the following
// page ("" at the end).
type MessagePage struct {
	Messages []Message `json:"messages"`
	Next     string    `json:"next"`
}

// listScanBudget bounds how many messages one filtered listing reads.
const listScanBudget = 5000

func (a *api) listMessages(w http.ResponseWriter, r *http.Request, p principal) {
	q := r.URL.Query()
	limit, err := queryInt(r, "limit", 100, 1, 1000)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	state := strings.ToUpper(q.Get("state"))
	if state != "" && !slices.Contains(messageStates, state) {
		a.fail(w, r, errf(http.StatusBadRequest, "state", "must be one of %s", strings.Join(messageStates, ", ")))
		return
	}
	to := strings.TrimPrefix(q.Get("to"), "+")
	toPrefix, isPrefix := strings.CutSuffix(to, "*")
	match := func(d *smsc.MessageDetail) bool {
		if state != "" && d.State != state {
			return false
		}
		dest := strings.TrimPrefix(d.To, "+")
		switch {
		case to == "":
			return true
		case isPrefix:
			return strings.HasPrefix(dest, toPrefix)
		}
		return dest == to
	}
	page := MessagePage{Messages: []Message{}}
	cursor := q.Get("cursor")
	scanned := 0
	for {
		// Ask for no more than still fits, so the cursor never skips a match.
		msgs, next, err := a.b.Messages(r.Context(), p.account, cursor, limit-len(page.Messages))
		if err != nil {
			a.fail(w, r, err)
			return
		}
		scanned += len(msgs)
		for _, d := range msgs {
			if match(d) {
				page.Messages = append(page.Messages, toMessage(d))
			}
		}
		cursor = next
		if next == "" || len(page.Messages) >= limit || scanned >= listScanBudget || len(msgs) == 0 {
			break
		}
	}
	page.Next = cursor
	writeJSON(w, http.StatusOK, page)
}

// TokenRequest is the body of POST /api/v1/tokens (optional).
type TokenRequest struct {
	Name string `json:"name,omitempty"`
	// TTL is a Go duration, 1m to 2160h (default 24h).
	TTL string `json:"ttl,omitempty"`
}

// Token describes an API token; Token (the secret) is only in the answer
// to its creation.
type Token struct {
	Token   string    `json:"token,omitempty"`
	ID      string    `json:"id"`
	Account string    `json:"account"`
	Name    string    `json:"name,omitempty"`
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
}

func toToken(t smsc.Token) Token {
	return Token{ID: t.ID, Account: t.Owner, Name: t.Name, Created: t.Created, Expires: t.Expires}
}

func (a *api) issueToken(w http.ResponseWriter, r *http.Request, p principal) {
	var req TokenRequest
	if r.ContentLength != 0 {
		if err := decode(r, &req); err != nil {
			a.fail(w, r, err)
			return
		}
	}
	var ttl time.Duration
	if req.TTL != "" {
		d, err := time.ParseDuration(req.TTL)
		if err != nil || d <= 0 {
			a.fail(w, r, errf(http.StatusBadRequest, "ttl", "must be a positive duration such as 24h"))
			return
		}
		ttl = d
	}
	t, secret, err := a.b.IssueToken(r.Context(), p.account, req.Name, ttl)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := toToken(t)
	out.Token = secret
	writeJSON(w, http.StatusCreated, out)
}

func (a *api) listTokens(w http.ResponseWriter, r *http.Request, p principal) {
	ts, err := a.b.Tokens(r.Context(), p.account)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]Token, 0, len(ts))
	for _, t := range ts {
		out = append(out, toToken(t))
	}
	writeJSON(w, http.StatusOK, map[string]any{"tokens": out})
}

func (a *api) revokeToken(w http.ResponseWriter, r *http.Request, p principal) {
	if err := a.b.RevokeToken(r.Context(), p.account, r.PathValue("id")); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// WebhookAttempt is one HTTP attempt to deliver an event to the account's
// webhook.
type WebhookAttempt struct {
	Seq        uint64    `json:"seq"`
	Event      string    `json:"event"`
	ID         string    `json:"id"`
	Delivery   string    `json:"delivery"`
	Attempt    int       `json:"attempt"`
	URL        string    `json:"url"`
	Status     int       `json:"status,omitempty"`
	Error      string    `json:"error,omitempty"`
	OK         bool      `json:"ok"`
	Time       time.Time `json:"time"`
	DurationMS float64   `json:"duration_ms"`
	NextRetry  time.Time `json:"next_retry,omitzero"`
}

func (a *api) webhookAttempts(w http.ResponseWriter, r *http.Request, p principal) {
	limit, err := queryInt(r, "limit", 100, 1, 1000)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	atts, next, err := a.b.WebhookAttempts(r.Context(), p.account, q.Get("id"), q.Get("cursor"), limit)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]WebhookAttempt, 0, len(atts))
	for _, x := range atts {
		out = append(out, toAttempt(x))
	}
	writeJSON(w, http.StatusOK, map[string]any{"attempts": out, "next": next})
}

func toAttempt(x store.WebhookAttempt) WebhookAttempt {
	return WebhookAttempt{
		Seq: x.Seq, Event: x.Event, ID: x.ID, Delivery: x.Delivery, Attempt: x.Attempt, URL: x.URL,
		Status: x.Status, Error: x.Error, OK: x.OK, Time: x.Time, DurationMS: x.Duration, NextRetry: x.NextRetry,
	}
}
