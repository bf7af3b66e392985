package smpp_test

import (
	"testing"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/pdu"
)

// specMatrix is session.md §2.1 (SMPP v5.0 Table 2-1) transcribed row by row,
// independently of state.go: for each PDU, the states in which the ESME and
// the MC may send it.
var specMatrix = func() map[pdu.CommandID][2][]smpp.State {
	const (
		OPEN     = smpp.StateOpen
		OUTBOUND = smpp.StateOutbound
		TX       = smpp.StateBoundTX
		RX       = smpp.StateBoundRX
		TRX      = smpp.StateBoundTRX
		UNBOUND  = smpp.StateUnbound
	)
	all := []smpp.State{OPEN, OUTBOUND, TX, RX, TRX, UNBOUND}
	rows := []struct {
		ids      []pdu.CommandID
		esme, mc []smpp.State
	}{
		{[]pdu.CommandID{pdu.CmdBindTransmitter, pdu.CmdBindReceiver, pdu.CmdBindTransceiver},
			[]smpp.State{OPEN, OUTBOUND}, nil},
		{[]pdu.CommandID{pdu.CmdBindTransmitterResp, pdu.CmdBindReceiverResp, pdu.CmdBindTransceiverResp},
			nil, []smpp.State{OPEN, OUTBOUND}},
		{[]pdu.CommandID{pdu.CmdOutbind},
			nil, []smpp.State{OPEN}},
		{[]pdu.CommandID{pdu.CmdUnbind, pdu.CmdUnbindResp},
			[]smpp.State{TX, RX, TRX}, []smpp.State{TX, RX, TRX}},
		{[]pdu.CommandID{pdu.CmdEnquireLink, pdu.CmdEnquireLinkResp},
			all, all},
		{[]pdu.CommandID{pdu.CmdGenericNACK},
			all, all},
		{[]pdu.CommandID{pdu.CmdSubmitSM, pdu.CmdSubmitMulti, pdu.CmdQuerySM, pdu.CmdCancelSM, pdu.CmdReplaceSM},
			[]smpp.State{TX, TRX}, nil},
		{[]pdu.CommandID{pdu.CmdSubmitSMResp, pdu.CmdSubmitMultiResp, pdu.CmdQuerySMResp, pdu.CmdCancelSMResp, pdu.CmdReplaceSMResp},
			nil, []smpp.State{TX, TRX}},
		{[]pdu.CommandID{pdu.CmdBroadcastSM, pdu.CmdQueryBroadcastSM, pdu.CmdCancelBroadcastSM},
			[]smpp.State{TX, TRX}, nil},
		{[]pdu.CommandID{pdu.CmdBroadcastSMResp, pdu.CmdQueryBroadcastSMResp, pdu.CmdCancelBroadcastSMResp},
			nil, []smpp.State{TX, TRX}},
		{[]pdu.CommandID{pdu.CmdDataSM},
			[]smpp.State{TX, TRX}, []smpp.State{RX, TRX}},
		{[]pdu.CommandID{pdu.CmdDataSMResp},
			[]smpp.State{RX, TRX}, []smpp.State{TX, TRX}},
		{[]pdu.CommandID{pdu.CmdDeliverSM},
			nil, []smpp.State{RX, TRX}},
		{[]pdu.CommandID{pdu.CmdDeliverSMResp},
			[]smpp.State{RX, TRX}, nil},
		{[]pdu.CommandID{pdu.CmdAlertNotification},
			nil, []smpp.State{RX, TRX}},
	}
	m := make(map[pdu.CommandID][2][]smpp.State)
	for _, r := range rows {
		for _, id := range r.ids {
			if _, dup := m[id]; dup {
				panic("duplicate row for " + id.String())
			}
			m[id] = [2][]smpp.State{r.esme, r.mc}
		}
	}
	return m
}()

func specAllows(sender smpp.Role, st smpp.State, id pdu.CommandID) bool {
	row, ok := specMatrix[id]
	if !ok {
		return false
	}
	states := row[0]
	if sender == smpp.RoleSMSC {
		states = row[1]
	}
	for _, s := range states {
		if s == st {
			return true
		}
	}
	return false
}

// knownIDs enumerates every command id the pdu package defines, by scanning
// the allocated request and response ranges (pdus.md §2.1).
func knownIDs() []pdu.CommandID {
	var ids []pdu.CommandID
	for _, base := range []pdu.CommandID{0, 0x80000000} {
		for i := pdu.CommandID(0); i <= 0x1FF; i++ {
			if id := base | i; id.Known() {
				ids = append(ids, id)
			}
		}
	}
	return ids
}

func TestPermittedMatchesSpecMatrix(t *testing.T) {
	ids := knownIDs()
	// The transcription covers exactly the commands the codec knows.
	for _, id := range ids {
		if _, ok := specMatrix[id]; !ok {
			t.Errorf("%v is known to the codec but missing from the spec matrix", id)
		}
	}
	if len(ids) != len(specMatrix) {
		t.Errorf("codec knows %d command ids, spec matrix has %d", len(ids), len(specMatrix))
	}
	unknown := []pdu.CommandID{0x0000000A, 0x00000022, 0x00000104, 0x00010200, 0x8000000A, 0x80000102, 0x01000001, 0xFFFFFFFF}
	states := append(smpp.States(), 0, smpp.StateClosed+1, 255)
	if got := len(smpp.States()); got != 7 {
		t.Errorf("States() has %d states, want 7 (OPEN … CLOSED)", got)
	}
	roles := []smpp.Role{smpp.RoleESME, smpp.RoleSMSC}
	checked, allowed := 0, 0
	for _, local := range roles {
		for _, st := range states {
			for _, id := range append(ids, unknown...) {
				for _, outbound := range []bool{true, false} {
					// Outbound: this end may send id. Inbound: the
					// peer may send it to this end.
					sender := local
					dir := "send"
					if !outbound {
						sender = local.Peer()
						dir = "receive"
					}
					got := smpp.Permitted(sender, st, id)
					want := specAllows(sender, st, id)
					checked++
					if want {
						allowed++
					}
					if got != want {
						t.Errorf("%v %s %v in %v: Permitted = %v, spec says %v", local, dir, id, st, got, want)
					}
				}
			}
		}
	}
	// Sanity: the spec matrix is not vacuous (each cell counted once per
	// local role and direction, so 2× the cells of the table).
	const specCells = 2 * (3*2 + 3*2 + 1 + 2*3*2 + 2*6*2 + 6*2 + 5*2 + 5*2 + 3*2 + 3*2 + 4 + 4 + 2 + 2 + 2)
	if allowed != specCells {
		t.Errorf("spec allows %d (role, state, id, direction) cells, want %d", allowed, specCells)
	}
	t.Logf("checked %d combinations, %d allowed", checked, allowed)
}

func TestPermittedNothingWhenClosed(t *testing.T) {
	for _, id := range knownIDs() {
		for _, r := range []smpp.Role{smpp.RoleESME, smpp.RoleSMSC} {
			if smpp.Permitted(r, smpp.StateClosed, id) {
				t.Errorf("%v may send %v in CLOSED", r, id)
			}
		}
	}
}

func TestStateAndRoleNames(t *testing.T) {
	want := map[smpp.State]string{
		smpp.StateOpen: "OPEN", smpp.StateOutbound: "OUTBOUND", smpp.StateBoundTX: "BOUND_TX",
		smpp.StateBoundRX: "BOUND_RX", smpp.StateBoundTRX: "BOUND_TRX", smpp.StateUnbound: "UNBOUND",
		smpp.StateClosed: "CLOSED",
	}
	for st, name := range want {
		if st.String() != name {
			t.Errorf("State(%d).String() = %q, want %q", st, st.String(), name)
		}
		bound := st == smpp.StateBoundTX || st == smpp.StateBoundRX || st == smpp.StateBoundTRX
		if st.Bound() != bound {
			t.Errorf("%v.Bound() = %v", st, st.Bound())
		}
	}
	for m, st := range map[pdu.BindMode]smpp.State{pdu.BindTransmitter: smpp.StateBoundTX, pdu.BindReceiver: smpp.StateBoundRX, pdu.BindTransceiver: smpp.StateBoundTRX} {
		if got := smpp.BoundState(m); got != st {
			t.Errorf("BoundState(%v) = %v, want %v", m, got, st)
		}
	}
	if smpp.RoleESME.Peer() != smpp.RoleSMSC || smpp.RoleSMSC.Peer() != smpp.RoleESME {
		t.Error("Role.Peer is not the opposite role")
	}
	if smpp.RoleESME.String() != "esme" || smpp.RoleSMSC.String() != "smsc" {
		t.Errorf("role names %q %q", smpp.RoleESME, smpp.RoleSMSC)
	}
}
