package runner

import (
	"context"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/smartretry/smartretry/actions"
)

// slots keeps one warm Session per concurrency slot: an item takes a free one (reset, so nothing
// of the previous item is left: with isolation, a context of its own with every cookie and
// storage cleared), and gives it back when it is done with the page. Opening a tab with its
// watchers for every item cost more than the item's own navigation and extraction; a Reset costs
// a few round trips, and it starts as soon as the session is given back, so it runs while the
// item's result is stored and the next item is fetched (take waits for it to end). A session
// that cannot be reset (its browser context is gone, the reset timed out) is closed and a new
// one opened in its place; a crashed tab is replaced by Reset itself.
//
// Safe for concurrent use by the run's items.
type slots struct {
	c     Config
	mu    sync.Mutex
	free  []*slot
	all   map[*slot]bool
	reset sync.WaitGroup // resets started by put
}

// slot is one warm session and the item its log lines name now.
type slot struct {
	s    *actions.Session
	item *atomic.Pointer[string]
	// reset is closed when the Reset that put started has ended, with resetErr its error;
	// nil when no Reset was started (a new session).
	reset    chan struct{}
	resetErr error
}

func newSlots(c Config) *slots { return &slots{c: c, all: map[*slot]bool{}} }

// isolate reports whether items get their own browser contexts (the default).
func (c Config) isolate() bool { return c.Isolate == nil || *c.Isolate }

// take returns a session ready for item key: a warm one, reset, or a new one.
func (p *slots) take(ctx context.Context, key string) (*slot, error) {
	for {
		p.mu.Lock()
		var sl *slot
		if n := len(p.free); n > 0 {
			sl, p.free = p.free[n-1], p.free[:n-1]
		}
		p.mu.Unlock()
		if sl == nil {
			break
		}
		if sl.reset != nil {
			select {
			case <-sl.reset:
			case <-ctx.Done():
				p.giveBack(sl) // still resetting: the next take waits for it
				return nil, ctx.Err()
			}
			err := sl.resetErr
			sl.reset, sl.resetErr = nil, nil
			if err != nil {
				p.c.Logger.Info("closing a session that did not reset", zap.String("item", key), zap.Error(err))
				p.drop(sl)
				continue
			}
		}
		sl.item.Store(&key)
		return sl, nil
	}
	return p.open(key)
}

// open makes a new session for a slot.
func (p *slots) open(key string) (*slot, error) {
	c := p.c
	item := &atomic.Pointer[string]{}
	item.Store(&key)
	log := c.Logger.WithOptions(zap.WrapCore(func(core zapcore.Core) zapcore.Core { return itemCore{core, item} }))
	opts := []actions.Option{actions.WithManager(c.Manager), actions.WithLogger(log)}
	if c.isolate() {
		opts = append(opts, actions.Isolated())
	}
	if c.Viewport.Width > 0 && c.Viewport.Height > 0 {
		opts = append(opts, actions.WithViewport(c.Viewport.Width, c.Viewport.Height))
	}
	if c.ActionTimeout > 0 {
		opts = append(opts, actions.WithTimeout(c.ActionTimeout))
	}
	if c.NavigationTimeout > 0 {
		opts = append(opts, actions.WithNavigationTimeout(c.NavigationTimeout))
	}
	if c.Escalator != nil {
		opts = append(opts, actions.WithEscalator(c.Escalator))
	}
	if c.Artifacts != "" {
		opts = append(opts, actions.WithArtifacts(filepath.Join(c.Artifacts, "errors")))
	}
	if c.Flow != nil && c.Flow.HTTPCredentials != nil {
		cr, err := httpCredentials(c.Flow)
		if err != nil {
			return nil, err
		}
		opts = append(opts, actions.WithHTTPCredentialsFor(cr))
	}
	if c.Flow != nil && c.Flow.Dialogs != nil {
		opts = append(opts, actions.WithDialogs(dialogPolicy(c.Flow)))
	}
	s, err := actions.NewSession(c.Browser, opts...)
	if err != nil {
		return nil, err
	}
	sl := &slot{s: s, item: item}
	p.mu.Lock()
	p.all[sl] = true
	p.mu.Unlock()
	return sl, nil
}

// put gives a session back after an item ran on it, and starts its Reset. The reset is bounded by
// twice the action timeout and ends at once when the session is closed (close).
func (p *slots) put(sl *slot) {
	done := make(chan struct{})
	sl.reset, sl.resetErr = done, nil
	p.reset.Add(1)
	limit := p.c.ActionTimeout
	if limit <= 0 {
		limit = 10 * time.Second
	}
	go func() {
		defer p.reset.Done()
		// Not the item's ctx (it may end with the item); bounded, and ended by close.
		ctx, cancel := context.WithTimeout(context.Background(), 2*limit)
		defer cancel()
		sl.resetErr = sl.s.Reset(ctx)
		close(done)
	}()
	p.giveBack(sl)
}

// giveBack puts sl on the free list as it is.
func (p *slots) giveBack(sl *slot) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.free = append(p.free, sl)
}

func (p *slots) drop(sl *slot) {
	p.mu.Lock()
	delete(p.all, sl)
	p.mu.Unlock()
	_ = sl.s.Close()
}

// close closes every session (the run is over).
func (p *slots) close() {
	p.mu.Lock()
	all := p.all
	p.all, p.free = map[*slot]bool{}, nil
	p.mu.Unlock()
	var wg sync.WaitGroup
	for sl := range all {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = sl.s.Close() // ends a Reset still running on it
		}()
	}
	wg.Wait()
	p.reset.Wait()
}

// itemCore adds the field item (the item the slot runs now) to every log line of a warm session.
type itemCore struct {
	zapcore.Core
	item *atomic.Pointer[string]
}

func (c itemCore) With(fields []zapcore.Field) zapcore.Core {
	return itemCore{c.Core.With(fields), c.item}
}

func (c itemCore) Check(e zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if c.Enabled(e.Level) {
		return ce.AddCore(e, c)
	}
	return ce
}

func (c itemCore) Write(e zapcore.Entry, fields []zapcore.Field) error {
	if k := c.item.Load(); k != nil {
		fields = append(fields[:len(fields):len(fields)], zap.String("item", *k))
	}
	return c.Core.Write(e, fields)
}
