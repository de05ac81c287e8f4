package mcpserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

func (s *Server) screenshot(ctx context.Context, req *mcp.CallToolRequest, in screenshotIn) (*mcp.CallToolResult, screenshotOut, error) {
	var img []byte
	format, mime := proto.PageCaptureScreenshotFormatPng, "image/png"
	res, po, err := s.act(ctx, req, false, func(ctx context.Context, t *tab, c *callText) error {
		switch strings.ToLower(in.Type) {
		case "", "png":
		case "jpeg", "jpg":
			format, mime = proto.PageCaptureScreenshotFormatJpeg, "image/jpeg"
		case "webp":
			format, mime = proto.PageCaptureScreenshotFormatWebp, "image/webp"
		default:
			return &errTarget{fmt.Sprintf("type %q: want png, jpeg or webp", clip(in.Type, 40))}
		}
		switch strings.ToLower(in.Scale) {
		case "", "css", "device": // the same here: the viewport's device scale factor is 1
		default:
			return &errTarget{fmt.Sprintf("scale %q: want css or device", clip(in.Scale, 40))}
		}
		target := in.target()
		if target != "" && in.FullPage {
			return &errTarget{"fullPage and a target do not go together: give one"}
		}
		c.noPage = true
		what := "the viewport"
		var err error
		switch {
		case target != "":
			what = "the element " + target
			err = s.withRef(ctx, t, target, func(r resolved) error {
				if strings.HasPrefix(r.Selector, "text=") || strings.HasPrefix(r.Selector, "role=") || strings.HasPrefix(r.Selector, "xpath=") || strings.HasPrefix(r.Selector, "//") {
					return &errTarget{"an element screenshot needs a ref or a CSS selector"}
				}
				return t.sess.Browser().GuardElement(ctx, t.sess.Page(), s.cfg.ActionTimeout, "screenshot "+r.Selector, func(p *rod.Page) error {
					el, err := p.Element(r.Selector)
					if err != nil {
						return err
					}
					img, err = el.Screenshot(format, 90)
					return err
				})
			})
		case in.FullPage || format != proto.PageCaptureScreenshotFormatPng:
			if in.FullPage {
				what = "the whole page"
			}
			err = t.sess.Browser().Guard(ctx, t.sess.Page(), s.cfg.ActionTimeout, "screenshot", func(p *rod.Page) error {
				var err error
				img, err = p.Screenshot(in.FullPage, &proto.PageCaptureScreenshot{Format: format})
				return err
			})
		default:
			img, err = t.sess.Screenshot(ctx)
		}
		if err == nil {
			fmt.Fprintf(c, "Screenshot of %s (%d bytes %s). Act with browser_snapshot's refs, not on the image.\n", what, len(img), strings.ToUpper(string(format)))
		}
		return err
	})
	out := screenshotOut{URL: po.URL, Bytes: len(img), Recovery: po.Recovery, Error: po.Error}
	if err == nil && !res.IsError && len(img) > 0 {
		res.Content = append(res.Content, &mcp.ImageContent{Data: img, MIMEType: mime})
	}
	return res, out, err
}

func (s *Server) evaluate(ctx context.Context, req *mcp.CallToolRequest, in evaluateIn) (*mcp.CallToolResult, evaluateOut, error) {
	var value any
	res, po, err := s.act(ctx, req, false, func(ctx context.Context, t *tab, c *callText) error {
		fn := strings.TrimSpace(in.Function)
		if fn == "" {
			return &errTarget{"function is required: () => { … } or (element) => { … }"}
		}
		elem := "undefined"
		if target := in.target(); target != "" {
			r, err := s.resolve(ctx, t, target)
			if err != nil {
				return err
			}
			sel, _ := json.Marshal(map[string]string{"selector": r.Selector})
			elem = "(" + pageJS + ")('element'," + string(sel) + ")"
		}
		// A function is called (with the element); anything else is an expression whose value
		// comes back, as in Playwright's evaluate ("document.title").
		expr := "(async () => { const __el = " + elem + "; const __f = (" + fn + "\n); return typeof __f === 'function' ? await __f(__el) : await __f; })()"
		var raw json.RawMessage
		if err := t.evalExpr(ctx, "evaluate", expr, s.cfg.ActionTimeout, &raw); err != nil {
			return &evalError{err}
		}
		if len(raw) == 0 {
			raw = json.RawMessage("null")
		}
		_ = json.Unmarshal(raw, &value)
		c.WriteString("### Result\n")
		writeLines(&c.Builder, []string{string(raw)}, s.cfg.SnapshotBudget/2)
		return nil
	})
	return res, evaluateOut{Result: value, Recovery: po.Recovery, Error: po.Error}, err
}

// evalError is the page's own exception or a syntax error in the function: the call as made
// cannot succeed.
type evalError struct{ err error }

func (e *evalError) Error() string {
	var ee *rod.EvalError
	if errors.As(e.err, &ee) && ee.RuntimeExceptionDetails != nil {
		d := ee.RuntimeExceptionDetails
		msg := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg = d.Exception.Description // "Error: boom\n    at …": the message and the stack
		}
		return "the function failed in the page: " + strings.TrimSpace(msg)
	}
	return "the function failed in the page: " + e.err.Error()
}
func (e *evalError) Unwrap() error { return e.err }

func (s *Server) tabsTool(ctx context.Context, req *mcp.CallToolRequest, in tabsIn) (*mcp.CallToolResult, tabsOut, error) {
	res, po, err := s.act(ctx, req, false, func(ctx context.Context, t *tab, c *callText) error {
		s.st.Lock()
		n := len(s.tabs)
		s.st.Unlock()
		idx := func() (int, error) {
			if in.Index == nil {
				return -1, nil
			}
			if *in.Index < 0 || *in.Index >= n {
				return 0, &errTarget{fmt.Sprintf("no tab %d: there are %d (0 to %d)", *in.Index, n, n-1)}
			}
			return *in.Index, nil
		}
		switch strings.ToLower(in.Action) {
		case "list", "":
			c.noPage = true
		case "new":
			nt, err := s.openTab(ctx)
			if err != nil {
				return err
			}
			if in.URL != "" {
				nt.asked = in.URL
				if _, err := nt.sess.Navigate(ctx, in.URL); err != nil {
					return err
				}
			}
		case "select":
			i, err := idx()
			if err != nil {
				return err
			}
			if i < 0 {
				return &errTarget{"select needs an index"}
			}
			s.st.Lock()
			s.cur = i
			s.st.Unlock()
		case "close":
			i, err := idx()
			if err != nil {
				return err
			}
			s.st.Lock()
			if i < 0 {
				i = s.cur
			}
			gone := s.tabs[i]
			s.tabs = append(s.tabs[:i:i], s.tabs[i+1:]...)
			if s.cur >= len(s.tabs) {
				s.cur = max(0, len(s.tabs)-1)
			}
			left := len(s.tabs)
			s.st.Unlock()
			gone.close()
			if left == 0 {
				c.noPage = true
				c.WriteString("The last tab is closed; the next tool call opens a new one.\n")
				return nil
			}
		default:
			return &errTarget{fmt.Sprintf("action %q: want list, new, select or close", in.Action)}
		}
		s.listTabs(ctx, c)
		return nil
	})
	out := tabsOut{Tabs: s.tabList(ctx), Recovery: po.Recovery, Error: po.Error}
	return res, out, err
}

// finishTab: the page tools act on after a tabs call is the current one.
func (s *Server) tabList(ctx context.Context) []tabOut {
	s.st.Lock()
	tabs, cur := append([]*tab(nil), s.tabs...), s.cur
	s.st.Unlock()
	out := []tabOut{}
	for i, t := range tabs {
		title, url := "", t.sess.URL()
		if p := t.sess.Page(); p != nil {
			tctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			if info, err := p.Context(tctx).Info(); err == nil {
				title = info.Title
				if url == "" { // an adopted popup: its Session saw no navigation yet
					url = info.URL
				}
			}
			cancel()
		}
		out = append(out, tabOut{Index: i, URL: url, Title: title, Current: i == cur})
	}
	return out
}

func (s *Server) listTabs(ctx context.Context, c *callText) {
	c.WriteString("### Tabs\n")
	for _, t := range s.tabList(ctx) {
		mark := ""
		if t.Current {
			mark = " (current)"
		}
		fmt.Fprintf(c, "- %d:%s [%s] %s\n", t.Index, mark, t.Title, t.URL)
	}
}

func (s *Server) extract(ctx context.Context, req *mcp.CallToolRequest, in extractIn) (*mcp.CallToolResult, extractOut, error) {
	records := []map[string]string{}
	res, po, err := s.act(ctx, req, false, func(ctx context.Context, t *tab, c *callText) error {
		c.noPage = true
		if strings.TrimSpace(in.Container) == "" {
			return &errTarget{"container is required: the selector of the repeated element"}
		}
		if len(in.Fields) == 0 {
			return &errTarget{"fields is empty: give record key → selector (e.g. {\"name\": \".name\", \"url\": \"a@href\"})"}
		}
		got, err := t.sess.Extract(ctx, in.Container, in.Fields)
		if err != nil {
			return err
		}
		if got != nil {
			records = got
		}
		fmt.Fprintf(c, "%d records from %s\n", len(records), t.sess.URL())
		lines := make([]string, 0, len(records))
		for _, r := range records {
			b, _ := json.Marshal(r)
			lines = append(lines, string(b))
		}
		writeLines(&c.Builder, lines, s.cfg.SnapshotBudget)
		return nil
	})
	return res, extractOut{Records: records, Count: len(records), URL: po.URL, Recovery: po.Recovery, Error: po.Error}, err
}

func (s *Server) stats(ctx context.Context, req *mcp.CallToolRequest, _ noArgs) (*mcp.CallToolResult, statsOut, error) {
	st := s.mgr.Stats()
	out := statsOut{SessionAttempts: st.SessionAttempts, KnownPatterns: st.KnownPatterns,
		PatternsWithSolutions: st.PatternsWithSolutions, ErrorTypes: map[string]int{}, Breakers: map[string]breakerOut{}}
	for k, v := range st.ErrorTypeDistribution {
		out.ErrorTypes[k] = v
	}
	var b strings.Builder
	fmt.Fprintf(&b, "attempts: %d, failure patterns learned: %d (%d with a known repair)\n", out.SessionAttempts, out.KnownPatterns, out.PatternsWithSolutions)
	for _, k := range sortedKeys(out.ErrorTypes) {
		fmt.Fprintf(&b, "- %s: %d\n", k, out.ErrorTypes[k])
	}
	for _, d := range sortedKeys(st.CircuitBreakerStates) {
		bs := st.CircuitBreakerStates[d]
		bo := breakerOut{State: bs.State, Failures: bs.Failures}
		if !bs.OpenUntil.IsZero() {
			bo.OpenUntil = bs.OpenUntil.UTC().Format(time.RFC3339)
		}
		out.Breakers[d] = bo
		fmt.Fprintf(&b, "- breaker %s: %s (%d failures)\n", d, bo.State, bo.Failures)
	}
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: b.String()}}}, out, nil
}
