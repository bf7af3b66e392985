// Package conform is an SMPP conformance suite, usable as a library: it
// checks how an SMSC (or an ESME) behaves on the wire against the project's
// SMPP reference (shared/spec: pdus.md, session.md, status.md, tlvs.md,
// encoding.md), and reports one [Result] per check. The smpp command runs it
// as "smpp conform"; other tools can call [Run] and [RunESME] directly.
//
//	rep := conform.Run(ctx, conform.Target{Addr: "smsc:2775", SystemID: "acme", Password: "secret", DLR: true})
//	rep.WriteText(os.Stdout) // PASS|FAIL|SKIP  <id>  <section>  <sent> -> <received>
//	if !rep.OK() { ... }
//
// # Testing an SMSC
//
// [Run] performs [Checks] in order: the three binds and their responses,
// wrong credentials, PDUs before bind and in the wrong bind state, a second
// bind, enquire_link, unknown command ids and generic_nack loops, bad
// command_length values (below the header, beyond the data, above any
// sane maximum), every submit_sm field limit (service_type, addresses, time
// fields, sm_length, short_message with message_payload, a broken TLV
// stream), data_coding 0/8/4, submit_multi with an unknown distribution
// list, query_sm, cancel_sm and replace_sm of a pending message and of an
// unknown one, data_sm, delivery receipts, sequence number echo up to
// 0x7FFFFFFF, a window of ten concurrent requests and unbind.
//
// Every check opens its own connection and is bounded by its own timeout,
// so a peer that misbehaves, stalls or closes fails that check and the
// suite moves on. The checks talk raw SMPP (a hand-rolled frame reader and
// writer, not the smpp package's sessions) so that they can send exactly the
// malformed or ill-timed PDUs they need and see exactly what comes back;
// while waiting they answer the SMSC's enquire_link and acknowledge its
// deliver_sm, as an ESME must.
//
// A check that needs a capability the SMSC was not declared to have is
// skipped with the reason: receipts need [Target.DLR] (the SMSC sends
// receipts for [Target.To]), submit_multi to a list needs [Target.DL].
// Simulators that accept any system_id by design set [Target.AnySystemID].
// The checks submit real messages to Target.To (and one scheduled an hour
// ahead, which they cancel again); point it at a test destination.
//
// SMSCs that lock out repeated failed binds (smscd does, per IP and per
// system_id) see two failed binds per run, followed by successful ones.
//
// # Testing an ESME
//
// [RunESME] plays the SMSC on a listener: it waits for the ESME to bind,
// then delivers an MO in GSM 7-bit and in UCS2, a three-part concatenated
// MO and a delivery receipt, sends enquire_link, an unknown command and
// unbind, answers the ESME's submissions with ESME_RTHROTTLED for a while to
// see whether it backs off, checks the sequence numbers of its requests,
// and (with [ESMETarget.OutbindAddr]) connects to its outbind listener to
// see whether it binds. The ESME's own traffic is served throughout:
// submissions get message ids, enquire_link is answered.
//
// # Results
//
// A [Report] holds the results in run order; [Report.WriteText] prints
// aligned lines and the summary "conform: N passed, N failed, N skipped",
// [Report.WriteJSON] one JSON object, and a [Printer] prints results as they
// arrive (see [Target.OnResult]). Check ids are stable: tools may filter on
// them ([Target.Run]).
//
// The package imports only the standard library and the library layers
// (pdu, coding, dlr).
package conform
