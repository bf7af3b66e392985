package pdu

import "strconv"

// Interface versions carried in bind requests and sc_interface_version
// (SMPP v3.4 §5.2.4, v5.0 §4.7.13).
const (
	V33 uint8 = 0x33 // SMPP v3.3 (0x00-0x33 all mean v3.3 or earlier)
	V34 uint8 = 0x34 // SMPP v3.4
	V50 uint8 = 0x50 // SMPP v5.0
)

// TON is a type of number (SMPP v3.4 §5.2.5, encoding.md §6).
type TON = uint8

// Type-of-number values.
const (
	TONUnknown         TON = 0
	TONInternational   TON = 1
	TONNational        TON = 2
	TONNetworkSpecific TON = 3
	TONSubscriber      TON = 4
	TONAlphanumeric    TON = 5
	TONAbbreviated     TON = 6
)

// NPI is a numbering plan indicator (SMPP v3.4 §5.2.6, encoding.md §6).
type NPI = uint8

// Numbering-plan values.
const (
	NPIUnknown  NPI = 0
	NPIISDN     NPI = 1
	NPIData     NPI = 3
	NPITelex    NPI = 4
	NPILandMob  NPI = 6
	NPINational NPI = 8
	NPIPrivate  NPI = 9
	NPIERMES    NPI = 10
	NPIInternet NPI = 14
	NPIWAP      NPI = 18
)

// Address is a TON/NPI/address triple as carried by many PDUs.
type Address struct {
	TON  TON
	NPI  NPI
	Addr string
}

// String formats the address as "TON/NPI/addr" for logs.
func (a Address) String() string {
	return strconv.Itoa(int(a.TON)) + "/" + strconv.Itoa(int(a.NPI)) + "/" + a.Addr
}

// BindMode selects bind_transmitter, bind_receiver or bind_transceiver.
type BindMode uint8

// Bind modes (SMPP v3.4 §2.2).
const (
	BindTransmitter BindMode = 1 // TX
	BindReceiver    BindMode = 2 // RX
	BindTransceiver BindMode = 3 // TRX
)

// String returns "tx", "rx" or "trx".
func (m BindMode) String() string {
	switch m {
	case BindTransmitter:
		return "tx"
	case BindReceiver:
		return "rx"
	case BindTransceiver:
		return "trx"
	}
	return "bindmode(" + strconv.Itoa(int(m)) + ")"
}

// ParseBindMode parses "tx", "rx" or "trx" (and the long names).
func ParseBindMode(s string) (BindMode, bool) {
	switch s {
	case "tx", "TX", "transmitter":
		return BindTransmitter, true
	case "rx", "RX", "receiver":
		return BindReceiver, true
	case "trx", "TRX", "transceiver":
		return BindTransceiver, true
	}
	return 0, false
}

// CanSend reports whether the ESME may submit in this mode.
func (m BindMode) CanSend() bool { return m == BindTransmitter || m == BindTransceiver }

// CanReceive reports whether the SMSC may deliver in this mode.
func (m BindMode) CanReceive() bool { return m == BindReceiver || m == BindTransceiver }

// CommandID returns the bind request command for m.
func (m BindMode) CommandID() CommandID {
	switch m {
	case BindTransmitter:
		return CmdBindTransmitter
	case BindReceiver:
		return CmdBindReceiver
	case BindTransceiver:
		return CmdBindTransceiver
	}
	return 0
}

func bindModeOf(id CommandID) BindMode {
	switch id &^ 0x80000000 {
	case CmdBindTransmitter:
		return BindTransmitter
	case CmdBindReceiver:
		return BindReceiver
	case CmdBindTransceiver:
		return BindTransceiver
	}
	return 0
}

// ESMClass is the esm_class field (SMPP v3.4 §5.2.12, encoding.md §2).
type ESMClass = uint8

// esm_class bits.
const (
	ESMModeDefault         ESMClass = 0x00 // default MC mode (store and forward)
	ESMModeDatagram        ESMClass = 0x01
	ESMModeForward         ESMClass = 0x02 // transaction mode
	ESMModeStoreForward    ESMClass = 0x03
	ESMModeMask            ESMClass = 0x03
	ESMTypeMask            ESMClass = 0x3C
	ESMTypeDeliveryReceipt ESMClass = 0x04 // MC delivery receipt (MC→ESME)
	ESMTypeSMEAck          ESMClass = 0x08 // SME delivery acknowledgement
	ESMTypeUserAck         ESMClass = 0x10 // SME manual/user acknowledgement
	ESMTypeConvAbort       ESMClass = 0x18 // conversation abort (Korean CDMA)
	ESMTypeIntermediate    ESMClass = 0x20 // intermediate delivery notification
	ESMUDHI                ESMClass = 0x40 // user data header indicator
	ESMReplyPath           ESMClass = 0x80
)

// IsReceipt reports whether an esm_class of a deliver_sm or data_sm marks an
// MC delivery receipt or an intermediate notification (encoding.md §2.2).
func IsReceipt(esm ESMClass) bool {
	t := esm & ESMTypeMask
	return t == ESMTypeDeliveryReceipt || t == ESMTypeIntermediate
}

// RegisteredDelivery is the registered_delivery field (SMPP v3.4 §5.2.17,
// encoding.md §3).
type RegisteredDelivery = uint8

// registered_delivery bits.
const (
	RegNoReceipt      RegisteredDelivery = 0x00
	RegReceiptFinal   RegisteredDelivery = 0x01 // receipt on success or failure
	RegReceiptFailure RegisteredDelivery = 0x02 // receipt on failure only
	RegReceiptSuccess RegisteredDelivery = 0x03 // v5.0: receipt on success only
	RegReceiptMask    RegisteredDelivery = 0x03
	RegSMEAckDelivery RegisteredDelivery = 0x04
	RegSMEAckManual   RegisteredDelivery = 0x08
	RegIntermediate   RegisteredDelivery = 0x10
)

// DataCoding is the data_coding field (SMPP v3.4 §5.2.19, encoding.md §1).
type DataCoding = uint8

// data_coding values.
const (
	CodingDefault   DataCoding = 0x00 // MC default alphabet (commonly GSM 03.38)
	CodingIA5       DataCoding = 0x01 // IA5 / ASCII
	CodingBinary2   DataCoding = 0x02 // octet unspecified (8-bit binary)
	CodingLatin1    DataCoding = 0x03 // ISO-8859-1
	CodingBinary    DataCoding = 0x04 // octet unspecified (8-bit binary)
	CodingJIS       DataCoding = 0x05
	CodingCyrillic  DataCoding = 0x06 // ISO-8859-5
	CodingHebrew    DataCoding = 0x07 // ISO-8859-8
	CodingUCS2      DataCoding = 0x08 // UCS2 / UTF-16BE
	CodingPictogram DataCoding = 0x09
	CodingISO2022JP DataCoding = 0x0A
	CodingKanjiJIS  DataCoding = 0x0D
	CodingKSC5601   DataCoding = 0x0E
)

// MessageState is the message_state field / TLV (SMPP v3.4 §5.2.28,
// encoding.md §7).
type MessageState uint8

// Message states.
const (
	StateScheduled     MessageState = 0 // v5.0
	StateEnroute       MessageState = 1
	StateDelivered     MessageState = 2
	StateExpired       MessageState = 3
	StateDeleted       MessageState = 4
	StateUndeliverable MessageState = 5
	StateAccepted      MessageState = 6
	StateUnknown       MessageState = 7
	StateRejected      MessageState = 8
	StateSkipped       MessageState = 9 // v5.0
)

var messageStateNames = [...]string{"SCHEDULED", "ENROUTE", "DELIVERED", "EXPIRED", "DELETED", "UNDELIVERABLE", "ACCEPTED", "UNKNOWN", "REJECTED", "SKIPPED"}
var messageStateStat = [...]string{"SCHEDULED", "ENROUTE", "DELIVRD", "EXPIRED", "DELETED", "UNDELIV", "ACCEPTD", "UNKNOWN", "REJECTD", "SKIPPED"}

// String returns the state name ("DELIVERED").
func (s MessageState) String() string {
	if int(s) < len(messageStateNames) {
		return messageStateNames[s]
	}
	return "message_state(" + strconv.Itoa(int(s)) + ")"
}

// Stat returns the 7-character delivery-receipt "stat:" text ("DELIVRD").
func (s MessageState) Stat() string {
	if int(s) < len(messageStateStat) {
		return messageStateStat[s]
	}
	return "UNKNOWN"
}

// Final reports whether s is a final state.
func (s MessageState) Final() bool {
	switch s {
	case StateDelivered, StateExpired, StateDeleted, StateUndeliverable, StateAccepted, StateRejected, StateSkipped:
		return true
	}
	return false
}

// ParseMessageState accepts a state name ("DELIVERED") or a receipt stat
// text ("DELIVRD"), case-insensitively.
func ParseMessageState(s string) (MessageState, bool) {
	for i := range messageStateNames {
		if equalFold(s, messageStateNames[i]) || equalFold(s, messageStateStat[i]) {
			return MessageState(i), true
		}
	}
	switch {
	case equalFold(s, "EN_ROUTE"):
		return StateEnroute, true
	case equalFold(s, "UNDELIVERED"), equalFold(s, "UNDELIVRD"):
		return StateUndeliverable, true
	case equalFold(s, "REJECTED"):
		return StateRejected, true
	}
	return 0, false
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'a' <= x && x <= 'z' {
			x -= 'a' - 'A'
		}
		if 'a' <= y && y <= 'z' {
			y -= 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
