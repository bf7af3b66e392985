// Package smpptest provides utilities for testing SMPP applications, in the
// manner of net/http/httptest.
//
// [Server] runs an SMSC ([smpp.Server]) on a loopback port, optionally over
// TLS with a certificate generated in memory, and hands out [smpp.Dialer]s
// configured to reach it. [Pipe] and [PipeConn] connect to an smpp.Server over
// net.Pipe instead, without ports, which also works inside testing/synctest
// bubbles. [AcceptAll], [SMSCHandler] and [AckHandler] are ready-made
// binders and handlers for both ends.
//
// [Peer] and [Script] play a scripted, possibly misbehaving, SMPP peer on a
// raw connection (after pgx's pgmock): a script reads the PDUs the code under
// test sends, checks them, and answers — or stays silent, sends garbage,
// answers out of order, or closes — exactly as each [Step] says.
package smpptest
