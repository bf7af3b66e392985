package childproc

import (
	"bufio"
	"fmt"
	"os"
	"testing"
	"time"
)

// With CHILDPROC_TEST_ECHO set, the test binary is an echo child: it prints
// its ready line, then every stdin line back, until stdin is closed.
func TestMain(m *testing.M) {
	if os.Getenv("CHILDPROC_TEST_ECHO") != "" {
		fmt.Println("READY " + os.Getenv("CHILDPROC_TEST_ECHO"))
		fmt.Fprintln(os.Stderr, "echo child started")
		s := bufio.NewScanner(os.Stdin)
		for s.Scan() {
			fmt.Println("echo " + s.Text())
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestStartLinesStop(t *testing.T) {
	lines := make(chan string, 10)
	p := Start(t, "echo", []string{"CHILDPROC_TEST_ECHO=hello world"}, "READY", time.Minute, func(l string) { lines <- l })
	if p.Ready != "hello world" {
		t.Fatalf("Ready = %q", p.Ready)
	}
	if p.Pid() <= 0 || p.Pid() == os.Getpid() {
		t.Fatalf("Pid = %d", p.Pid())
	}
	for _, want := range []string{"one", "two"} {
		fmt.Fprintln(p.Stdin, want)
		select {
		case got := <-lines:
			if got != "echo "+want {
				t.Fatalf("line %q, want %q", got, "echo "+want)
			}
		case <-time.After(time.Minute):
			t.Fatal("no echo")
		}
	}
	p.Stop(t, time.Minute)
	select {
	case <-p.Done():
	default:
		t.Fatal("Done not closed after Stop")
	}
	if got := p.Stderr(); got != "echo child started\n" {
		t.Errorf("Stderr = %q", got)
	}
}

func TestKill(t *testing.T) {
	p := Start(t, "echo", []string{"CHILDPROC_TEST_ECHO=x"}, "READY", time.Minute, nil)
	p.Kill()
	select {
	case <-p.Done():
	default:
		t.Fatal("Done not closed after Kill")
	}
	p.Kill() // again, as the test's cleanup does: must not block
}
