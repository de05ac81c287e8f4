package actions

import "sync"

// dialogLog remembers the last JS dialog a Session's tab opened and how it was answered.
type dialogLog struct {
	mu       sync.Mutex
	last     Dialog
	accepted bool
	n        int
}

// remembering wraps h so every dialog it answers is remembered.
func (l *dialogLog) remembering(h DialogHandler) DialogHandler {
	return func(d Dialog) (bool, string) {
		accept, text := h(d)
		l.mu.Lock()
		l.last, l.accepted = d, accept
		l.n++
		l.mu.Unlock()
		return accept, text
	}
}

// LastDialog is the last JS dialog (alert, confirm, prompt, beforeunload) the session's tab
// opened, as the WithDialogs policy saw it, and whether the policy accepted it; ok is false when
// none has opened. The-internet's JS alerts: Click the button, then LastDialog()'s Message is
// "I am a JS Alert". Dialogs is how many have opened.
//
// Safe to call at any time, from any goroutine.
func (s *Session) LastDialog() (d Dialog, accepted, ok bool) {
	l := s.cfg.dialogs
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.last, l.accepted, l.n > 0
}

// Dialogs is how many JS dialogs the session's tab has opened (and the policy answered).
func (s *Session) Dialogs() int {
	l := s.cfg.dialogs
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n
}
