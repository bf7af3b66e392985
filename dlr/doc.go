// Package dlr formats and parses SMPP delivery receipts (DLRs) and merges
// them with the receipt TLVs of deliver_sm and data_sm.
//
// The receipt text is the de-facto format given as an example in SMPP v3.4
// Appendix B (encoding.md §8.1):
//
//	id:IIIIIIIIII sub:001 dlvrd:001 submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DELIVRD err:000 text:first 20 chars
//
// It is officially vendor-specific, so [Parse] is tolerant (encoding.md
// §8.2): keys match case-insensitively, any field may be missing, vendor
// fields are kept in [Receipt.Vendor], dates may have 10, 12 or 14 digits,
// and text runs to the end of the data whatever it contains. Formatting is
// strict: [Receipt.AppendText] writes the Appendix B layout and [Format]
// selects the few variants peers expect.
//
// A receipt travels in a deliver_sm (or data_sm) whose esm_class message type
// is 0x04 (MC delivery receipt) or 0x20 (intermediate notification)
// (encoding.md §2.2). [FromDeliverSM] and [FromDataSM] recognise one and
// prefer the receipted_message_id, message_state and network_error_code TLVs
// over the text when present (encoding.md §8.2). On the SMSC side
// [Receipt.DeliverSM] builds the PDU, swapping the addresses of the original
// message (SMPP v3.4 §2.11).
//
// Message ids are strings: the receipt may carry the submit_sm_resp id
// verbatim, zero-padded, or (v3.3 interop) as the decimal value of a hex id.
// [SameID] and [MatchID] correlate them (encoding.md §8.3).
//
// Dates in the text carry no zone; they are read in UTC unless a [Parser]
// names a location. Two-digit years are 2000–2099.
//
// The package imports only pdu and the standard library, has no
// package-level mutable state, and no input makes it panic.
package dlr
