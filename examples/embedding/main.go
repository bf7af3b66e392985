// Command embedding sends one appointment reminder. It is the runnable half
// of an example whose point is app_test.go: how an application tests its
// SMS code against an SMSC running inside the test (package
// smsc/smsctest), with no server to install and nothing to mock.
//
//	go run ./examples/embedding -system-id clinic -password clinic1 \
//	    -phone 447700900123 -patient Sam -at 2026-03-14T09:30
//	go test ./examples/embedding
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/pdu"
)

type config struct {
	Addr, SystemID, Password string
	From                     string
	Appointment              Appointment
}

func main() {
	var cfg config
	var at string
	flag.StringVar(&cfg.Addr, "addr", "127.0.0.1:2775", "SMSC address `HOST:PORT`")
	flag.StringVar(&cfg.SystemID, "system-id", "clinic", "system_id to bind with")
	flag.StringVar(&cfg.Password, "password", "", "password to bind with")
	flag.StringVar(&cfg.From, "from", "CityClinic", "alphanumeric sender id")
	flag.StringVar(&cfg.Appointment.Phone, "phone", "", "patient's `NUMBER` (required)")
	flag.StringVar(&cfg.Appointment.Patient, "patient", "", "patient's first name")
	flag.StringVar(&cfg.Appointment.Clinic, "clinic", "City Clinic, 4 Elm Road", "where")
	flag.StringVar(&at, "at", "", "appointment time `YYYY-MM-DDTHH:MM` (required)")
	flag.Parse()
	t, err := time.ParseInLocation("2006-01-02T15:04", at, time.Local)
	if err != nil || cfg.Appointment.Phone == "" {
		fmt.Fprintln(os.Stderr, "embedding: -phone and -at YYYY-MM-DDTHH:MM are required")
		os.Exit(2)
	}
	cfg.Appointment.At = t
	cfg.Appointment.Phone = strings.TrimPrefix(cfg.Appointment.Phone, "+")
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err = run(ctx, cfg, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "embedding:", err)
		os.Exit(1)
	}
}

// run binds as a transmitter, sends the reminder and unbinds.
func run(ctx context.Context, cfg config, out io.Writer) error {
	d := &smpp.Dialer{SystemID: cfg.SystemID, Password: cfg.Password, Mode: pdu.BindTransmitter}
	s, err := d.Dial(ctx, cfg.Addr)
	if err != nil {
		return err
	}
	defer s.Unbind(context.WithoutCancel(ctx))
	r := &Reminders{SMS: s, From: cfg.From}
	ids, err := r.Remind(ctx, cfg.Appointment)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "reminder sent to %s: %q (message ids %s)\n", cfg.Appointment.Phone, ReminderText(cfg.Appointment), strings.Join(ids, ","))
	return nil
}
