package smpp_test

// FuzzSessionLoop drives the server's session loop (Server.ServeConn over
// net.Pipe) with arbitrary bytes, after an optional valid bind, and checks
// that it never panics, never hangs and leaks nothing: once the client end
// is closed the session ends within a bound, the server forgets it, and no
// goroutine of the package started for it is left running.
//
// The first argument selects how the bytes are played:
//
//	bit 0  bind as a transceiver first (and read nothing in particular)
//	bit 1  keep the connection open for a while after writing, so the
//	       session's timers (session_init, write timeout) act first
//	bit 2  write in small pieces (frames split across reads)
//
// The seed corpus is in testdata/fuzz/FuzzSessionLoop (the hostile corpus
// of robust/testdata/hostile, unbound and bound) plus the seeds below.

import (
	"bytes"
	"context"
	"io"
	"net"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/pdu"
	"github.com/smppstack/smpp/smpptest"
)

const (
	fuzzBind     = 1 << 0
	fuzzKeepOpen = 1 << 1
	fuzzChunked  = 1 << 2
)

func FuzzSessionLoop(f *testing.F) {
	mustMarshal := func(seq uint32, p pdu.PDU) []byte {
		b, err := pdu.Marshal(seq, pdu.StatusOK, p)
		if err != nil {
			f.Fatal(err)
		}
		return b
	}
	submit := mustMarshal(2, &pdu.SubmitSM{SourceAddr: "100", DestinationAddr: "447700900001", ShortMessage: []byte("hi")})
	enquire := mustMarshal(3, &pdu.EnquireLink{})
	unbind := mustMarshal(4, &pdu.Unbind{})
	bind := mustMarshal(5, &pdu.Bind{Mode: pdu.BindTransmitter, SystemID: "f", Password: "p", InterfaceVersion: pdu.V34})
	cat := func(bs ...[]byte) []byte { return bytes.Join(bs, nil) }
	for _, flags := range []uint8{0, fuzzBind, fuzzKeepOpen, fuzzBind | fuzzChunked} {
		f.Add(flags, []byte{})
		f.Add(flags, cat(submit, enquire, unbind))
		f.Add(flags, cat(bind, submit, bytes.Repeat(enquire, 50)))
		f.Add(flags, cat(enquire, []byte("GET / HTTP/1.1\r\n\r\n")))
		f.Add(flags, submit[:len(submit)-3])
	}
	f.Fuzz(func(t *testing.T, flags uint8, data []byte) {
		before := sessionGoroutines()
		srv := &smpp.Server{
			Binder:      smpptest.AcceptAll(nil),
			BindTimeout: 50 * time.Millisecond,
			SessionConfig: smpp.SessionConfig{
				WriteTimeout:        200 * time.Millisecond,
				ResponseTimeout:     200 * time.Millisecond,
				EnquireLinkInterval: 100 * time.Millisecond,
				InactivityTimeout:   300 * time.Millisecond,
				MaxPDULen:           4096,
				InboundWindow:       8,
			},
		}
		client, server := net.Pipe()
		served := make(chan error, 1)
		go func() { served <- srv.ServeConn(context.Background(), server) }()
		// Read everything the server sends, answering nothing.
		drained := make(chan struct{})
		go func() {
			defer close(drained)
			io.Copy(io.Discard, client)
		}()
		var in []byte
		if flags&fuzzBind != 0 {
			in = append(in, mustMarshal(1, &pdu.Bind{Mode: pdu.BindTransceiver, SystemID: "fuzz", Password: "x", InterfaceVersion: pdu.V34})...)
		}
		in = append(in, data...)
		client.SetWriteDeadline(time.Now().Add(5 * time.Second))
		if flags&fuzzChunked != 0 {
			for len(in) > 0 {
				n := min(len(in), 7)
				if _, err := client.Write(in[:n]); err != nil {
					break // the server closed
				}
				in = in[n:]
			}
		} else {
			client.Write(in)
		}
		if flags&fuzzKeepOpen != 0 {
			select {
			case <-served:
				served <- nil
			case <-time.After(400 * time.Millisecond):
			}
		}
		client.Close()
		select {
		case <-served:
		case <-time.After(5 * time.Second):
			t.Fatalf("session still running 5s after the client closed (flags %#x, %d bytes)\n%s", flags, len(data), allStacks())
		}
		<-drained
		if n := len(srv.Sessions()); n != 0 {
			t.Fatalf("server still lists %d sessions after ServeConn returned", n)
		}
		srv.Close()
		// Goroutines of the package started for this input must all end.
		deadline := time.Now().Add(3 * time.Second)
		for {
			leaked := newGoroutines(before, sessionGoroutines())
			if len(leaked) == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d goroutines of the session left running (flags %#x, %d bytes):\n%s", len(leaked), flags, len(data), strings.Join(leaked, "\n\n"))
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

var goroutineHeader = regexp.MustCompile(`^goroutine (\d+) `)

// sessionGoroutines returns the stacks of goroutines running code of the
// smpp package (not its tests), keyed by goroutine id.
func sessionGoroutines() map[string]string {
	out := map[string]string{}
	for _, g := range strings.Split(allStacks(), "\n\n") {
		m := goroutineHeader.FindStringSubmatch(g)
		if m == nil || !strings.Contains(g, "github.com/smppstack/smpp.") {
			continue
		}
		out[m[1]] = g
	}
	return out
}

func newGoroutines(before, now map[string]string) []string {
	var out []string
	for id, g := range now {
		if _, ok := before[id]; !ok {
			out = append(out, g)
		}
	}
	return out
}

func allStacks() string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return string(buf[:n])
		}
		buf = make([]byte, 2*len(buf))
	}
}
