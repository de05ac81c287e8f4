package actions

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// dialogLog remembers the last JS dialog a Session's tab opened and how it was answered.
type dialogLog struct {
	mu       sync.Mutex
	last     Dialog
	accepted bool
	n        int
	// since is n when the last action that acts on the page began (its name in by), for
	// WaitForDialog; changed is closed when a dialog opens.
	since   int
	by      string
	changed chan struct{}
}

// readOnly are the actions that only read the page: a dialog they meet is not theirs to wait
// for, so they leave WaitForDialog's mark where the last acting action put it.
var readOnly = map[string]bool{"text": true, "attr": true, "value": true, "count": true, "extract": true,
	"wait_for": true, "wait_for_text": true, "screenshot": true}

// mark notes that action begins: a dialog opened from now on is one WaitForDialog returns.
func (l *dialogLog) mark(action string) {
	if readOnly[action] {
		return
	}
	l.mu.Lock()
	l.since, l.by = l.n, action
	l.mu.Unlock()
}

// remembering wraps h so every dialog it answers is remembered.
func (l *dialogLog) remembering(h DialogHandler) DialogHandler {
	return func(d Dialog) (bool, string) {
		accept, text := h(d)
		l.mu.Lock()
		l.last, l.accepted = d, accept
		l.n++
		if l.changed != nil {
			close(l.changed)
			l.changed = nil
		}
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

// WaitForDialog returns the JS dialog that opened since the last action that acts on the page
// (Click, Press, Fill, Select, Navigate…; reads such as Text or Extract do not count) began,
// waiting for it when none has yet: an alert that a click's slow request opens after Click
// returned (Click waits 3 s at most for the requests it started; DemoBlaze's "Product added."
// comes when the store's API answers). Several: the last. The dialog was already answered by
// the WithDialogs policy (accepted says how); this only tells what it said. None within the
// Session's attempt timeout (WithTimeout) or ctx: an error, errors.Is context.DeadlineExceeded
// (or ctx's error). LastDialog, by contrast, answers at once with whatever opened last, perhaps
// an older action's.
//
//	if err := s.Click(ctx, "text=Add to cart"); err != nil { … }
//	d, _, err := s.WaitForDialog(ctx) // d.Message == "Product added."
//
// Safe to call at any time, from any goroutine.
func (s *Session) WaitForDialog(ctx context.Context) (d Dialog, accepted bool, err error) {
	l := s.cfg.dialogs
	t := time.NewTimer(s.cfg.timeout)
	defer t.Stop()
	for {
		l.mu.Lock()
		if l.n > l.since {
			d, accepted = l.last, l.accepted
			l.mu.Unlock()
			return d, accepted, nil
		}
		if l.changed == nil {
			l.changed = make(chan struct{})
		}
		changed, by := l.changed, "the last action ("+l.by+")"
		if l.by == "" {
			by = "the session"
		}
		l.mu.Unlock()
		select {
		case <-changed:
		case <-t.C:
			return Dialog{}, false, fmt.Errorf("no JS dialog opened since %s began, within %s: %w", by, s.cfg.timeout, context.DeadlineExceeded)
		case <-ctx.Done():
			return Dialog{}, false, fmt.Errorf("no JS dialog opened since %s began: %w", by, ctx.Err())
		}
	}
}
