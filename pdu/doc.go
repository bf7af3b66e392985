// Package pdu is the SMPP wire codec: every PDU of SMPP v3.4 and the v5.0
// additions, their TLVs (optional parameters), and a frame reader. It has no
// sockets and imports only the standard library.
//
// # Encoding
//
// [Append] writes the 16-octet header and a PDU body to a caller-supplied
// buffer, back-patching command_length, and never allocates when the buffer is
// large enough:
//
//	buf = buf[:0]
//	buf, err = pdu.Append(buf, seq, pdu.StatusOK, &pdu.SubmitSM{...})
//
// # Decoding
//
// [Decode] (or a configured [Decoder]) parses one complete frame. The decoded
// PDU may retain parts of the frame (short_message, TLV values, unknown
// bodies): the caller must not modify the frame afterwards. C-Octet String
// fields are copied into one string per PDU. submit_sm and deliver_sm, the
// traffic of every session, decode in one pass into a single allocation
// that holds the body and its strings; [Decoder.DecodeInto] reuses a body.
//
// Every decoding failure is a *[DecodeError] that carries the header (when its
// 16 octets were readable) and the command_status a peer must be answered
// with (SMPP v3.4 §4.3, v5.0 §2.8.2), so a session can send generic_nack or
// the request's own *_resp without guessing.
//
// Unknown command_ids decode to [*Unknown], which re-encodes byte-exact.
// Unknown and vendor TLVs are kept in wire order and re-encoded byte-exact.
package pdu
