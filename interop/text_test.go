package interop

// Small, self-contained text helpers for the interop tests: GSM 03.38
// (unpacked, one septet per octet), UCS2 (UTF-16BE), concatenation UDHs and
// the SMPP v3.4 Appendix B receipt text. They are written here on purpose,
// independently of the library's coding and dlr packages, so that the
// interop scenarios check the session layer against an outside reading of
// the bytes rather than against our own content code.

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/smppstack/smpp/pdu"
)

// gsmBasic is the GSM 03.38 default alphabet, indexed by septet.
var gsmBasic = []rune("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
	"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")

// gsmExt is the GSM 03.38 extension table (after the 0x1B escape).
var gsmExt = map[byte]rune{0x0A: '\f', 0x14: '^', 0x28: '{', 0x29: '}', 0x2F: '\\', 0x3C: '[', 0x3D: '~', 0x3E: ']', 0x40: '|', 0x65: '€'}

var (
	gsmBasicRev = map[rune]byte{}
	gsmExtRev   = map[rune]byte{}
)

func init() {
	if len(gsmBasic) != 128 {
		panic(fmt.Sprintf("gsm table has %d entries", len(gsmBasic)))
	}
	for i, r := range gsmBasic {
		if r != 0x1b {
			gsmBasicRev[r] = byte(i)
		}
	}
	for b, r := range gsmExt {
		gsmExtRev[r] = b
	}
}

// gsmEncode encodes s as unpacked GSM 03.38 septets.
func gsmEncode(s string) ([]byte, error) {
	out := make([]byte, 0, len(s))
	for _, r := range s {
		if b, ok := gsmBasicRev[r]; ok {
			out = append(out, b)
		} else if b, ok := gsmExtRev[r]; ok {
			out = append(out, 0x1b, b)
		} else {
			return nil, fmt.Errorf("%q is not in the GSM 03.38 alphabet", r)
		}
	}
	return out, nil
}

// gsmDecode decodes unpacked GSM 03.38 septets.
func gsmDecode(b []byte) string {
	var sb strings.Builder
	for i := 0; i < len(b); i++ {
		c := b[i] & 0x7f
		if c == 0x1b && i+1 < len(b) {
			if r, ok := gsmExt[b[i+1]&0x7f]; ok {
				sb.WriteRune(r)
				i++
				continue
			}
		}
		sb.WriteRune(gsmBasic[c])
	}
	return sb.String()
}

// gsmSafe replaces the characters of s that GSM 03.38 cannot carry by '?'.
func gsmSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if _, ok := gsmBasicRev[r]; ok {
			return r
		}
		if _, ok := gsmExtRev[r]; ok {
			return r
		}
		return '?'
	}, s)
}

// ucs2Encode encodes s as UTF-16BE (surrogate pairs for astral characters).
func ucs2Encode(s string) []byte {
	u := utf16.Encode([]rune(s))
	out := make([]byte, 0, 2*len(u))
	for _, c := range u {
		out = append(out, byte(c>>8), byte(c))
	}
	return out
}

// ucs2Decode decodes UTF-16BE.
func ucs2Decode(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
	}
	return string(utf16.Decode(u))
}

func latin1Decode(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// decodeText decodes message octets by data_coding: 0 (MC default, taken as
// GSM 03.38 as most MCs do) and 1 (IA5/ASCII, which node-smpp fills with
// GSM 03.38 septets) as GSM, 3 as Latin-1, 8 as UCS2; anything else as hex.
func decodeText(dc uint8, b []byte) string {
	switch dc {
	case pdu.CodingDefault, pdu.CodingIA5:
		return gsmDecode(b)
	case pdu.CodingLatin1:
		return latin1Decode(b)
	case pdu.CodingUCS2:
		return ucs2Decode(b)
	}
	return fmt.Sprintf("%x", b)
}

// concatInfo is the concatenation information of one part.
type concatInfo struct {
	Via   string // "udh8", "udh16" or "sar"
	Ref   uint16
	Total uint8
	Seq   uint8
}

// splitUDH splits a short_message that starts with a user data header (esm_class
// UDHI set) into the concatenation IE, if any, and the payload after the UDH.
func splitUDH(sm []byte) (ci concatInfo, found bool, payload []byte, err error) {
	if len(sm) == 0 {
		return ci, false, nil, errors.New("UDHI set but short_message is empty")
	}
	udhl := int(sm[0])
	if 1+udhl > len(sm) {
		return ci, false, nil, fmt.Errorf("UDHL %d exceeds the %d-octet message", udhl, len(sm))
	}
	ies := sm[1 : 1+udhl]
	for len(ies) >= 2 {
		iei, l := ies[0], int(ies[1])
		if 2+l > len(ies) {
			return ci, false, nil, fmt.Errorf("IE %#x length %d overruns the UDH", iei, l)
		}
		v := ies[2 : 2+l]
		switch {
		case iei == 0x00 && l == 3:
			ci, found = concatInfo{Via: "udh8", Ref: uint16(v[0]), Total: v[1], Seq: v[2]}, true
		case iei == 0x08 && l == 4:
			ci, found = concatInfo{Via: "udh16", Ref: uint16(v[0])<<8 | uint16(v[1]), Total: v[2], Seq: v[3]}, true
		}
		ies = ies[2+l:]
	}
	return ci, found, sm[1+udhl:], nil
}

// udh8 builds the 6-octet UDH with the 8-bit concatenation IE (IEI 0x00).
func udh8(ref, total, seq uint8) []byte { return []byte{0x05, 0x00, 0x03, ref, total, seq} }

// splitOctets cuts b into chunks of at most n octets, never between the two
// octets of a GSM escape sequence or of a UTF-16 code unit / surrogate pair.
func splitOctets(b []byte, n int, dc uint8) [][]byte {
	var out [][]byte
	for len(b) > n {
		cut := n
		switch dc {
		case pdu.CodingUCS2:
			cut &^= 1
			if hi := uint16(b[cut-2])<<8 | uint16(b[cut-1]); hi >= 0xD800 && hi < 0xDC00 {
				cut -= 2
			}
		default:
			if b[cut-1] == 0x1b {
				cut--
			}
		}
		out = append(out, b[:cut])
		b = b[cut:]
	}
	return append(out, b)
}

// receiptText is the SMPP v3.4 Appendix B receipt text.
func receiptText(id string, submit, done time.Time, stat, errCode, text string) string {
	const layout = "0601021504"
	if r := []rune(text); len(r) > 20 {
		text = string(r[:20])
	}
	return fmt.Sprintf("id:%s sub:001 dlvrd:001 submit date:%s done date:%s stat:%s err:%s text:%s",
		id, submit.UTC().Format(layout), done.UTC().Format(layout), stat, errCode, text)
}

var receiptRE = regexp.MustCompile(`^id:(\S+) sub:(\d{3}) dlvrd:(\d{3}) submit date:(\d{10}) done date:(\d{10}) stat:(\w+) err:(\d{3}) [Tt]ext:(.*)$`)

// parsedReceipt is a receipt text read back by parseReceipt.
type parsedReceipt struct {
	ID, Sub, Dlvrd, Stat, Err, Text string
	Submit, Done                    time.Time
}

// parseReceipt reads an Appendix B receipt text strictly.
func parseReceipt(s string) (parsedReceipt, error) {
	m := receiptRE.FindStringSubmatch(s)
	if m == nil {
		return parsedReceipt{}, fmt.Errorf("not an Appendix B receipt: %q", s)
	}
	sub, err := time.Parse("0601021504", m[4])
	if err != nil {
		return parsedReceipt{}, err
	}
	done, err := time.Parse("0601021504", m[5])
	if err != nil {
		return parsedReceipt{}, err
	}
	return parsedReceipt{ID: m[1], Sub: m[2], Dlvrd: m[3], Submit: sub, Done: done, Stat: m[6], Err: m[7], Text: m[8]}, nil
}
