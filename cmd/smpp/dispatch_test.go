package main

import (
	"errors"
	"os/exec"
	"strings"
	"testing"
)

// TestGoRun runs the README's command from the repository root, through
// main() and os.Exit.
func TestGoRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool")
	}
	cmd := exec.Command(goTool, "run", "./cmd/smpp", "decode", "00000010000000150000000000000001")
	cmd.Dir = "../.."
	out, err := cmd.CombinedOutput()
	if err != nil || string(out) != `{"command_id":"enquire_link","command_status":0,"sequence_number":1,"command_length":16,"tlvs":[]}`+"\n" {
		t.Fatalf("go run ./cmd/smpp decode: %v\n%s", err, out)
	}
	// A decoding error exits 1.
	cmd = exec.Command(goTool, "run", "./cmd/smpp", "decode", "0000000f000000150000000000000001")
	cmd.Dir = "../.."
	out, err = cmd.Output()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.HasPrefix(string(out), `{"error":`) {
		t.Fatalf("bad frame: %v %s", err, out)
	}
}
