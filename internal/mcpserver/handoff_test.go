package mcpserver_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/internal/mcpserver"
	"github.com/smartretry/smartretry/internal/testenv"
)

// person is the test's scripted person: when the hand-off's window is ready it clicks the
// look-alike's #captcha-solve there, with real mouse events.
type person struct {
	wg      sync.WaitGroup
	mu      sync.Mutex
	prompts []actions.HandOffPrompt
	errs    []error
	asked   []string // elicitation messages
}

func (p *person) notify(ctx context.Context, hp actions.HandOffPrompt) {
	p.mu.Lock()
	p.prompts = append(p.prompts, hp)
	p.mu.Unlock()
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		if err := testenv.ClickInFrames(ctx, hp.Page, "#captcha-solve"); err != nil {
			p.mu.Lock()
			p.errs = append(p.errs, err)
			p.mu.Unlock()
		}
	}()
}

func (p *person) elicit(_ context.Context, req *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
	p.mu.Lock()
	p.asked = append(p.asked, req.Params.Message)
	p.mu.Unlock()
	return &mcp.ElicitResult{Action: "accept", Content: map[string]any{"ready": true}}, nil
}

// A client that can elicit: the server asks the person, opens a visible browser (Xvfb) with the
// session's cookies, the person solves it there, and the navigation finishes.
func TestMCP_CaptchaWithElicitationResumes(t *testing.T) {
	testenv.UseXvfb(t)
	p := &person{}
	a := newAgent(t, mcpserver.Config{HandOffNotify: p.notify}, &mcp.ClientOptions{ElicitationHandler: p.elicit})
	u := site.URL("/captcha/recaptcha")
	res, out := a.call("browser_navigate", map[string]any{"url": u})
	p.wg.Wait()
	require.False(t, res.IsError, out)
	require.Empty(t, p.errs)
	require.Len(t, p.asked, 1)
	assert.Contains(t, p.asked[0], "reCAPTCHA")
	assert.Contains(t, p.asked[0], u)
	require.Len(t, p.prompts, 1)
	assert.False(t, p.prompts[0].Browser.IsHeadless(), "the person gets a visible window")
	assert.Contains(t, out, "solved by a person")
	assert.NotContains(t, out, "CHALLENGE")
}

// Without elicitation, or without a display, the result says plainly that a person is needed,
// which challenge and where; browser_handoff later, with a person there, solves it.
func TestMCP_CaptchaWithoutElicitationNeedsAPerson(t *testing.T) {
	t.Run("no display", func(t *testing.T) {
		t.Setenv("DISPLAY", "")
		t.Setenv("WAYLAND_DISPLAY", "")
		a := newAgent(t, mcpserver.Config{}, &mcp.ClientOptions{ElicitationHandler: (&person{}).elicit})
		u := site.URL("/captcha/hcaptcha")
		res, out := a.call("browser_navigate", map[string]any{"url": u})
		require.True(t, res.IsError)
		assert.Contains(t, out, "needs a person")
		assert.Contains(t, out, "hCaptcha")
		assert.Contains(t, out, u)
		assert.Contains(t, out, "no display")
		var po map[string]any
		b, _ := json.Marshal(res.StructuredContent)
		require.NoError(t, json.Unmarshal(b, &po))
		assert.Equal(t, true, po["personNeeded"])
		assert.Equal(t, "captcha", po["errorType"])
	})
	t.Run("no elicitation, then browser_handoff", func(t *testing.T) {
		testenv.UseXvfb(t)
		p := &person{}
		a := newAgent(t, mcpserver.Config{HandOffNotify: p.notify}, nil)
		u := site.URL("/captcha/turnstile")
		res, out := a.call("browser_navigate", map[string]any{"url": u})
		require.True(t, res.IsError)
		assert.Contains(t, out, "needs a person")
		assert.Contains(t, out, "this client cannot ask one")
		assert.Contains(t, out, "browser_handoff")
		assert.Contains(t, out, "CHALLENGE")
		out = a.ok("browser_handoff", map[string]any{"reason": "solve the CAPTCHA"})
		p.wg.Wait()
		require.Empty(t, p.errs)
		assert.Contains(t, out, "solved by a person")
		out = a.ok("browser_navigate", map[string]any{"url": u})
		assert.NotContains(t, out, "CHALLENGE")
	})
}

// A person who declines the hand-off: nothing more is done, and the result still describes the
// page as it is (its URL and title, the challenge), not an empty page.
func TestMCP_CaptchaDeclinedReportsThePage(t *testing.T) {
	testenv.UseXvfb(t)
	decline := func(context.Context, *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
		return &mcp.ElicitResult{Action: "decline"}, nil
	}
	a := newAgent(t, mcpserver.Config{}, &mcp.ClientOptions{ElicitationHandler: decline})
	u := site.URL("/captcha/recaptcha")
	res, out := a.call("browser_navigate", map[string]any{"url": u})
	require.True(t, res.IsError, out)
	assert.Contains(t, out, "declined")
	assert.Contains(t, out, u, "the page is reported")
	var po map[string]any
	b, _ := json.Marshal(res.StructuredContent)
	require.NoError(t, json.Unmarshal(b, &po))
	assert.Equal(t, u, po["url"])
	assert.NotEmpty(t, po["title"])
	assert.Equal(t, true, po["personNeeded"])
	assert.Equal(t, "captcha", po["errorType"])
	assert.Contains(t, po["challenge"], "recaptcha")
}
