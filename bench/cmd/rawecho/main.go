// Command rawecho is a minimal framed SMPP echo server: the "physical limit
// of this box" reference for the session benchmarks. It does the least any
// SMPP server must do per PDU — read a 16-octet header and the body with
// io.ReadFull through a bufio.Reader, and write a canned response carrying
// the request's sequence_number — and nothing else: no decoding, no session
// state, no window, no allocation per PDU.
//
// Responses:
//
//	bind_receiver/transmitter/transceiver → bind_*_resp, system_id "echo"
//	submit_sm                              → submit_sm_resp, message_id "1"
//	enquire_link                           → enquire_link_resp
//	unbind                                 → unbind_resp, then close
//	anything else                          → generic_nack ESME_RINVCMDID
//
// A command_length below 16 or above 64 KiB is answered with generic_nack
// ESME_RINVCMDLEN and the connection is closed (framing is lost). Responses
// are batched: the writer is flushed only when the read buffer is empty.
//
// Usage:
//
//	go run ./cmd/rawecho --addr 127.0.0.1:2776
package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/smppstack/smpp/pdu"
)

const bufSize = 64 << 10

// Canned responses, sequence_number (octets 12..15) patched per request.
var (
	bindRespBody   = []byte("echo\x00")
	submitRespBody = []byte("1\x00")
)

func main() {
	addr := flag.String("addr", "127.0.0.1:2776", "listen address")
	flag.Parse()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("rawecho: %v", err)
	}
	fmt.Fprintf(os.Stderr, "rawecho: listening on %s\n", ln.Addr())

	s := &server{}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		s.shutdown(ln)
	}()

	if err := s.serve(ln); err != nil {
		log.Fatalf("rawecho: %v", err)
	}
	fmt.Fprintf(os.Stderr, "rawecho: stopped; %d connections, %d PDUs answered\n",
		s.conns.Load(), s.pdus.Load())
}

type server struct {
	conns atomic.Uint64
	pdus  atomic.Uint64
	wg    sync.WaitGroup

	mu     sync.Mutex
	open   map[net.Conn]struct{}
	closed bool
}

// shutdown closes ln and every open connection, so serve returns.
func (s *server) shutdown(ln net.Listener) {
	ln.Close()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	for c := range s.open {
		c.Close()
	}
}

// track adds c to the open connections, or closes it and reports false
// after shutdown.
func (s *server) track(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		c.Close()
		return false
	}
	if s.open == nil {
		s.open = make(map[net.Conn]struct{})
	}
	s.open[c] = struct{}{}
	return true
}

func (s *server) untrack(c net.Conn) {
	s.mu.Lock()
	delete(s.open, c)
	s.mu.Unlock()
	c.Close()
}

// serve accepts connections until ln is closed, then waits for the open
// connections to end (shutdown closes them) and returns nil.
func (s *server) serve(ln net.Listener) error {
	defer s.wg.Wait()
	for {
		c, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return err
		}
		if !s.track(c) {
			continue
		}
		s.conns.Add(1)
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer s.untrack(c)
			n, err := echo(c, c)
			s.pdus.Add(n)
			if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				fmt.Fprintf(os.Stderr, "rawecho: %s: %v after %d PDUs\n", c.RemoteAddr(), err, n)
			}
		}()
	}
}

// echo answers every PDU read from r on w until EOF, unbind or an error,
// and returns the number of PDUs answered. Its loop does not allocate.
func echo(r io.Reader, w io.Writer) (n uint64, err error) {
	br := bufio.NewReaderSize(r, bufSize)
	bw := bufio.NewWriterSize(w, bufSize)
	defer func() {
		if ferr := bw.Flush(); ferr != nil && err == nil {
			err = ferr
		}
	}()

	var hdr [pdu.HeaderLen]byte
	body := make([]byte, pdu.DefaultMaxLen)
	for {
		if _, err = io.ReadFull(br, hdr[:]); err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				err = fmt.Errorf("truncated header: %w", err)
			}
			return n, err
		}
		length := binary.BigEndian.Uint32(hdr[0:])
		id := pdu.CommandID(binary.BigEndian.Uint32(hdr[4:]))
		seq := binary.BigEndian.Uint32(hdr[12:])
		if length < pdu.HeaderLen || length > pdu.DefaultMaxLen {
			writeResp(bw, pdu.CmdGenericNACK, pdu.StatusInvCmdLen, seq, nil)
			return n + 1, fmt.Errorf("command_length %d out of range", length)
		}
		if _, err = io.ReadFull(br, body[:length-pdu.HeaderLen]); err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return n, fmt.Errorf("truncated body: %w", err)
		}

		switch id {
		case pdu.CmdBindReceiver, pdu.CmdBindTransmitter, pdu.CmdBindTransceiver:
			writeResp(bw, id.Response(), pdu.StatusOK, seq, bindRespBody)
		case pdu.CmdSubmitSM:
			writeResp(bw, pdu.CmdSubmitSMResp, pdu.StatusOK, seq, submitRespBody)
		case pdu.CmdEnquireLink:
			writeResp(bw, pdu.CmdEnquireLinkResp, pdu.StatusOK, seq, nil)
		case pdu.CmdUnbind:
			writeResp(bw, pdu.CmdUnbindResp, pdu.StatusOK, seq, nil)
			return n + 1, nil
		default:
			writeResp(bw, pdu.CmdGenericNACK, pdu.StatusInvCmdID, seq, nil)
		}
		n++
		if br.Buffered() == 0 {
			if err = bw.Flush(); err != nil {
				return n, err
			}
		}
	}
}

// writeResp appends one response PDU to bw, building it in bw's free space
// (no allocation while the buffer has room). Errors surface on Flush.
func writeResp(bw *bufio.Writer, id pdu.CommandID, st pdu.Status, seq uint32, body []byte) {
	b := bw.AvailableBuffer()
	b = binary.BigEndian.AppendUint32(b, uint32(pdu.HeaderLen+len(body)))
	b = binary.BigEndian.AppendUint32(b, uint32(id))
	b = binary.BigEndian.AppendUint32(b, uint32(st))
	b = binary.BigEndian.AppendUint32(b, seq)
	b = append(b, body...)
	bw.Write(b)
}
