package main

// This file is "the application": code that sends SMS and that its own
// tests (app_test.go) exercise against an in-process SMSC.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/smppstack/smpp"
	"github.com/smppstack/smpp/pdu"
)

// Sender is what the reminder code needs from an SMPP connection. Both
// *smpp.Session (one bound session) and *smpp.Client (a managed,
// reconnecting one) provide it, so production code passes a Client and a
// test may pass either.
type Sender interface {
	SubmitText(ctx context.Context, m smpp.TextMessage) ([]smpp.SubmitTextResult, error)
}

// Appointment is one booked visit.
type Appointment struct {
	Patient string
	Phone   string // international number, digits only
	At      time.Time
	Clinic  string
}

// Reminders sends appointment reminders.
type Reminders struct {
	SMS  Sender
	From string // alphanumeric sender id, e.g. "CityClinic"
}

// ReminderText is the text of the reminder for a.
func ReminderText(a Appointment) string {
	return fmt.Sprintf("Hello %s, this is a reminder of your appointment at %s on %s. Reply C to cancel.",
		a.Patient, a.Clinic, a.At.Format("Mon 2 Jan at 15:04"))
}

// Remind sends the reminder for a and returns the SMSC's message id of each
// part (a reminder that does not fit one SMS is split).
func (r *Reminders) Remind(ctx context.Context, a Appointment) ([]string, error) {
	if a.Phone == "" {
		return nil, errors.New("reminder: no phone number")
	}
	res, err := r.SMS.SubmitText(ctx, smpp.TextMessage{
		From:               pdu.Address{TON: pdu.TONAlphanumeric, Addr: r.From},
		To:                 pdu.Address{TON: pdu.TONInternational, NPI: pdu.NPIISDN, Addr: a.Phone},
		Text:               ReminderText(a),
		RegisteredDelivery: pdu.RegReceiptFailure, // hear only about failures
	})
	if err != nil {
		return nil, fmt.Errorf("reminder to %s: %w", a.Phone, err)
	}
	ids := make([]string, len(res))
	for i, p := range res {
		ids[i] = p.MessageID
	}
	return ids, nil
}
