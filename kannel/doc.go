// Package kannel tests smscd against Kannel, the open-source SMS gateway,
// used as an ESME: Debian's kannel package (bearerbox and smsbox) binds to
// an in-process smscd as a transceiver, sends GSM, UCS-2 and long texts
// submitted through smsbox's HTTP sendsms interface, receives their
// delivery receipts and passes MO messages from the simulated handsets on
// to an HTTP service. The test lives in kannel_test.go and is skipped when
// bearerbox is not installed; see README.md.
package kannel
