package browser

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
	"go.uber.org/zap"
)

// ErrPageCrashed is wrapped by every error that ends a call because its page is gone: the
// renderer crashed, the tab was closed or detached, or the browser closed. A crashed tab cannot
// be reloaded; open a new page and navigate again. Classify maps it to retry.PageCrash.
var ErrPageCrashed = errors.New("page crashed")

// pageState is what the watcher knows about one target.
type pageState struct {
	target  proto.TargetTargetID
	ctx     context.Context // done when the page is unusable
	cancel  context.CancelFunc
	mu      sync.Mutex
	reason  string
	session proto.TargetSessionID
}

func (s *pageState) signal(reason string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.reason != "" {
		return false
	}
	s.reason = reason
	s.cancel()
	return true
}

func (s *pageState) crashed() (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reason, s.reason != ""
}

func (s *pageState) err(op string) error {
	reason, _ := s.crashed()
	if op == "" {
		return fmt.Errorf("%w (%s)", ErrPageCrashed, reason)
	}
	return fmt.Errorf("%s: %w (%s)", op, ErrPageCrashed, reason)
}

// watcher follows the browser's event stream and turns crashes and vanished targets into
// closed signals. One goroutine per browser; it ends when the connection does.
type watcher struct {
	log       *zap.Logger
	mu        sync.Mutex
	byTarget  map[proto.TargetTargetID]*pageState
	bySession map[proto.TargetSessionID]*pageState
	closed    string // non-empty once the browser is gone: the reason
	done      chan struct{}
	pages     atomic.Uint64 // page targets created (tabs, popups) since the watch began
}

func newWatcher(rb *rod.Browser, log *zap.Logger) *watcher {
	w := &watcher{
		log:       log,
		byTarget:  map[proto.TargetTargetID]*pageState{},
		bySession: map[proto.TargetSessionID]*pageState{},
		done:      make(chan struct{}),
	}
	events := rb.Event() // subscribed now, before any page exists
	go func() {
		defer close(w.done)
		for msg := range events {
			w.handle(msg)
		}
		w.shutdown("connection to the browser lost")
	}()
	return w
}

func (w *watcher) handle(msg *rod.Message) {
	switch msg.Method {
	case (proto.TargetTargetCreated{}).ProtoEvent():
		var e proto.TargetTargetCreated
		if msg.Load(&e) && e.TargetInfo != nil && e.TargetInfo.Type == proto.TargetTargetInfoTypePage {
			w.pages.Add(1)
		}
	case (proto.InspectorTargetCrashed{}).ProtoEvent():
		w.signalSession(msg.SessionID, "renderer crashed")
	case (proto.TargetTargetCrashed{}).ProtoEvent():
		var e proto.TargetTargetCrashed
		if msg.Load(&e) {
			w.signalTarget(e.TargetID, "renderer crashed")
		}
	case (proto.TargetTargetDestroyed{}).ProtoEvent():
		var e proto.TargetTargetDestroyed
		if msg.Load(&e) {
			w.signalTarget(e.TargetID, "tab closed")
		}
	case (proto.TargetDetachedFromTarget{}).ProtoEvent():
		var e proto.TargetDetachedFromTarget
		if msg.Load(&e) {
			w.signalSession(e.SessionID, "tab closed or detached")
		}
	}
}

func (w *watcher) signalTarget(id proto.TargetTargetID, reason string) {
	w.mu.Lock()
	st := w.byTarget[id]
	w.mu.Unlock()
	w.signal(st, reason)
}

func (w *watcher) signalSession(id proto.TargetSessionID, reason string) {
	if id == "" {
		return
	}
	w.mu.Lock()
	st := w.bySession[id]
	w.mu.Unlock()
	w.signal(st, reason)
}

func (w *watcher) signal(st *pageState, reason string) {
	if st == nil || !st.signal(reason) {
		return
	}
	if reason == "renderer crashed" {
		w.log.Warn("page crashed", zap.String("target", string(st.target)))
	} else {
		w.log.Debug("page gone", zap.String("target", string(st.target)), zap.String("reason", reason))
	}
}

// shutdown signals every page, now and for pages registered later.
func (w *watcher) shutdown(reason string) {
	w.mu.Lock()
	if w.closed == "" {
		w.closed = reason
	}
	all := make([]*pageState, 0, len(w.byTarget))
	for _, st := range w.byTarget {
		all = append(all, st)
	}
	w.mu.Unlock()
	for _, st := range all {
		st.signal(reason)
	}
}

func (w *watcher) isClosed() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.closed != ""
}

func (w *watcher) registerTarget(id proto.TargetTargetID) *pageState {
	w.mu.Lock()
	defer w.mu.Unlock()
	if st, ok := w.byTarget[id]; ok {
		return st
	}
	ctx, cancel := context.WithCancel(context.Background())
	st := &pageState{target: id, ctx: ctx, cancel: cancel}
	w.byTarget[id] = st
	if w.closed != "" {
		st.reason = w.closed
		cancel()
	}
	return st
}

func (w *watcher) bindSession(st *pageState, id proto.TargetSessionID) {
	if id == "" {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	st.mu.Lock()
	st.session = id
	st.mu.Unlock()
	w.bySession[id] = st
}

// state returns p's state, registering a page this Browser did not open (a popup, a page from
// Rod()) on first sight; such a page is watched through Target.targetCrashed/targetDestroyed.
func (w *watcher) state(p *rod.Page) *pageState {
	st := w.registerTarget(p.TargetID)
	st.mu.Lock()
	bound := st.session != ""
	st.mu.Unlock()
	if !bound {
		w.bindSession(st, p.SessionID)
	}
	return st
}

// CrashSignal returns a channel that is closed when p can no longer be used: its renderer
// crashed, its tab was closed or detached, or the browser closed or was lost. A page this
// Browser did not open is watched from the first call on.
func (b *Browser) CrashSignal(p *rod.Page) <-chan struct{} {
	return b.watch.state(p).ctx.Done()
}

// Crashed reports whether CrashSignal(p) has fired.
func (b *Browser) Crashed(p *rod.Page) bool {
	_, gone := b.watch.state(p).crashed()
	return gone
}
