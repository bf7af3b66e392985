package interop

// Small, self-contained text helpers for the tests' assertions: GSM 03.38
// (unpacked, one septet per octet), UCS2 (UTF-16BE) and a strict reader of
// the SMPP v3.4 Appendix B receipt text. They are written here on purpose,
// independently of the library's coding and dlr packages (which our server
// and client use to split, reassemble and build receipts), so that the
// assertions read the bytes with a second, outside pair of eyes.

import (
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
