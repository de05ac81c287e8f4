package browser

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
)

// Context is an isolated browser context (Target.createBrowserContext): an incognito-like profile
// inside the one Chromium, with its own cookies, storage, cache and permissions. Tabs opened with
// its NewPage live in it; tabs of other contexts (and of the browser's default one) see none of
// its state. Creating one costs a single round trip, so one per worker or per job is cheap.
//
// A Context is safe for concurrent use. Close disposes it and closes its tabs.
type Context struct {
	b  *Browser
	id proto.BrowserBrowserContextID

	mu     sync.Mutex
	closed bool
}

// NewContext creates an isolated browser context. ctx bounds the creation only; the context
// lives until its Close or the browser's.
func (b *Browser) NewContext(ctx context.Context) (*Context, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if b.watch.isClosed() {
		return nil, errors.New("new browser context: browser is closed")
	}
	res, err := proto.TargetCreateBrowserContext{}.Call(b.rod.Context(ctx))
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("new browser context: %w", err)
	}
	b.mu.Lock()
	if b.contexts == nil {
		b.contexts = map[proto.BrowserBrowserContextID]bool{}
	}
	b.contexts[res.BrowserContextID] = true
	b.mu.Unlock()
	return &Context{b: b, id: res.BrowserContextID}, nil
}

// ID is the CDP id of the context (proto calls that take a browserContextId want it).
func (c *Context) ID() proto.BrowserBrowserContextID { return c.id }

// Browser is the browser the context belongs to.
func (c *Context) Browser() *Browser { return c.b }

// NewPage opens an about:blank tab in the context, crash-watched and with the browser's viewport
// like Browser.NewPage. ctx bounds the opening only.
func (c *Context) NewPage(ctx context.Context) (*rod.Page, error) {
	if c.isClosed() {
		return nil, errors.New("new page: browser context is closed")
	}
	return c.b.newPage(ctx, c.id)
}

// ClearCookies deletes every cookie of the context (of every site), and nothing of any other
// context. Bounded by ctx.
func (c *Context) ClearCookies(ctx context.Context) error {
	if err := (proto.StorageClearCookies{BrowserContextID: c.id}).Call(c.b.rod.Context(ctx)); err != nil {
		return fmt.Errorf("clear cookies: %w", err)
	}
	return nil
}

// ResetPermissions forgets every permission granted or denied in the context (geolocation,
// notifications, clipboard …). Bounded by ctx.
func (c *Context) ResetPermissions(ctx context.Context) error {
	if err := (proto.BrowserResetPermissions{BrowserContextID: c.id}).Call(c.b.rod.Context(ctx)); err != nil {
		return fmt.Errorf("reset permissions: %w", err)
	}
	return nil
}

// Close disposes the context: its tabs close and its cookies, storage and cache are gone.
// Idempotent; after the browser closed it does nothing.
func (c *Context) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	c.mu.Unlock()
	if c.b.watch.isClosed() {
		return nil
	}
	return c.b.disposeContext(c.id)
}

func (c *Context) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// disposeContext disposes the context id (briefly bounded) and forgets it.
func (b *Browser) disposeContext(id proto.BrowserBrowserContextID) error {
	b.mu.Lock()
	delete(b.contexts, id)
	b.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := (proto.TargetDisposeBrowserContext{BrowserContextID: id}).Call(b.rod.Context(ctx)); err != nil {
		if b.watch.isClosed() {
			return nil
		}
		return fmt.Errorf("dispose browser context: %w", err)
	}
	return nil
}
