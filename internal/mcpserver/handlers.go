package mcpserver

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/go-rod/rod/lib/proto"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/retry"
)

func (s *Server) navigate(ctx context.Context, req *mcp.CallToolRequest, in navigateIn) (*mcp.CallToolResult, pageOut, error) {
	return s.act(ctx, req, false, func(ctx context.Context, t *tab, c *callText) error {
		u := strings.TrimSpace(in.URL)
		if strings.HasPrefix(strings.ToLower(u), "javascript:") {
			return &errTarget{"a javascript: URL is not a page to load: use browser_evaluate to run code"}
		}
		if full := withScheme(u, t.sess.URL()); full != u {
			s.rec.note(fmt.Sprintf("%q has no scheme: loaded %s", clip(u, 200), clip(full, 300)))
			u = full
		}
		t.asked = u
		_, err := t.sess.Navigate(ctx, u)
		return err
	})
}

func (s *Server) navigateBack(ctx context.Context, req *mcp.CallToolRequest, _ noArgs) (*mcp.CallToolResult, pageOut, error) {
	return s.act(ctx, req, false, func(ctx context.Context, t *tab, c *callText) error {
		return s.history(ctx, t, -1)
	})
}

func (s *Server) snapshot(ctx context.Context, req *mcp.CallToolRequest, in snapshotIn) (*mcp.CallToolResult, pageOut, error) {
	if in.Depth < 0 {
		return s.act(ctx, req, false, func(ctx context.Context, t *tab, c *callText) error {
			return &errTarget{fmt.Sprintf("depth %d: want 1 or more (or none for the whole tree)", in.Depth)}
		})
	}
	if in.Target == "" {
		return s.act(ctx, req, false, func(ctx context.Context, t *tab, c *callText) error {
			c.full, c.depth = true, in.Depth
			return nil
		})
	}
	return s.act(ctx, req, false, func(ctx context.Context, t *tab, c *callText) error {
		ref, ok := asRef(in.Target)
		if !ok {
			return &errTarget{"target of browser_snapshot must be a ref (e12) from a previous snapshot"}
		}
		if _, known := t.refs[ref]; !known {
			return &errTarget{fmt.Sprintf("ref %s was never given out on this tab: take a browser_snapshot first", ref)}
		}
		v, err := s.look(ctx, t, ref)
		if err != nil {
			return err
		}
		c.noPage = true
		fmt.Fprintf(c, "### Part of the page: ref %s\n", ref)
		writeLines(&c.Builder, atDepth(v.Lines, in.Depth), s.cfg.SnapshotBudget)
		return nil
	})
}

// withRef runs do on the selector target resolves to; when a ref's element vanished before the
// action got hold of it (nothing was done), the ref is resolved once more and do runs again.
func (s *Server) withRef(ctx context.Context, t *tab, target string, do func(r resolved) error) error {
	r, err := s.resolve(ctx, t, target)
	if err != nil {
		return err
	}
	err = do(r)
	if err != nil && r.Ref != "" && replaced(err) && ctx.Err() == nil {
		r2, rerr := s.resolve(ctx, t, target)
		if rerr == nil && r2.Selector != r.Selector {
			s.rec.note("re-resolved ref " + r.Ref + " after the page replaced it during the action")
			if err2 := do(r2); err2 == nil {
				return nil
			} else {
				err = err2
			}
		}
	}
	if err != nil {
		return explainGone(r, err)
	}
	return nil
}

func (s *Server) click(ctx context.Context, req *mcp.CallToolRequest, in clickIn) (*mcp.CallToolResult, pageOut, error) {
	return s.act(ctx, req, false, func(ctx context.Context, t *tab, c *callText) error {
		button := proto.InputMouseButtonLeft
		switch strings.ToLower(in.Button) {
		case "", "left":
		case "right":
			button = proto.InputMouseButtonRight
		case "middle":
			button = proto.InputMouseButtonMiddle
		default:
			return &errTarget{fmt.Sprintf("button %q: want left, right or middle", clip(in.Button, 40))}
		}
		mods, err := modifierBits(in.Modifiers)
		if err != nil {
			return err
		}
		return s.withRef(ctx, t, in.target(), func(r resolved) error {
			if in.DoubleClick || button != proto.InputMouseButtonLeft || mods != 0 {
				// The Session's ClickWith: any selector engine (a text= target too), the
				// element waited for until actionable, a control shown on hover reached.
				opts := []actions.ClickOption{actions.Button(string(button))}
				if in.DoubleClick {
					opts = append(opts, actions.ClickCount(2))
				}
				if names := modifierNames(mods); len(names) > 0 {
					opts = append(opts, actions.Modifiers(names...))
				}
				return t.sess.ClickWith(ctx, r.Selector, opts...)
			}
			return t.sess.Click(ctx, r.Selector)
		})
	})
}

// modifierBits is CDP's modifier bit field of Playwright's modifier names.
func modifierBits(names []string) (int, error) {
	bits := 0
	for _, m := range names {
		switch strings.ToLower(strings.TrimSpace(m)) {
		case "alt":
			bits |= 1
		case "control", "ctrl", "controlormeta": // ControlOrMeta is Control off macOS
			bits |= 2
		case "meta":
			bits |= 4
		case "shift":
			bits |= 8
		default:
			return 0, &errTarget{fmt.Sprintf("modifier %q: want Alt, Control, ControlOrMeta, Meta or Shift", clip(m, 40))}
		}
	}
	return bits, nil
}

// modifierNames are the Session's names of CDP's modifier bits.
func modifierNames(bits int) []string {
	var out []string
	for _, m := range []struct {
		bit  int
		name string
	}{{1, "Alt"}, {2, "Control"}, {4, "Meta"}, {8, "Shift"}} {
		if bits&m.bit != 0 {
			out = append(out, m.name)
		}
	}
	return out
}

func (s *Server) typeText(ctx context.Context, req *mcp.CallToolRequest, in typeIn) (*mcp.CallToolResult, pageOut, error) {
	return s.act(ctx, req, false, func(ctx context.Context, t *tab, c *callText) error {
		return s.withRef(ctx, t, in.target(), func(r resolved) error {
			if err := s.fill(ctx, t, r, in.Text, r.Password); err != nil {
				return err
			}
			if in.Submit {
				return t.sess.Press(ctx, r.Selector, "Enter")
			}
			return nil
		})
	})
}

// fill types value through Fill, or FillSecret for a password (the value is then redacted from
// every result for the rest of the session).
func (s *Server) fill(ctx context.Context, t *tab, r resolved, value string, secret bool) error {
	if secret {
		s.rememberSecret(value)
		return t.sess.FillSecret(ctx, r.Selector, value)
	}
	return t.sess.Fill(ctx, r.Selector, value)
}

func (s *Server) fillForm(ctx context.Context, req *mcp.CallToolRequest, in fillFormIn) (*mcp.CallToolResult, pageOut, error) {
	return s.act(ctx, req, false, func(ctx context.Context, t *tab, c *callText) error {
		if len(in.Fields) == 0 {
			return &errTarget{"fields is empty: give at least one {name, type, target, value}"}
		}
		for i, f := range in.Fields {
			target := f.Target
			if target == "" {
				target = f.Ref
			}
			typ := strings.ToLower(strings.TrimSpace(f.Type))
			if typ == "password" {
				s.rememberSecret(f.Value) // before anything can echo it
			}
			err := s.withRef(ctx, t, target, func(r resolved) error {
				switch typ {
				case "textbox", "searchbox", "textarea", "text", "email", "number", "spinbutton", "", "slider":
					return s.fill(ctx, t, r, f.Value, r.Password)
				case "password":
					return s.fill(ctx, t, r, f.Value, true)
				case "checkbox", "radio", "switch":
					return s.check(ctx, t, r, f.Value)
				case "combobox", "listbox", "select":
					return t.sess.Select(ctx, r.Selector, f.Value)
				}
				return &errTarget{fmt.Sprintf("type %q is not one of textbox, password, checkbox, radio, combobox, slider", f.Type)}
			})
			if err != nil {
				return fmt.Errorf("field %d (%s): %w", i+1, clip(f.Name, 80), err)
			}
		}
		return nil
	})
}

// check sets a checkbox or radio to value ("true"/"false") by clicking it when it differs.
func (s *Server) check(ctx context.Context, t *tab, r resolved, value string) error {
	want := true
	switch strings.ToLower(strings.TrimSpace(value)) {
	case "true", "on", "yes", "1", "checked":
	case "false", "off", "no", "0", "unchecked", "":
		want = false
	default:
		return &errTarget{fmt.Sprintf("a checkbox or radio takes true or false, not %q", clip(value, 40))}
	}
	var info struct {
		Found   bool `json:"found"`
		Checked bool `json:"checked"`
	}
	if err := t.pageCall(ctx, "info", map[string]string{"selector": r.Selector}, s.cfg.ActionTimeout, &info); err == nil && info.Found && info.Checked == want {
		return nil
	}
	return t.sess.Click(ctx, r.Selector)
}

func (s *Server) selectOption(ctx context.Context, req *mcp.CallToolRequest, in selectIn) (*mcp.CallToolResult, pageOut, error) {
	return s.act(ctx, req, false, func(ctx context.Context, t *tab, c *callText) error {
		if len(in.Values) == 0 {
			return &errTarget{"values is empty: give the option(s) to select"}
		}
		return s.withRef(ctx, t, in.target(), func(r resolved) error { return t.sess.Select(ctx, r.Selector, in.Values...) })
	})
}

func (s *Server) hover(ctx context.Context, req *mcp.CallToolRequest, in hoverIn) (*mcp.CallToolResult, pageOut, error) {
	return s.act(ctx, req, false, func(ctx context.Context, t *tab, c *callText) error {
		return s.withRef(ctx, t, in.target(), func(r resolved) error { return t.sess.Hover(ctx, r.Selector) })
	})
}

func (s *Server) pressKey(ctx context.Context, req *mcp.CallToolRequest, in pressIn) (*mcp.CallToolResult, pageOut, error) {
	return s.act(ctx, req, false, func(ctx context.Context, t *tab, c *callText) error {
		if strings.TrimSpace(in.Key) == "" {
			return &errTarget{"key is required (Enter, Tab, ArrowDown, a, Control+a…)"}
		}
		sel := "body"
		var focused bool
		if err := t.pageCall(ctx, "focus", nil, 3*time.Second, &focused); err == nil && focused {
			sel = ":focus"
		}
		return t.sess.Press(ctx, sel, in.Key)
	})
}

func (s *Server) waitFor(ctx context.Context, req *mcp.CallToolRequest, in waitIn) (*mcp.CallToolResult, pageOut, error) {
	return s.act(ctx, req, false, func(ctx context.Context, t *tab, c *callText) error {
		if in.Text == "" && in.TextGone == "" && in.Time <= 0 {
			return &errTarget{"give text, textGone or time"}
		}
		if in.Time > 0 {
			d := time.Duration(min(in.Time, 30) * float64(time.Second))
			tm := time.NewTimer(d)
			select {
			case <-tm.C:
			case <-ctx.Done():
				tm.Stop()
				return ctx.Err()
			}
			fmt.Fprintf(c, "waited %s\n", secs(d))
		}
		for _, w := range []struct {
			text string
			gone bool
		}{{in.Text, false}, {in.TextGone, true}} {
			if w.text == "" {
				continue
			}
			budget := s.cfg.ActionTimeout
			var res struct {
				OK bool  `json:"ok"`
				Ms int64 `json:"ms"`
			}
			err := t.pageCall(ctx, "text", map[string]any{"text": w.text, "gone": w.gone, "timeout": budget.Milliseconds()}, budget+2*time.Second, &res)
			if err != nil {
				return err
			}
			what := "appeared"
			if w.gone {
				what = "went away"
			}
			if !res.OK {
				return &waitError{fmt.Sprintf("text %q never %s within %s (the action timeout)", clip(w.text, 200), what, budget)}
			}
			fmt.Fprintf(c, "text %q %s after %s\n", clip(w.text, 200), what, secs(time.Duration(res.Ms)*time.Millisecond))
		}
		return nil
	})
}

// waitError is a wait that ran out: the page may still get there.
type waitError struct{ msg string }

func (e *waitError) Error() string              { return e.msg }
func (e *waitError) RetryType() retry.ErrorType { return retry.NetworkTimeout }

func (s *Server) handoffTool(ctx context.Context, req *mcp.CallToolRequest, in handoffIn) (*mcp.CallToolResult, pageOut, error) {
	return s.act(ctx, req, true, func(ctx context.Context, t *tab, c *callText) error {
		v, err := s.look(ctx, t, "")
		if err != nil {
			return err
		}
		e := actions.Escalation{Session: t.sess, URL: v.URL}
		switch {
		case v.Challenge != nil:
			e.Type, e.Vendor, e.Kind = retry.Captcha, v.Challenge.Vendor, v.Challenge.Kind
		case v.LoginWall:
			e.Type = retry.AuthRequired
		default:
			c.WriteString("No CAPTCHA or login wall is on the page now: nothing to hand to a person.\n")
			return nil
		}
		start := time.Now()
		if err := s.esc.Escalate(ctx, e); err != nil {
			return err
		}
		fmt.Fprintf(c, "%s was solved by a person in %s.\n", describe(e), secs(time.Since(start)))
		return nil
	})
}

func (s *Server) closeTool(ctx context.Context, req *mcp.CallToolRequest, _ noArgs) (*mcp.CallToolResult, pageOut, error) {
	s.begin()
	defer s.end()
	s.rec.take()
	err := s.closeBrowser()
	s.takeIdleNote()
	out := pageOut{Recovery: "recovery: none needed"}
	text := "The browser is closed; the next tool call starts a new one."
	if err != nil {
		out.Error = err.Error()
		return s.fail("close the browser: " + err.Error()), out, nil
	}
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: text}}}, out, nil
}

// knownScheme matches a URL that starts with a scheme a browser knows.
var knownScheme = regexp.MustCompile(`(?i)^(https?|file|about|data|javascript|blob|chrome|view-source|ftp|wss?|mailto):`)

// withScheme completes a URL given without a scheme as Playwright MCP does ("example.com" is
// https://example.com; this machine's names and addresses get http://); a path ("/form") is
// taken relative to the current http(s) page. Anything else is returned as it is.
func withScheme(u, current string) string {
	if u == "" || knownScheme.MatchString(u) {
		return u
	}
	if strings.HasPrefix(u, "//") {
		return "https:" + u
	}
	if strings.HasPrefix(u, "/") {
		base, err := url.Parse(current)
		if err != nil || (base.Scheme != "http" && base.Scheme != "https") {
			return u
		}
		ref, err := url.Parse(u)
		if err != nil {
			return u
		}
		return base.ResolveReference(ref).String()
	}
	host := strings.ToLower(u)
	if i := strings.IndexAny(host, "/?#"); i >= 0 {
		host = host[:i]
	}
	if strings.Contains(host, " ") || !strings.Contains(host, ".") && !strings.HasPrefix(host, "localhost") && !strings.HasPrefix(host, "[") {
		return u // not a host name: let the Session say what is wrong
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") || host == "0.0.0.0" {
		return "http://" + u
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return "http://" + u
	}
	return "https://" + u
}
