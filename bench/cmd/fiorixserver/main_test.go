package main

import (
	"encoding/binary"
	"io"
	"net"
	"testing"
	"time"

	"github.com/fiorix/go-smpp/smpp/smpptest"

	"github.com/smppstack/smpp/bench/internal/idleconn"
	"github.com/smppstack/smpp/pdu"
)

// readPDU reads one frame and returns its command_id, status, sequence and body.
func readPDU(t *testing.T, c net.Conn) (pdu.CommandID, pdu.Status, uint32, []byte) {
	t.Helper()
	var h [16]byte
	if _, err := io.ReadFull(c, h[:]); err != nil {
		t.Fatal(err)
	}
	body := make([]byte, binary.BigEndian.Uint32(h[0:])-16)
	if _, err := io.ReadFull(c, body); err != nil {
		t.Fatal(err)
	}
	return pdu.CommandID(binary.BigEndian.Uint32(h[4:])), pdu.Status(binary.BigEndian.Uint32(h[8:])),
		binary.BigEndian.Uint32(h[12:]), body
}

// TestBindSeqAndSubmit binds twice (smpptest's global counter would give the
// second bind response sequence 2) and submits once on each connection.
func TestBindSeqAndSubmit(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := smpptest.NewUnstartedServer()
	setListener(srv, fixListener{ln})
	srv.Handler = handle
	srv.Start()
	defer srv.Close()

	for i := range 2 {
		c, err := net.Dial("tcp", srv.Addr())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		bind := idleconn.BindPDU(smpptest.DefaultUser, smpptest.DefaultPasswd)
		binary.BigEndian.PutUint32(bind[12:], 7) // sequence_number 7
		if _, err := c.Write(bind); err != nil {
			t.Fatal(err)
		}
		id, st, seq, _ := readPDU(t, c)
		if id != pdu.CmdBindTransmitterResp || st != pdu.StatusOK || seq != 7 {
			t.Fatalf("conn %d: bind response %v %v seq %d, want bind_transmitter_resp OK seq 7", i, id, st, seq)
		}
		sm, err := pdu.Append(nil, 8, pdu.StatusOK, &pdu.SubmitSM{ShortMessage: []byte("hi")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Write(sm); err != nil {
			t.Fatal(err)
		}
		id, st, seq, body := readPDU(t, c)
		if id != pdu.CmdSubmitSMResp || st != pdu.StatusOK || seq != 8 || len(body) < 2 {
			t.Fatalf("conn %d: submit response %v %v seq %d body %q", i, id, st, seq, body)
		}
	}
}
