package e2e

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/retry"
)

// requireType checks that err is an *actions.ActionError of type typ after attempts attempts
// (0: any number), and returns it.
func requireType(t *testing.T, err error, typ retry.ErrorType, attempts int) *actions.ActionError {
	t.Helper()
	require.Error(t, err)
	var ae *actions.ActionError
	require.True(t, errors.As(err, &ae), "%T: %v", err, err)
	assert.Equal(t, typ, ae.Type(), "%v", err)
	if attempts > 0 {
		assert.Equal(t, attempts, ae.Attempts(), "%v", err)
	}
	return ae
}

// clicksOf is the number of clicks the /checks page counted on sel.
func clicksOf(t *testing.T, f *fixture, sel string) string {
	t.Helper()
	v, ok, err := f.s.Attr(f.ctx, sel, "data-clicks")
	require.NoError(t, err)
	require.True(t, ok)
	return v
}

// Check, Uncheck and SetChecked on every kind of checkbox and radio the page has; a control in
// the wanted state already is not clicked.
func TestEveryday_CheckAndUncheck(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureConfig{})
	_, err := f.s.Navigate(f.ctx, url("/checks?fail=0"))
	require.NoError(t, err)

	steps := []struct {
		name  string
		do    func() error
		sel   string // the control whose state is read
		want  string
		click string // its click count after the step
	}{
		{"check a checkbox", func() error { return f.s.Check(f.ctx, "#agree") }, "#agree", "true", "1"},
		{"check it again: no click", func() error { return f.s.Check(f.ctx, "#agree") }, "#agree", "true", "1"},
		{"checked already: no click", func() error { return f.s.Check(f.ctx, "#news") }, "#news", "true", "0"},
		{"uncheck", func() error { return f.s.Uncheck(f.ctx, "#news") }, "#news", "false", "1"},
		{"SetChecked false", func() error { return f.s.SetChecked(f.ctx, "#agree", false) }, "#agree", "false", "2"},
		{"by role and name", func() error { return f.s.SetChecked(f.ctx, `role=checkbox[name="I agree"]`, true) }, "#agree", "true", "3"},
		{"a radio", func() error { return f.s.Check(f.ctx, "#size-l") }, "#size-l", "true", "1"},
		{"the rest of its group", func() error { return nil }, "#size-m", "false", "0"},
		{"a radio by its label's text", func() error { return f.s.Check(f.ctx, "text=Small") }, "#size-s", "true", "1"},
		{"an input under its styled box", func() error { return f.s.Check(f.ctx, "#styled") }, "#styled", "true", "1"},
		{"a display:none input through its label", func() error { return f.s.Check(f.ctx, "#hidden-input") }, "#hidden-input", "true", "1"},
		{"the label itself, checked already", func() error { return f.s.Check(f.ctx, "#hidden-label") }, "#hidden-input", "true", "1"},
		{"uncheck through the label", func() error { return f.s.Uncheck(f.ctx, "#hidden-input") }, "#hidden-input", "false", "2"},
		{"an ARIA checkbox", func() error { return f.s.Check(f.ctx, "#aria-box") }, "#aria-box", "true", "1"},
		{"an ARIA checkbox unchecked", func() error { return f.s.Uncheck(f.ctx, "role=checkbox[name=ARIA]") }, "#aria-box", "false", "2"},
		{"an ARIA radio", func() error { return f.s.Check(f.ctx, "#aria-radio") }, "#aria-radio", "true", "1"},
	}
	for _, st := range steps {
		require.NoError(t, st.do(), st.name)
		got, err := f.s.Value(f.ctx, st.sel)
		require.NoError(t, err, st.name)
		assert.Equal(t, st.want, got, st.name)
		assert.Equal(t, st.click, clicksOf(t, f, st.sel), "%s: clicks on %s", st.name, st.sel)
	}
	assert.Empty(t, f.rec.of("retry"), "retries: %v", f.rec.retryTypes())
}

// What Check cannot do is refused at once, saying why: unchecking a radio, a non-checkbox, an
// invalid selector.
func TestEveryday_CheckRefusals(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureConfig{})
	_, err := f.s.Navigate(f.ctx, url("/checks?fail=0"))
	require.NoError(t, err)

	for _, sel := range []string{"#size-m", "#size-s", "#aria-radio"} {
		err = f.s.Uncheck(f.ctx, sel)
		requireType(t, err, retry.InvalidInput, 1)
		assert.Contains(t, err.Error(), "radio button")
		assert.Contains(t, err.Error(), "cannot uncheck")
	}
	assert.Equal(t, "0", clicksOf(t, f, "#size-m"), "nothing clicked")

	err = f.s.Check(f.ctx, "h1")
	requireType(t, err, retry.InvalidInput, 1)
	assert.Contains(t, err.Error(), "not a checkbox or radio")

	err = f.s.Check(f.ctx, "input[[")
	requireType(t, err, retry.InvalidInput, 1)
	assert.Contains(t, err.Error(), "invalid selector")

	err = f.s.Check(f.ctx, "input[type=checkbox]")
	requireType(t, err, retry.InvalidInput, 1)
	assert.Contains(t, err.Error(), "matches")
}

// A page that puts the checkbox back: clicked again until it holds; when it never holds, a
// clear error saying the page reverted it.
func TestEveryday_CheckReverted(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureConfig{})
	_, err := f.s.Navigate(f.ctx, url("/checks?fail=1"))
	require.NoError(t, err)

	require.NoError(t, f.s.Check(f.ctx, "#revert"))
	got, err := f.s.Value(f.ctx, "#revert")
	require.NoError(t, err)
	assert.Equal(t, "true", got)
	assert.Equal(t, "2", clicksOf(t, f, "#revert"), "reverted once, clicked again once")

	for _, sel := range []string{"#revert-always", "#revert-sync"} {
		err = f.s.Check(f.ctx, sel)
		requireType(t, err, retry.InvalidInput, 1)
		var ce *actions.CheckError
		require.True(t, errors.As(err, &ce), "%v", err)
		assert.True(t, ce.Reverted, "%v", err)
		assert.Equal(t, 3, ce.Clicks)
		assert.Contains(t, err.Error(), "the page reverted it to unchecked")
		assert.Equal(t, "3", clicksOf(t, f, sel))
	}
}

// Every wait state and the text wait end when the page changes, within one attempt.
func TestEveryday_WaitForState(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureConfig{})
	_, err := f.s.Navigate(f.ctx, url("/states?ms=300"))
	require.NoError(t, err)

	require.NoError(t, f.s.WaitForState(f.ctx, "#gone", actions.Detached))
	require.NoError(t, f.s.WaitForState(f.ctx, "#fade", actions.Hidden))
	require.NoError(t, f.s.WaitForState(f.ctx, "#fade", actions.Attached), "hidden is still attached")
	require.NoError(t, f.s.WaitForState(f.ctx, "#show", actions.Visible))
	require.NoError(t, f.s.WaitForState(f.ctx, "#late", actions.Attached))
	require.NoError(t, f.s.WaitForState(f.ctx, "#go", actions.Enabled))
	require.NoError(t, f.s.WaitForText(f.ctx, "#status", "Done: 42 items"), "whitespace collapsed")
	require.NoError(t, f.s.WaitForState(f.ctx, "#never-there", actions.Hidden), "nothing matching is hidden")
	require.NoError(t, f.s.WaitForState(f.ctx, "#never-there", actions.Detached))
	st, err := actions.ParseWaitState("gone")
	require.NoError(t, err)
	require.NoError(t, f.s.WaitForState(f.ctx, "text=I will be removed", st))

	got, err := f.s.Text(f.ctx, "#result")
	require.NoError(t, err)
	assert.Equal(t, "changed", got)
	assert.Empty(t, f.rec.of("retry"), "the waits happen inside one attempt: %v", f.rec.retryTypes())
}

// A wait that runs out says what it waited for and what it saw last; bad input is refused at
// once; a cancelled ctx ends it.
func TestEveryday_WaitForFailures(t *testing.T) {
	t.Parallel()
	// The in-page wait answers a margin before the attempt's deadline: the error is the page's
	// own account of what it saw.
	f := newFixture(t, fixtureConfig{timeout: 3 * time.Second})
	_, err := f.s.Navigate(f.ctx, url("/states?ms=600000"))
	require.NoError(t, err)
	one := actions.WithCallOptions(f.ctx, retry.MaxAttempts(1))

	cases := []struct {
		do   func() error
		want []string
	}{
		{func() error { return f.s.WaitForState(one, "#stay", actions.Hidden) }, []string{`"#stay" to be hidden`, "last seen: visible (div#stay)"}},
		{func() error { return f.s.WaitForState(one, "#stay", actions.Detached) }, []string{"to be detached", "1 attached (div#stay)"}},
		{func() error { return f.s.WaitForState(one, "#show", actions.Visible) }, []string{"to be visible", "attached but hidden (div#show)"}},
		{func() error { return f.s.WaitForState(one, "#late", actions.Attached) }, []string{"to be attached", "nothing matches"}},
		{func() error { return f.s.WaitForState(one, "#go", actions.Enabled) }, []string{"to be enabled", "disabled (button#go)"}},
		{func() error { return f.s.WaitForText(one, "#status", "Done") }, []string{`containing text "Done"`, `text "Loading…"`}},
	}
	for _, tc := range cases {
		err := pageAnswer(t, tc.do)
		requireType(t, err, retry.SelectorNotFound, 1)
		var we *actions.WaitError
		require.True(t, errors.As(err, &we), "%v", err)
		for _, w := range tc.want {
			assert.Contains(t, err.Error(), w)
		}
	}

	err = f.s.WaitForState(f.ctx, "div[[", actions.Hidden)
	requireType(t, err, retry.InvalidInput, 1)
	err = f.s.WaitForState(f.ctx, "#stay", actions.WaitState(42))
	requireType(t, err, retry.InvalidInput, 0)
	err = f.s.WaitForText(f.ctx, "#stay", "  ")
	requireType(t, err, retry.InvalidInput, 0)

	cancelled, cancel := context.WithCancel(f.ctx)
	cancel()
	assert.ErrorIs(t, f.s.WaitForState(cancelled, "#stay", actions.Hidden), context.Canceled)
	assert.ErrorIs(t, f.s.Check(cancelled, "#stay"), context.Canceled)
	short, cancel2 := context.WithTimeout(f.ctx, 300*time.Millisecond)
	defer cancel2()
	// The caller's deadline bounds the whole call: it ends with an error (the deadline, or the
	// page's own account if the last attempt answered first), never a hang.
	err = f.s.WaitForText(short, "#status", "Done")
	require.Error(t, err)
	var we *actions.WaitError
	assert.True(t, errors.Is(err, context.DeadlineExceeded) || errors.As(err, &we), "%v", err)
	assert.NoError(t, f.ctx.Err())
}

// Value reads what was typed or chosen, not the value attribute; a FillSecret'd value comes back
// to the caller and never reaches the logs.
func TestEveryday_Value(t *testing.T) {
	t.Parallel()
	core, logs := observer.New(zapcore.DebugLevel)
	f := newFixture(t, fixtureConfig{sessionOpts: []actions.Option{actions.WithLogger(zap.New(core))}})
	_, err := f.s.Navigate(f.ctx, url("/form"))
	require.NoError(t, err)

	value := func(sel string) string {
		t.Helper()
		v, err := f.s.Value(f.ctx, sel)
		require.NoError(t, err, sel)
		return v
	}
	assert.Equal(t, "initial", value("#name"))
	require.NoError(t, f.s.Fill(f.ctx, "#name", "Ada Lovelace"))
	assert.Equal(t, "Ada Lovelace", value("#name"))
	v, ok, err := f.s.Attr(f.ctx, "#name", "value")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "initial", v, "the attribute is not what was typed")

	require.NoError(t, f.s.Fill(f.ctx, "#bio", "line one\nline two"))
	assert.Equal(t, "line one\nline two", value("#bio"))
	assert.Equal(t, "m", value("#size"))
	require.NoError(t, f.s.Select(f.ctx, "#size", "Large"))
	assert.Equal(t, "l", value("#size"))
	assert.Equal(t, "red,blue", value("#tags"))
	assert.Equal(t, "false", value("#agree"))
	require.NoError(t, f.s.Check(f.ctx, "#agree"))
	assert.Equal(t, "true", value("#agree"))
	assert.Equal(t, "Edit me", value("#editor"))
	require.NoError(t, f.s.Fill(f.ctx, "#editor", "Rich text"))
	assert.Equal(t, "Rich text", value("#editor"))
	assert.Equal(t, "2", valueNth(t, f, ".qty", 1))
	assert.Equal(t, "3", valueNth(t, f, ".qty", -1))
	assert.Equal(t, "Ada Lovelace", value("role=textbox[name=Name]"))

	const secret = "s3cret-Value-7781"
	require.NoError(t, f.s.FillSecret(f.ctx, "#secret", secret))
	assert.Equal(t, secret, value("#secret"))
	assertLogsLack(t, logs, secret)

	_, err = f.s.Value(f.ctx, "#plain")
	requireType(t, err, retry.InvalidInput, 1)
	assert.Contains(t, err.Error(), "not a form field")
	_, err = f.s.Value(f.ctx, ".qty")
	requireType(t, err, retry.InvalidInput, 1)
	assert.Contains(t, err.Error(), "matches 3 elements")
	_, err = f.s.Value(f.ctx, "input[[")
	requireType(t, err, retry.InvalidInput, 1)
}

func valueNth(t *testing.T, f *fixture, sel string, n int) string {
	t.Helper()
	v, err := f.s.ValueNth(f.ctx, sel, n)
	require.NoError(t, err, "%s #%d", sel, n)
	return v
}

// Count answers at once (0 included); the Nth reads use ClickNth's index (0-based, -1 last).
func TestEveryday_CountAndNth(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureConfig{})
	_, err := f.s.Navigate(f.ctx, url("/list"))
	require.NoError(t, err)

	for sel, want := range map[string]int{"li.item": 5, "#nothing": 0, "text=Banana": 1, "role=listitem": 4, "xpath=//li[@data-id]": 5, "#items >>> .qty": 5} {
		n, err := f.s.Count(f.ctx, sel)
		require.NoError(t, err, sel)
		assert.Equal(t, want, n, sel)
	}
	_, err = f.s.Count(f.ctx, "li[[")
	requireType(t, err, retry.InvalidInput, 1)
	_, err = f.s.Count(f.ctx, "bogus=x")
	requireType(t, err, retry.InvalidInput, 1)

	for n, want := range map[int]string{0: "Apple", 1: "Banana", -1: "Elderberry", -2: "Date (hidden)"} {
		got, err := f.s.TextNth(f.ctx, "li.item", n)
		require.NoError(t, err)
		if n == -2 {
			assert.Contains(t, got, "Date", "a hidden element's text is read too")
			continue
		}
		assert.Equal(t, want, got, "#%d", n)
	}
	got, ok, err := f.s.AttrNth(f.ctx, "li.item", "data-id", 2)
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "c3", got)
	got, ok, err = f.s.AttrNth(f.ctx, "li.item", "title", 0)
	require.NoError(t, err)
	assert.Equal(t, "first", got)
	assert.True(t, ok)
	_, ok, err = f.s.AttrNth(f.ctx, "li.item", "title", 1)
	require.NoError(t, err)
	assert.False(t, ok)
	assert.Equal(t, "50", valueNth(t, f, "li.item .qty", 4))
	assert.Equal(t, "10", valueNth(t, f, "li.item .qty", -5))
	assert.Empty(t, f.rec.of("retry"))

	one := actions.WithCallOptions(f.ctx, retry.MaxAttempts(1))
	_, err = f.s.TextNth(one, "li.item", 7)
	requireType(t, err, retry.SelectorNotFound, 1)
}

// Scroll turns the wheel over an element or the page; ScrollUntil loads an infinite list until it
// has enough items, or until it ends.
func TestEveryday_Scroll(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureConfig{})
	_, err := f.s.Navigate(f.ctx, url("/infinite?total=1000&batch=10&ms=50"))
	require.NoError(t, err)

	top := func(expr string) float64 {
		t.Helper()
		res, err := f.s.Page().Context(f.ctx).Eval(`() => ` + expr)
		require.NoError(t, err)
		return res.Value.Num()
	}
	// Scroll waits for the scroll its wheel will make (up to 5 s); the test still waits for the
	// scroll itself, as a reader of the page would, rather than count on that bound on a loaded
	// machine (the page once read scrollY 0 after Scroll returned, when Scroll waited 500ms).
	scrolled := func(expr string) {
		assert.Eventually(t, func() bool {
			res, err := f.s.Page().Context(f.ctx).Eval(`() => ` + expr)
			return err == nil && res.Value.Num() > 0
		}, 20*time.Second, 20*time.Millisecond, "%s stayed 0", expr)
	}
	require.Zero(t, top(`document.querySelector('#feed').scrollTop`))
	require.NoError(t, f.s.Scroll(f.ctx, "#feed", 0, 120))
	scrolled(`document.querySelector('#feed').scrollTop`) // the box scrolled
	require.NoError(t, f.s.Scroll(f.ctx, `.item[data-n="3"]`, 0, 40), "over an item: its scroll box scrolls")

	err = f.s.Scroll(f.ctx, "#feed", 0, 0)
	requireType(t, err, retry.InvalidInput, 0)

	_, err = f.s.Navigate(f.ctx, url("/infinite?total=1000&batch=10&ms=50&mode=page"))
	require.NoError(t, err)
	require.NoError(t, f.s.Scroll(f.ctx, "", 0, 300))
	scrolled(`window.scrollY`) // the page scrolled
}

func TestEveryday_ScrollUntil(t *testing.T) {
	t.Parallel()
	cases := []struct {
		mode         string
		total, batch int
		want, reach  int // asked; reached (at least want when the list is long enough)
	}{
		{"box", 200, 10, 35, 40},
		{"box", 45, 10, 100, 45},
		{"page", 200, 10, 25, 30},
		{"page", 33, 10, 1000, 33},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s %d of %d", tc.mode, tc.want, tc.total), func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, fixtureConfig{timeout: 20 * time.Second})
			_, err := f.s.Navigate(f.ctx, url(fmt.Sprintf("/infinite?total=%d&batch=%d&ms=50&mode=%s", tc.total, tc.batch, tc.mode)))
			require.NoError(t, err)
			n, err := f.s.ScrollUntil(f.ctx, ".item", tc.want)
			require.NoError(t, err)
			assert.Equal(t, tc.reach, n)
			c, err := f.s.Count(f.ctx, ".item")
			require.NoError(t, err)
			assert.Equal(t, n, c)
			if tc.reach < tc.want {
				require.NoError(t, f.s.WaitForState(f.ctx, "#end", actions.Visible), "the list really ended")
			}
		})
	}
}

func TestEveryday_ScrollUntilFailures(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureConfig{timeout: 3 * time.Second})
	_, err := f.s.Navigate(f.ctx, url("/infinite?total=20"))
	require.NoError(t, err)
	one := actions.WithCallOptions(f.ctx, retry.MaxAttempts(1))

	_, err = f.s.ScrollUntil(one, ".no-such-item", 5)
	requireType(t, err, retry.SelectorNotFound, 1)
	// "no element matches", or on a loaded machine the attempt's deadline before that verdict.
	assert.Contains(t, err.Error(), `".no-such-item"`)
	_, err = f.s.ScrollUntil(one, "div[[", 5)
	requireType(t, err, retry.InvalidInput, 1)
	_, err = f.s.ScrollUntil(one, ".item", 0)
	requireType(t, err, retry.InvalidInput, 0)
	cancelled, cancel := context.WithCancel(f.ctx)
	cancel()
	_, err = f.s.ScrollUntil(cancelled, ".item", 5)
	assert.ErrorIs(t, err, context.Canceled)
	_, err = f.s.Value(cancelled, "#feed")
	assert.ErrorIs(t, err, context.Canceled)
}
