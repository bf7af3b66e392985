package smsc

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/pdu"
	"github.com/smppstack/smpp/smsc/store"
)

// startNATS runs a NATS server with JetStream in the test process.
func startNATS(t *testing.T) *server.Server {
	t.Helper()
	ns, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(), NoLog: true, NoSigs: true})
	if err != nil {
		t.Fatal(err)
	}
	ns.Start()
	if !ns.ReadyForConnections(30 * time.Second) {
		t.Fatal("nats-server not ready")
	}
	t.Cleanup(func() {
		ns.Shutdown()
		ns.WaitForShutdown()
	})
	return ns
}

// TestCluster: two smsc nodes on one external NATS JetStream act as one SMSC:
// a message submitted on node 1 reaches the receiver bound on node 2, its
// receipt reaches the submitter on node 1, and every node answers query_sm,
// cancel_sm and replace_sm for every message.
func TestCluster(t *testing.T) {
	t.Parallel()
	ns := startNATS(t)
	cfg := func(node string) Config {
		return Config{
			Node: node,
			Accounts: []Account{
				{SystemID: "a", Password: "pa"},
				{SystemID: "b", Password: "pb", Addresses: []string{"4477*"}},
				{SystemID: "c", Password: "pc", Addresses: []string{"4478*"}},
			},
			Network: NetworkConfig{Delay: Duration(10 * time.Millisecond)},
			Retry:   RetryPolicy{Min: Duration(50 * time.Millisecond), Max: Duration(400 * time.Millisecond)},
		}
	}
	opt := WithStoreOptions(store.Options{URL: ns.ClientURL()})
	n1 := startSMSC(t, cfg("n1"), opt)
	n2 := startSMSC(t, cfg("n2"), opt)
	addr1, addr2 := n1.SMPPAddr().String(), n2.SMPPAddr().String()
	if addr1 == addr2 {
		t.Fatal("both nodes on one address")
	}
	ctx := context.Background()

	a1 := dialESME(t, addr1, "a", "pa", dialOpts{})                          // TRX on node 1: gets receipts
	a2 := dialESME(t, addr2, "a", "pa", dialOpts{mode: pdu.BindTransmitter}) // TX on node 2
	id := a1.submit(&pdu.SubmitSM{SourceAddr: "100", DestinationAddr: "447700000001", RegisteredDelivery: pdu.RegReceiptFinal, ShortMessage: []byte("across nodes")})
	for _, a := range []*esme{a1, a2} {
		if st := a.query(id).MessageState; st != pdu.StateEnroute {
			t.Fatalf("query before delivery: %s", st)
		}
	}
	info, err := n2.Query(ctx, "a", id)
	if err != nil || info.Message.Node != "n1" {
		t.Fatalf("node 2 Query: %v, accepted by %q, want n1", err, info.Message.Node)
	}

	b2 := dialESME(t, addr2, "b", "pb", dialOpts{mode: pdu.BindReceiver}) // receiver on node 2 only
	b2.waitText("across nodes", 10*time.Second)
	a1.waitReceipt(id, pdu.StateDelivered, 10*time.Second)
	for _, a := range []*esme{a1, a2} {
		if q := a.query(id); q.MessageState != pdu.StateDelivered || q.FinalDate == "" {
			t.Fatalf("query after delivery: %+v", q)
		}
	}

	// Submitted on node 2 to the network: the receipt reaches a's only
	// receiver, on node 1.
	netID := a2.submit(&pdu.SubmitSM{SourceAddr: "100", DestinationAddr: "339900000001", RegisteredDelivery: pdu.RegReceiptFinal, ShortMessage: []byte("net")})
	a1.waitReceipt(netID, pdu.StateDelivered, 10*time.Second)
	if st := a1.query(netID).MessageState; st != pdu.StateDelivered {
		t.Fatalf("network message on node 1: %s", st)
	}

	// Cancel and replace on one node, delivery through the other.
	cancelID := a1.submit(&pdu.SubmitSM{SourceAddr: "100", DestinationAddr: "447800000001", RegisteredDelivery: pdu.RegReceiptFinal, ShortMessage: []byte("cancel me")})
	replaceID := a1.submit(&pdu.SubmitSM{SourceAddr: "100", DestinationAddr: "447800000002", RegisteredDelivery: pdu.RegReceiptFinal, ShortMessage: []byte("old")})
	if err := a2.sess.Cancel(ctx, &pdu.CancelSM{MessageID: cancelID}); err != nil {
		t.Fatalf("cancel on node 2: %v", err)
	}
	if err := a2.sess.Replace(ctx, &pdu.ReplaceSM{MessageID: replaceID, RegisteredDelivery: pdu.RegReceiptFinal, ShortMessage: []byte("new")}); err != nil {
		t.Fatalf("replace on node 2: %v", err)
	}
	if st := a1.query(cancelID).MessageState; st != pdu.StateDeleted {
		t.Fatalf("node 1 query of a message cancelled on node 2: %s", st)
	}
	a1.waitReceipt(cancelID, pdu.StateDeleted, 10*time.Second)
	// Node 1 learns of the controls through its watch; give it a moment
	// (bounded) before binding c there.
	waitFor(t, 5*time.Second, "node 1 to see the replacement", func() bool {
		c := n1.control(replaceID)
		return c != nil && string(c.Replace) != ""
	})
	c1 := dialESME(t, addr1, "c", "pc", dialOpts{mode: pdu.BindReceiver})
	c1.waitText("new", 10*time.Second)
	a1.waitReceipt(replaceID, pdu.StateDelivered, 10*time.Second)
	waitQueueDepth(t, n1, "c", 0)
	if len(c1.withText("old")) != 0 || len(c1.withText("cancel me")) != 0 {
		t.Fatalf("c received the original or the cancelled text: %v", c1.messages())
	}
	if n := len(c1.messages()); n != 1 {
		t.Fatalf("c received %d messages, want 1", n)
	}

	// Receivers on both nodes share one account's queue: each message
	// once, whichever node delivers it.
	b1 := dialESME(t, addr1, "b", "pb", dialOpts{mode: pdu.BindReceiver})
	const n = 40
	for i := range n {
		a1.submit(&pdu.SubmitSM{SourceAddr: "100", DestinationAddr: "447700000100", ShortMessage: []byte("shared " + string(rune('A'+i%26)) + string(rune('a'+i/26)))})
	}
	count := func() int { return len(b1.messages()) + len(b2.messages()) - 1 } // minus "across nodes"
	waitFor(t, 10*time.Second, "40 messages over both receivers", func() bool { return count() >= n })
	a1.marker("339900000002", 5*time.Second)
	if c := count(); c != n {
		t.Fatalf("%d deliveries of %d messages", c, n)
	}
	t.Logf("node 1 delivered %d, node 2 %d", len(b1.messages()), len(b2.messages())-1)
}

// TestClusterMaxBinds: an account's max_binds holds across the nodes that
// share one NATS: places taken on one node are counted on the other, and a
// session that ends (unbind or abrupt close) gives its place back to any
// node.
func TestClusterMaxBinds(t *testing.T) {
	t.Parallel()
	ns := startNATS(t)
	cfg := func(node string) Config {
		return Config{Node: node, Accounts: []Account{{SystemID: "m", Password: "pm", MaxBinds: 2}}}
	}
	opt := WithStoreOptions(store.Options{URL: ns.ClientURL()})
	n1 := startSMSC(t, cfg("n1"), opt)
	n2 := startSMSC(t, cfg("n2"), opt)
	addr1, addr2 := n1.SMPPAddr().String(), n2.SMPPAddr().String()
	trx := dialOpts{}

	first := dialESME(t, addr1, "m", "pm", trx)
	second := dialESME(t, addr2, "m", "pm", trx)
	wantBind(t, addr1, "m", "pm", trx, pdu.StatusBindFail)
	wantBind(t, addr2, "m", "pm", dialOpts{mode: pdu.BindReceiver}, pdu.StatusBindFail)
	if n, err := n1.Store().Binds(t.Context(), "m", time.Now()); err != nil || n != 2 {
		t.Fatalf("places held: %d, %v; want 2", n, err)
	}

	// The place of a session unbound on node 1 can be taken on node 2.
	if err := first.sess.Unbind(t.Context()); err != nil {
		t.Fatalf("unbind: %v", err)
	}
	var third *esme
	waitFor(t, 5*time.Second, "the place to be free on the other node", func() bool {
		var err error
		third, err = tryDialESME(t, addr2, "m", "pm", trx)
		return err == nil
	})
	wantBind(t, addr1, "m", "pm", trx, pdu.StatusBindFail)

	// ...and after an abrupt close on node 2, on node 1.
	second.sess.Close()
	waitFor(t, 5*time.Second, "the place of a closed session to be free", func() bool {
		e, err := tryDialESME(t, addr1, "m", "pm", trx)
		return err == nil && e != nil
	})
	wantBind(t, addr2, "m", "pm", trx, pdu.StatusBindFail)
	third.sess.Close()
}

// TestClusterMaxBindsLease: the places of a node that died (here one put in
// the store directly, never renewed) are free again when their lease ends,
// while the places of live sessions are renewed and stay taken.
func TestClusterMaxBindsLease(t *testing.T) {
	t.Parallel()
	ns := startNATS(t)
	const lease = 600 * time.Millisecond
	cfg := Config{Node: "n1", Accounts: []Account{{SystemID: "m", Password: "pm", MaxBinds: 2}}}
	n1 := startSMSC(t, cfg, WithStoreOptions(store.Options{URL: ns.ClientURL()}), withBindLease(lease))
	addr := n1.SMPPAddr().String()
	live := dialESME(t, addr, "m", "pm", dialOpts{})
	if ok, err := n1.Store().AcquireBind(t.Context(), "m", "n9-1@dead", 2, lease, time.Now()); !ok || err != nil {
		t.Fatalf("ghost place: %v %v", ok, err)
	}
	wantBind(t, addr, "m", "pm", dialOpts{}, pdu.StatusBindFail)
	start := time.Now()
	var next *esme
	waitFor(t, 10*time.Second, "the dead node's place to expire", func() bool {
		var err error
		next, err = tryDialESME(t, addr, "m", "pm", dialOpts{})
		return err == nil
	})
	if took := time.Since(start); took < lease/2 {
		t.Errorf("the ghost place was free after %v, before its lease of %v", took, lease)
	}
	// Several leases later both live places are still held: renewed.
	time.Sleep(3 * lease)
	if n, err := n1.Store().Binds(t.Context(), "m", time.Now()); err != nil || n != 2 {
		t.Fatalf("places held after 3 leases: %d, %v; want the 2 live sessions", n, err)
	}
	wantBind(t, addr, "m", "pm", dialOpts{}, pdu.StatusBindFail)
	live.sess.Close()
	next.sess.Close()
}

// TestClusterSessions: every node lists the sessions of all the nodes that
// share the store, and unbinds a session of another node on request.
func TestClusterSessions(t *testing.T) {
	t.Parallel()
	ns := startNATS(t)
	cfg := func(node string) Config {
		return Config{Node: node, Accounts: []Account{
			{SystemID: "a", Password: "pa"},
			{SystemID: "b", Password: "pb", Addresses: []string{"4477*"}},
		}}
	}
	opt := WithStoreOptions(store.Options{URL: ns.ClientURL()})
	n1 := startSMSC(t, cfg("n1"), opt)
	n2 := startSMSC(t, cfg("n2"), opt)
	dialESME(t, n1.SMPPAddr().String(), "a", "pa", dialOpts{})
	b := dialESME(t, n2.SMPPAddr().String(), "b", "pb", dialOpts{mode: pdu.BindReceiver})
	ctx := t.Context()
	for _, n := range []*Server{n1, n2} {
		got := map[string]string{} // system_id → node
		for _, si := range n.ClusterSessions(ctx) {
			got[si.SystemID] = si.Node
		}
		if len(got) != 2 || got["a"] != "n1" || got["b"] != "n2" {
			t.Fatalf("node %s lists %v, want a on n1 and b on n2", n.cfg.Node, got)
		}
	}
	var bid string
	for _, si := range n2.Sessions() {
		bid = si.ID
	}
	if err := n1.Kick(ctx, bid); err != nil {
		t.Fatalf("n1 kicks n2's session %s: %v", bid, err)
	}
	waitFor(t, 5*time.Second, "the kicked session to end", func() bool {
		return b.sess.State() == smpp.StateClosed && len(n2.Sessions()) == 0
	})
	if err := n1.Kick(ctx, "n2-999"); err == nil {
		t.Error("kicking an unknown session of another node succeeded")
	}
	if err := n1.Kick(ctx, "nowhere-1"); err == nil {
		t.Error("kicking a session of an unknown node succeeded")
	}
}

// TestClusterEvents: a subscriber on one node sees the live events of the
// other nodes that share the store; a node nobody watches publishes none.
func TestClusterEvents(t *testing.T) {
	t.Parallel()
	ns := startNATS(t)
	cfg := func(node string) Config {
		return Config{Node: node, Accounts: []Account{{SystemID: "a", Password: "pa"}}}
	}
	opt := WithStoreOptions(store.Options{URL: ns.ClientURL()})
	n1 := startSMSC(t, cfg("n1"), opt)
	n2 := startSMSC(t, cfg("n2"), opt)
	if n1.remoteWatching() || n2.remoteWatching() {
		t.Fatal("a node publishes events before anyone watches")
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	events := n1.Subscribe(ctx)
	waitFor(t, 5*time.Second, "node 2 to hear that node 1 is watched", n2.remoteWatching)
	if n1.remoteWatching() {
		t.Error("node 1 publishes its events though only node 1 watches")
	}
	dialESME(t, n2.SMPPAddr().String(), "a", "pa", dialOpts{})
	deadline := time.After(5 * time.Second)
	for {
		select {
		case e := <-events:
			if e.Type == "bound" && e.Node == "n2" && e.Account == "a" {
				return
			}
		case <-deadline:
			t.Fatal("node 1's subscriber did not see the bind on node 2")
		}
	}
}

// TestClusterPhones: a virtual phone's inbox lists the messages the
// simulated network handled for it on any node that shares the store.
func TestClusterPhones(t *testing.T) {
	t.Parallel()
	ns := startNATS(t)
	cfg := func(node string) Config {
		return Config{Node: node, Accounts: []Account{{SystemID: "a", Password: "pa"}},
			Network: NetworkConfig{Delay: Duration(time.Millisecond)}}
	}
	opt := WithStoreOptions(store.Options{URL: ns.ClientURL()})
	n1 := startSMSC(t, cfg("n1"), opt)
	n2 := startSMSC(t, cfg("n2"), opt)
	a1 := dialESME(t, n1.SMPPAddr().String(), "a", "pa", dialOpts{})
	a2 := dialESME(t, n2.SMPPAddr().String(), "a", "pa", dialOpts{})
	const number, each = "339900000077", 10
	for i := range each {
		for _, a := range []*esme{a1, a2} {
			a.submit(&pdu.SubmitSM{SourceAddr: "100", DestinationAddr: number, ShortMessage: []byte(fmt.Sprintf("hello %d", i))})
		}
	}
	waitFor(t, 10*time.Second, "both nodes to deliver to the phone", func() bool {
		return len(n1.PhoneMessages(number))+len(n2.PhoneMessages(number)) == 2*each
	})
	for _, n := range []*Server{n1, n2} {
		got := n.ClusterPhoneMessages(t.Context(), number)
		if len(got) != 2*each {
			t.Fatalf("node %s lists %d messages for the phone, want %d (this node handled %d)", n.cfg.Node, len(got), 2*each, len(n.PhoneMessages(number)))
		}
		for i := 1; i < len(got); i++ {
			if got[i].Time.Before(got[i-1].Time) {
				t.Fatalf("node %s: messages not oldest first", n.cfg.Node)
			}
		}
	}
	t.Logf("n1 handled %d, n2 %d", len(n1.PhoneMessages(number)), len(n2.PhoneMessages(number)))
}
