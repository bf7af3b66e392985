package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/smppstack/smpp/pdu"
)

func mustAppend(t *testing.T, dst []byte, seq uint32, p pdu.PDU) []byte {
	t.Helper()
	b, err := pdu.Append(dst, seq, pdu.StatusOK, p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// oneByteReader returns one octet per Read: the worst TCP segmentation.
type oneByteReader struct{ r io.Reader }

func (o oneByteReader) Read(p []byte) (int, error) {
	if len(p) > 1 {
		p = p[:1]
	}
	return o.r.Read(p)
}

func TestEchoResponses(t *testing.T) {
	var in []byte
	in = mustAppend(t, in, 1, &pdu.Bind{Mode: pdu.BindTransceiver, SystemID: "bench", Password: "pw", InterfaceVersion: pdu.V34})
	in = mustAppend(t, in, 2, &pdu.SubmitSM{SourceAddr: "a", DestinationAddr: "b", ShortMessage: []byte("hello")})
	in = mustAppend(t, in, 3, &pdu.EnquireLink{})
	in = mustAppend(t, in, 4, &pdu.QuerySM{MessageID: "1", SourceAddr: "a"})
	in = mustAppend(t, in, 5, &pdu.Bind{Mode: pdu.BindReceiver, SystemID: "x"})
	in = mustAppend(t, in, 6, &pdu.Bind{Mode: pdu.BindTransmitter, SystemID: "x"})
	in = mustAppend(t, in, 0x7FFFFFFF, &pdu.Unbind{})
	in = mustAppend(t, in, 9, &pdu.EnquireLink{}) // after unbind: not answered

	var out bytes.Buffer
	n, err := echo(oneByteReader{bytes.NewReader(in)}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if n != 7 {
		t.Errorf("answered %d PDUs, want 7", n)
	}

	want := []struct {
		id     pdu.CommandID
		status pdu.Status
		seq    uint32
	}{
		{pdu.CmdBindTransceiverResp, pdu.StatusOK, 1},
		{pdu.CmdSubmitSMResp, pdu.StatusOK, 2},
		{pdu.CmdEnquireLinkResp, pdu.StatusOK, 3},
		{pdu.CmdGenericNACK, pdu.StatusInvCmdID, 4},
		{pdu.CmdBindReceiverResp, pdu.StatusOK, 5},
		{pdu.CmdBindTransmitterResp, pdu.StatusOK, 6},
		{pdu.CmdUnbindResp, pdu.StatusOK, 0x7FFFFFFF},
	}
	rd := pdu.NewReader(&out, pdu.DefaultMaxLen)
	for i, w := range want {
		frame, err := rd.ReadFrame()
		if err != nil {
			t.Fatalf("response %d: %v", i, err)
		}
		h, p, err := pdu.Decode(frame)
		if err != nil {
			t.Fatalf("response %d: %v", i, err)
		}
		if h.ID != w.id || h.Status != w.status || h.Seq != w.seq {
			t.Errorf("response %d: got %v %v seq %d, want %v %v seq %d", i, h.ID, h.Status, h.Seq, w.id, w.status, w.seq)
		}
		switch p := p.(type) {
		case *pdu.BindResp:
			if p.SystemID != "echo" {
				t.Errorf("response %d: system_id %q", i, p.SystemID)
			}
		case *pdu.SubmitSMResp:
			if p.MessageID != "1" {
				t.Errorf("response %d: message_id %q", i, p.MessageID)
			}
		}
	}
	if out.Len() != 0 {
		t.Errorf("%d extra octets after unbind_resp", out.Len())
	}
}

func TestEchoBadLength(t *testing.T) {
	in := []byte{0, 0, 0, 8, 0, 0, 0, 0x15, 0, 0, 0, 0, 0, 0, 0, 42}
	var out bytes.Buffer
	_, err := echo(bytes.NewReader(in), &out)
	if err == nil {
		t.Fatal("no error for command_length 8")
	}
	h, _, derr := pdu.Decode(out.Bytes())
	if derr != nil {
		t.Fatal(derr)
	}
	if h.ID != pdu.CmdGenericNACK || h.Status != pdu.StatusInvCmdLen || h.Seq != 42 {
		t.Errorf("got %v %v seq %d", h.ID, h.Status, h.Seq)
	}
}

func TestEchoTruncated(t *testing.T) {
	frame := mustAppend(t, nil, 1, &pdu.EnquireLink{})
	for _, cut := range []int{0, 5} {
		_, err := echo(bytes.NewReader(frame[:cut]), io.Discard)
		if cut == 0 && !errors.Is(err, io.EOF) {
			t.Errorf("cut %d: err %v, want EOF", cut, err)
		}
		if cut > 0 && !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("cut %d: err %v, want ErrUnexpectedEOF", cut, err)
		}
	}
	sm := mustAppend(t, nil, 1, &pdu.SubmitSM{ShortMessage: []byte("x")})
	if _, err := echo(bytes.NewReader(sm[:len(sm)-1]), io.Discard); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("truncated body: err %v", err)
	}
}

// TestServeTCP runs the server on loopback and pipelines a window of
// submit_sm over one connection.
func TestServeTCP(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &server{}
	done := make(chan error, 1)
	go func() { done <- s.serve(ln) }()

	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))

	const window = 100
	var req []byte
	req = mustAppend(t, req, 1, &pdu.Bind{Mode: pdu.BindTransmitter, SystemID: "bench"})
	for i := range uint32(window) {
		req = mustAppend(t, req, 2+i, &pdu.SubmitSM{SourceAddr: "a", DestinationAddr: "b", ShortMessage: []byte("hi")})
	}
	req = mustAppend(t, req, 2+window, &pdu.Unbind{})
	if _, err := c.Write(req); err != nil {
		t.Fatal(err)
	}
	rd := pdu.NewReader(bufio.NewReader(c), pdu.DefaultMaxLen)
	for i := uint32(1); i <= 2+window; i++ {
		frame, err := rd.ReadFrame()
		if err != nil {
			t.Fatalf("response %d: %v", i, err)
		}
		h, err := pdu.DecodeHeader(frame)
		if err != nil || h.Seq != i || h.Status != pdu.StatusOK {
			t.Fatalf("response %d: %+v %v", i, h, err)
		}
	}
	if _, err := rd.ReadFrame(); !errors.Is(err, io.EOF) {
		t.Errorf("after unbind_resp: %v, want EOF", err)
	}

	ln.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serve did not return")
	}
	if s.conns.Load() != 1 || s.pdus.Load() != 2+window {
		t.Errorf("conns %d pdus %d", s.conns.Load(), s.pdus.Load())
	}
}

// TestShutdown checks that shutdown ends serve while a client is connected.
func TestShutdown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &server{}
	done := make(chan error, 1)
	go func() { done <- s.serve(ln) }()

	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	// One round trip, so the server has accepted and tracks the connection.
	if _, err := c.Write(mustAppend(t, nil, 1, &pdu.EnquireLink{})); err != nil {
		t.Fatal(err)
	}
	if _, err := pdu.NewReader(c, pdu.DefaultMaxLen).ReadFrame(); err != nil {
		t.Fatal(err)
	}

	s.shutdown(ln)
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serve did not return after shutdown")
	}
}

// BenchmarkEcho measures the per-PDU cost of the echo loop alone (no
// sockets): one submit_sm in, one submit_sm_resp out.
func BenchmarkEcho(b *testing.B) {
	sm, err := pdu.Append(nil, 1, pdu.StatusOK, &pdu.SubmitSM{SourceAddr: "a", DestinationAddr: "b", ShortMessage: bytes.Repeat([]byte("x"), 160)})
	if err != nil {
		b.Fatal(err)
	}
	const batch = 1000
	in := bytes.Repeat(sm, batch)
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	r := bytes.NewReader(in)
	for b.Loop() {
		r.Reset(in)
		if _, err := echo(r, io.Discard); !errors.Is(err, io.EOF) {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batch), "ns/pdu")
}
