// Package coding converts between Go strings and the character sets that
// SMPP carries in short_message and message_payload, splits long texts into
// concatenated segments and reassembles received segments.
//
// # Character sets
//
// Every character set is a [Codec] (encoding.md §1, §9, §10):
//
//   - [GSM7]: the GSM 03.38 / 3GPP 23.038 §6.2.1 default alphabet with its
//     extension table, unpacked (one septet per octet, the SMPP norm for
//     data_coding 0) or packed (3GPP 23.038 §6.1.2.1), optionally with the
//     Turkish, Spanish or Portuguese national language shift tables
//     (3GPP 23.038 Annex A).
//   - [IA5] (data_coding 1), [Latin1] (3), [Binary] (2 and 4) and [UCS2]
//     (8, UTF-16BE with surrogate pairs).
//
// [ForDataCoding] maps a data_coding value to a codec; [Codecs] lets the
// caller decide what data_coding 0 means, since MCs differ (encoding.md §1.1).
// [WithDataCoding] reports a codec under another data_coding value.
//
// # Long messages
//
// [Choose] picks GSM 7-bit when every character fits and UCS2 otherwise;
// [Count] is the "SMS counter" (segments, units used, units per segment and
// units left). [Split] cuts a text into [Segment]s carried by an 8- or 16-bit
// reference UDH, by SAR TLVs, or as one message_payload (encoding.md §11, §12);
// a segment applies itself to a submit_sm, deliver_sm or data_sm.
//
// On the receiving side [PartOf] extracts the concatenation information of a
// PDU (UDH or SAR TLVs) into a [Part], a [Reassembler] collects parts into a
// [Message] and reports incomplete sets when they expire, and [JoinText]
// decodes the text of the parts.
//
// Errors are prefixed "coding: ". Encoding a character that does not fit
// returns an [*UnencodableError] wrapping [ErrUnencodable]; decoding invalid
// input returns a [*DecodeError] wrapping [ErrInvalid] with the offset of the
// fault.
package coding
