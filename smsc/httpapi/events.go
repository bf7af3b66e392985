package httpapi

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/smppstack/smpp/smsc"
)

// Event is one live event, as sent on GET /api/v1/events.
type Event struct {
	Type    string    `json:"type"`
	Time    time.Time `json:"time"`
	Node    string    `json:"node,omitempty"`
	Account string    `json:"account,omitempty"`
	ID      string    `json:"id,omitempty"`
	From    string    `json:"from,omitempty"`
	To      string    `json:"to,omitempty"`
	State   string    `json:"state,omitempty"`
	Text    string    `json:"text,omitempty"`
	Session string    `json:"session,omitempty"`
	Mode    string    `json:"mode,omitempty"`
}

// events streams live events as Server-Sent Events: "event: <type>" and
// "data: <JSON Event>" per event, and a comment line as keepalive. An
// account sees only events about itself; the admin sees all of them (or one
// account's with ?account=). ?types=a,b keeps only those types.
func (a *api) events(w http.ResponseWriter, r *http.Request, p principal) {
	var types []string
	if t := r.URL.Query().Get("types"); t != "" {
		types = strings.Split(t, ",")
	}
	rc := http.NewResponseController(w)
	rc.SetWriteDeadline(time.Time{}) // a stream outlives the server's WriteTimeout
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, ": smscd events\nretry: 2000\n\n")
	if err := rc.Flush(); err != nil {
		return
	}
	ctx := r.Context()
	ch := a.b.Subscribe(ctx)
	t := time.NewTicker(a.opts.EventHeartbeat)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fmt.Fprint(w, ": keepalive\n\n")
		case ev, ok := <-ch:
			if !ok {
				return
			}
			if p.account != "" && ev.Account != p.account || len(types) > 0 && !slices.Contains(types, ev.Type) {
				continue
			}
			b, _ := json.Marshal(toEvent(ev))
			fmt.Fprintf(w, "event: %s\ndata: %s\n\n", ev.Type, b)
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}

func toEvent(e smsc.Event) Event {
	return Event{Type: e.Type, Time: e.Time, Node: e.Node, Account: e.Account, ID: e.ID, From: e.From, To: e.To,
		State: e.State, Text: e.Text, Session: e.Session, Mode: e.Mode}
}

//go:embed openapi.json
var openAPIDoc []byte

// OpenAPI returns the OpenAPI 3 document describing the API.
func OpenAPI() []byte { return append([]byte(nil), openAPIDoc...) }

func (a *api) openAPI(w http.ResponseWriter, r *http.Request, _ principal) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Write(openAPIDoc)
}
