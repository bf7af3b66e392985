// Package codec holds the wire-codec micro-benchmarks (issue #2): decoding
// and encoding one submit_sm with github.com/smppstack/smpp/pdu and with
// github.com/linxGnu/gosmpp v0.3.1 in the same run. Everything is in
// codec_test.go; run it with ../run.sh or
//
//	go test -run '^$' -bench SubmitSM -count 5 -benchtime 1s ./codec
package codec
