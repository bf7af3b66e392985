package main

import (
	"strings"
	"testing"

	"github.com/smppstack/smpp/smsc/smsctest"
)

func TestRun(t *testing.T) {
	srv := smsctest.NewServer(t, smsctest.Account("clinic", "clinic1"))
	a := visit
	a.Patient = "Sam"
	var out strings.Builder
	err := run(t.Context(), config{Addr: srv.Addr, SystemID: "clinic", Password: "clinic1", From: "CityClinic", Appointment: a}, &out)
	if err != nil {
		t.Fatal(err)
	}
	want := `reminder sent to 447700900123: "Hello Sam, this is a reminder of your appointment at City Clinic, 4 Elm Road on Sat 14 Mar at 09:30. Reply C to cancel." (message ids `
	if !strings.HasPrefix(out.String(), want) || strings.Count(out.String(), "\n") != 1 {
		t.Fatalf("output %q, want %q…", out.String(), want)
	}
	got, err := srv.WaitPhone(t.Context(), "447700900123", 1)
	if err != nil || got[0].Text != ReminderText(a) {
		t.Fatalf("%+v %v", got, err)
	}
}
