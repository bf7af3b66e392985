// Package idleconn is the raw client side of the idle-session benchmark
// (bench/cmd/idle, bench/cmd/idleprofile): bind_transmitter over plain TCP,
// then stay idle answering enquire_link, with the standard library only, so
// that the client costs little next to the server being measured.
package idleconn

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/smppstack/smpp/pdu"
)

// RaiseNofile sets the soft RLIMIT_NOFILE to the hard limit and returns it.
func RaiseNofile() (uint64, error) {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return 0, err
	}
	if rl.Cur < rl.Max {
		rl.Cur = rl.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
			return 0, err
		}
	}
	return rl.Cur, nil
}

// ProcStatus returns the kB values (and counts) of /proc/PID/status.
func ProcStatus(pid int) (map[string]uint64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return nil, err
	}
	m := make(map[string]uint64)
	for line := range strings.SplitSeq(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 0 {
			continue
		}
		if n, err := strconv.ParseUint(f[0], 10, 64); err == nil {
			m[k] = n
		}
	}
	return m, nil
}

// BindPDU encodes bind_transmitter (sequence 1, interface_version 0x34).
func BindPDU(systemID, password string) []byte {
	body := []byte(systemID + "\x00" + password + "\x00" + "\x00") // system_type ""
	body = append(body, 0x34, 0, 0, 0)                             // interface_version, addr_ton, addr_npi, address_range ""
	b := binary.BigEndian.AppendUint32(nil, uint32(pdu.HeaderLen+len(body)))
	b = binary.BigEndian.AppendUint32(b, uint32(pdu.CmdBindTransmitter))
	b = binary.BigEndian.AppendUint32(b, 0)
	b = binary.BigEndian.AppendUint32(b, 1)
	return append(b, body...)
}

// DialBind connects, sends bind and waits for an OK bind_transmitter_resp.
func DialBind(addr string, bind []byte) (net.Conn, error) {
	c, err := net.DialTimeout("tcp", addr, 30*time.Second)
	if err != nil {
		return nil, err
	}
	c.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := c.Write(bind); err != nil {
		c.Close()
		return nil, err
	}
	var hdr [pdu.HeaderLen]byte
	if _, err := io.ReadFull(c, hdr[:]); err != nil {
		c.Close()
		return nil, fmt.Errorf("bind response: %w", err)
	}
	length := binary.BigEndian.Uint32(hdr[0:])
	id := pdu.CommandID(binary.BigEndian.Uint32(hdr[4:]))
	st := pdu.Status(binary.BigEndian.Uint32(hdr[8:]))
	if length < pdu.HeaderLen || length > 4096 {
		c.Close()
		return nil, fmt.Errorf("bind response length %d", length)
	}
	if _, err := io.CopyN(io.Discard, c, int64(length-pdu.HeaderLen)); err != nil {
		c.Close()
		return nil, err
	}
	if id != pdu.CmdBindTransmitterResp || st != pdu.StatusOK {
		c.Close()
		return nil, fmt.Errorf("bind refused: %v %v", id, st)
	}
	c.SetDeadline(time.Time{})
	return c, nil
}

// Idle answers enquire_link (and unbind) until the connection ends.
func Idle(c net.Conn, enquires *atomic.Int64) error {
	br := bufio.NewReaderSize(c, 256)
	var hdr [pdu.HeaderLen]byte
	for {
		if _, err := io.ReadFull(br, hdr[:]); err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		length := binary.BigEndian.Uint32(hdr[0:])
		id := pdu.CommandID(binary.BigEndian.Uint32(hdr[4:]))
		if length < pdu.HeaderLen || length > 64<<10 {
			return fmt.Errorf("command_length %d", length)
		}
		if _, err := br.Discard(int(length - pdu.HeaderLen)); err != nil {
			return err
		}
		var resp pdu.CommandID
		switch id {
		case pdu.CmdEnquireLink:
			enquires.Add(1)
			resp = pdu.CmdEnquireLinkResp
		case pdu.CmdUnbind:
			resp = pdu.CmdUnbindResp
		default:
			if id.IsResponse() {
				continue
			}
			resp = pdu.CmdGenericNACK
		}
		out := make([]byte, 0, pdu.HeaderLen)
		out = binary.BigEndian.AppendUint32(out, pdu.HeaderLen)
		out = binary.BigEndian.AppendUint32(out, uint32(resp))
		out = binary.BigEndian.AppendUint32(out, 0)
		out = append(out, hdr[12:16]...)
		if _, err := c.Write(out); err != nil {
			return err
		}
		if id == pdu.CmdUnbind {
			return errors.New("unbound by the server")
		}
	}
}
