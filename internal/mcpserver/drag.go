package mcpserver

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/launcher"
	"github.com/go-rod/rod/lib/proto"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/browser"
)

type dragIn struct {
	StartElement string `json:"startElement,omitempty" jsonschema:"human-readable description of the element to drag, for the log"`
	StartTarget  string `json:"startTarget,omitempty" jsonschema:"the element to drag: a ref from the snapshot (e12) or a CSS selector"`
	StartRef     string `json:"startRef,omitempty" jsonschema:"older name of startTarget"`
	EndElement   string `json:"endElement,omitempty" jsonschema:"human-readable description of where to drop it, for the log"`
	EndTarget    string `json:"endTarget,omitempty" jsonschema:"the element to drop on: a ref from the snapshot (e13) or a CSS selector"`
	EndRef       string `json:"endRef,omitempty" jsonschema:"older name of endTarget"`
}

// drag drags the start element onto the end element as a person does with the mouse: press on
// the start's centre, move in steps, release on the end's centre. An HTML5 drag (draggable
// elements, dataTransfer) is carried by DevTools' drag interception, as Playwright does in
// Chromium: synthetic mouse moves alone start no native drag.
func (s *Server) drag(ctx context.Context, req *mcp.CallToolRequest, in dragIn) (*mcp.CallToolResult, pageOut, error) {
	return s.act(ctx, req, false, func(ctx context.Context, t *tab, c *callText) error {
		from, to := first(in.StartTarget, in.StartRef), first(in.EndTarget, in.EndRef)
		if from == "" || to == "" {
			return &errTarget{"startTarget and endTarget are required: the element to drag and the one to drop it on (refs or selectors)"}
		}
		rf, err := s.resolve(ctx, t, from)
		if err != nil {
			return fmt.Errorf("start: %w", err)
		}
		rt, err := s.resolve(ctx, t, to)
		if err != nil {
			return fmt.Errorf("end: %w", err)
		}
		for _, sel := range []string{rf.Selector, rt.Selector} {
			if !actions.PlainCSS(sel) {
				return &errTarget{"a drag needs refs or CSS selectors in the page (not in a frame)"}
			}
		}
		// The start must be actionable (visible, still, uncovered): Hover waits for that.
		if err := t.sess.Hover(ctx, rf.Selector); err != nil {
			return explainGone(rf, err)
		}
		var a, b *struct{ X, Y float64 }
		if err := t.pageCall(ctx, "center", map[string]string{"selector": rf.Selector}, s.cfg.ActionTimeout, &a); err != nil {
			return err
		}
		if a == nil {
			return &errTarget{fmt.Sprintf("%s is not on the page any more", from)}
		}
		if err := t.pageCall(ctx, "center", map[string]string{"selector": rt.Selector}, s.cfg.ActionTimeout, &b); err != nil {
			return err
		}
		if b == nil {
			return &errTarget{fmt.Sprintf("%s is not on the page any more", to)}
		}
		html5 := false
		err = t.sess.Browser().Guard(ctx, t.sess.Page(), s.cfg.ActionTimeout, "drag "+rf.Selector+" to "+rt.Selector, func(p *rod.Page) error {
			var dragData *proto.InputDragData
			got := make(chan *proto.InputDragData, 1)
			ectx, cancel := context.WithCancel(p.GetContext())
			defer cancel()
			go p.Context(ectx).EachEvent(func(e *proto.InputDragIntercepted) {
				select {
				case got <- e.Data:
				default:
				}
			})()
			if err := (proto.InputSetInterceptDrags{Enabled: true}).Call(p); err != nil {
				return err
			}
			defer func() { _ = proto.InputSetInterceptDrags{Enabled: false}.Call(p) }()
			mouse := func(typ proto.InputDispatchMouseEventType, x, y float64, buttons int) error {
				btn := proto.InputMouseButtonLeft
				if typ == proto.InputDispatchMouseEventTypeMouseMoved && buttons == 0 {
					btn = proto.InputMouseButtonNone
				}
				return proto.InputDispatchMouseEvent{Type: typ, X: x, Y: y, Button: btn, Buttons: gson(buttons), ClickCount: 1}.Call(p)
			}
			if err := mouse(proto.InputDispatchMouseEventTypeMouseMoved, a.X, a.Y, 0); err != nil {
				return err
			}
			if err := mouse(proto.InputDispatchMouseEventTypeMousePressed, a.X, a.Y, 1); err != nil {
				return err
			}
			const steps = 10
			for i := 1; i <= steps; i++ {
				x, y := a.X+(b.X-a.X)*float64(i)/steps, a.Y+(b.Y-a.Y)*float64(i)/steps
				if err := mouse(proto.InputDispatchMouseEventTypeMouseMoved, x, y, 1); err != nil {
					return err
				}
				wait := time.Duration(0)
				if i == 1 {
					wait = 100 * time.Millisecond // a native drag starts on the first move: its data comes as an event
				}
				select {
				case dragData = <-got:
				case <-time.After(wait):
				}
				if dragData != nil {
					break
				}
			}
			if dragData != nil {
				html5 = true
				for _, typ := range []proto.InputDispatchDragEventType{proto.InputDispatchDragEventTypeDragEnter, proto.InputDispatchDragEventTypeDragOver, proto.InputDispatchDragEventTypeDrop} {
					if err := (proto.InputDispatchDragEvent{Type: typ, X: b.X, Y: b.Y, Data: dragData}).Call(p); err != nil {
						return err
					}
				}
			}
			return mouse(proto.InputDispatchMouseEventTypeMouseReleased, b.X, b.Y, 0)
		})
		if err == nil {
			how := "mouse"
			if html5 {
				how = "HTML5 drag and drop"
			}
			fmt.Fprintf(c, "Dragged %s onto %s (%s).\n", describeTarget(from, rf), describeTarget(to, rt), how)
		}
		return err
	})
}

// gson is the pointer to the buttons bit field CDP's mouse events take.
func gson(buttons int) *int { return &buttons }

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// describeTarget: `e12 (button "Buy")` for a ref, the selector otherwise.
func describeTarget(target string, r resolved) string {
	if r.Ref != "" {
		return target + " (" + r.Info.String() + ")"
	}
	return target
}

func (s *Server) navigateForward(ctx context.Context, req *mcp.CallToolRequest, _ noArgs) (*mcp.CallToolResult, pageOut, error) {
	return s.act(ctx, req, false, func(ctx context.Context, t *tab, c *callText) error {
		return s.history(ctx, t, +1)
	})
}

// history goes delta entries back (-1) or forward (+1) in the tab's history and waits for the
// page's load.
func (s *Server) history(ctx context.Context, t *tab, delta int) error {
	op := "navigate back"
	if delta > 0 {
		op = "navigate forward"
	}
	return t.sess.Browser().Guard(ctx, t.sess.Page(), s.cfg.ActionTimeout, op, func(p *rod.Page) error {
		hist, err := proto.PageGetNavigationHistory{}.Call(p)
		if err != nil {
			return err
		}
		i := hist.CurrentIndex + delta
		if i < 0 {
			return &errTarget{"there is no previous page in this tab's history"}
		}
		if i >= len(hist.Entries) {
			return &errTarget{"there is no next page in this tab's history (nothing to go forward to)"}
		}
		wait := p.WaitNavigation(proto.PageLifecycleEventNameLoad)
		if err := (proto.PageNavigateToHistoryEntry{EntryID: hist.Entries[i].ID}).Call(p); err != nil {
			return err
		}
		wait()
		return nil
	})
}

// install answers Playwright MCP's browser_install: nothing is downloaded, the system Chromium
// (or the browser at --browser-url) is used.
func (s *Server) install(ctx context.Context, req *mcp.CallToolRequest, _ noArgs) (*mcp.CallToolResult, installOut, error) {
	out := installOut{Recovery: "recovery: none needed"}
	switch {
	case s.cfg.BrowserURL != "":
		out.Browser = s.cfg.BrowserURL
		out.Message = "Nothing to install: this server drives the running browser at " + s.cfg.BrowserURL + "."
	default:
		bin := os.Getenv(browser.EnvBrowser)
		if bin == "" {
			bin, _ = launcher.LookPath()
		}
		out.Browser = bin
		if bin == "" {
			out.Message = "Nothing is installed by this server: it uses the system Chromium, and none was found. Install Chromium with the system's package manager (apt install chromium) or set " + browser.EnvBrowser + " to its path."
			out.Error = "no Chromium found"
			return s.fail(out.Message), out, nil
		}
		out.Message = "Nothing to install: this server uses the system Chromium at " + bin + " (" + browser.EnvBrowser + " picks another); it never downloads a browser."
	}
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: out.Message}}}, out, nil
}

type installOut struct {
	Browser  string `json:"browser" jsonschema:"the Chromium executable used, or the URL of the running browser"`
	Message  string `json:"message"`
	Recovery string `json:"recovery"`
	Error    string `json:"error,omitempty"`
}
