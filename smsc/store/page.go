package store

import (
	"context"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
)

// page reads one page of a log stream for the listing APIs: up to limit
// records (1–1000, default 100) on subjects matching filter, stored after
// the stream sequence after (0: from the oldest kept), oldest first. decode
// turns a record's data and stream sequence into an item, or reports false
// to skip one it cannot read. The second result is the cursor of the next
// page: the sequence of the last item, or 0 when there are no more. what
// names the listing in errors.
func page[T any](ctx context.Context, js jetstream.JetStream, stream, filter string, after uint64, limit int,
	what string, decode func(data []byte, seq uint64) (T, bool)) ([]T, uint64, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	cfg := jetstream.OrderedConsumerConfig{FilterSubjects: []string{filter}}
	if after > 0 {
		cfg.DeliverPolicy = jetstream.DeliverByStartSequencePolicy
		cfg.OptStartSeq = after + 1
	}
	oc, err := js.OrderedConsumer(ctx, stream, cfg)
	if err != nil {
		return nil, 0, fmt.Errorf("store: %s: %w", what, err)
	}
	var out []T
	var last uint64
	more := false
	for len(out) < limit {
		batch, err := oc.FetchNoWait(min(limit-len(out), 256))
		if err != nil {
			return nil, 0, fmt.Errorf("store: %s: %w", what, err)
		}
		n := 0
		for raw := range batch.Messages() {
			n++
			md, err := raw.Metadata()
			if err != nil {
				continue
			}
			item, ok := decode(raw.Data(), md.Sequence.Stream)
			if !ok {
				continue
			}
			out = append(out, item)
			last = md.Sequence.Stream
			more = md.NumPending > 0
		}
		if n == 0 || !more {
			break
		}
	}
	if !more {
		last = 0
	}
	return out, last, nil
}
