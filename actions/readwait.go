package actions

import (
	"context"
	"time"

	"github.com/go-rod/rod"
)

// emptyRead re-reads, with read, an element whose text came back empty while the page's
// Fetch/XHR requests are in flight or just answered: a heading, a price or "Welcome <user>" that
// a script fills from an answer (a product page whose details arrive after load, a navbar that
// asks the server who is logged in). See settler. An element empty on a page that has sent no
// request is read as it is at once.
func (s *Session) emptyRead(p *rod.Page, text string, read func() (string, error)) (string, error) {
	st := s.settler(p)
	st.synced = false // an empty read is worth a round trip to learn of a request just sent
	for text == "" && st.again() {
		var err error
		if text, err = read(); err != nil {
			return "", err
		}
	}
	return text, nil
}

// settle says when a read the page may still be filling from its requests is worth taking again.
type settle struct {
	s        *Session
	p        *rod.Page
	deadline time.Time
	turned   bool
	// synced: the watcher is taken to have every request the page announced (true at first for
	// Extract: the events before its call came before the load or the click it follows, and a
	// round trip on every read would cost each one; a request waited for is followed by one).
	synced bool
}

// settler starts the wait of one read for the page's requests: maxRequestWait in all, so that a
// request that never ends (a long poll, a tracker that hangs) does not hold the read.
//
// It ends halfway to the attempt's deadline at the latest, so the read taken again still fits
// in the attempt: with a 3 s attempt on a page whose request never ends (a long poll), the 3 s
// wait outlasted every attempt and the read failed as a timeout where it had worked.
func (s *Session) settler(p *rod.Page) *settle {
	deadline := time.Now().Add(maxRequestWait)
	if dl, ok := p.GetContext().Deadline(); ok {
		if half := time.Now().Add(time.Until(dl) / 2); half.Before(deadline) {
			deadline = half
		}
	}
	return &settle{s: s, p: p, deadline: deadline, synced: true}
}

// recentAnswer is how soon after a request's answer a read gives the page a turn to act on it.
const recentAnswer = time.Second

// again waits, until the settle's deadline at most (and within the page's own), for the tab's
// Fetch/XHR requests in flight to be answered, then gives the page its turn to act on the
// answers, and reports that the read should be taken again. The first call gives that turn
// even when nothing is in flight, if a request was answered within recentAnswer: an answer that
// arrived just before the read (the second of two rows requested together) has not always been
// acted on yet. It reports false when there is nothing (more) to wait for, or no time left.
func (st *settle) again() bool {
	if !time.Now().Before(st.deadline) {
		return false
	}
	if !st.synced {
		st.s.syncEvents(st.p) // a request the page announced just now may still be on its way to the watcher
	}
	st.synced = false
	busy, _ := st.s.workSince(0)
	if busy == 0 && (st.turned || time.Since(st.s.lastAnswer()) > recentAnswer) {
		return false
	}
	if busy > 0 {
		ctx, cancel := context.WithDeadline(st.p.GetContext(), st.deadline)
		st.s.awaitRequests(st.p.Context(ctx), 0)
		cancel()
	}
	st.s.pageTurn(st.p)
	st.turned = true
	return true
}

// lastAnswer is when a Fetch/XHR request of the tab was last answered (zero: never).
func (s *Session) lastAnswer() time.Time {
	s.st.Lock()
	defer s.st.Unlock()
	return s.nav.answered
}
