// Command smpp is the command-line tool of the smpp project: PDU decoding
// and encoding, and (as they arrive) an SMSC simulator and ESME tools. The
// command-line contracts are in shared/design/README.md.
//
//	smpp decode [--lenient] [--max-len N] [HEX ...]
//	smpp encode [JSON ...]
//
// Exit status: 0 success, 1 bad input (some PDU could not be decoded or
// encoded), 2 usage error.
//
// Adding a subcommand: write cmd/smpp/NAME.go with its function and add
// one entry to the table in [commands] (and a line to [summaries]).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// Exit statuses shared by every subcommand (named apart from any
// subcommand's own constants).
const (
	codeOK    = 0
	codeInput = 1 // bad input or failure: a PDU, a JSON object, a peer's answer
	codeUsage = 2 // bad flags or arguments
)

// stdin is what subcommands read; tests replace it.
var stdin io.Reader = os.Stdin

// commands is the subcommand table: adding a subcommand is one entry here
// and a file cmd/smpp/NAME.go with its function. A function gets the
// arguments after its name, writes to stdout and stderr, reads [stdin] if
// it needs to, returns the exit status, and stops when ctx is done.
func commands() map[string]func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return map[string]func(ctx context.Context, args []string, stdout, stderr io.Writer) int{
		"decode": runDecode,
		"encode": runEncode,
		"serve":  runServe,
		"send":   runSend,
		"listen": runListen,
		"bench":  runBench,
		"soak":   runSoak,

		"conform": runConform,
	}
}

// summaries are the one-line descriptions printed by "smpp help".
var summaries = map[string]string{
	"decode": "decode PDUs given as hex into JSON lines",
	"encode": "encode JSON lines (as printed by decode) into hex PDUs",
	"serve":  "run a bare SMSC simulator (message ids, receipts with --dlr, MO injection)",
	"send":   "submit a text (split when long), print its ids and, with --dlr, its receipts",
	"listen": "bind and print each deliver_sm / data_sm as a JSON line",
	"bench":  "submit N messages as fast as possible and report rate and latency",
	"soak":   "run mixed load (submits, receipts, MO) for a set time; print throughput and memory over time",

	"conform": "run the SMPP conformance suite against an SMSC (--addr) or an ESME (--listen)",
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches args[0] to its subcommand.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmds := commands()
	if len(args) == 0 {
		mainUsage(stderr, cmds)
		return codeUsage
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			if c, ok := cmds[args[1]]; ok {
				return c(ctx, []string{"-h"}, stdout, stderr)
			}
		}
		mainUsage(stdout, cmds)
		return codeOK
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "smpp: unknown command %q\n", args[0])
		mainUsage(stderr, cmds)
		return codeUsage
	}
	return c(ctx, args[1:], stdout, stderr)
}

func mainUsage(w io.Writer, cmds map[string]func(context.Context, []string, io.Writer, io.Writer) int) {
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintln(w, "usage: smpp COMMAND [flags] [args]")
	fmt.Fprintln(w, "\ncommands:")
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, summaries[n])
	}
	fmt.Fprintln(w, "\nRun 'smpp help COMMAND' or 'smpp COMMAND -h' for a command's flags.")
}

// codecFlags returns the flag set of decode or encode: errors are reported
// on stderr, -h prints the synopsis.
func codecFlags(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("smpp "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: smpp %s %s\n\nflags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseCodecFlags parses args; ok is false when the command must return
// code (0 after -h, 2 after a bad flag).
func parseCodecFlags(fs *flag.FlagSet, args []string) (code int, ok bool) {
	err := fs.Parse(args)
	switch {
	case err == nil:
		return codeOK, true
	case errors.Is(err, flag.ErrHelp):
		return codeOK, false
	default:
		return codeUsage, false
	}
}
