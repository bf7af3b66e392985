package smpp

// Test-only access to session internals for the external test package.

// SetLastSeq makes the session's next request use pdu.NextSeq(last), to test
// the wrap from 0x7FFFFFFF to 1 without sending two billion PDUs.
func SetLastSeq(s *Session, last uint32) { s.seq.Store(last) }

// TimerCount returns how many timers the session keeps references to.
func TimerCount(s *Session) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.timers)
}
