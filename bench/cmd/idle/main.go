// Command idle measures what idle bound sessions cost a server (issue #3):
// it opens --conns TCP connections to --addr, binds each as a transmitter,
// keeps them open and idle (answering the server's enquire_link), and reads
// the server's resident memory (VmRSS in /proc/PID/status, PID from --pid)
// before the first connection, once every session is bound and settled, and
// after --hold.
//
// The client side is raw framing on the standard library (one goroutine
// per connection reading 16-octet headers and bodies), so that it costs
// little on the shared machine; the numbers are the server's. It raises its
// own RLIMIT_NOFILE to the hard limit; the server needs the same (ulimit -n
// in the shell that starts it).
//
// Output, one line each:
//
//	idle: baseline rss=KB kB hwm=KB kB (pid PID)
//	idle: bound=N failed=N in S s
//	idle: settled=D bound=N closed=N enquire_links=N rss=KB kB (MB) hwm=KB kB threads=N per_session=B B
//	idle: held=D ... (the same fields, after --hold)
//
// per_session is (rss - baseline rss) / sessions still bound. closed counts
// sessions the server ended; the exit status is 1 when a bind failed or a
// session was closed.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/smppstack/smpp/bench/internal/idleconn"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:2775", "server `HOST:PORT`")
	conns := flag.Int("conns", 10000, "number of sessions")
	pid := flag.Int("pid", 0, "server process id whose VmRSS is reported (0: none)")
	systemID := flag.String("system-id", "idle", "system_id to bind with")
	password := flag.String("password", "secret", "password to bind with")
	parallel := flag.Int("parallel", 32, "binds in flight at once")
	settle := flag.Duration("settle", 3*time.Second, "wait after the last bind before reading VmRSS")
	hold := flag.Duration("hold", 35*time.Second, "then keep the sessions idle this long and read VmRSS again (0: skip)")
	flag.Parse()

	if lim, err := idleconn.RaiseNofile(); err != nil {
		log.Printf("idle: cannot raise RLIMIT_NOFILE: %v", err)
	} else if lim < uint64(*conns)+64 {
		log.Fatalf("idle: RLIMIT_NOFILE is %d, too low for %d connections", lim, *conns)
	}

	var base uint64
	if *pid > 0 {
		st, err := idleconn.ProcStatus(*pid)
		if err != nil {
			log.Fatalf("idle: %v", err)
		}
		base = st["VmRSS"]
		fmt.Printf("idle: baseline rss=%d kB hwm=%d kB (pid %d)\n", base, st["VmHWM"], *pid)
	}

	bind := idleconn.BindPDU(*systemID, *password)
	var (
		bound, failed, closed, enquires atomic.Int64
		firstErr                        atomic.Value
		all                             = make([]net.Conn, *conns)
		wg                              sync.WaitGroup
		sem                             = make(chan struct{}, *parallel)
		stopping                        atomic.Bool
	)
	start := time.Now()
	for i := range *conns {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := idleconn.DialBind(*addr, bind)
			<-sem
			if err != nil {
				failed.Add(1)
				firstErr.CompareAndSwap(nil, err)
				return
			}
			all[i] = c
			bound.Add(1)
			// Stay idle: answer enquire_link until the connection ends.
			go func() {
				err := idleconn.Idle(c, &enquires)
				if !stopping.Load() {
					closed.Add(1)
					if err != nil {
						firstErr.CompareAndSwap(nil, err)
					}
				}
			}()
		}()
	}
	wg.Wait()
	fmt.Printf("idle: bound=%d failed=%d in %.1f s\n", bound.Load(), failed.Load(), time.Since(start).Seconds())
	if e := firstErr.Load(); e != nil {
		fmt.Printf("idle: first error: %v\n", e)
	}

	report := func(what string) {
		if *pid <= 0 {
			return
		}
		st, err := idleconn.ProcStatus(*pid)
		if err != nil {
			log.Printf("idle: %v", err)
			return
		}
		rss := st["VmRSS"]
		per := 0.0
		if n := bound.Load() - closed.Load(); n > 0 {
			per = float64(int64(rss)-int64(base)) * 1024 / float64(n)
		}
		fmt.Printf("idle: %s bound=%d closed=%d enquire_links=%d rss=%d kB (%.1f MB) hwm=%d kB threads=%d per_session=%.0f B\n",
			what, bound.Load(), closed.Load(), enquires.Load(), rss, float64(rss)/1024, st["VmHWM"], st["Threads"], per)
	}
	time.Sleep(*settle)
	report(fmt.Sprintf("settled=%v", *settle))
	if *hold > 0 {
		time.Sleep(*hold)
		report(fmt.Sprintf("held=%v", *settle+*hold))
	}
	stopping.Store(true)
	for _, c := range all {
		if c != nil {
			c.Close()
		}
	}
	if failed.Load() > 0 || closed.Load() > 0 {
		os.Exit(1)
	}
}
