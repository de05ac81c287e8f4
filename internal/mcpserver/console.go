package mcpserver

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/browser"
)

// consoleKeep is how many console messages a tab keeps (the oldest go first).
const consoleKeep = 2000

// consoleLevels ranks the levels of browser_console_messages: a level includes the more severe.
var consoleLevels = map[string]int{"error": 0, "warning": 1, "info": 2, "debug": 3}

// consoleMsg is one console message, uncaught exception or browser log entry of a tab.
type consoleMsg struct {
	Level string `json:"level" jsonschema:"error, warning, info or debug"`
	Text  string `json:"text"`
	nav   int    // the main-frame navigation it came after
	seq   uint64 // its number in the tab, from 1
}

// consoleLog collects a tab's console messages from the page's events, and the file chooser it
// opened last. Safe for concurrent use.
type consoleLog struct {
	mu      sync.Mutex
	msgs    []consoleMsg
	nav     int
	seq     uint64 // the number of the newest message
	told    uint64 // the newest message a result has shown (newMessages)
	stop    func()
	chooser *proto.PageFileChooserOpened // the file chooser the page opened last, for browser_file_upload
	reqs    []netRequest                 // the current document's requests, in the order they were sent
	reqAt   map[proto.NetworkRequestID]int
}

// takeChooser returns the file chooser the page opened last and forgets it.
func (l *consoleLog) takeChooser() *proto.PageFileChooserOpened {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.chooser
	l.chooser = nil
	return c
}

func (l *consoleLog) add(level, text string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.msgs) >= consoleKeep {
		l.msgs = append(l.msgs[:0], l.msgs[len(l.msgs)-consoleKeep/2:]...)
	}
	l.seq++
	l.msgs = append(l.msgs, consoleMsg{Level: level, Text: clip(text, 2000), nav: l.nav, seq: l.seq})
}

// since returns the messages at level or more severe, of the current document only unless all.
func (l *consoleLog) since(level string, all bool) []consoleMsg {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := []consoleMsg{}
	for _, m := range l.msgs {
		if (all || m.nav == l.nav) && consoleLevels[m.Level] <= consoleLevels[level] {
			out = append(out, m)
		}
	}
	return out
}

// watch follows p's console (and ends following the previous page's).
func (l *consoleLog) watch(p *rod.Page) {
	ctx, cancel := context.WithCancel(context.Background())
	done, started := make(chan struct{}), make(chan struct{})
	// EachEvent enables the domains it listens to before it returns, and a page held by a JS
	// dialog answers no enable: it runs on its own goroutine (stop cancels it), and watch waits
	// for it a bounded time only (a normal page answers in milliseconds; waiting keeps the
	// requests of a navigation that starts right after).
	go func() {
		defer close(done)
		wait := l.follow(ctx, p)
		close(started)
		wait()
	}()
	tm := time.NewTimer(2 * time.Second)
	select {
	case <-started:
	case <-tm.C:
	}
	tm.Stop()
	stop := func() {
		cancel()
		<-done
	}
	l.mu.Lock()
	old := l.stop
	l.stop = stop
	l.mu.Unlock()
	if old != nil {
		old()
	}
}

// follow subscribes to p's events and returns rod's wait for them.
func (l *consoleLog) follow(ctx context.Context, p *rod.Page) (wait func()) {
	return p.Context(ctx).EachEvent(
		func(e *proto.RuntimeConsoleAPICalled) {
			parts := make([]string, 0, len(e.Args))
			for _, a := range e.Args {
				parts = append(parts, remoteText(a))
			}
			l.add(consoleLevel(string(e.Type)), strings.Join(parts, " "))
		},
		func(e *proto.RuntimeExceptionThrown) {
			d := e.ExceptionDetails
			text := d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				text = d.Exception.Description
			}
			l.add("error", "uncaught "+text)
		},
		func(e *proto.LogEntryAdded) {
			text := e.Entry.Text
			if e.Entry.URL != "" {
				text += " (" + e.Entry.URL + ")"
			}
			l.add(consoleLevel(string(e.Entry.Level)), text)
		},
		func(e *proto.PageFrameNavigated) {
			if e.Frame.ParentID == "" {
				l.mu.Lock()
				l.nav++
				l.chooser = nil
				l.newDocument(e.Frame.LoaderID)
				l.mu.Unlock()
			}
		},
		func(e *proto.NetworkRequestWillBeSent) { l.request(e) },
		func(e *proto.NetworkResponseReceived) {
			l.mu.Lock()
			defer l.mu.Unlock()
			if i, ok := l.reqAt[e.RequestID]; ok && e.Response != nil {
				l.reqs[i].Status, l.reqs[i].StatusText = e.Response.Status, e.Response.StatusText
			}
		},
		func(e *proto.NetworkLoadingFailed) {
			l.mu.Lock()
			defer l.mu.Unlock()
			if i, ok := l.reqAt[e.RequestID]; ok {
				l.reqs[i].Failure = e.ErrorText
				if e.Canceled {
					l.reqs[i].Failure = "canceled"
				}
			}
		},
		func(e *proto.PageFileChooserOpened) {
			l.mu.Lock()
			l.chooser = e
			l.mu.Unlock()
		},
	)
}

// close stops following the page.
func (l *consoleLog) close() {
	l.mu.Lock()
	stop := l.stop
	l.stop = nil
	l.mu.Unlock()
	if stop != nil {
		stop()
	}
}

// consoleLevel maps a console call's type or a log entry's level to one of consoleLevels.
func consoleLevel(t string) string {
	switch t {
	case "error", "assert":
		return "error"
	case "warning", "warn":
		return "warning"
	case "debug", "verbose", "trace", "profile", "profileEnd", "startGroupCollapsed", "endGroup", "timeEnd", "count", "dir", "dirxml", "table", "clear":
		return "debug"
	}
	return "info"
}

// remoteText is a console argument as a person reads it.
func remoteText(a *proto.RuntimeRemoteObject) string {
	if a == nil {
		return ""
	}
	if a.Type == proto.RuntimeRemoteObjectTypeString {
		return a.Value.Str()
	}
	if a.UnserializableValue != "" {
		return string(a.UnserializableValue)
	}
	if a.Description != "" {
		return a.Description
	}
	return a.Value.JSON("", "")
}

func (s *Server) consoleMessages(ctx context.Context, req *mcp.CallToolRequest, in consoleIn) (*mcp.CallToolResult, consoleOut, error) {
	msgs := []consoleMsg{}
	res, po, err := s.act(ctx, req, false, func(ctx context.Context, t *tab, c *callText) error {
		level := strings.ToLower(strings.TrimSpace(in.Level))
		if level == "" {
			level = "info"
		}
		if _, ok := consoleLevels[level]; !ok {
			return &errTarget{fmt.Sprintf("level %q: want error, warning, info or debug", clip(in.Level, 40))}
		}
		c.noPage = true
		msgs = t.console.since(level, in.All)
		t.console.newMessages() // shown here: the next result does not repeat them
		what := "since the page loaded"
		if in.All {
			what = "since the tab opened"
		}
		fmt.Fprintf(c, "### Console messages (%s, %s and more severe): %d\n", what, level, len(msgs))
		lines := make([]string, 0, len(msgs))
		for _, m := range msgs {
			lines = append(lines, "- ["+m.Level+"] "+m.Text)
		}
		writeLines(&c.Builder, lines, s.cfg.SnapshotBudget)
		return nil
	})
	return res, consoleOut{Messages: msgs, Recovery: po.Recovery, Error: po.Error}, err
}

func (s *Server) resize(ctx context.Context, req *mcp.CallToolRequest, in resizeIn) (*mcp.CallToolResult, pageOut, error) {
	return s.act(ctx, req, false, func(ctx context.Context, t *tab, c *callText) error {
		w, h := int(in.Width+0.5), int(in.Height+0.5)
		if w < 100 || h < 100 || w > 10000 || h > 10000 {
			return &errTarget{fmt.Sprintf("%gx%g: want a width and a height of 100 to 10000 pixels", in.Width, in.Height)}
		}
		err := t.sess.Browser().Guard(ctx, t.sess.Page(), s.cfg.ActionTimeout, "resize", func(p *rod.Page) error {
			return browser.SetViewport(p, browser.Size{Width: w, Height: h})
		})
		if err == nil {
			fmt.Fprintf(c, "The viewport is %dx%d.\n", w, h)
		}
		return err
	})
}

func (s *Server) fileUpload(ctx context.Context, req *mcp.CallToolRequest, in fileUploadIn) (*mcp.CallToolResult, pageOut, error) {
	return s.act(ctx, req, false, func(ctx context.Context, t *tab, c *callText) error {
		for _, f := range in.Paths {
			if !filepath.IsAbs(f) {
				return &errTarget{fmt.Sprintf("%q is not an absolute path", clip(f, 300))}
			}
			if st, err := os.Stat(f); err != nil || st.IsDir() {
				return &errTarget{fmt.Sprintf("%q is not a file on the server's machine", clip(f, 300))}
			}
		}
		var node proto.DOMBackendNodeID
		if target := in.target(); target != "" {
			r, err := s.resolve(ctx, t, target)
			if err != nil {
				return err
			}
			if !actions.PlainCSS(r.Selector) {
				return &errTarget{"the file input must be a ref or a CSS selector in the page (not in a frame)"}
			}
			err = t.sess.Browser().GuardElement(ctx, t.sess.Page(), s.cfg.ActionTimeout, "file input "+r.Selector, func(p *rod.Page) error {
				el, err := p.Element(r.Selector)
				if err != nil {
					return err
				}
				desc, err := el.Describe(0, false)
				if err != nil {
					return err
				}
				node = desc.BackendNodeID
				return nil
			})
			if err != nil {
				return err
			}
		} else if ch := t.console.takeChooser(); ch != nil {
			node = ch.BackendNodeID
			if ch.Mode == proto.PageFileChooserOpenedModeSelectSingle && len(in.Paths) > 1 {
				return &errTarget{fmt.Sprintf("the file input takes one file, not %d", len(in.Paths))}
			}
		} else {
			return &errTarget{"no file chooser is open: click the file input (or what opens it) first, or give the input as target"}
		}
		err := t.sess.Browser().Guard(ctx, t.sess.Page(), s.cfg.ActionTimeout, "set files", func(p *rod.Page) error {
			return proto.DOMSetFileInputFiles{Files: in.Paths, BackendNodeID: node}.Call(p)
		})
		if err == nil {
			if len(in.Paths) == 0 {
				c.WriteString("The file input was cleared.\n")
			} else {
				fmt.Fprintf(c, "%d file(s) set on the file input.\n", len(in.Paths))
			}
		}
		return err
	})
}
