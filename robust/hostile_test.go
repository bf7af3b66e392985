package robust

// Hostile input (issue #6 item 3): every file of testdata/hostile is sent
// over TCP to an in-process SMSC (smsctest), once on a fresh connection and
// once right after a successful bind, and the answer is checked against the
// expectation of its case in hostileCases: the PDUs the spec prescribes
// (generic_nack with ESME_RINVCMDLEN or ESME_RINVCMDID, the request's own
// *_resp with the field's status), then either a clean close or a session
// that is still in step (an enquire_link sent afterwards is answered next).
// Meanwhile a well-behaved ESME submits on its own session and must get
// every response, and the heap must not grow without bound.
//
// Corpus format: one case per file NAME.hex. Lines starting with '#' are
// comments; other lines are hex octets (spaces ignored), sent in order;
// "@repeat N HEX" sends HEX N times; "@eof" half-closes the connection
// (no more octets will come).

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/pdu"
	"github.com/smppstack/smpp/smpptest"
	"github.com/smppstack/smpp/smsc"
	"github.com/smppstack/smpp/smsc/smsctest"
)

// hostileInput is a parsed corpus file.
type hostileInput struct {
	data []byte
	eof  bool // half-close after data
}

func parseHostile(path string) (hostileInput, error) {
	f, err := os.Open(path)
	if err != nil {
		return hostileInput{}, err
	}
	defer f.Close()
	var in hostileInput
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case line == "@eof":
			in.eof = true
		case strings.HasPrefix(line, "@repeat "):
			f := strings.Fields(line)
			count, err := strconv.Atoi(f[1])
			if len(f) != 3 || err != nil {
				return in, fmt.Errorf("%s:%d: want @repeat N HEX", path, n)
			}
			b, err := hex.DecodeString(f[2])
			if err != nil {
				return in, fmt.Errorf("%s:%d: %v", path, n, err)
			}
			in.data = append(in.data, bytes.Repeat(b, count)...)
		default:
			b, err := hex.DecodeString(strings.ReplaceAll(line, " ", ""))
			if err != nil {
				return in, fmt.Errorf("%s:%d: %v", path, n, err)
			}
			in.data = append(in.data, b...)
		}
	}
	return in, sc.Err()
}

// want is one PDU the server must send.
type want struct {
	id     pdu.CommandID
	status pdu.Status
	seqs   []uint32 // acceptable sequence numbers; none = any
}

func (w want) String() string {
	return fmt.Sprintf("%s %s seq %#x", w.id, w.status, w.seqs)
}

func resp(id pdu.CommandID, st pdu.Status, seqs ...uint32) want { return want{id, st, seqs} }

func nack(st pdu.Status, seqs ...uint32) want { return want{pdu.CmdGenericNACK, st, seqs} }

// expectation is what a case must produce in one phase.
type expectation struct {
	pdus  []want
	burst int  // then this many enquire_link_resp (seq 0x23)
	close bool // then the server closes the connection (and sends nothing more)
}

type hostileCase struct {
	open, bound expectation
}

func both(e expectation) hostileCase { return hostileCase{e, e} }

func answers(w ...want) expectation      { return expectation{pdus: w} }
func answersClose(w ...want) expectation { return expectation{pdus: w, close: true} }

const (
	sync1 = 0x7777 // sequence number of the enquire_link that checks the stream is in step
)

// hostileCases is the expectation of every corpus file (without .hex).
// Sequence numbers are those written in the files.
var hostileCases = map[string]hostileCase{
	// Framing: bad command_length → generic_nack ESME_RINVCMDLEN, then close
	// (pdus.md §4: the stream is out of step). The header's sequence number
	// may be echoed when the whole header arrived, else 0 (v3.4 Table 4-9).
	"cmdlen-0":        both(answersClose(nack(pdu.StatusInvCmdLen, 0, 0x11))),
	"cmdlen-15":       both(answersClose(nack(pdu.StatusInvCmdLen, 0, 0x12))),
	"cmdlen-2p31":     both(answersClose(nack(pdu.StatusInvCmdLen, 0, 0x13))),
	"cmdlen-ffffffff": both(answersClose(nack(pdu.StatusInvCmdLen, 0, 0x14))),
	"cmdlen-over-max": both(answersClose(nack(pdu.StatusInvCmdLen, 0, 0x15))),
	"random-bytes":    both(answersClose(nack(pdu.StatusInvCmdLen))),
	// The stream ends inside a frame: nothing to answer, a clean close.
	"truncated-header": both(answersClose()),
	"truncated-body":   both(answersClose()),
	// The frame is whole but its body is inconsistent with command_length.
	"truncated-field":      both(answers(nack(pdu.StatusInvCmdLen, 0x18))),
	"cstring-unterminated": both(answers(nack(pdu.StatusInvCmdLen, 0x19))),
	// A bad field of a recognised request: its own *_resp with the field's
	// status (pdus.md §4 last row). Field checks come before the state check,
	// so an unbound session gets the same answer.
	"cstring-overlong-source": both(answers(resp(pdu.CmdSubmitSMResp, pdu.StatusInvSrcAddr, 0x1a))),
	"cstring-overlong-dest":   both(answers(resp(pdu.CmdSubmitSMResp, pdu.StatusInvDstAddr, 0x1b))),
	"bind-overlong-systemid":  both(answers(resp(pdu.CmdBindTransmitterResp, pdu.StatusInvSystemID, 0x1c))),
	"tlv-past-end":            both(answers(resp(pdu.CmdSubmitSMResp, pdu.StatusInvTLVStream, 0x1d))),
	"tlv-stray-octets":        both(answers(resp(pdu.CmdSubmitSMResp, pdu.StatusInvTLVStream, 0x1e))),
	"sm-length-past-end":      both(answers(resp(pdu.CmdSubmitSMResp, pdu.StatusInvMsgLen, 0x20))),
	// Octets after enquire_link's header are its TLV part, here corrupt.
	"enquire-link-body": both(answers(resp(pdu.CmdEnquireLinkResp, pdu.StatusInvTLVStream, 0x22))),
	"tlv-duplicate": {
		open:  answers(resp(pdu.CmdSubmitSMResp, pdu.StatusInvBindStatus, 0x1f)),
		bound: answers(resp(pdu.CmdSubmitSMResp, pdu.StatusOK, 0x1f)),
	},
	"request-nonzero-status": {
		open:  answers(resp(pdu.CmdSubmitSMResp, pdu.StatusInvBindStatus, 0x2f)),
		bound: answers(resp(pdu.CmdSubmitSMResp, pdu.StatusOK, 0x2f)),
	},
	// Garbage after a valid PDU: the PDU is answered, the garbage is a bad
	// command_length.
	"garbage-after-pdu":  both(answersClose(resp(pdu.CmdEnquireLinkResp, pdu.StatusOK, 0x21), nack(pdu.StatusInvCmdLen))),
	"enquire-link-burst": both(expectation{burst: 10000}),
	// Sequence numbers outside 1..0x7FFFFFFF are echoed.
	"seq-zero": {
		open:  answers(resp(pdu.CmdEnquireLinkResp, pdu.StatusOK, 0), resp(pdu.CmdSubmitSMResp, pdu.StatusInvBindStatus, 0)),
		bound: answers(resp(pdu.CmdEnquireLinkResp, pdu.StatusOK, 0), resp(pdu.CmdSubmitSMResp, pdu.StatusOK, 0)),
	},
	"seq-2p31": {
		open:  answers(resp(pdu.CmdEnquireLinkResp, pdu.StatusOK, 0x80000000), resp(pdu.CmdSubmitSMResp, pdu.StatusInvBindStatus, 0x80000000)),
		bound: answers(resp(pdu.CmdEnquireLinkResp, pdu.StatusOK, 0x80000000), resp(pdu.CmdSubmitSMResp, pdu.StatusOK, 0x80000000)),
	},
	// Responses are never answered.
	"resp-unsolicited": both(answers()),
	"unknown-response": both(answers()),
	"unknown-command":  both(answers(nack(pdu.StatusInvCmdID, 0x29), nack(pdu.StatusInvCmdID, 0x2a))),
	"wrong-direction": both(answers(
		resp(pdu.CmdDeliverSMResp, pdu.StatusInvBindStatus, 0x2c),
		nack(pdu.StatusInvBindStatus, 0x2d),
		nack(pdu.StatusInvBindStatus, 0x2e))),
	"unbind": {
		open:  answers(resp(pdu.CmdUnbindResp, pdu.StatusInvBindStatus, 0x30)),
		bound: answersClose(resp(pdu.CmdUnbindResp, pdu.StatusOK, 0x30)),
	},
}

func TestHostileCorpusComplete(t *testing.T) {
	files, err := filepath.Glob("testdata/hostile/*.hex")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".hex")
		seen[name] = true
		if _, ok := hostileCases[name]; !ok {
			t.Errorf("%s has no expectation in hostileCases", f)
		}
		if _, err := parseHostile(f); err != nil {
			t.Error(err)
		}
	}
	for name := range hostileCases {
		if !seen[name] {
			t.Errorf("hostileCases[%q] has no file testdata/hostile/%s.hex", name, name)
		}
	}
}

// goodESME submits continuously on its own session until stop is closed and
// counts the outcomes: every submission must be answered ESME_ROK.
type goodESME struct {
	ok, failed atomic.Int64
	maxLat     atomic.Int64
	mu         sync.Mutex
	errs       []string
	done       chan struct{}
}

func startGoodESME(t *testing.T, addr, id, pw string, every time.Duration, stop <-chan struct{}) *goodESME {
	t.Helper()
	d := &smpp.Dialer{SystemID: id, Password: pw, Mode: pdu.BindTransmitter}
	d.ResponseTimeout = 10 * time.Second
	s, err := d.Dial(t.Context(), addr)
	if err != nil {
		t.Fatalf("good ESME bind: %v", err)
	}
	g := &goodESME{done: make(chan struct{})}
	go func() {
		defer close(g.done)
		defer s.Close()
		tick := time.NewTicker(every)
		defer tick.Stop()
		for n := 0; ; n++ {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			start := time.Now()
			_, err := s.Submit(ctx, &pdu.SubmitSM{SourceAddr: "100", DestinationAddr: "339900000001", ShortMessage: []byte("good " + strconv.Itoa(n))})
			cancel()
			lat := time.Since(start)
			for {
				m := g.maxLat.Load()
				if int64(lat) <= m || g.maxLat.CompareAndSwap(m, int64(lat)) {
					break
				}
			}
			if err != nil {
				g.failed.Add(1)
				g.mu.Lock()
				if len(g.errs) < 5 {
					g.errs = append(g.errs, err.Error())
				}
				g.mu.Unlock()
				continue
			}
			g.ok.Add(1)
		}
	}()
	return g
}

func (g *goodESME) check(t *testing.T, minOK int64) {
	t.Helper()
	<-g.done
	t.Logf("good ESME: %d submissions answered ESME_ROK, %d failed, slowest %v", g.ok.Load(), g.failed.Load(), time.Duration(g.maxLat.Load()).Round(time.Millisecond))
	if g.failed.Load() > 0 {
		t.Errorf("the good ESME had %d failed submissions: %v", g.failed.Load(), g.errs)
	}
	if g.ok.Load() < minOK {
		t.Errorf("the good ESME got only %d responses", g.ok.Load())
	}
}

func heapInuse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

// TestHostileInput replays the corpus against smsctest, before and after a
// bind, with a good ESME submitting throughout.
func TestHostileInput(t *testing.T) {
	srv := smsctest.NewServer(t,
		smsctest.Account("hostile", "pw"),
		smsctest.Account("good", "pw"),
		// Every case binds from 127.0.0.1: never lock it out.
		smsctest.Configure(func(c *smsc.Config) { c.Lockout.MaxFailures = 1 << 20 }))
	files, err := filepath.Glob("testdata/hostile/*.hex")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	stop := make(chan struct{})
	good := startGoodESME(t, srv.Addr, "good", "pw", 5*time.Millisecond, stop)
	before := heapInuse()
	var peak uint64
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".hex")
		c, ok := hostileCases[name]
		if !ok {
			continue // reported by TestHostileCorpusComplete
		}
		in, err := parseHostile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, phase := range []string{"open", "bound"} {
			exp := c.open
			if phase == "bound" {
				exp = c.bound
			}
			t.Run(name+"/"+phase, func(t *testing.T) {
				runHostile(t, srv.Addr, in, phase == "bound", exp)
			})
		}
		peak = max(peak, heapInuse())
	}
	close(stop)
	good.check(t, 10)
	after := heapInuse()
	t.Logf("heap in use: before %d KiB, peak between cases %d KiB, after %d KiB", before>>10, peak>>10, after>>10)
	const bound = 64 << 20
	if peak > before+bound || after > before+bound {
		t.Errorf("heap grew by more than %d MiB (before %d KiB, peak %d KiB, after %d KiB)", bound>>20, before>>10, peak>>10, after>>10)
	}
}

func runHostile(t *testing.T, addr string, in hostileInput, bind bool, exp expectation) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	p := smpptest.NewPeer(conn)
	p.Timeout = 5 * time.Second
	if bind {
		if err := p.WritePDU(1, pdu.StatusOK, &pdu.Bind{Mode: pdu.BindTransceiver, SystemID: "hostile", Password: "pw", InterfaceVersion: pdu.V34}); err != nil {
			t.Fatal(err)
		}
		h, _, err := p.ReadPDU()
		if err != nil || h.ID != pdu.CmdBindTransceiverResp || h.Status != pdu.StatusOK {
			t.Fatalf("bind: %v %v", h, err)
		}
	}
	// Write on another goroutine: a burst is larger than the socket buffers,
	// and its answers must be read meanwhile.
	werr := make(chan error, 1)
	go func() {
		conn.SetWriteDeadline(time.Now().Add(20 * time.Second))
		_, err := conn.Write(in.data)
		if err == nil && in.eof {
			err = conn.(*net.TCPConn).CloseWrite()
		}
		werr <- err
	}()
	for i, w := range exp.pdus {
		h, _, err := p.ReadPDU()
		if err != nil {
			t.Fatalf("answer %d: want %v, got error %v", i+1, w, err)
		}
		if h.ID != w.id || h.Status != w.status || len(w.seqs) > 0 && !slices.Contains(w.seqs, h.Seq) {
			t.Fatalf("answer %d: want %v, got %s %s seq %#x", i+1, w, h.ID, h.Status, h.Seq)
		}
	}
	for i := range exp.burst {
		h, _, err := p.ReadPDU()
		if err != nil || h.ID != pdu.CmdEnquireLinkResp || h.Seq != 0x23 {
			t.Fatalf("burst answer %d of %d: %v %v", i+1, exp.burst, h, err)
		}
	}
	if exp.close {
		h, _, err := p.ReadPDU()
		if err == nil {
			t.Fatalf("want the connection closed, got %s %s seq %#x", h.ID, h.Status, h.Seq)
		}
		if !smpptest.IsClosed(err) {
			t.Fatalf("want the connection closed, got %v", err)
		}
		return
	}
	// Still in step: an enquire_link is the next thing answered.
	if err := <-werr; err != nil {
		t.Fatalf("write: %v", err)
	}
	if err := p.WritePDU(sync1, pdu.StatusOK, &pdu.EnquireLink{}); err != nil {
		t.Fatalf("session closed: %v", err)
	}
	h, _, err := p.ReadPDU()
	if err != nil {
		t.Fatalf("want enquire_link_resp seq %#x, got error %v", sync1, err)
	}
	if h.ID != pdu.CmdEnquireLinkResp || h.Seq != sync1 {
		t.Fatalf("want enquire_link_resp seq %#x, got %s %s seq %#x (an unexpected answer)", sync1, h.ID, h.Status, h.Seq)
	}
}
