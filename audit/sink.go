package audit

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// StdoutSink writes entries as JSON lines to a stream (a team's log
// pipeline), chained in memory per process so the pipeline can still spot a
// dropped or reordered line. It is safe for concurrent use.
type StdoutSink struct {
	mu   sync.Mutex
	w    io.Writer
	seq  uint64
	head string
	now  func() time.Time
}

// NewStdoutSink returns a Sink that writes one JSON line per entry to w.
// Each line is handed to w in a single Write before Append returns; a stream
// has no fsync, so durability is the pipeline's.
func NewStdoutSink(w io.Writer) Sink { return &StdoutSink{w: w, now: time.Now} }

// Append writes e as one canonical JSON line.
func (s *StdoutSink) Append(e Entry) error {
	if err := e.Validate(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if e.Timestamp.IsZero() {
		e.Timestamp = s.now()
	}
	e.Timestamp = e.Timestamp.UTC()
	e.Seq, e.Prev, e.Hash = s.seq+1, s.head, ""
	line, sum, err := seal(&e)
	if err != nil {
		return err
	}
	if _, err := s.w.Write(line); err != nil {
		return fmt.Errorf("write audit entry: %w", err)
	}
	s.seq, s.head = e.Seq, sum
	return nil
}

// Tee returns a Sink that appends to every sink in order and reports all
// failures; an entry counts as logged only when every sink took it.
func Tee(sinks ...Sink) Sink { return tee(sinks) }

type tee []Sink

func (t tee) Append(e Entry) error {
	var errs []error
	for _, s := range t {
		if err := s.Append(e); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
