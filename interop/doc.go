// Package interop tests the smpp stack against SMPP software nobody on the
// team wrote: the github.com/linxGnu/gosmpp client (Go module, pinned) and
// node-smpp (npm package smpp, pinned), as client and as server. It is a
// separate module so the peers never become dependencies of the library.
// The tests live in *_test.go files; see README.md.
package interop
