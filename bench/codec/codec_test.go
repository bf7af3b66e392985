package codec

import (
	"bytes"
	"encoding/hex"
	"testing"

	gdata "github.com/linxGnu/gosmpp/data"
	gpdu "github.com/linxGnu/gosmpp/pdu"
	"github.com/smppstack/smpp/pdu"
)

// frameHex is the submit_sm of issue #2: sequence 7, source 5/0 "MyBank",
// destination 1/1 "447700900123", registered_delivery 1, data_coding 0,
// 160 characters of GSM text and one TLV, user_message_reference 0x1234.
const frameHex = "000000d90000000400000000000000070005004d7942616e6b0001013434373730303930303132330000000000000100" +
	"0000a0596f7572206f6e652d74696d6520636f6465206973203439333831372e204974206578706972657320696e2031" +
	"30206d696e757465732e204e65766572207368617265207468697320636f6465207769746820616e796f6e652c20696e" +
	"636c7564696e672062616e6b2073746166662e205175657374696f6e733f2043616c6c20303830302031323320343536" +
	"2028667265652920746f646179212e2e2e2e2e020400021234"

const text = "Your one-time code is 493817. It expires in 10 minutes. Never share this code " +
	"with anyone, including bank staff. Questions? Call 0800 123 456 (free) today!....."

var frame = mustHex(frameHex)

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// Sinks keep the compiler from discarding benchmarked work.
var (
	sinkPDU    pdu.PDU
	sinkGPDU   gpdu.PDU
	sinkHeader pdu.Header
	sinkBytes  []byte
)

// ---- ours ----------------------------------------------------------------

// oursSubmitSM builds the benchmark PDU field by field (it does not alias
// the frame).
func oursSubmitSM() *pdu.SubmitSM {
	p := &pdu.SubmitSM{
		SourceAddrTON:      5,
		SourceAddrNPI:      0,
		SourceAddr:         "MyBank",
		DestAddrTON:        1,
		DestAddrNPI:        1,
		DestinationAddr:    "447700900123",
		RegisteredDelivery: 1,
		DataCoding:         0,
		ShortMessage:       pdu.OctetString(text),
	}
	p.TLVs.SetUint16(pdu.TagUserMessageReference, 0x1234)
	return p
}

func oursDecode(tb testing.TB, f []byte) (pdu.Header, *pdu.SubmitSM) {
	tb.Helper()
	h, p, err := pdu.Decode(f)
	if err != nil {
		tb.Fatal(err)
	}
	sm, ok := p.(*pdu.SubmitSM)
	if !ok {
		tb.Fatalf("ours decoded %T, want *pdu.SubmitSM", p)
	}
	return h, sm
}

// ---- gosmpp v0.3.1 --------------------------------------------------------

// gosmppSubmitSM builds the benchmark PDU with gosmpp's public constructors.
func gosmppSubmitSM(tb testing.TB) *gpdu.SubmitSM {
	tb.Helper()
	p := gpdu.NewSubmitSM().(*gpdu.SubmitSM)
	p.SetSequenceNumber(7)
	p.SourceAddr = gpdu.NewAddressWithTonNpi(5, 0)
	if err := p.SourceAddr.SetAddress("MyBank"); err != nil {
		tb.Fatal(err)
	}
	p.DestAddr = gpdu.NewAddressWithTonNpi(1, 1)
	if err := p.DestAddr.SetAddress("447700900123"); err != nil {
		tb.Fatal(err)
	}
	p.RegisteredDelivery = 1
	msg, err := gpdu.NewShortMessageWithEncoding(text, gdata.GSM7BIT) // data_coding 0
	if err != nil {
		tb.Fatal(err)
	}
	p.Message = msg
	p.RegisterOptionalParam(gpdu.Field{Tag: gpdu.TagUserMessageReference, Data: []byte{0x12, 0x34}})
	return p
}

// gosmppDecode is the fastest fair way to decode a complete frame already
// in memory with gosmpp v0.3.1: exactly what its pdu.Parse does after
// reading the frame, minus the io.Reader plumbing and the two copies of the
// frame Parse makes (header array, body slice, then a third buffer holding
// both). CreatePDUFromCmdID + Unmarshal produce the full *SubmitSM,
// including its TLV map.
func gosmppDecode(f []byte) (gpdu.PDU, error) {
	h := gpdu.ParseHeader([16]byte(f))
	p, err := gpdu.CreatePDUFromCmdID(h.CommandID)
	if err != nil {
		return nil, err
	}
	return p, p.Unmarshal(gpdu.NewBuffer(f))
}

func gosmppDecodeSM(tb testing.TB, f []byte) *gpdu.SubmitSM {
	tb.Helper()
	p, err := gosmppDecode(f)
	if err != nil {
		tb.Fatal(err)
	}
	sm, ok := p.(*gpdu.SubmitSM)
	if !ok {
		tb.Fatalf("gosmpp decoded %T, want *pdu.SubmitSM", p)
	}
	return sm
}

// ---- fairness checks -----------------------------------------------------

// TestSameFields checks that both libraries decode the frame to the same
// values, so the decode benchmarks do the same work.
func TestSameFields(t *testing.T) {
	if len(frame) != 0xd9 {
		t.Fatalf("frame is %d octets, want 217", len(frame))
	}
	oh, o := oursDecode(t, frame)
	g := gosmppDecodeSM(t, frame)
	gh := g.GetHeader()

	// The gosmpp natural path (pdu.Parse from an io.Reader) must agree with
	// the in-memory path benchmarked as /gosmpp.
	gp, err := gpdu.Parse(bytes.NewReader(frame))
	if err != nil {
		t.Fatal(err)
	}
	g2 := gp.(*gpdu.SubmitSM)

	type row struct {
		name      string
		ours, gos any
	}
	m, err := g.Message.GetMessageData()
	if err != nil {
		t.Fatal(err)
	}
	m2, _ := g2.Message.GetMessageData()
	tlv, ok := o.TLVs.Get(pdu.TagUserMessageReference)
	if !ok {
		t.Fatal("ours: no user_message_reference")
	}
	gtlv, ok := g.OptionalParameters[gpdu.TagUserMessageReference]
	if !ok {
		t.Fatal("gosmpp: no user_message_reference")
	}
	gtext, err := g.Message.GetMessage() // GSM 7-bit unpacked → UTF-8
	if err != nil {
		t.Fatal(err)
	}
	rows := []row{
		{"command_length", oh.Length, uint32(gh.CommandLength)},
		{"command_id", uint32(oh.ID), uint32(gh.CommandID)},
		{"command_status", uint32(oh.Status), uint32(gh.CommandStatus)},
		{"sequence_number", oh.Seq, uint32(gh.SequenceNumber)},
		{"service_type", o.ServiceType, g.ServiceType},
		{"source_addr_ton", o.SourceAddrTON, g.SourceAddr.Ton()},
		{"source_addr_npi", o.SourceAddrNPI, g.SourceAddr.Npi()},
		{"source_addr", o.SourceAddr, g.SourceAddr.Address()},
		{"dest_addr_ton", o.DestAddrTON, g.DestAddr.Ton()},
		{"dest_addr_npi", o.DestAddrNPI, g.DestAddr.Npi()},
		{"destination_addr", o.DestinationAddr, g.DestAddr.Address()},
		{"esm_class", o.ESMClass, g.EsmClass},
		{"protocol_id", o.ProtocolID, g.ProtocolID},
		{"priority_flag", o.PriorityFlag, g.PriorityFlag},
		{"schedule_delivery_time", o.ScheduleDeliveryTime, g.ScheduleDeliveryTime},
		{"validity_period", o.ValidityPeriod, g.ValidityPeriod},
		{"registered_delivery", o.RegisteredDelivery, g.RegisteredDelivery},
		{"replace_if_present_flag", o.ReplaceIfPresentFlag, g.ReplaceIfPresentFlag},
		{"data_coding", o.DataCoding, gdata.GSM7BIT.DataCoding()}, // gosmpp keeps an Encoding, checked below
		{"sm_default_msg_id", o.SMDefaultMsgID, g.Message.SmDefaultMsgID},
		{"short_message", string(o.ShortMessage), string(m)},
		{"short_message (Parse path)", string(o.ShortMessage), string(m2)},
		{"short_message as text", text, gtext},
		{"tlv count", len(o.TLVs), len(g.OptionalParameters)},
		{"user_message_reference", hex.EncodeToString(tlv), hex.EncodeToString(gtlv.Data)},
		{"sequence_number (Parse path)", oh.Seq, uint32(g2.GetSequenceNumber())},
		{"destination_addr (Parse path)", o.DestinationAddr, g2.DestAddr.Address()},
	}
	for _, r := range rows {
		if r.ours != r.gos {
			t.Errorf("%s: ours %v, gosmpp %v", r.name, r.ours, r.gos)
		}
	}
	if len(o.ShortMessage) != 160 {
		t.Errorf("short_message is %d octets, want 160", len(o.ShortMessage))
	}
	if string(o.ShortMessage) != text {
		t.Errorf("short_message = %q", o.ShortMessage)
	}
	// gosmpp resolves data_coding into an Encoding; 0 must map to GSM7BIT.
	if gdata.FromDataCoding(o.DataCoding) != gdata.GSM7BIT {
		t.Errorf("gosmpp maps data_coding %d to %v, want GSM7BIT", o.DataCoding, gdata.FromDataCoding(o.DataCoding))
	}
}

// TestSameEncoding checks that both libraries encode the benchmark PDU to
// exactly the frame of issue #2, so the encode benchmarks produce the same
// bytes.
func TestSameEncoding(t *testing.T) {
	ours, err := pdu.Append(nil, 7, pdu.StatusOK, oursSubmitSM())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ours, frame) {
		t.Errorf("ours encodes\n%x\nwant\n%x", ours, frame)
	}

	buf := gpdu.NewBuffer(nil)
	gosmppSubmitSM(t).Marshal(buf)
	if !bytes.Equal(buf.Bytes(), frame) {
		t.Errorf("gosmpp encodes\n%x\nwant\n%x", buf.Bytes(), frame)
	}

	// Round trips: each library re-encodes what it decoded, byte for byte.
	_, o := oursDecode(t, frame)
	again, err := pdu.Append(nil, 7, pdu.StatusOK, o)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, frame) {
		t.Errorf("ours round trip\n%x\nwant\n%x", again, frame)
	}
	buf.Reset()
	gosmppDecodeSM(t, frame).Marshal(buf)
	if !bytes.Equal(buf.Bytes(), frame) {
		t.Errorf("gosmpp round trip\n%x\nwant\n%x", buf.Bytes(), frame)
	}
}

// ---- benchmarks ----------------------------------------------------------

func BenchmarkDecodeSubmitSM(b *testing.B) {
	b.Run("ours", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(frame)))
		for b.Loop() {
			h, p, err := pdu.Decode(frame)
			if err != nil {
				b.Fatal(err)
			}
			sinkHeader, sinkPDU = h, p
		}
	})
	// ours-into decodes into one reused body (pdu.Decoder.DecodeInto), as a
	// single-consumer loop can; every field is decoded all the same.
	b.Run("ours-into", func(b *testing.B) {
		var p pdu.SubmitSM
		var dc pdu.Decoder
		b.ReportAllocs()
		b.SetBytes(int64(len(frame)))
		for b.Loop() {
			h, err := dc.DecodeInto(frame, &p)
			if err != nil {
				b.Fatal(err)
			}
			sinkHeader = h
		}
		sinkPDU = &p
	})
	b.Run("gosmpp", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(frame)))
		for b.Loop() {
			p, err := gosmppDecode(frame)
			if err != nil {
				b.Fatal(err)
			}
			sinkGPDU = p
		}
	})
	// gosmpp's documented entry point, as its session reader uses it. Not
	// part of the comparison (slower than /gosmpp); shown for reference.
	b.Run("gosmpp-Parse", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(frame)))
		r := bytes.NewReader(frame)
		for b.Loop() {
			r.Reset(frame)
			p, err := gpdu.Parse(r)
			if err != nil {
				b.Fatal(err)
			}
			sinkGPDU = p
		}
	})
}

func BenchmarkEncodeSubmitSM(b *testing.B) {
	b.Run("ours", func(b *testing.B) {
		p := oursSubmitSM()
		buf := make([]byte, 0, 512)
		b.ReportAllocs()
		b.SetBytes(int64(len(frame)))
		for b.Loop() {
			var err error
			buf, err = pdu.Append(buf[:0], 7, pdu.StatusOK, p)
			if err != nil {
				b.Fatal(err)
			}
		}
		sinkBytes = buf
		if !bytes.Equal(buf, frame) {
			b.Fatal("ours: wrong encoding")
		}
	})
	b.Run("gosmpp", func(b *testing.B) {
		p := gosmppSubmitSM(b)
		buf := gpdu.NewBuffer(make([]byte, 0, 512)) // reused output buffer
		b.ReportAllocs()
		b.SetBytes(int64(len(frame)))
		for b.Loop() {
			buf.Reset()
			p.Marshal(buf)
		}
		sinkBytes = buf.Bytes()
		if !bytes.Equal(buf.Bytes(), frame) {
			b.Fatal("gosmpp: wrong encoding")
		}
	})
}
