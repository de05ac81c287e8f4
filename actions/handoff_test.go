package actions_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/go-rod/rod"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/browser"
	"github.com/smartretry/smartretry/internal/testenv"
	"github.com/smartretry/smartretry/retry"
	"github.com/smartretry/smartretry/testpages"
)

type handOffEnv struct {
	srv *testpages.Server
	b   *browser.Browser // headless, the session's
	ctx context.Context
}

func newHandOffEnv(t *testing.T, opts ...browser.Option) *handOffEnv {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	srv, err := testpages.Start()
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	b, err := browser.Launch(ctx, opts...)
	require.NoError(t, err, "Chromium is needed: run make setup")
	t.Cleanup(func() { _ = b.Close() })
	return &handOffEnv{srv: srv, b: b, ctx: ctx}
}

// scriptedPerson clicks the look-alike's #captcha-solve in the page it is shown — the visible
// window — with real mouse events, the way a person would. It runs beside the hand-off's wait.
type scriptedPerson struct {
	wg      sync.WaitGroup
	mu      sync.Mutex
	prompts []actions.HandOffPrompt
	errs    []error
}

func (sp *scriptedPerson) notify(ctx context.Context, p actions.HandOffPrompt) {
	sp.mu.Lock()
	sp.prompts = append(sp.prompts, p)
	sp.mu.Unlock()
	sp.wg.Add(1)
	go func() {
		defer sp.wg.Done()
		if err := testenv.ClickInFrames(ctx, p.Page, "#captcha-solve"); err != nil {
			sp.mu.Lock()
			sp.errs = append(sp.errs, err)
			sp.mu.Unlock()
		}
	}()
}

// A headless session meets a CAPTCHA; the HandOff opens a visible browser under Xvfb with the
// session's cookies, the scripted person solves it there, the cookies come back, and the headless
// flow resumes and reads the content.
func TestHandOff_HeadlessOpensVisibleBrowser(t *testing.T) {
	testenv.UseXvfb(t)
	for _, vendor := range []string{"recaptcha", "turnstile"} {
		t.Run(vendor, func(t *testing.T) {
			e := newHandOffEnv(t)
			require.True(t, e.b.IsHeadless())
			var out bytes.Buffer
			person := &scriptedPerson{}
			ho := actions.NewHandOff(
				actions.HandOffOutput(&out),
				actions.HandOffInput(nil),
				actions.HandOffInteractive(true),
				actions.HandOffTimeout(time.Minute),
				actions.HandOffPollInterval(100*time.Millisecond),
				actions.HandOffNotify(person.notify),
			)
			s, err := actions.NewSession(e.b, actions.WithEscalator(ho), actions.WithManager(retry.NewManager()))
			require.NoError(t, err)
			defer func() { _ = s.Close() }()

			u := e.srv.URL("/captcha/" + vendor)
			_, err = s.Navigate(e.ctx, u)
			person.wg.Wait()
			require.NoError(t, err)
			require.Empty(t, person.errs)

			require.Len(t, person.prompts, 1)
			p := person.prompts[0]
			assert.Equal(t, vendor, p.Vendor)
			assert.False(t, p.Browser.IsHeadless(), "the person gets a visible window")
			assert.NotSame(t, e.b, p.Browser)
			assert.Contains(t, out.String(), " on "+u)
			assert.Contains(t, out.String(), "solve it in the browser window")
			if vendor == "recaptcha" {
				assert.Contains(t, out.String(), "reCAPTCHA on "+u+" — solve it in the browser window")
			}

			text, err := s.Text(e.ctx, "#content")
			require.NoError(t, err)
			assert.NotEmpty(t, text)

			cookies, err := s.Page().Cookies([]string{u})
			require.NoError(t, err)
			var solved bool
			for _, c := range cookies {
				solved = solved || (c.Name == "captcha_"+vendor && c.Value == "ok")
			}
			assert.True(t, solved, "the person's cookie came back to the headless session")
		})
	}
}

// A headful session: the person solves it in the session's own window; nothing else opens.
func TestHandOff_HeadfulWaitsInPlace(t *testing.T) {
	testenv.UseXvfb(t)
	e := newHandOffEnv(t, browser.Headless(false))
	require.False(t, e.b.IsHeadless())
	var out bytes.Buffer
	person := &scriptedPerson{}
	ho := actions.NewHandOff(
		actions.HandOffOutput(&out), actions.HandOffInput(nil), actions.HandOffInteractive(true),
		actions.HandOffPollInterval(100*time.Millisecond), actions.HandOffNotify(person.notify),
	)
	s, err := actions.NewSession(e.b, actions.WithEscalator(ho), actions.WithManager(retry.NewManager()))
	require.NoError(t, err)
	defer func() { _ = s.Close() }()

	_, err = s.Navigate(e.ctx, e.srv.URL("/captcha/hcaptcha"))
	person.wg.Wait()
	require.NoError(t, err)
	require.Len(t, person.prompts, 1)
	assert.Same(t, e.b, person.prompts[0].Browser, "solved in the session's own window")
	assert.Contains(t, out.String(), "hCaptcha on ")
	text, err := s.Text(e.ctx, "#content")
	require.NoError(t, err)
	assert.NotEmpty(t, text)
}

// Enter on the terminal ends the wait even when the page still shows the challenge; the time
// limit ends it with ErrEscalate.
func TestHandOff_EnterAndTimeLimit(t *testing.T) {
	testenv.UseXvfb(t)
	e := newHandOffEnv(t, browser.Headless(false))
	s, err := actions.NewSession(e.b, actions.WithManager(retry.NewManager()))
	require.NoError(t, err)
	defer func() { _ = s.Close() }()
	u := e.srv.URL("/captcha/recaptcha")
	_, _ = s.Navigate(e.ctx, u) // fails with ErrEscalate: no escalator; the page shows the challenge
	esc := actions.Escalation{Type: retry.Captcha, Vendor: "recaptcha", Kind: "checkbox", URL: u, Session: s}
	never := func(context.Context, actions.Escalation, *rod.Page) (bool, error) { return false, nil }

	t.Run("Enter", func(t *testing.T) {
		pr, pw := io.Pipe()
		defer func() { _ = pw.Close() }()
		ho := actions.NewHandOff(actions.HandOffOutput(io.Discard), actions.HandOffInput(pr),
			actions.HandOffInteractive(true), actions.HandOffSolved(never),
			actions.HandOffNotify(func(context.Context, actions.HandOffPrompt) {
				go func() { _, _ = pw.Write([]byte("\n")) }()
			}))
		require.NoError(t, ho.Escalate(e.ctx, esc))
	})
	t.Run("time limit", func(t *testing.T) {
		ho := actions.NewHandOff(actions.HandOffOutput(io.Discard), actions.HandOffInput(nil),
			actions.HandOffInteractive(true), actions.HandOffSolved(never),
			actions.HandOffTimeout(300*time.Millisecond), actions.HandOffPollInterval(50*time.Millisecond))
		err := ho.Escalate(e.ctx, esc)
		require.ErrorIs(t, err, retry.ErrEscalate)
		assert.Contains(t, err.Error(), "not solved within")
		assert.Contains(t, err.Error(), "reCAPTCHA on "+u)
	})
}

// Nobody can solve it here — no display, or nobody at a terminal: ErrEscalate at once, naming the
// vendor and the URL; through a Session, the action fails with it.
func TestHandOff_NoPersonFailsAtOnce(t *testing.T) {
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	e := newHandOffEnv(t)
	cases := []struct {
		name string
		opts []actions.HandOffOption
		want string
	}{
		{"no display", []actions.HandOffOption{actions.HandOffInteractive(true)}, "no display"},
		{"not interactive", []actions.HandOffOption{actions.HandOffInteractive(false),
			actions.HandOffDisplay(func() bool { return true })}, "nobody is at a terminal"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			opts := append([]actions.HandOffOption{actions.HandOffOutput(&out), actions.HandOffInput(nil)}, tc.opts...)
			ho := actions.NewHandOff(opts...)
			artifacts := t.TempDir()
			s, err := actions.NewSession(e.b, actions.WithEscalator(ho), actions.WithManager(retry.NewManager()),
				actions.WithArtifacts(artifacts))
			require.NoError(t, err)
			defer func() { _ = s.Close() }()

			u := e.srv.URL("/captcha/turnstile")
			_, err = s.Navigate(e.ctx, u)
			require.ErrorIs(t, err, retry.ErrEscalate)
			var ae *actions.ActionError
			require.ErrorAs(t, err, &ae)
			assert.NotEmpty(t, ae.Artifacts, "the failed item leaves an error snapshot")
			entries, _ := os.ReadDir(artifacts)
			assert.NotEmpty(t, entries)
			assert.Contains(t, err.Error(), "turnstile")
			assert.Contains(t, err.Error(), u)
			assert.Contains(t, err.Error(), tc.want)
			assert.Empty(t, out.String(), "nothing asked of a person who is not there")

			direct := ho.Escalate(e.ctx, actions.Escalation{Type: retry.Captcha, Vendor: "turnstile", URL: u, Session: s})
			require.ErrorIs(t, direct, retry.ErrEscalate)
			assert.Contains(t, direct.Error(), "turnstile")
		})
	}
}

// In CI nobody can solve a CAPTCHA: the hand-off says so at once, naming the vendor and the URL,
// and the error Is(retry.ErrEscalate) so a batch records the item as escalated and goes on.
func ExampleNewHandOff() {
	ho := actions.NewHandOff(actions.HandOffInteractive(false))
	err := ho.Escalate(context.Background(), actions.Escalation{
		Type: retry.Captcha, Vendor: "recaptcha", Kind: "checkbox", URL: "https://shop.example/checkout",
	})
	fmt.Println(errors.Is(err, retry.ErrEscalate))
	fmt.Println(err)
	// Output:
	// true
	// retry: escalation needed: reCAPTCHA on https://shop.example/checkout needs a person, but nobody is at a terminal
}
