package mcpserver

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"github.com/go-rod/rod/lib/proto"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"go.uber.org/zap"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/browser"
	"github.com/smartretry/smartretry/retry"
)

// pageOut is the structured result of every tool that acts on the page: where the page is after
// the call, what recovery happened, and the error when it failed.
type pageOut struct {
	URL          string `json:"url" jsonschema:"the page's URL after the call"`
	Title        string `json:"title" jsonschema:"the page's title after the call"`
	Status       int    `json:"status,omitempty" jsonschema:"HTTP status of the main document (0 when unknown)"`
	Recovery     string `json:"recovery" jsonschema:"one line: what recovery happened (or why it stopped)"`
	Error        string `json:"error,omitempty" jsonschema:"why the call failed"`
	ErrorType    string `json:"errorType,omitempty" jsonschema:"the engine's type of the failure: invalid_input, selector_not_found, not_found, captcha, auth_required, server_error…"`
	Challenge    string `json:"challenge,omitempty" jsonschema:"a CAPTCHA or bot wall on the page: vendor and kind"`
	LoginWall    bool   `json:"loginWall,omitempty" jsonschema:"the page wants a sign-in before its content"`
	PersonNeeded bool   `json:"personNeeded,omitempty" jsonschema:"a person must act (CAPTCHA, login): call browser_handoff when one is there"`
	Refs         int    `json:"refs,omitempty" jsonschema:"how many elements of the snapshot have refs"`
}

// step is the body of a tool call: it acts on the current tab and may add text for the result.
type step func(ctx context.Context, t *tab, c *callText) error

// callText collects what a tool says above the page snapshot.
type callText struct {
	strings.Builder
	noPage bool // the tool's result carries no snapshot (screenshots, stats, extracts)
	full   bool // the whole snapshot, never only what changed
	depth  int  // > 0: only this many levels of the snapshot's tree
}

// act runs one tool call that acts on the page: one call at a time; the browser and a first tab
// start here if needed; the recovery line, the error (as a result with isError, never a protocol
// error) and the fresh snapshot (or what changed) come back.
func (s *Server) act(ctx context.Context, req *mcp.CallToolRequest, explicit bool, fn step) (*mcp.CallToolResult, pageOut, error) {
	s.begin()
	defer s.end()
	s.rec.take()
	defer s.reportProgress(ctx, req)()
	mode, why := s.escalationMode(req, explicit)
	if mode == modeDeclined {
		// Nothing more is done, but the agent still gets the page as it is (URL, title, the
		// challenge), as after any failed call.
		return s.declined(ctx, why)
	}
	s.esc.set(mode, why)
	defer s.esc.set(modeFail, "")

	t, err := s.current(ctx)
	if err != nil {
		msg := "the browser is not available: " + err.Error()
		return s.fail(msg), pageOut{Recovery: "refused at once: " + msg, Error: msg, ErrorType: "browser"}, nil
	}
	if n := s.takeIdleNote(); n != "" {
		s.rec.note(n)
	}
	if i, od := s.anyDialog(t); od != nil && !modalTools[toolName(req)] {
		return s.refuseModal(t, toolName(req), i, od)
	}
	// A dialog the page opens during the call ends it (cctx), as the dialog holds the page.
	cctx, cut := context.WithCancelCause(ctx)
	defer cut(nil)
	s.st.Lock()
	s.callTab, s.onModal = t, cut
	s.st.Unlock()
	defer func() {
		s.st.Lock()
		s.callTab, s.onModal = nil, nil
		s.st.Unlock()
	}()
	if _, od := s.anyDialog(t); od == nil {
		t.prepare(cctx)
		s.unstick(cctx, t)
	}
	var c callText
	added, loading := s.adoptPopups(ctx, 200*time.Millisecond) // opened since the last call (a timer, a late window.open)
	s.notePopups(cctx, &c, added, loading)
	err = guarded(func() error { return fn(cctx, t, &c) })
	if ctx.Err() != nil {
		// The client cancelled the call (or went away): what it started loading stops too, or
		// the next call would wait for it (see unstick).
		_ = t.stopLoading(ctx)
	} else {
		added, loading := s.adoptPopups(ctx, min(popupWait, s.cfg.ActionTimeout))
		s.notePopups(cctx, &c, added, loading)
	}
	if err != nil && ctx.Err() == nil && errors.Is(context.Cause(cctx), errModal) {
		err = nil // the action did what it does: the page answered it with a dialog
	}
	s.st.Lock()
	if len(s.tabs) > 0 && s.tabs[s.cur] != t { // browser_tabs new, select or close: the page is the new current tab's
		t = s.tabs[s.cur]
	}
	s.st.Unlock()
	if p := s.esc.takePending(); p != nil && mode == modeAsk && err != nil && ctx.Err() == nil {
		s.rec.take()
		return s.askPerson(*p), pageOut{}, nil
	}
	return s.finish(cctx, t, err, &c)
}

// declinedError: the person asked through the client said no; the action was not run again.
type declinedError struct{ why string }

func (e *declinedError) Error() string              { return e.why }
func (e *declinedError) Unwrap() error              { return retry.ErrEscalate }
func (e *declinedError) RetryType() retry.ErrorType { return retry.Captcha }

// declined answers the call the person declined to help with: the error, and the current tab's
// page (no browser is started for it).
func (s *Server) declined(ctx context.Context, why string) (*mcp.CallToolResult, pageOut, error) {
	err := &declinedError{why}
	s.st.Lock()
	var t *tab
	if len(s.tabs) > 0 {
		t = s.tabs[s.cur]
	}
	s.st.Unlock()
	if t == nil {
		return s.fail(why), pageOut{Recovery: why, Error: why, ErrorType: retry.Captcha.String(), PersonNeeded: true}, nil
	}
	res, out, rerr := s.finish(ctx, t, err, &callText{})
	out.PersonNeeded = true
	return res, out, rerr
}

// guarded turns a panic in a tool into an error: the server stays up.
func guarded(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v\n%s", r, clip(string(debug.Stack()), 2000))
		}
	}()
	return fn()
}

// finish builds the result of a call: the recovery line, the error, the tool's text, the page.
func (s *Server) finish(ctx context.Context, t *tab, err error, c *callText) (*mcp.CallToolResult, pageOut, error) {
	events, notes := s.rec.take()
	line := recoveryLine(events, notes, err)
	out := pageOut{Recovery: line}
	var b strings.Builder
	b.WriteString(line)
	b.WriteByte('\n')
	if err != nil {
		out.Error = errorText(err)
		out.ErrorType = errType(err).String()
		out.PersonNeeded = errors.Is(err, retry.ErrEscalate) || out.ErrorType == retry.Captcha.String() || out.ErrorType == retry.AuthRequired.String()
		if full := err.Error(); !strings.Contains(line, full) && !strings.Contains(line, out.Error) {
			b.WriteString("Error: " + clip(full, 1500) + "\n")
		}
		s.log.Info("tool call failed", zap.String("type", out.ErrorType), zap.String("error", s.redact(clip(err.Error(), 500))))
	}
	b.WriteString(c.String())
	if i, od := s.anyDialog(t); od != nil {
		// The page is held by the dialog: no snapshot until it is answered.
		out.URL = t.sess.URL()
		fmt.Fprintf(&b, "### Page\n- URL: %s\n%s", clip(out.URL, 300), modalState(i, od))
	} else if !c.noPage && ctx.Err() == nil {
		t.prepare(ctx)
		v, verr := s.look(ctx, t, "")
		if stuck(verr) && ctx.Err() == nil && t.stopLoading(ctx) == nil {
			if v, verr = s.look(ctx, t, ""); verr == nil {
				fmt.Fprintf(&b, "The page was still loading a new document after %s: loading stopped, this is the page as it is (navigate again to wait longer).\n", secs(min(s.cfg.ActionTimeout, 15*time.Second)))
			}
		}
		if i, od := s.anyDialog(t); verr != nil && od != nil { // it opened while the snapshot was taken
			out.URL = t.sess.URL()
			fmt.Fprintf(&b, "### Page\n- URL: %s\n%s", clip(out.URL, 300), modalState(i, od))
		} else if verr != nil {
			out.URL = t.sess.URL()
			fmt.Fprintf(&b, "### Page\n- URL: %s\n(no snapshot: %s)\n", clip(out.URL, 300), clip(verr.Error(), 300))
		} else {
			out.URL, out.Title, out.Status, out.LoginWall, out.Refs = v.URL, v.Title, v.Status, v.LoginWall, v.Refs
			if v.Challenge != nil {
				out.Challenge = v.Challenge.Vendor + " " + v.Challenge.Kind
			}
			text, ok := "", false
			if !c.full {
				text, ok = v.diff(t.last, s.cfg.SnapshotBudget)
			}
			if !ok {
				shown := v
				if c.depth > 0 {
					cut := *v
					cut.Lines = atDepth(v.Lines, c.depth)
					shown = &cut
				}
				text = shown.render(s.cfg.SnapshotBudget)
			}
			b.WriteString(text)
			t.last = v
		}
	} else if c.noPage {
		out.URL = t.sess.URL()
	}
	if !c.noPage {
		// What went wrong in the page meanwhile (a click handler that threw): the snapshot may
		// not show it.
		b.WriteString(newConsoleText(&t.console))
	}
	out.Recovery, out.Error, out.Title = s.redact(out.Recovery), s.redact(out.Error), s.redact(out.Title)
	res := &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: s.redact(b.String())}}, IsError: err != nil}
	return res, out, nil
}

// fail is an error result without a page.
func (s *Server) fail(msg string) *mcp.CallToolResult {
	return &mcp.CallToolResult{IsError: true, Content: []mcp.Content{&mcp.TextContent{Text: s.redact(msg)}}}
}

// errType is the engine's type of an action's error.
func errType(err error) retry.ErrorType {
	var ae *actions.ActionError
	if errors.As(err, &ae) {
		return ae.Type()
	}
	var re *retry.Error
	if errors.As(err, &re) {
		return re.Type
	}
	return retry.Classify(err)
}

// redact removes every secret typed through the tools from a text.
func (s *Server) redact(text string) string {
	for _, v := range s.secretValues() {
		if len(v) >= 3 {
			text = strings.ReplaceAll(text, v, "[redacted]")
		}
	}
	return text
}

// unknownTools answers a call of a tool that does not exist with an error result naming the
// tools that do (the SDK would answer with a protocol error the agent may never see).
func (s *Server) unknownTools(next mcp.MethodHandler) mcp.MethodHandler {
	return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
		if method == "tools/call" {
			if r, ok := req.(*mcp.CallToolRequest); ok && r.Params != nil && !s.tools[r.Params.Name] {
				return &mcp.CallToolResult{IsError: true, Content: []mcp.Content{&mcp.TextContent{
					Text: fmt.Sprintf("unknown tool %q; the tools are: %s", clip(r.Params.Name, 100), strings.Join(sortedKeys(s.tools), ", ")),
				}}}, nil
			}
		}
		return next(ctx, method, req)
	}
}

// unstick makes sure the page answers before a call acts on it. While a navigation is pending
// (a link, a form or a script led to a URL that has not answered yet), Chromium holds every
// evaluation in the page until the new document commits: a URL that never answers would make
// every later call time out, attempt after attempt. When a trivial evaluation does not come
// back within the action timeout, the loading is stopped (the page stays as it was) and the
// result says so.
func (s *Server) unstick(ctx context.Context, t *tab) {
	err := t.evalExpr(ctx, "check that the page answers", "1", s.cfg.ActionTimeout, nil)
	if stuck(err) && ctx.Err() == nil && t.stopLoading(ctx) == nil {
		s.rec.note(fmt.Sprintf("the page did not answer for %s (a new document still loading): loading stopped", secs(s.cfg.ActionTimeout)))
	}
}

// stuck reports whether err is an evaluation in the page running out of time.
func stuck(err error) bool {
	var te *browser.TimeoutError
	return errors.As(err, &te)
}

// stopLoading stops the tab's pending navigation, if any (Page.stopLoading is answered by the
// browser process, so it works while the page itself is held). It runs even when ctx is
// cancelled: it cleans up after a call the client gave up on.
func (t *tab) stopLoading(ctx context.Context) error {
	p := t.sess.Page()
	if p == nil {
		return nil
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	return proto.PageStopLoading{}.Call(p.Context(sctx))
}

// atDepth keeps the snapshot lines less than depth levels deep (all of them when depth is 0).
func atDepth(lines []string, depth int) []string {
	if depth <= 0 {
		return lines
	}
	var out []string
	for _, l := range lines {
		if (len(l)-len(strings.TrimLeft(l, " ")))/2 < depth {
			out = append(out, l)
		}
	}
	return out
}

// popupWait bounds how long a call's result waits for the tabs the call opened to load, so that
// it can name their page; past it the tab is said to be still loading.
const popupWait = 5 * time.Second

// notePopups tells the agent about tabs the page opened during the call, once they have loaded
// (within popupWait, shared by all of them): their URL and title; and about those still waiting
// for their server.
func (s *Server) notePopups(ctx context.Context, c *callText, added []*tab, loading []string) {
	for _, u := range loading {
		fmt.Fprintf(c, "The page opened a new tab: %s (still loading after %s: browser_tabs lists it once its server answers).\n", clip(u, 300), secs(min(popupWait, s.cfg.ActionTimeout)))
	}
	if len(added) == 0 {
		return
	}
	s.st.Lock()
	index := map[*tab]int{}
	for i, t := range s.tabs {
		index[t] = i
	}
	s.st.Unlock()
	wctx, cancel := context.WithTimeout(ctx, min(popupWait, s.cfg.ActionTimeout))
	defer cancel()
	for _, t := range added {
		i, ok := index[t]
		if !ok {
			continue
		}
		if p := t.sess.Page(); p != nil {
			s.st.Lock()
			s.announced[p.TargetID] = true
			s.st.Unlock()
		}
		page := "(still loading)"
		if url, title, loaded := popupPage(wctx, t); url != "" {
			page = clip(url, 300)
			if title != "" {
				page += fmt.Sprintf(" %q", clip(title, 200))
			}
			if !loaded && !errors.Is(context.Cause(ctx), errModal) { // a dialog cut the wait short
				page += fmt.Sprintf(" (still loading after %s)", secs(min(popupWait, s.cfg.ActionTimeout)))
			}
		}
		fmt.Fprintf(c, "The page opened a new tab %d: %s (browser_tabs select %d to act in it).\n", i, page, i)
	}
}

// popupPage waits until the tab's page has a URL of its own (not the about:blank a new tab
// starts with) and its document has loaded, or ctx ends; it returns what it saw last.
func popupPage(ctx context.Context, t *tab) (url, title string, loaded bool) {
	p := t.sess.Page()
	if p == nil {
		return "", "", false
	}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		// Info is answered by the browser, also while the page's document is still loading.
		ictx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		if info, err := p.Context(ictx).Info(); err == nil {
			if info.URL != "" && info.URL != "about:blank" {
				url, title = info.URL, info.Title
			}
		}
		cancel()
		if url != "" {
			// A document still waiting for its server holds evaluations: bound each one.
			ectx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
			res, err := proto.RuntimeEvaluate{Expression: "[document.readyState, location.href, document.title]", ReturnByValue: true}.Call(p.Context(ectx))
			cancel()
			if err == nil && res.ExceptionDetails == nil {
				var v []string
				if res.Result.Value.Unmarshal(&v) == nil && len(v) == 3 && v[0] == "complete" && v[1] != "about:blank" {
					return v[1], v[2], true
				}
			}
		}
		select {
		case <-ctx.Done():
			return url, title, false
		case <-tick.C:
		}
	}
}
