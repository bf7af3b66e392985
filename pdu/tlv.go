package pdu

import (
	"encoding/binary"
	"strconv"
)

// Tag identifies a TLV (optional parameter) (SMPP v3.4 §5.3, v5.0 §4.8).
type Tag uint16

// TLV is one tag-length-value parameter. Value aliases the decoded frame.
type TLV struct {
	Tag   Tag
	Value []byte
}

// TLVs is an ordered list of TLVs. Order, duplicates and unknown or vendor
// tags are preserved so that a decoded PDU re-encodes byte-exact. Accessors
// return the first occurrence of a tag.
type TLVs []TLV

// Get returns the value of the first TLV with the tag.
func (t TLVs) Get(tag Tag) ([]byte, bool) {
	for i := range t {
		if t[i].Tag == tag {
			return t[i].Value, true
		}
	}
	return nil, false
}

// Has reports whether a TLV with the tag is present.
func (t TLVs) Has(tag Tag) bool {
	_, ok := t.Get(tag)
	return ok
}

// All returns the values of every TLV with the tag, in wire order (for
// repeatable tags such as broadcast_area_identifier and callback_num).
func (t TLVs) All(tag Tag) [][]byte {
	var out [][]byte
	for i := range t {
		if t[i].Tag == tag {
			out = append(out, t[i].Value)
		}
	}
	return out
}

// Set replaces the value of the first TLV with the tag, removing any later
// duplicates, or appends it.
func (t *TLVs) Set(tag Tag, v []byte) {
	found := false
	out := (*t)[:0]
	for _, x := range *t {
		if x.Tag == tag {
			if found {
				continue
			}
			found = true
			x.Value = v
		}
		out = append(out, x)
	}
	if !found {
		out = append(out, TLV{Tag: tag, Value: v})
	}
	*t = out
}

// Add appends a TLV, keeping any existing ones with the same tag.
func (t *TLVs) Add(tag Tag, v []byte) { *t = append(*t, TLV{Tag: tag, Value: v}) }

// Del removes every TLV with the tag.
func (t *TLVs) Del(tag Tag) {
	out := (*t)[:0]
	for _, x := range *t {
		if x.Tag != tag {
			out = append(out, x)
		}
	}
	*t = out
}

// Uint8 returns a 1-octet integer TLV.
func (t TLVs) Uint8(tag Tag) (uint8, bool) {
	v, ok := t.Get(tag)
	if !ok || len(v) < 1 {
		return 0, false
	}
	return v[len(v)-1], true
}

// Uint16 returns a 2-octet integer TLV. A 1-octet value is accepted (decode
// by received length, tlvs.md §1).
func (t TLVs) Uint16(tag Tag) (uint16, bool) {
	v, ok := t.Get(tag)
	switch {
	case !ok:
		return 0, false
	case len(v) == 1:
		return uint16(v[0]), true
	case len(v) >= 2:
		return binary.BigEndian.Uint16(v[len(v)-2:]), true
	}
	return 0, false
}

// Uint32 returns an integer TLV of 1 to 4 octets.
func (t TLVs) Uint32(tag Tag) (uint32, bool) {
	v, ok := t.Get(tag)
	if !ok || len(v) == 0 || len(v) > 4 {
		return 0, false
	}
	var n uint32
	for _, c := range v {
		n = n<<8 | uint32(c)
	}
	return n, true
}

// String returns a C-Octet String TLV without its NUL terminator (a
// missing terminator is tolerated).
func (t TLVs) String(tag Tag) (string, bool) {
	v, ok := t.Get(tag)
	if !ok {
		return "", false
	}
	if i := indexNUL(v); i >= 0 {
		v = v[:i]
	}
	return string(v), true
}

// SetUint8 sets a 1-octet integer TLV.
func (t *TLVs) SetUint8(tag Tag, v uint8) { t.Set(tag, []byte{v}) }

// SetUint16 sets a 2-octet integer TLV.
func (t *TLVs) SetUint16(tag Tag, v uint16) { t.Set(tag, []byte{byte(v >> 8), byte(v)}) }

// SetUint32 sets a 4-octet integer TLV.
func (t *TLVs) SetUint32(tag Tag, v uint32) {
	t.Set(tag, binary.BigEndian.AppendUint32(nil, v))
}

// SetString sets a C-Octet String TLV (a NUL terminator is appended).
func (t *TLVs) SetString(tag Tag, s string) { t.Set(tag, append([]byte(s), 0)) }

// Len returns the number of octets the TLVs occupy on the wire.
func (t TLVs) Len() int {
	n := 0
	for i := range t {
		n += 4 + len(t[i].Value)
	}
	return n
}

// String returns the spec name of the tag, or "tlv(0x....)" when unknown.
func (tag Tag) String() string {
	if i, ok := tagTable[tag]; ok {
		return i.name
	}
	return "tlv(0x" + strconv.FormatUint(uint64(tag)|0x10000, 16)[1:] + ")"
}

// Name returns the spec name and whether the tag is known.
func (tag Tag) Name() (string, bool) {
	i, ok := tagTable[tag]
	return i.name, ok
}

// Kind returns how the tag's value is typed by the spec.
func (tag Tag) Kind() TLVKind { return tagTable[tag].kind }

// ParseTag returns the tag with the given spec name (both v3.4 and v5.0
// names are accepted, e.g. destination_port and dest_port).
func ParseTag(name string) (Tag, bool) {
	if name == "destination_port" {
		return TagDestPort, true
	}
	if name == "alert_on_msg_delivery" {
		return TagAlertOnMessageDelivery, true
	}
	for tag, i := range tagTable {
		if i.name == name {
			return tag, true
		}
	}
	return 0, false
}

// TLVKind says how a TLV value is encoded.
type TLVKind uint8

// TLV value kinds.
const (
	KindOctets  TLVKind = iota // octet string (also unknown tags)
	KindInt                    // big-endian unsigned integer
	KindCString                // C-Octet String (NUL-terminated)
	KindNone                   // no value (length 0)
)

type tagInfo struct {
	name     string
	kind     TLVKind
	min, max uint16
}

// TLV tags (tlvs.md §2; SMPP v3.4 Table 5-7, v5.0 Table 4-60).
const (
	TagDestAddrSubunit            Tag = 0x0005
	TagDestNetworkType            Tag = 0x0006
	TagDestBearerType             Tag = 0x0007
	TagDestTelematicsID           Tag = 0x0008
	TagSourceAddrSubunit          Tag = 0x000D
	TagSourceNetworkType          Tag = 0x000E
	TagSourceBearerType           Tag = 0x000F
	TagSourceTelematicsID         Tag = 0x0010
	TagQOSTimeToLive              Tag = 0x0017
	TagPayloadType                Tag = 0x0019
	TagAdditionalStatusInfoText   Tag = 0x001D
	TagReceiptedMessageID         Tag = 0x001E
	TagMSMsgWaitFacilities        Tag = 0x0030
	TagPrivacyIndicator           Tag = 0x0201
	TagSourceSubaddress           Tag = 0x0202
	TagDestSubaddress             Tag = 0x0203
	TagUserMessageReference       Tag = 0x0204
	TagUserResponseCode           Tag = 0x0205
	TagSourcePort                 Tag = 0x020A
	TagDestPort                   Tag = 0x020B // destination_port (v3.4) / dest_port (v5.0)
	TagSARMsgRefNum               Tag = 0x020C
	TagLanguageIndicator          Tag = 0x020D
	TagSARTotalSegments           Tag = 0x020E
	TagSARSegmentSeqnum           Tag = 0x020F
	TagSCInterfaceVersion         Tag = 0x0210
	TagCallbackNumPresInd         Tag = 0x0302
	TagCallbackNumAtag            Tag = 0x0303
	TagNumberOfMessages           Tag = 0x0304
	TagCallbackNum                Tag = 0x0381
	TagDPFResult                  Tag = 0x0420
	TagSetDPF                     Tag = 0x0421
	TagMSAvailabilityStatus       Tag = 0x0422
	TagNetworkErrorCode           Tag = 0x0423
	TagMessagePayload             Tag = 0x0424
	TagDeliveryFailureReason      Tag = 0x0425
	TagMoreMessagesToSend         Tag = 0x0426
	TagMessageState               Tag = 0x0427
	TagCongestionState            Tag = 0x0428
	TagUSSDServiceOp              Tag = 0x0501
	TagBroadcastChannelIndicator  Tag = 0x0600
	TagBroadcastContentType       Tag = 0x0601
	TagBroadcastContentTypeInfo   Tag = 0x0602
	TagBroadcastMessageClass      Tag = 0x0603
	TagBroadcastRepNum            Tag = 0x0604
	TagBroadcastFrequencyInterval Tag = 0x0605
	TagBroadcastAreaIdentifier    Tag = 0x0606 // also failed_broadcast_area_identifier
	TagBroadcastErrorStatus       Tag = 0x0607
	TagBroadcastAreaSuccess       Tag = 0x0608
	TagBroadcastEndTime           Tag = 0x0609
	TagBroadcastServiceGroup      Tag = 0x060A
	TagBillingIdentification      Tag = 0x060B
	TagSourceNetworkID            Tag = 0x060D
	TagDestNetworkID              Tag = 0x060E
	TagSourceNodeID               Tag = 0x060F
	TagDestNodeID                 Tag = 0x0610
	TagDestAddrNPResolution       Tag = 0x0611
	TagDestAddrNPInformation      Tag = 0x0612
	TagDestAddrNPCountry          Tag = 0x0613
	TagDisplayTime                Tag = 0x1201
	TagSMSSignal                  Tag = 0x1203
	TagMSValidity                 Tag = 0x1204
	TagAlertOnMessageDelivery     Tag = 0x130C
	TagITSReplyType               Tag = 0x1380
	TagITSSessionInfo             Tag = 0x1383
)

// tagTable gives each known tag its spec name and the value lengths accepted
// in strict decoding (tolerant where the spec and implementations disagree,
// tlvs.md §2).
var tagTable = map[Tag]tagInfo{
	TagDestAddrSubunit:            {"dest_addr_subunit", KindInt, 1, 1},
	TagDestNetworkType:            {"dest_network_type", KindInt, 1, 1},
	TagDestBearerType:             {"dest_bearer_type", KindInt, 1, 1},
	TagDestTelematicsID:           {"dest_telematics_id", KindInt, 1, 2},
	TagSourceAddrSubunit:          {"source_addr_subunit", KindInt, 1, 1},
	TagSourceNetworkType:          {"source_network_type", KindInt, 1, 1},
	TagSourceBearerType:           {"source_bearer_type", KindInt, 1, 1},
	TagSourceTelematicsID:         {"source_telematics_id", KindInt, 1, 2},
	TagQOSTimeToLive:              {"qos_time_to_live", KindInt, 4, 4},
	TagPayloadType:                {"payload_type", KindInt, 1, 1},
	TagAdditionalStatusInfoText:   {"additional_status_info_text", KindCString, 1, 256},
	TagReceiptedMessageID:         {"receipted_message_id", KindCString, 1, 65},
	TagMSMsgWaitFacilities:        {"ms_msg_wait_facilities", KindInt, 1, 1},
	TagPrivacyIndicator:           {"privacy_indicator", KindInt, 1, 1},
	TagSourceSubaddress:           {"source_subaddress", KindOctets, 2, 23},
	TagDestSubaddress:             {"dest_subaddress", KindOctets, 2, 23},
	TagUserMessageReference:       {"user_message_reference", KindInt, 2, 2},
	TagUserResponseCode:           {"user_response_code", KindInt, 1, 1},
	TagSourcePort:                 {"source_port", KindInt, 2, 2},
	TagDestPort:                   {"dest_port", KindInt, 2, 2},
	TagSARMsgRefNum:               {"sar_msg_ref_num", KindInt, 2, 2},
	TagLanguageIndicator:          {"language_indicator", KindInt, 1, 1},
	TagSARTotalSegments:           {"sar_total_segments", KindInt, 1, 1},
	TagSARSegmentSeqnum:           {"sar_segment_seqnum", KindInt, 1, 1},
	TagSCInterfaceVersion:         {"sc_interface_version", KindInt, 1, 1},
	TagCallbackNumPresInd:         {"callback_num_pres_ind", KindInt, 1, 1},
	TagCallbackNumAtag:            {"callback_num_atag", KindOctets, 0, 65},
	TagNumberOfMessages:           {"number_of_messages", KindInt, 1, 1},
	TagCallbackNum:                {"callback_num", KindOctets, 4, 19},
	TagDPFResult:                  {"dpf_result", KindInt, 1, 1},
	TagSetDPF:                     {"set_dpf", KindInt, 1, 1},
	TagMSAvailabilityStatus:       {"ms_availability_status", KindInt, 1, 1},
	TagNetworkErrorCode:           {"network_error_code", KindOctets, 3, 3},
	TagMessagePayload:             {"message_payload", KindOctets, 0, 0xFFFF},
	TagDeliveryFailureReason:      {"delivery_failure_reason", KindInt, 1, 1},
	TagMoreMessagesToSend:         {"more_messages_to_send", KindInt, 1, 1},
	TagMessageState:               {"message_state", KindInt, 1, 1},
	TagCongestionState:            {"congestion_state", KindInt, 1, 1},
	TagUSSDServiceOp:              {"ussd_service_op", KindInt, 1, 1},
	TagBroadcastChannelIndicator:  {"broadcast_channel_indicator", KindInt, 1, 1},
	TagBroadcastContentType:       {"broadcast_content_type", KindOctets, 3, 3},
	TagBroadcastContentTypeInfo:   {"broadcast_content_type_info", KindOctets, 1, 255},
	TagBroadcastMessageClass:      {"broadcast_message_class", KindInt, 1, 1},
	TagBroadcastRepNum:            {"broadcast_rep_num", KindInt, 1, 2},
	TagBroadcastFrequencyInterval: {"broadcast_frequency_interval", KindOctets, 3, 3},
	TagBroadcastAreaIdentifier:    {"broadcast_area_identifier", KindOctets, 1, 101},
	TagBroadcastErrorStatus:       {"broadcast_error_status", KindInt, 4, 4},
	TagBroadcastAreaSuccess:       {"broadcast_area_success", KindInt, 1, 1},
	TagBroadcastEndTime:           {"broadcast_end_time", KindCString, 1, 17},
	TagBroadcastServiceGroup:      {"broadcast_service_group", KindOctets, 1, 255},
	TagBillingIdentification:      {"billing_identification", KindOctets, 1, 1024},
	TagSourceNetworkID:            {"source_network_id", KindCString, 1, 65},
	TagDestNetworkID:              {"dest_network_id", KindCString, 1, 65},
	TagSourceNodeID:               {"source_node_id", KindOctets, 6, 6},
	TagDestNodeID:                 {"dest_node_id", KindOctets, 6, 6},
	TagDestAddrNPResolution:       {"dest_addr_np_resolution", KindInt, 1, 1},
	TagDestAddrNPInformation:      {"dest_addr_np_information", KindOctets, 10, 10},
	TagDestAddrNPCountry:          {"dest_addr_np_country", KindInt, 1, 5},
	TagDisplayTime:                {"display_time", KindInt, 1, 1},
	TagSMSSignal:                  {"sms_signal", KindInt, 2, 2},
	TagMSValidity:                 {"ms_validity", KindOctets, 1, 4},
	TagAlertOnMessageDelivery:     {"alert_on_message_delivery", KindInt, 0, 1},
	TagITSReplyType:               {"its_reply_type", KindInt, 1, 1},
	TagITSSessionInfo:             {"its_session_info", KindOctets, 2, 2},
}

// tagIndex maps tags below 0x0700 to 1+index into tagList for a lookup
// without hashing on the decode hot path; tags above use tagTable.
var tagList, tagIndex = buildTagIndex()

func buildTagIndex() ([]tagInfo, *[0x700]uint8) {
	var idx [0x700]uint8
	var list []tagInfo
	for tag, info := range tagTable {
		if tag < 0x700 {
			list = append(list, info)
			idx[tag] = uint8(len(list))
		}
	}
	return list, &idx
}

// tagLimits holds, for every tag below 0x1400 (all the spec defines), 1<<31
// | min<<16 | (max-min) of its allowed lengths, or 0 for an unknown tag; for
// tlvLenOK.
var tagLimits = buildTagLimits()

func buildTagLimits() (lim [0x1400]uint32) {
	for tag, info := range tagTable {
		lim[tag] = 1<<31 | uint32(info.min)<<16 | uint32(info.max-info.min)
	}
	return lim
}

func lookupTag(tag Tag) (tagInfo, bool) {
	if tag < 0x700 {
		if i := tagIndex[tag]; i != 0 {
			return tagList[i-1], true
		}
		return tagInfo{}, false
	}
	if tag < 0x1201 || tag > 0x1383 {
		return tagInfo{}, false
	}
	i, ok := tagTable[tag]
	return i, ok
}

// tlvLenOK reports whether n octets is a length the spec allows for tag
// (tlvs.md §2); any length is allowed for an unknown tag.
func tlvLenOK(tag Tag, n int) bool {
	if int(tag) >= len(tagLimits) {
		return true
	}
	v := tagLimits[tag] // then min ≤ n ≤ max is one unsigned comparison
	return v == 0 || uint(n-int(v>>16&0xFF)) <= uint(v&0xFFFF)
}

// KnownTags returns every tag defined by SMPP v3.4 and v5.0.
func KnownTags() []Tag {
	out := make([]Tag, 0, len(tagTable))
	for t := range tagTable {
		out = append(out, t)
	}
	return out
}
