// Command fiorixserver is a peer SMSC for the session benchmarks (issue #3):
// github.com/fiorix/go-smpp's test server, smpptest.Server (pinned at
// v0.0.0-20210403173735-2894b96e70ba), with a handler that answers the way
// `smpp serve` does:
//
//	submit_sm    → submit_sm_resp with a new message id (an atomic counter)
//	enquire_link → enquire_link_resp
//	unbind       → unbind_resp, then close
//	anything else → generic_nack ESME_RINVCMDID
//
// smpptest authenticates the bind itself against fixed credentials
// (--system-id/--password, default "client"/"secret", smpptest's defaults).
// It prints "fiorixserver: listening on ADDR" and runs until SIGINT/SIGTERM.
// smpptest's connection reads with a bufio.Reader and flushes after every
// PDU it writes; its handler runs on the connection's reader goroutine.
//
// Two things smpptest does not offer are added from outside, around its
// listener (an unexported field, set through reflect):
//
//   - --addr: smpptest always listens on a free port of 127.0.0.1.
//   - --fix-bind-seq (default on): smpptest answers a bind with a fresh
//     bind_*_resp whose sequence_number comes from go-smpp's global counter
//     (1 for the first bind of the process, 2 for the second...), not the
//     request's. gosmpp ignores it, but a client that matches responses to
//     requests (ours) waits for its bind response forever. The accepted
//     connection remembers the sequence_number of the first PDU it reads
//     and writes it into the first PDU it writes (the bind response); every
//     later read and write is passed through untouched.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"reflect"
	"runtime/pprof"
	"strconv"
	"sync/atomic"
	"syscall"
	"unsafe"

	"github.com/fiorix/go-smpp/smpp/pdu"
	"github.com/fiorix/go-smpp/smpp/pdu/pdufield"
	"github.com/fiorix/go-smpp/smpp/smpptest"
)

var msgID atomic.Uint64

func handle(c smpptest.Conn, m pdu.Body) {
	h := m.Header()
	var resp pdu.Body
	switch h.ID {
	case pdu.SubmitSMID:
		resp = pdu.NewSubmitSMResp()
		resp.Fields().Set(pdufield.MessageID, strconv.FormatUint(msgID.Add(1), 10))
	case pdu.EnquireLinkID:
		resp = pdu.NewEnquireLinkResp()
	case pdu.UnbindID:
		resp = pdu.NewUnbindResp()
		resp.Header().Seq = h.Seq
		c.Write(resp)
		c.Close()
		return
	default:
		resp = pdu.NewGenericNACK()
		resp.Header().Status = 0x03 // ESME_RINVCMDID
	}
	resp.Header().Seq = h.Seq
	if err := c.Write(resp); err != nil {
		log.Printf("fiorixserver: write: %v", err)
	}
}

func main() {
	user := flag.String("system-id", smpptest.DefaultUser, "system_id a bind must carry")
	passwd := flag.String("password", smpptest.DefaultPasswd, "password a bind must carry")
	addr := flag.String("addr", "127.0.0.1:0", "listen on `HOST:PORT` (port 0 picks a free port)")
	fixSeq := flag.Bool("fix-bind-seq", true, "answer a bind with the request's sequence_number")
	cpuProf := flag.String("cpuprofile", "", "write a CPU profile to `FILE` until shutdown")
	flag.Parse()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("fiorixserver: %v", err)
	}
	if *fixSeq {
		ln = fixListener{ln}
	}
	srv := smpptest.NewUnstartedServer()
	setListener(srv, ln)
	srv.User, srv.Passwd = *user, *passwd
	srv.Handler = handle
	if *cpuProf != "" {
		f, err := os.Create(*cpuProf)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	srv.Start()
	fmt.Fprintf(os.Stderr, "fiorixserver: listening on %s\n", srv.Addr())

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	srv.Close()
	fmt.Fprintf(os.Stderr, "fiorixserver: stopped; %d message ids issued\n", msgID.Load())
}

// setListener replaces the listener smpptest.NewUnstartedServer opened
// (the unexported field l) with ln, and closes the old one.
func setListener(srv *smpptest.Server, ln net.Listener) {
	f := reflect.ValueOf(srv).Elem().FieldByName("l")
	p := (*net.Listener)(unsafe.Pointer(f.UnsafeAddr()))
	(*p).Close()
	*p = ln
}

// fixListener hands out fixConns.
type fixListener struct{ net.Listener }

func (l fixListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &fixConn{Conn: c}, nil
}

// fixConn copies the sequence_number of the first PDU read (the bind) into
// the first PDU written (smpptest's bind response). smpptest reads through
// a bufio.Reader and writes each PDU with one Write of the whole frame.
type fixConn struct {
	net.Conn
	head    [16]byte // the first 16 octets read
	nhead   int
	patched bool
}

func (c *fixConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if c.nhead < len(c.head) {
		c.nhead += copy(c.head[c.nhead:], b[:n])
	}
	return n, err
}

func (c *fixConn) Write(b []byte) (int, error) {
	if !c.patched && len(b) >= 16 && c.nhead == len(c.head) {
		c.patched = true
		fixed := append([]byte(nil), b...)
		copy(fixed[12:16], c.head[12:16])
		return c.Conn.Write(fixed)
	}
	return c.Conn.Write(b)
}
