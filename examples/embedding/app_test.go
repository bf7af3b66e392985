package main

// How an application tests its SMS code: smsctest.NewServer starts a real
// SMSC inside the test (random port, temporary data, stopped at the end),
// the code under test binds to it like to any SMSC, and the test looks at
// what the simulated handsets received.

import (
	"errors"
	"testing"
	"time"

	"github.com/smppstack/smpp/pdu"
	"github.com/smppstack/smpp/smsc"
	"github.com/smppstack/smpp/smsc/smsctest"
)

var visit = Appointment{
	Patient: "Zoë", // not in the GSM alphabet: the text goes as UCS2, in two parts
	Phone:   "447700900123",
	At:      time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC),
	Clinic:  "City Clinic, 4 Elm Road",
}

func TestRemind(t *testing.T) {
	srv := smsctest.NewServer(t, smsctest.Account("clinic", "clinic1"))
	ctx := t.Context()
	s, err := srv.Dialer("clinic", "clinic1", pdu.BindTransmitter, nil).Dial(ctx, srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	r := &Reminders{SMS: s, From: "CityClinic"}
	ids, err := r.Remind(ctx, visit)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 2 {
		t.Fatalf("%d parts, want 2 (UCS2, 70 characters a part)", len(ids))
	}

	// What the handset received: both parts, from the clinic, in order.
	got, err := srv.WaitPhone(ctx, visit.Phone, 2)
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]string{}
	for _, m := range got {
		if m.From != "CityClinic" || m.State != "DELIVERED" {
			t.Errorf("%+v", m)
		}
		parts[m.Part] = m.Text
	}
	want := "Hello Zoë, this is a reminder of your appointment at City Clinic, 4 Elm Road on Sat 14 Mar at 09:30. Reply C to cancel."
	if parts["1/2"]+parts["2/2"] != want {
		t.Fatalf("handset shows %q + %q, want %q", parts["1/2"], parts["2/2"], want)
	}
}

// The error path, against the same real SMSC: an account limited to one
// submission a second refuses the second part with ESME_RTHROTTLED, and
// Remind reports it (a bare Session does not retry; an smpp.Client would
// back off and resend).
func TestRemindThrottled(t *testing.T) {
	srv := smsctest.NewServer(t, smsctest.Configure(func(c *smsc.Config) {
		c.Accounts = append(c.Accounts, smsc.Account{SystemID: "clinic", Password: "clinic1", Throughput: 1})
	}))
	ctx := t.Context()
	s, err := srv.Dialer("clinic", "clinic1", pdu.BindTransmitter, nil).Dial(ctx, srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	_, err = (&Reminders{SMS: s, From: "CityClinic"}).Remind(ctx, visit)
	if !errors.Is(err, pdu.StatusThrottled) {
		t.Fatalf("Remind: %v, want ESME_RTHROTTLED", err)
	}
}
