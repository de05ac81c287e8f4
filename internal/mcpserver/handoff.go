package mcpserver

import (
	"context"
	"fmt"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/browser"
	"github.com/smartretry/smartretry/retry"
)

// How a CAPTCHA or login wall met during a call is handled.
type escMode int

const (
	modeFail     escMode = iota // say a person is needed, and why none can be asked now
	modeAsk                     // stop the action and ask the person through the client (elicitation)
	modeHandOff                 // the person agreed: open the window, wait until solved, go on
	modeDeclined                // the person said no
)

// personKey names the elicitation in a multi round-trip call.
const personKey = "person"

// escalator is the Sessions' Escalator: what it does depends on the current call's mode.
type escalator struct {
	s       *Server
	mu      sync.Mutex
	mode    escMode
	why     string
	pending *actions.Escalation
}

func (e *escalator) set(m escMode, why string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.mode, e.why, e.pending = m, why, nil
}

func (e *escalator) takePending() *actions.Escalation {
	e.mu.Lock()
	defer e.mu.Unlock()
	p := e.pending
	e.pending = nil
	return p
}

// Escalate implements actions.Escalator.
func (e *escalator) Escalate(ctx context.Context, esc actions.Escalation) error {
	e.mu.Lock()
	mode, why := e.mode, e.why
	if mode == modeAsk {
		c := esc
		e.pending = &c
	}
	e.mu.Unlock()
	switch mode {
	case modeHandOff:
		if err := e.s.handoff.Escalate(ctx, esc); err != nil {
			return err
		}
		e.s.rec.note(describe(esc) + " was solved by a person")
		return nil
	case modeAsk:
		return fmt.Errorf("%w: %s needs a person: asking through the client", retry.ErrEscalate, describe(esc))
	}
	return fmt.Errorf("%w: %s needs a person%s; call browser_handoff when someone can solve it in a browser window",
		retry.ErrEscalate, describe(esc), why)
}

// escalationMode decides, for one call, what a CAPTCHA will do. explicit is browser_handoff: the
// agent says a person is there.
func (s *Server) escalationMode(req *mcp.CallToolRequest, explicit bool) (escMode, string) {
	if s.cfg.HandOff == "off" {
		return modeFail, ", but hand-offs are off (--handoff off)"
	}
	if !s.canShow() {
		return modeFail, ", but no browser window can be shown here (no display: run headful on a desktop, or set DISPLAY)"
	}
	if req != nil && req.Params != nil {
		if r, ok := req.Params.InputResponses[personKey]; ok {
			if er, ok := r.(*mcp.ElicitResult); ok && er.Action == "accept" {
				return modeHandOff, ""
			}
			return modeDeclined, "the person declined to solve it; call browser_handoff when they are ready"
		}
	}
	if canElicit(req) {
		return modeAsk, ""
	}
	if explicit {
		return modeHandOff, ""
	}
	return modeFail, ", and this client cannot ask one (no elicitation)"
}

func canElicit(req *mcp.CallToolRequest) bool {
	if req == nil {
		return false
	}
	caps := req.ClientCapabilities()
	return caps != nil && caps.Elicitation != nil
}

// canShow: a person can be shown a browser window (the headful one, or a visible one on a display).
func (s *Server) canShow() bool {
	if s.cfg.Headful {
		return true
	}
	s.st.Lock()
	b := s.b
	s.st.Unlock()
	if b != nil && !b.IsHeadless() {
		return true
	}
	return browser.DisplayAvailable()
}

// askPerson is the multi round-trip answer that asks the person through the client. The SDK
// calls the tool again with the answer (on older protocol versions it asks and calls again
// itself); then the action runs again in modeHandOff.
func (s *Server) askPerson(e actions.Escalation) *mcp.CallToolResult {
	msg := fmt.Sprintf("%s needs a person. Accept and a browser window opens on that page: solve it there; "+
		"the agent goes on by itself once it is solved (you have %s).", describe(e), s.cfg.HandOffTimeout)
	if e.Type == retry.AuthRequired {
		msg = fmt.Sprintf("%s needs a person to sign in. Accept and a browser window opens on that page: sign in there; "+
			"the agent goes on by itself once it is done (you have %s).", describe(e), s.cfg.HandOffTimeout)
	}
	schema := map[string]any{
		"type": "object",
		"properties": map[string]any{
			"ready": map[string]any{"type": "boolean", "title": "I am at the computer and will solve it", "default": true},
		},
	}
	return &mcp.CallToolResult{InputRequests: mcp.InputRequestMap{
		personKey: &mcp.ElicitParams{Message: msg, RequestedSchema: schema},
	}}
}

// describe says what and where: `a reCAPTCHA (recaptcha checkbox) on https://…`.
func describe(e actions.Escalation) string {
	what := "a login wall"
	if e.Vendor != "" {
		what = vendorTitle(e.Vendor) + " (" + e.Vendor + " " + e.Kind + ")"
	} else if e.Type == retry.Captcha {
		what = "a challenge"
	}
	if e.URL != "" {
		what += " on " + e.URL
	}
	return what
}
