package smpp

import (
	"strconv"

	"github.com/smppstack/smpp/pdu"
)

// Role says which end of the protocol a Session plays. It selects the column
// of the permission table (session.md §2).
type Role uint8

// Roles.
const (
	RoleESME Role = 1 // External Short Message Entity: the client application
	RoleSMSC Role = 2 // Message Centre (SMSC / MC)
)

// String returns "esme" or "smsc".
func (r Role) String() string {
	switch r {
	case RoleESME:
		return "esme"
	case RoleSMSC:
		return "smsc"
	}
	return "role(" + strconv.Itoa(int(r)) + ")"
}

// Peer returns the opposite role.
func (r Role) Peer() Role {
	if r == RoleESME {
		return RoleSMSC
	}
	return RoleESME
}

// State is the state of a session (SMPP v5.0 §2.3, session.md §1). Both
// ends track the state of the one session.
type State uint8

// Session states.
const (
	StateOpen     State = 1 // connected, not bound
	StateOutbound State = 2 // MC sent outbind; the ESME is expected to bind
	StateBoundTX  State = 3 // bound as transmitter
	StateBoundRX  State = 4 // bound as receiver
	StateBoundTRX State = 5 // bound as transceiver
	StateUnbound  State = 6 // unbind sent or received; the session is ending
	StateClosed   State = 7 // connection closed
)

var stateNames = [...]string{"", "OPEN", "OUTBOUND", "BOUND_TX", "BOUND_RX", "BOUND_TRX", "UNBOUND", "CLOSED"}

// String returns the spec name of the state ("BOUND_TRX").
func (s State) String() string {
	if int(s) < len(stateNames) && s != 0 {
		return stateNames[s]
	}
	return "state(" + strconv.Itoa(int(s)) + ")"
}

// Bound reports whether s is one of the three bound states.
func (s State) Bound() bool { return s == StateBoundTX || s == StateBoundRX || s == StateBoundTRX }

// BoundState returns the bound state for a bind mode.
func BoundState(m pdu.BindMode) State {
	switch m {
	case pdu.BindTransmitter:
		return StateBoundTX
	case pdu.BindReceiver:
		return StateBoundRX
	case pdu.BindTransceiver:
		return StateBoundTRX
	}
	return StateOpen
}

// AllStates lists every state, for exhaustive tests and tools.
var allStates = [...]State{StateOpen, StateOutbound, StateBoundTX, StateBoundRX, StateBoundTRX, StateUnbound, StateClosed}

// States returns every session state in order.
func States() []State { return append([]State(nil), allStates[:]...) }

type stateSet uint8

func setOf(states ...State) stateSet {
	var s stateSet
	for _, st := range states {
		s |= 1 << st
	}
	return s
}

func (s stateSet) has(st State) bool { return s&(1<<st) != 0 }

var (
	inOpenOutbound = setOf(StateOpen, StateOutbound)
	inBound        = setOf(StateBoundTX, StateBoundRX, StateBoundTRX)
	inTX           = setOf(StateBoundTX, StateBoundTRX)
	inRX           = setOf(StateBoundRX, StateBoundTRX)
	inAll          = setOf(StateOpen, StateOutbound, StateBoundTX, StateBoundRX, StateBoundTRX, StateUnbound)
)

// permission is one row of the operation matrix: the states in which the
// ESME and the MC may send a PDU.
type permission struct{ esme, smsc stateSet }

// permissions is SMPP v5.0 Table 2-1 (session.md §2.1), with the direction
// rules for data_sm that v3.4 leaves implicit (session.md §2.2). Responses
// are listed for completeness; sessions enforce the table on requests and
// correlate responses by sequence number.
var permissions = map[pdu.CommandID]permission{
	pdu.CmdBindTransmitter:       {esme: inOpenOutbound},
	pdu.CmdBindReceiver:          {esme: inOpenOutbound},
	pdu.CmdBindTransceiver:       {esme: inOpenOutbound},
	pdu.CmdBindTransmitterResp:   {smsc: inOpenOutbound},
	pdu.CmdBindReceiverResp:      {smsc: inOpenOutbound},
	pdu.CmdBindTransceiverResp:   {smsc: inOpenOutbound},
	pdu.CmdOutbind:               {smsc: setOf(StateOpen)},
	pdu.CmdUnbind:                {esme: inBound, smsc: inBound},
	pdu.CmdUnbindResp:            {esme: inBound, smsc: inBound},
	pdu.CmdEnquireLink:           {esme: inAll, smsc: inAll},
	pdu.CmdEnquireLinkResp:       {esme: inAll, smsc: inAll},
	pdu.CmdGenericNACK:           {esme: inAll, smsc: inAll},
	pdu.CmdSubmitSM:              {esme: inTX},
	pdu.CmdSubmitMulti:           {esme: inTX},
	pdu.CmdQuerySM:               {esme: inTX},
	pdu.CmdCancelSM:              {esme: inTX},
	pdu.CmdReplaceSM:             {esme: inTX},
	pdu.CmdSubmitSMResp:          {smsc: inTX},
	pdu.CmdSubmitMultiResp:       {smsc: inTX},
	pdu.CmdQuerySMResp:           {smsc: inTX},
	pdu.CmdCancelSMResp:          {smsc: inTX},
	pdu.CmdReplaceSMResp:         {smsc: inTX},
	pdu.CmdBroadcastSM:           {esme: inTX},
	pdu.CmdQueryBroadcastSM:      {esme: inTX},
	pdu.CmdCancelBroadcastSM:     {esme: inTX},
	pdu.CmdBroadcastSMResp:       {smsc: inTX},
	pdu.CmdQueryBroadcastSMResp:  {smsc: inTX},
	pdu.CmdCancelBroadcastSMResp: {smsc: inTX},
	pdu.CmdDataSM:                {esme: inTX, smsc: inRX},
	pdu.CmdDataSMResp:            {esme: inRX, smsc: inTX},
	pdu.CmdDeliverSM:             {smsc: inRX},
	pdu.CmdDeliverSMResp:         {esme: inRX},
	pdu.CmdAlertNotification:     {smsc: inRX},
}

// Permitted reports whether a peer playing role sender may send the PDU id
// while the session is in state st (SMPP v5.0 Table 2-1). Unknown command ids
// are never permitted.
func Permitted(sender Role, st State, id pdu.CommandID) bool {
	p, ok := permissions[id]
	if !ok {
		return false
	}
	switch sender {
	case RoleESME:
		return p.esme.has(st)
	case RoleSMSC:
		return p.smsc.has(st)
	}
	return false
}
