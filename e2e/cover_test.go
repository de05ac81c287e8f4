package e2e

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/retry"
)

// evalString reads one string from the session's page.
func evalString(t *testing.T, f *fixture, js string) string {
	t.Helper()
	res, err := f.s.Page().Context(f.ctx).Eval(js)
	require.NoError(t, err)
	return res.Value.Str()
}

// An input in a scroll box with its centre under a sibling panel, on a page that erases the value
// while the centre is covered: Fill scrolls the box until the centre is free, then types, and the
// value stays.
func TestCover_FillFreesTheCentreFirst(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureConfig{})
	_, err := f.s.Navigate(f.ctx, url("/cover"))
	require.NoError(t, err)
	require.Equal(t, "false", evalString(t, f, `() => { const r = document.querySelector('#name').getBoundingClientRect();
		const h = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2); return String(h && h.id === 'name'); }`),
		"the page starts with the centre covered")

	require.NoError(t, f.s.Fill(f.ctx, "#name", "hello world"))
	assert.Equal(t, "hello world", evalString(t, f, `() => document.querySelector('#name').value`))
	assert.Equal(t, "0", evalString(t, f, `() => document.querySelector('#erased').textContent`), "never typed under the panel")
	assert.Empty(t, f.rec.retryTypes(), "done at the first attempt")
}

// Press and Select bring the centre free too; Click as well.
func TestCover_PressSelectClickFreeTheCentre(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureConfig{})
	_, err := f.s.Navigate(f.ctx, url("/cover"))
	require.NoError(t, err)

	require.NoError(t, f.s.Select(f.ctx, "#size", "m"))
	got, err := f.s.Text(f.ctx, "#result")
	require.NoError(t, err)
	assert.Equal(t, "size m", got)

	_, err = f.s.Navigate(f.ctx, url("/cover"))
	require.NoError(t, err)
	require.NoError(t, f.s.Press(f.ctx, "#name", "Enter"))
	got, err = f.s.Text(f.ctx, "#pressed")
	require.NoError(t, err)
	assert.Equal(t, "Enter", got)

	_, err = f.s.Navigate(f.ctx, url("/cover"))
	require.NoError(t, err)
	require.NoError(t, f.s.Click(f.ctx, "#name"))
	assert.Equal(t, "true", evalString(t, f, `() => { const el = document.querySelector('#name'), r = el.getBoundingClientRect();
		return String(document.activeElement === el && document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === el); }`),
		"clicked with the centre free")
}

// When no scroll frees the input (the panel covers the whole box), Fill refuses it at once,
// naming the panel, without typing and without retrying.
func TestCover_FullyCoveredInputIsRefusedNamingTheCover(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureConfig{})
	_, err := f.s.Navigate(f.ctx, url("/cover?full=1"))
	require.NoError(t, err)

	err = f.s.Fill(f.ctx, "#name", "hello")
	require.Error(t, err)
	var na *actions.NotActionableError
	require.True(t, errors.As(err, &na), "%T: %v", err, err)
	assert.Equal(t, actions.ReasonCovered, na.Reason)
	assert.Contains(t, err.Error(), "div#cover")
	re := asRetryError(t, err)
	assert.Equal(t, retry.InvalidInput, re.Type)
	assert.Equal(t, 1, re.Attempts, "a cover no scroll removes is not retried")
	assert.Empty(t, evalString(t, f, `() => document.querySelector('#name').value`), "nothing typed")
}
