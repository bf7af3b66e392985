package conform

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/smppstack/smpp/pdu"
)

// describe renders a received frame for a result line: its command, status
// and the fields that matter.
func describe(f frame) string {
	var b strings.Builder
	b.WriteString(f.h.ID.String())
	if f.h.ID.IsResponse() {
		b.WriteString(" " + f.h.Status.String())
	}
	if f.err != nil {
		fmt.Fprintf(&b, " (undecodable: %v)", f.err)
		return b.String()
	}
	switch p := f.p.(type) {
	case *pdu.BindResp:
		if p.SystemID != "" || f.h.Status == pdu.StatusOK {
			fmt.Fprintf(&b, " system_id=%q", p.SystemID)
		}
		if v, ok := p.InterfaceVersion(); ok {
			fmt.Fprintf(&b, " sc_interface_version=0x%02x", v)
		}
		if n := len(p.TLVs); n > 0 {
			if _, ok := p.InterfaceVersion(); !ok || n > 1 {
				fmt.Fprintf(&b, " tlvs=%d", n)
			}
		}
	case *pdu.SubmitSMResp:
		if f.h.Status == pdu.StatusOK {
			fmt.Fprintf(&b, " message_id=%q", p.MessageID)
		}
	case *pdu.DataSMResp:
		if f.h.Status == pdu.StatusOK {
			fmt.Fprintf(&b, " message_id=%q", p.MessageID)
		}
	case *pdu.DeliverSMResp:
		if p.MessageID != "" {
			fmt.Fprintf(&b, " message_id=%q", p.MessageID)
		}
	case *pdu.SubmitMultiResp:
		if f.h.Status == pdu.StatusOK {
			fmt.Fprintf(&b, " message_id=%q unsuccess_sme=[", p.MessageID)
			for i, u := range p.UnsuccessSMEs {
				if i > 0 {
					b.WriteString(" ")
				}
				fmt.Fprintf(&b, "%s:%s", u.DestinationAddr, u.ErrorStatusCode.String())
			}
			b.WriteString("]")
		}
	case *pdu.QuerySMResp:
		if f.h.Status == pdu.StatusOK {
			fmt.Fprintf(&b, " message_state=%s", stateName(p.MessageState))
			if p.FinalDate != "" {
				fmt.Fprintf(&b, " final_date=%s", p.FinalDate)
			}
		}
	case *pdu.DeliverSM:
		fmt.Fprintf(&b, " esm_class=0x%02x %s->%s", p.ESMClass, p.SourceAddr, p.DestinationAddr)
	}
	return b.String()
}

// stateName is a message_state with its number.
func stateName(s pdu.MessageState) string {
	return s.String() + "(" + strconv.Itoa(int(s)) + ")"
}

// describeErr renders a failed read.
func describeErr(err error, d time.Duration) string {
	switch {
	case errors.Is(err, errTimeout):
		return "nothing within " + round(d).String()
	case isClosed(err):
		return err.Error()
	}
	return err.Error()
}

func round(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(100 * time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(time.Millisecond)
	}
	return d
}

// seqNote is " seq=N" when f does not carry want.
func seqNote(f frame, want uint32) string {
	if f.h.Seq != want {
		return fmt.Sprintf(" seq=%d (sent %d)", f.h.Seq, want)
	}
	return ""
}

// statusList renders statuses as "A or B".
func statusList(sts ...pdu.Status) string {
	s := make([]string, len(sts))
	for i, st := range sts {
		s[i] = st.String()
	}
	if len(s) <= 1 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}
