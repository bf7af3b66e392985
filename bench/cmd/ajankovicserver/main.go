// Command ajankovicserver is a peer SMSC for the session benchmarks (issue
// #3): github.com/ajankovic/smpp's Server (pinned at
// v0.0.0-20191203230920-1db50388714e) with a handler that answers the way
// `smpp serve` does:
//
//	bind_*       → bind_*_resp (any credentials)
//	submit_sm    → submit_sm_resp with a new message id (an atomic counter)
//	enquire_link → enquire_link_resp
//	unbind       → unbind_resp, then the session closes
//
// The session's request window (ReqWinSize) is --req-window, 1024 by
// default, above any window the benchmarks use, so the server never
// throttles. ajankovic runs each request's handler on its own goroutine.
// It prints "ajankovicserver: listening on ADDR" and runs until
// SIGINT/SIGTERM.
//
// Known limitation, measured as is: ajankovic's pdu.Decoder reads the
// 16-octet header and the body with one Read call each on the raw
// connection and fails ("invalid pdu header byte length") when TCP hands it
// fewer octets, which pipelined traffic can do.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"runtime/pprof"
	"strconv"
	"sync/atomic"
	"syscall"

	"github.com/ajankovic/smpp"
	"github.com/ajankovic/smpp/pdu"
)

var msgID atomic.Uint64

func handle(ctx *smpp.Context) {
	var err error
	switch ctx.CommandID() {
	case pdu.BindTransmitterID:
		var p *pdu.BindTx
		if p, err = ctx.BindTx(); err == nil {
			err = ctx.Respond(p.Response("ajankovic"), pdu.StatusOK)
		}
	case pdu.BindReceiverID:
		var p *pdu.BindRx
		if p, err = ctx.BindRx(); err == nil {
			err = ctx.Respond(p.Response("ajankovic"), pdu.StatusOK)
		}
	case pdu.BindTransceiverID:
		var p *pdu.BindTRx
		if p, err = ctx.BindTRx(); err == nil {
			err = ctx.Respond(p.Response("ajankovic"), pdu.StatusOK)
		}
	case pdu.SubmitSmID:
		var p *pdu.SubmitSm
		if p, err = ctx.SubmitSm(); err == nil {
			err = ctx.Respond(p.Response(strconv.FormatUint(msgID.Add(1), 10)), pdu.StatusOK)
		}
	case pdu.EnquireLinkID:
		var p *pdu.EnquireLink
		if p, err = ctx.EnquireLink(); err == nil {
			err = ctx.Respond(p.Response(), pdu.StatusOK)
		}
	case pdu.UnbindID:
		var p *pdu.Unbind
		if p, err = ctx.Unbind(); err == nil {
			err = ctx.Respond(p.Response(), pdu.StatusOK)
		}
		ctx.CloseSession()
	}
	if err != nil {
		log.Printf("ajankovicserver: %v: %v", ctx.CommandID(), err)
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen on `HOST:PORT` (port 0 picks a free port)")
	reqWin := flag.Int("req-window", 1024, "requests handled concurrently per session before throttling")
	cpuProf := flag.String("cpuprofile", "", "write a CPU profile to `FILE` until shutdown")
	flag.Parse()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("ajankovicserver: %v", err)
	}
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
	srv := smpp.NewServer(ln.Addr().String(), smpp.SessionConf{
		Handler:    smpp.HandlerFunc(handle),
		ReqWinSize: *reqWin,
		SystemID:   "ajankovic",
	})
	fmt.Fprintf(os.Stderr, "ajankovicserver: listening on %s\n", ln.Addr())
	go func() {
		if err := srv.Serve(ln); err != nil {
			log.Printf("ajankovicserver: %v", err)
		}
	}()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	srv.Close()
	fmt.Fprintf(os.Stderr, "ajankovicserver: stopped; %d message ids issued\n", msgID.Load())
}
