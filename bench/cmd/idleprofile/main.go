// Command idleprofile explains the memory of idle sessions (issue #3). It
// runs an smpp.Server in-process with the session configuration of
// `smpp serve` (Window 256, InboundWindow max(1024, 4×256); a Binder that
// accepts every bind and, like the simulator, waits for each session's end
// on one goroutine), binds --conns raw transmitter connections to it from
// the same process (bench/internal/idleconn), lets them idle for --settle,
// and prints the Go runtime's own accounting:
//
//	idleprofile: sessions=N goroutines=N heap_inuse=B stack_inuse=B ...
//	             per session: heap B, stack B, goroutines N
//
// With --goroutineprofile it writes the goroutines grouped by stack. With
// --memprofile it writes a heap profile (inuse_space) to read with
// `go tool pprof -top -sample_index=inuse_space FILE`. The numbers include
// the client half (one goroutine and a 256-byte reader per connection),
// which is measured alone first with --conns connections to a raw listener
// and subtracted.
//
// --window and --inbound-window change the session configuration to show
// how the per-session cost depends on it.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"time"

	smpp "github.com/smppstack/smpp"
	"github.com/smppstack/smpp/bench/internal/idleconn"
	"github.com/smppstack/smpp/pdu"
)

type snapshot struct {
	goroutines            int
	heapInuse, stackInuse uint64
	heapObjects           uint64
}

func snap() snapshot {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return snapshot{runtime.NumGoroutine(), ms.HeapInuse, ms.StackInuse, ms.HeapObjects}
}

func main() {
	conns := flag.Int("conns", 10000, "number of sessions")
	window := flag.Int("window", 256, "SessionConfig.Window (smpp serve's default --window)")
	inbound := flag.Int("inbound-window", 0, "SessionConfig.InboundWindow (0: max(1024, 4×window), as smpp serve)")
	settle := flag.Duration("settle", 2*time.Second, "idle time before measuring")
	memProf := flag.String("memprofile", "", "write a heap profile to `FILE` with the sessions open")
	gProf := flag.String("goroutineprofile", "", "write the goroutines (grouped by stack, debug=1 text) to `FILE` with the sessions open")
	flag.Parse()
	if *inbound == 0 {
		*inbound = max(1024, 4**window)
	}
	if _, err := idleconn.RaiseNofile(); err != nil {
		log.Printf("idleprofile: %v", err)
	}

	// 1. The client half alone: raw connections to a listener that only
	// answers the bind and then holds the connection.
	base := snap()
	rawLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	var (
		rawMu    sync.Mutex
		rawConns []net.Conn // held so that no finalizer closes them
	)
	go func() {
		resp := []byte{0, 0, 0, 20, 0x80, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1, 'r', 'a', 'w', 0}
		for {
			c, err := rawLn.Accept()
			if err != nil {
				return
			}
			rawMu.Lock()
			rawConns = append(rawConns, c)
			rawMu.Unlock()
			go func() { // read the bind, answer, then hold the conn with no goroutine
				buf := make([]byte, 256)
				c.Read(buf)
				c.Write(resp)
			}()
		}
	}()
	clientOnly, cl := openAll(rawLn.Addr().String(), *conns)
	time.Sleep(*settle)
	withClient := snap()
	closeAll(cl)
	rawLn.Close()
	rawMu.Lock()
	closeAll(rawConns)
	rawConns = nil
	rawMu.Unlock()
	time.Sleep(500 * time.Millisecond)
	if clientOnly != *conns {
		log.Fatalf("idleprofile: raw listener: %d of %d bound", clientOnly, *conns)
	}

	// 2. The same connections to an smpp.Server.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	var waiting sync.WaitGroup
	srv := &smpp.Server{
		SystemID: "smpp",
		Binder: smpp.BinderFunc(func(ctx context.Context, s *smpp.Session, b *pdu.Bind) (smpp.Handler, error) {
			waiting.Add(1)
			go func() { defer waiting.Done(); <-s.Done() }() // as smpp serve's simulator does
			return smpp.HandlerFunc(func(ctx context.Context, r *smpp.Request) (pdu.PDU, error) { return nil, nil }), nil
		}),
		SessionConfig: smpp.SessionConfig{Window: *window, InboundWindow: *inbound},
	}
	go srv.Serve(ln)
	before := snap()
	n, sc := openAll(ln.Addr().String(), *conns)
	time.Sleep(*settle)
	after := snap()
	if *memProf != "" {
		f, err := os.Create(*memProf)
		if err != nil {
			log.Fatal(err)
		}
		pprof.Lookup("heap").WriteTo(f, 0)
		f.Close()
	}
	if *gProf != "" {
		f, err := os.Create(*gProf)
		if err != nil {
			log.Fatal(err)
		}
		pprof.Lookup("goroutine").WriteTo(f, 1)
		f.Close()
	}

	cHeap := int64(withClient.heapInuse) - int64(base.heapInuse)
	cStack := int64(withClient.stackInuse) - int64(base.stackInuse)
	cG := withClient.goroutines - base.goroutines
	heap := int64(after.heapInuse) - int64(before.heapInuse) - cHeap
	stack := int64(after.stackInuse) - int64(before.stackInuse) - cStack
	g := after.goroutines - before.goroutines - cG
	fmt.Printf("idleprofile: window=%d inbound_window=%d sessions=%d\n", *window, *inbound, n)
	fmt.Printf("idleprofile: client half alone: heap %d B, stack %d B, goroutines %d\n", cHeap, cStack, cG)
	fmt.Printf("idleprofile: server side: heap_inuse %.1f MB, stack_inuse %.1f MB, goroutines %d\n",
		float64(heap)/(1<<20), float64(stack)/(1<<20), g)
	if n > 0 {
		fmt.Printf("idleprofile: per session: heap %d B, stack %d B, goroutines %.1f, total %d B\n",
			heap/int64(n), stack/int64(n), float64(g)/float64(n), (heap+stack)/int64(n))
	}
	closeAll(sc)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	srv.Shutdown(ctx)
}

// openAll binds n raw transmitter connections to addr, 32 at a time, and
// keeps each idle on one goroutine.
func openAll(addr string, n int) (int, []net.Conn) {
	bind := idleconn.BindPDU("idle", "secret")
	var (
		wg    sync.WaitGroup
		sem   = make(chan struct{}, 32)
		ok    atomic.Int64
		all   = make([]net.Conn, n)
		enq   atomic.Int64
		first sync.Once
	)
	for i := range n {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := idleconn.DialBind(addr, bind)
			<-sem
			if err != nil {
				first.Do(func() { log.Printf("idleprofile: %v", err) })
				return
			}
			all[i] = c
			ok.Add(1)
			go idleconn.Idle(c, &enq)
		}()
	}
	wg.Wait()
	return int(ok.Load()), all
}

func closeAll(cs []net.Conn) {
	for _, c := range cs {
		if c != nil {
			c.Close()
		}
	}
}
