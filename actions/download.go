package actions

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/go-rod/rod/lib/proto"
)

// ErrNoDownload is what ExpectDownload returns (wrapped) when the action succeeded and no
// download started within the session's timeout.
var ErrNoDownload = errors.New("actions: the action started no download")

// Download is a file ExpectDownload saved. A plain value, safe for concurrent use.
type Download struct {
	Path string // where it was saved: dir/SuggestedFilename (with " (1)"… when taken)
	URL  string
	Name string // the name the site suggested
	Size int64
}

// ExpectDownload runs action (typically a Click on a download link, the-internet's /download)
// and saves the file it makes the session's tab download (itself, or in a tab it opens: a
// target=_blank download link, which Chromium closes again) into dir (absolute; created if
// missing), waiting for the download within the session's timeout (WithTimeout): for its start,
// then for each piece of data until it ends (a big file that keeps arriving takes as long as it
// takes; one that stalls for the timeout fails). Navigate refuses download URLs (*browser.NotAPageError): this is
// the way to get them.
//
// Downloads are allowed in the session's browser context only while ExpectDownload runs (then
// denied again, as headless Chromium does by default); a non-isolated session shares the
// browser's default context, so a download another session starts meanwhile lands in dir too.
// A relative dir fails at once (invalid_input); an action error is returned as it is; a download
// the browser cancels is an error naming it.
func (s *Session) ExpectDownload(ctx context.Context, dir string, action func(ctx context.Context) error) (Download, error) {
	if s.isClosed() {
		return Download{}, ErrClosed
	}
	if !filepath.IsAbs(dir) {
		return Download{}, s.refuse(spec{action: "download"}, fmt.Sprintf("download directory %q is relative: give an absolute path", dir))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Download{}, s.refuse(spec{action: "download"}, fmt.Sprintf("download directory %q: %v", dir, err))
	}
	b := s.b.Rod()
	var ctxID proto.BrowserBrowserContextID
	if s.bctx != nil {
		ctxID = s.bctx.ID()
	}
	page := s.Page()
	if err := (proto.BrowserSetDownloadBehavior{Behavior: proto.BrowserSetDownloadBehaviorBehaviorAllowAndName,
		BrowserContextID: ctxID, DownloadPath: dir, EventsEnabled: true}).Call(b.Context(ctx)); err != nil {
		return Download{}, fmt.Errorf("actions: allow downloads: %w", err)
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), hungProbe)
		defer cancel()
		// Events stay on: Chromium has one switch for them per DevTools connection, not per
		// browser context, and another session's ExpectDownload may still be waiting for its
		// download to complete (they are only sent for downloads, which are denied here again).
		_ = proto.BrowserSetDownloadBehavior{Behavior: proto.BrowserSetDownloadBehaviorBehaviorDefault,
			BrowserContextID: ctxID, EventsEnabled: true}.Call(b.Context(cctx))
	}()

	// The tab's frames: a download another tab starts meanwhile is not this one.
	frames := map[proto.PageFrameID]bool{page.FrameID: true}
	if tree, err := (proto.PageGetFrameTree{}).Call(page.Context(ctx)); err == nil {
		var walk func(t *proto.PageFrameTree)
		walk = func(t *proto.PageFrameTree) {
			if t == nil || t.Frame == nil {
				return
			}
			frames[t.Frame.ID] = true
			for _, c := range t.ChildFrames {
				walk(c)
			}
		}
		walk(tree.FrameTree)
	}
	var (
		mu      sync.Mutex
		begun   *proto.BrowserDownloadWillBegin
		state   proto.BrowserDownloadProgressState
		size    float64
		changed = make(chan struct{}, 1)
	)
	poke := func() {
		select {
		case changed <- struct{}{}:
		default:
		}
	}
	ectx, stop := context.WithCancel(ctx)
	wait := b.Context(ectx).EachEvent(
		func(e *proto.TargetTargetCreated) {
			// A tab this one opens (a target=_blank download link, window.open of a file)
			// starts the download there: its main frame, whose id is the tab's, counts too.
			if i := e.TargetInfo; i != nil && i.Type == proto.TargetTargetInfoTypePage && i.OpenerID == page.TargetID {
				mu.Lock()
				frames[proto.PageFrameID(i.TargetID)] = true
				mu.Unlock()
			}
		},
		func(e *proto.BrowserDownloadWillBegin) {
			mu.Lock()
			if begun == nil && (len(frames) == 0 || frames[e.FrameID]) {
				begun = e
			}
			mu.Unlock()
			poke()
		},
		func(e *proto.BrowserDownloadProgress) {
			mu.Lock()
			if begun != nil && e.GUID == begun.GUID {
				state, size = e.State, e.ReceivedBytes
			}
			mu.Unlock()
			poke()
		},
	)
	done := make(chan struct{})
	go func() { defer close(done); wait() }()
	defer func() { stop(); <-done }()

	if err := action(ctx); err != nil {
		return Download{}, err
	}
	for phase := 0; phase < 2; phase++ {
		wctx, cancel := context.WithTimeout(ctx, s.cfg.timeout)
		for {
			mu.Lock()
			bg, st, got := begun, state, size
			mu.Unlock()
			if (phase == 0 && bg != nil) || (phase == 1 && (st == proto.BrowserDownloadProgressStateCompleted || st == proto.BrowserDownloadProgressStateCanceled)) {
				break
			}
			select {
			case <-changed:
				mu.Lock()
				grew := size > got
				mu.Unlock()
				if phase == 1 && grew {
					// Still receiving: the timeout bounds a silence, not the whole file.
					cancel()
					wctx, cancel = context.WithTimeout(ctx, s.cfg.timeout)
				}
				continue
			case <-wctx.Done():
			}
			cancel()
			if ctx.Err() != nil {
				return Download{}, ctx.Err()
			}
			if phase == 0 {
				return Download{}, fmt.Errorf("%w within %s", ErrNoDownload, s.cfg.timeout)
			}
			return Download{}, fmt.Errorf("actions: download of %s received nothing for %s (%d bytes so far)", bg.URL, s.cfg.timeout, int64(got))
		}
		cancel()
	}
	mu.Lock()
	e, st, n := begun, state, size
	mu.Unlock()
	if st == proto.BrowserDownloadProgressStateCanceled {
		return Download{}, fmt.Errorf("actions: the browser cancelled the download of %s", e.URL)
	}
	name := filepath.Base(filepath.Clean("/" + e.SuggestedFilename))
	if name == "/" || name == "." || name == "" {
		name = "download"
	}
	dst := freeName(dir, name)
	if err := os.Rename(filepath.Join(dir, e.GUID), dst); err != nil {
		return Download{}, fmt.Errorf("actions: save the download: %w", err)
	}
	return Download{Path: dst, URL: e.URL, Name: e.SuggestedFilename, Size: int64(n)}, nil
}

// freeName is dir/name, or dir/"name (1).ext"… when that is taken.
func freeName(dir, name string) string {
	p := filepath.Join(dir, name)
	if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
		return p
	}
	ext := filepath.Ext(name)
	base := strings.TrimSuffix(name, ext)
	for i := 1; ; i++ {
		p = filepath.Join(dir, base+" ("+strconv.Itoa(i)+")"+ext)
		if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
			return p
		}
	}
}
