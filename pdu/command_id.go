package pdu

import "strconv"

// CommandID identifies a PDU (SMPP v3.4 §5.1.2, v5.0 §4.7.5). Bit 31 is set
// for responses.
type CommandID uint32

// Command identifiers (SMPP v3.4 Table 5-1, v5.0 Table 4-44).
const (
	CmdGenericNACK           CommandID = 0x80000000 // generic_nack
	CmdBindReceiver          CommandID = 0x00000001 // bind_receiver
	CmdBindReceiverResp      CommandID = 0x80000001 // bind_receiver_resp
	CmdBindTransmitter       CommandID = 0x00000002 // bind_transmitter
	CmdBindTransmitterResp   CommandID = 0x80000002 // bind_transmitter_resp
	CmdQuerySM               CommandID = 0x00000003 // query_sm
	CmdQuerySMResp           CommandID = 0x80000003 // query_sm_resp
	CmdSubmitSM              CommandID = 0x00000004 // submit_sm
	CmdSubmitSMResp          CommandID = 0x80000004 // submit_sm_resp
	CmdDeliverSM             CommandID = 0x00000005 // deliver_sm
	CmdDeliverSMResp         CommandID = 0x80000005 // deliver_sm_resp
	CmdUnbind                CommandID = 0x00000006 // unbind
	CmdUnbindResp            CommandID = 0x80000006 // unbind_resp
	CmdReplaceSM             CommandID = 0x00000007 // replace_sm
	CmdReplaceSMResp         CommandID = 0x80000007 // replace_sm_resp
	CmdCancelSM              CommandID = 0x00000008 // cancel_sm
	CmdCancelSMResp          CommandID = 0x80000008 // cancel_sm_resp
	CmdBindTransceiver       CommandID = 0x00000009 // bind_transceiver
	CmdBindTransceiverResp   CommandID = 0x80000009 // bind_transceiver_resp
	CmdOutbind               CommandID = 0x0000000B // outbind
	CmdEnquireLink           CommandID = 0x00000015 // enquire_link
	CmdEnquireLinkResp       CommandID = 0x80000015 // enquire_link_resp
	CmdSubmitMulti           CommandID = 0x00000021 // submit_multi
	CmdSubmitMultiResp       CommandID = 0x80000021 // submit_multi_resp
	CmdAlertNotification     CommandID = 0x00000102 // alert_notification
	CmdDataSM                CommandID = 0x00000103 // data_sm
	CmdDataSMResp            CommandID = 0x80000103 // data_sm_resp
	CmdBroadcastSM           CommandID = 0x00000111 // broadcast_sm (v5.0)
	CmdBroadcastSMResp       CommandID = 0x80000111 // broadcast_sm_resp (v5.0)
	CmdQueryBroadcastSM      CommandID = 0x00000112 // query_broadcast_sm (v5.0)
	CmdQueryBroadcastSMResp  CommandID = 0x80000112 // query_broadcast_sm_resp (v5.0)
	CmdCancelBroadcastSM     CommandID = 0x00000113 // cancel_broadcast_sm (v5.0)
	CmdCancelBroadcastSMResp CommandID = 0x80000113 // cancel_broadcast_sm_resp (v5.0)
)

var commandNames = map[CommandID]string{
	CmdGenericNACK:           "generic_nack",
	CmdBindReceiver:          "bind_receiver",
	CmdBindReceiverResp:      "bind_receiver_resp",
	CmdBindTransmitter:       "bind_transmitter",
	CmdBindTransmitterResp:   "bind_transmitter_resp",
	CmdQuerySM:               "query_sm",
	CmdQuerySMResp:           "query_sm_resp",
	CmdSubmitSM:              "submit_sm",
	CmdSubmitSMResp:          "submit_sm_resp",
	CmdDeliverSM:             "deliver_sm",
	CmdDeliverSMResp:         "deliver_sm_resp",
	CmdUnbind:                "unbind",
	CmdUnbindResp:            "unbind_resp",
	CmdReplaceSM:             "replace_sm",
	CmdReplaceSMResp:         "replace_sm_resp",
	CmdCancelSM:              "cancel_sm",
	CmdCancelSMResp:          "cancel_sm_resp",
	CmdBindTransceiver:       "bind_transceiver",
	CmdBindTransceiverResp:   "bind_transceiver_resp",
	CmdOutbind:               "outbind",
	CmdEnquireLink:           "enquire_link",
	CmdEnquireLinkResp:       "enquire_link_resp",
	CmdSubmitMulti:           "submit_multi",
	CmdSubmitMultiResp:       "submit_multi_resp",
	CmdAlertNotification:     "alert_notification",
	CmdDataSM:                "data_sm",
	CmdDataSMResp:            "data_sm_resp",
	CmdBroadcastSM:           "broadcast_sm",
	CmdBroadcastSMResp:       "broadcast_sm_resp",
	CmdQueryBroadcastSM:      "query_broadcast_sm",
	CmdQueryBroadcastSMResp:  "query_broadcast_sm_resp",
	CmdCancelBroadcastSM:     "cancel_broadcast_sm",
	CmdCancelBroadcastSMResp: "cancel_broadcast_sm_resp",
}

// String returns the spec name ("submit_sm"), or "command_id(0x...)" when
// the id is not defined by SMPP v3.4 or v5.0.
func (id CommandID) String() string {
	if n, ok := commandNames[id]; ok {
		return n
	}
	return "command_id(0x" + strconv.FormatUint(uint64(id), 16) + ")"
}

// Known reports whether id is a command defined by SMPP v3.4 or v5.0.
func (id CommandID) Known() bool {
	_, ok := commandNames[id]
	return ok
}

// ParseCommandID returns the CommandID with the given spec name.
func ParseCommandID(name string) (CommandID, bool) {
	for id, n := range commandNames {
		if n == name {
			return id, true
		}
	}
	return 0, false
}

// IsResponse reports whether bit 31 is set (SMPP v3.4 §5.1.2.1).
func (id CommandID) IsResponse() bool { return id&0x80000000 != 0 }

// Response returns the command_id of the response to the request id. It
// returns 0 for outbind and alert_notification, which have no response, and
// for ids that are already responses.
func (id CommandID) Response() CommandID {
	if id.IsResponse() || id == CmdOutbind || id == CmdAlertNotification {
		return 0
	}
	return id | 0x80000000
}

// Request returns the request whose response is id (0 for generic_nack and
// for requests).
func (id CommandID) Request() CommandID {
	if !id.IsResponse() || id == CmdGenericNACK {
		return 0
	}
	return id &^ 0x80000000
}
