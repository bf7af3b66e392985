package pdu

//go:generate go run ./internal/gentlv
