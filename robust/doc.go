// Package robust holds the robustness suite of the smpp stack (issue #6):
// hostile input replayed over TCP against an in-process SMSC, abuse and
// limits (session_init timer, per-IP limit, bind lock-out, 10,000 bound
// sessions, a peer that stops reading), and faults (kill -9 of smscd and
// restarts of an external NATS server under mixed load).
//
// Everything is in its tests; the package has no API. The hostile corpus
// lives in testdata/hostile, one annotated hex file per case (see
// hostile_test.go for the format and the expectation of each case).
package robust
