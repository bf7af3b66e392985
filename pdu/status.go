package pdu

import "strconv"

// Status is a command_status value (SMPP v3.4 §5.1.3 Table 5-2, v5.0 §4.7.6
// Table 4-45). It implements error so that handlers can return it and callers
// can match it with errors.As. Any uint32 is legal on the wire; values not in
// the tables print as hex.
type Status uint32

// Command status values. Names in comments are the spec's.
const (
	StatusOK                Status = 0x00000000 // ESME_ROK
	StatusInvMsgLen         Status = 0x00000001 // ESME_RINVMSGLEN
	StatusInvCmdLen         Status = 0x00000002 // ESME_RINVCMDLEN
	StatusInvCmdID          Status = 0x00000003 // ESME_RINVCMDID
	StatusInvBindStatus     Status = 0x00000004 // ESME_RINVBNDSTS
	StatusAlreadyBound      Status = 0x00000005 // ESME_RALYBND
	StatusInvPriorityFlag   Status = 0x00000006 // ESME_RINVPRTFLG
	StatusInvRegDelivery    Status = 0x00000007 // ESME_RINVREGDLVFLG
	StatusSysErr            Status = 0x00000008 // ESME_RSYSERR
	StatusInvSrcAddr        Status = 0x0000000A // ESME_RINVSRCADR
	StatusInvDstAddr        Status = 0x0000000B // ESME_RINVDSTADR
	StatusInvMsgID          Status = 0x0000000C // ESME_RINVMSGID
	StatusBindFail          Status = 0x0000000D // ESME_RBINDFAIL
	StatusInvPassword       Status = 0x0000000E // ESME_RINVPASWD
	StatusInvSystemID       Status = 0x0000000F // ESME_RINVSYSID
	StatusCancelFail        Status = 0x00000011 // ESME_RCANCELFAIL
	StatusReplaceFail       Status = 0x00000013 // ESME_RREPLACEFAIL
	StatusMsgQFull          Status = 0x00000014 // ESME_RMSGQFUL
	StatusInvServiceType    Status = 0x00000015 // ESME_RINVSERTYP
	StatusInvNumDests       Status = 0x00000033 // ESME_RINVNUMDESTS
	StatusInvDLName         Status = 0x00000034 // ESME_RINVDLNAME
	StatusInvDestFlag       Status = 0x00000040 // ESME_RINVDESTFLAG
	StatusInvSubRep         Status = 0x00000042 // ESME_RINVSUBREP
	StatusInvESMClass       Status = 0x00000043 // ESME_RINVESMCLASS
	StatusCntSubDL          Status = 0x00000044 // ESME_RCNTSUBDL
	StatusSubmitFail        Status = 0x00000045 // ESME_RSUBMITFAIL
	StatusInvSrcTON         Status = 0x00000048 // ESME_RINVSRCTON
	StatusInvSrcNPI         Status = 0x00000049 // ESME_RINVSRCNPI
	StatusInvDstTON         Status = 0x00000050 // ESME_RINVDSTTON
	StatusInvDstNPI         Status = 0x00000051 // ESME_RINVDSTNPI
	StatusInvSystemType     Status = 0x00000053 // ESME_RINVSYSTYP
	StatusInvRepFlag        Status = 0x00000054 // ESME_RINVREPFLAG
	StatusInvNumMsgs        Status = 0x00000055 // ESME_RINVNUMMSGS
	StatusThrottled         Status = 0x00000058 // ESME_RTHROTTLED
	StatusInvSched          Status = 0x00000061 // ESME_RINVSCHED
	StatusInvExpiry         Status = 0x00000062 // ESME_RINVEXPIRY
	StatusInvDftMsgID       Status = 0x00000063 // ESME_RINVDFTMSGID
	StatusRxTAppn           Status = 0x00000064 // ESME_RX_T_APPN
	StatusRxPAppn           Status = 0x00000065 // ESME_RX_P_APPN
	StatusRxRAppn           Status = 0x00000066 // ESME_RX_R_APPN
	StatusQueryFail         Status = 0x00000067 // ESME_RQUERYFAIL
	StatusInvTLVStream      Status = 0x000000C0 // ESME_RINVTLVSTREAM (v3.4 ESME_RINVOPTPARSTREAM)
	StatusTLVNotAllowed     Status = 0x000000C1 // ESME_RTLVNOTALLWD (v3.4 ESME_ROPTPARNOTALLWD)
	StatusInvTLVLen         Status = 0x000000C2 // ESME_RINVTLVLEN (v3.4 ESME_RINVPARLEN)
	StatusMissingTLV        Status = 0x000000C3 // ESME_RMISSINGTLV (v3.4 ESME_RMISSINGOPTPARAM)
	StatusInvTLVVal         Status = 0x000000C4 // ESME_RINVTLVVAL (v3.4 ESME_RINVOPTPARAMVAL)
	StatusDeliveryFailure   Status = 0x000000FE // ESME_RDELIVERYFAILURE
	StatusUnknownErr        Status = 0x000000FF // ESME_RUNKNOWNERR
	StatusSerTypUnauth      Status = 0x00000100 // ESME_RSERTYPUNAUTH (v5.0)
	StatusProhibited        Status = 0x00000101 // ESME_RPROHIBITED (v5.0)
	StatusSerTypUnavail     Status = 0x00000102 // ESME_RSERTYPUNAVAIL (v5.0)
	StatusSerTypDenied      Status = 0x00000103 // ESME_RSERTYPDENIED (v5.0)
	StatusInvDCS            Status = 0x00000104 // ESME_RINVDCS (v5.0)
	StatusInvSrcAddrSubunit Status = 0x00000105 // ESME_RINVSRCADDRSUBUNIT (v5.0)
	StatusInvDstAddrSubunit Status = 0x00000106 // ESME_RINVDSTADDRSUBUNIT (v5.0)
	StatusInvBcastFreqInt   Status = 0x00000107 // ESME_RINVBCASTFREQINT (v5.0)
	StatusInvBcastAliasName Status = 0x00000108 // ESME_RINVBCASTALIAS_NAME (v5.0)
	StatusInvBcastAreaFmt   Status = 0x00000109 // ESME_RINVBCASTAREAFMT (v5.0)
	StatusInvNumBcastAreas  Status = 0x0000010A // ESME_RINVNUMBCAST_AREAS (v5.0)
	StatusInvBcastCntType   Status = 0x0000010B // ESME_RINVBCASTCNTTYPE (v5.0)
	StatusInvBcastMsgClass  Status = 0x0000010C // ESME_RINVBCASTMSGCLASS (v5.0)
	StatusBcastFail         Status = 0x0000010D // ESME_RBCASTFAIL (v5.0)
	StatusBcastQueryFail    Status = 0x0000010E // ESME_RBCASTQUERYFAIL (v5.0)
	StatusBcastCancelFail   Status = 0x0000010F // ESME_RBCASTCANCELFAIL (v5.0)
	StatusInvBcastRep       Status = 0x00000110 // ESME_RINVBCAST_REP (v5.0)
	StatusInvBcastSrvGrp    Status = 0x00000111 // ESME_RINVBCASTSRVGRP (v5.0)
	StatusInvBcastChanInd   Status = 0x00000112 // ESME_RINVBCASTCHANIND (v5.0)
)

type statusInfo struct{ name, text string }

var statusTable = map[Status]statusInfo{
	StatusOK:                {"ESME_ROK", "no error"},
	StatusInvMsgLen:         {"ESME_RINVMSGLEN", "message length is invalid"},
	StatusInvCmdLen:         {"ESME_RINVCMDLEN", "command length is invalid"},
	StatusInvCmdID:          {"ESME_RINVCMDID", "invalid command ID"},
	StatusInvBindStatus:     {"ESME_RINVBNDSTS", "incorrect bind status for given command"},
	StatusAlreadyBound:      {"ESME_RALYBND", "ESME already in bound state"},
	StatusInvPriorityFlag:   {"ESME_RINVPRTFLG", "invalid priority flag"},
	StatusInvRegDelivery:    {"ESME_RINVREGDLVFLG", "invalid registered delivery flag"},
	StatusSysErr:            {"ESME_RSYSERR", "system error"},
	StatusInvSrcAddr:        {"ESME_RINVSRCADR", "invalid source address"},
	StatusInvDstAddr:        {"ESME_RINVDSTADR", "invalid destination address"},
	StatusInvMsgID:          {"ESME_RINVMSGID", "message ID is invalid"},
	StatusBindFail:          {"ESME_RBINDFAIL", "bind failed"},
	StatusInvPassword:       {"ESME_RINVPASWD", "invalid password"},
	StatusInvSystemID:       {"ESME_RINVSYSID", "invalid system ID"},
	StatusCancelFail:        {"ESME_RCANCELFAIL", "cancel SM failed"},
	StatusReplaceFail:       {"ESME_RREPLACEFAIL", "replace SM failed"},
	StatusMsgQFull:          {"ESME_RMSGQFUL", "message queue full"},
	StatusInvServiceType:    {"ESME_RINVSERTYP", "invalid service type"},
	StatusInvNumDests:       {"ESME_RINVNUMDESTS", "invalid number of destinations"},
	StatusInvDLName:         {"ESME_RINVDLNAME", "invalid distribution list name"},
	StatusInvDestFlag:       {"ESME_RINVDESTFLAG", "destination flag is invalid"},
	StatusInvSubRep:         {"ESME_RINVSUBREP", "invalid submit with replace request"},
	StatusInvESMClass:       {"ESME_RINVESMCLASS", "invalid esm_class field data"},
	StatusCntSubDL:          {"ESME_RCNTSUBDL", "cannot submit to distribution list"},
	StatusSubmitFail:        {"ESME_RSUBMITFAIL", "submit failed"},
	StatusInvSrcTON:         {"ESME_RINVSRCTON", "invalid source address TON"},
	StatusInvSrcNPI:         {"ESME_RINVSRCNPI", "invalid source address NPI"},
	StatusInvDstTON:         {"ESME_RINVDSTTON", "invalid destination address TON"},
	StatusInvDstNPI:         {"ESME_RINVDSTNPI", "invalid destination address NPI"},
	StatusInvSystemType:     {"ESME_RINVSYSTYP", "invalid system_type field"},
	StatusInvRepFlag:        {"ESME_RINVREPFLAG", "invalid replace_if_present flag"},
	StatusInvNumMsgs:        {"ESME_RINVNUMMSGS", "invalid number of messages"},
	StatusThrottled:         {"ESME_RTHROTTLED", "throttling error"},
	StatusInvSched:          {"ESME_RINVSCHED", "invalid scheduled delivery time"},
	StatusInvExpiry:         {"ESME_RINVEXPIRY", "invalid message validity period"},
	StatusInvDftMsgID:       {"ESME_RINVDFTMSGID", "predefined message invalid or not found"},
	StatusRxTAppn:           {"ESME_RX_T_APPN", "ESME receiver temporary application error"},
	StatusRxPAppn:           {"ESME_RX_P_APPN", "ESME receiver permanent application error"},
	StatusRxRAppn:           {"ESME_RX_R_APPN", "ESME receiver reject message error"},
	StatusQueryFail:         {"ESME_RQUERYFAIL", "query_sm request failed"},
	StatusInvTLVStream:      {"ESME_RINVTLVSTREAM", "error in the optional part of the PDU body"},
	StatusTLVNotAllowed:     {"ESME_RTLVNOTALLWD", "TLV not allowed"},
	StatusInvTLVLen:         {"ESME_RINVTLVLEN", "invalid parameter length"},
	StatusMissingTLV:        {"ESME_RMISSINGTLV", "expected TLV missing"},
	StatusInvTLVVal:         {"ESME_RINVTLVVAL", "invalid TLV value"},
	StatusDeliveryFailure:   {"ESME_RDELIVERYFAILURE", "transaction delivery failure"},
	StatusUnknownErr:        {"ESME_RUNKNOWNERR", "unknown error"},
	StatusSerTypUnauth:      {"ESME_RSERTYPUNAUTH", "ESME not authorised to use specified service_type"},
	StatusProhibited:        {"ESME_RPROHIBITED", "ESME prohibited from using specified operation"},
	StatusSerTypUnavail:     {"ESME_RSERTYPUNAVAIL", "specified service_type is unavailable"},
	StatusSerTypDenied:      {"ESME_RSERTYPDENIED", "specified service_type is denied"},
	StatusInvDCS:            {"ESME_RINVDCS", "invalid data coding scheme"},
	StatusInvSrcAddrSubunit: {"ESME_RINVSRCADDRSUBUNIT", "source address subunit is invalid"},
	StatusInvDstAddrSubunit: {"ESME_RINVDSTADDRSUBUNIT", "destination address subunit is invalid"},
	StatusInvBcastFreqInt:   {"ESME_RINVBCASTFREQINT", "broadcast frequency interval is invalid"},
	StatusInvBcastAliasName: {"ESME_RINVBCASTALIAS_NAME", "broadcast alias name is invalid"},
	StatusInvBcastAreaFmt:   {"ESME_RINVBCASTAREAFMT", "broadcast area format is invalid"},
	StatusInvNumBcastAreas:  {"ESME_RINVNUMBCAST_AREAS", "number of broadcast areas is invalid"},
	StatusInvBcastCntType:   {"ESME_RINVBCASTCNTTYPE", "broadcast content type is invalid"},
	StatusInvBcastMsgClass:  {"ESME_RINVBCASTMSGCLASS", "broadcast message class is invalid"},
	StatusBcastFail:         {"ESME_RBCASTFAIL", "broadcast_sm operation failed"},
	StatusBcastQueryFail:    {"ESME_RBCASTQUERYFAIL", "query_broadcast_sm operation failed"},
	StatusBcastCancelFail:   {"ESME_RBCASTCANCELFAIL", "cancel_broadcast_sm operation failed"},
	StatusInvBcastRep:       {"ESME_RINVBCAST_REP", "number of repeated broadcasts is invalid"},
	StatusInvBcastSrvGrp:    {"ESME_RINVBCASTSRVGRP", "broadcast service group is invalid"},
	StatusInvBcastChanInd:   {"ESME_RINVBCASTCHANIND", "broadcast channel indicator is invalid"},
}

// String returns the spec name ("ESME_RTHROTTLED"), or "0x%08x" for values
// the spec does not define (reserved or vendor-specific).
func (s Status) String() string {
	if i, ok := statusTable[s]; ok {
		return i.name
	}
	return "0x" + hex8(uint32(s))
}

// Error implements error: "smpp: ESME_RTHROTTLED (0x58): throttling error".
// A Status is the peer's verdict, hence the "smpp:" prefix.
func (s Status) Error() string {
	i, ok := statusTable[s]
	if !ok {
		if s >= 0x400 && s <= 0x4FF {
			return "smpp: vendor-specific status 0x" + hex8(uint32(s))
		}
		return "smpp: unknown status 0x" + hex8(uint32(s))
	}
	return "smpp: " + i.name + " (0x" + strconv.FormatUint(uint64(s), 16) + "): " + i.text
}

// Known reports whether s is defined by SMPP v3.4 or v5.0.
func (s Status) Known() bool { _, ok := statusTable[s]; return ok }

// Temporary reports whether the condition is expected to clear by itself, so
// that the same request may be retried later (session.md §7.3, status.md §6):
// throttling, queue full, system error, temporary application error.
func (s Status) Temporary() bool {
	switch s {
	case StatusThrottled, StatusMsgQFull, StatusSysErr, StatusRxTAppn, StatusSerTypUnavail:
		return true
	}
	return false
}

// ParseStatus returns the Status with the given spec name, accepting both
// the v5.0 and v3.4 names of the TLV errors (0xC0-0xC4).
func ParseStatus(name string) (Status, bool) {
	for s, i := range statusTable {
		if i.name == name {
			return s, true
		}
	}
	switch name {
	case "ESME_RINVOPTPARSTREAM":
		return StatusInvTLVStream, true
	case "ESME_ROPTPARNOTALLWD":
		return StatusTLVNotAllowed, true
	case "ESME_RINVPARLEN":
		return StatusInvTLVLen, true
	case "ESME_RMISSINGOPTPARAM":
		return StatusMissingTLV, true
	case "ESME_RINVOPTPARAMVAL":
		return StatusInvTLVVal, true
	}
	return 0, false
}

func hex8(v uint32) string {
	const digits = "0123456789abcdef"
	var b [8]byte
	for i := 7; i >= 0; i-- {
		b[i] = digits[v&0xF]
		v >>= 4
	}
	return string(b[:])
}
