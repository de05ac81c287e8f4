package actions_test

import (
	"testing"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
)

// ourSymbols lists the in-page functions a Session keeps on the page's global object.
func ourSymbols(t *testing.T, p *rod.Page) []string {
	t.Helper()
	res, err := proto.RuntimeEvaluate{ReturnByValue: true,
		Expression: `Object.getOwnPropertySymbols(globalThis).map(String).filter(s => s.includes('smartretry.fn.'))`}.Call(p)
	require.NoError(t, err)
	var out []string
	require.NoError(t, res.Result.Value.Unmarshal(&out))
	return out
}

// The in-page functions a Session's own tab needed are there from the start of its next
// documents (the next item of a batch calls them in one round trip), and
// still after a Reset; a page adopted with WithPage gets nothing added.
func TestKeptFunctionsAreDefinedInTheNextDocuments(t *testing.T) {
	ctx := ctxT(t)
	s, _ := newSession(t, actions.Isolated())
	_, err := s.Navigate(ctx, site.URL("/product/1"))
	require.NoError(t, err)
	assert.Empty(t, ourSymbols(t, s.Page().Context(ctx)), "nothing before the first action")
	_, err = s.Text(ctx, "h1.name")
	require.NoError(t, err)
	first := ourSymbols(t, s.Page().Context(ctx))
	require.NotEmpty(t, first)

	_, err = s.Navigate(ctx, site.URL("/product/2"))
	require.NoError(t, err)
	assert.Equal(t, first, ourSymbols(t, s.Page().Context(ctx)), "defined before any action of the new document")
	name, err := s.Text(ctx, "h1.name")
	require.NoError(t, err)
	assert.Contains(t, name, "#2")

	require.NoError(t, s.Reset(ctx))
	_, err = s.Navigate(ctx, site.URL("/product/3"))
	require.NoError(t, err)
	assert.Equal(t, first, ourSymbols(t, s.Page().Context(ctx)), "kept across a Reset (they are the session's, not the item's)")

	// An adopted page is the caller's: defined where used, never added for later documents.
	p, err := testBrowser.NewPage(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })
	a, _ := newSession(t, actions.WithPage(p))
	_, err = a.Navigate(ctx, site.URL("/product/4"))
	require.NoError(t, err)
	_, err = a.Text(ctx, "h1.name")
	require.NoError(t, err)
	_, err = a.Navigate(ctx, site.URL("/product/5"))
	require.NoError(t, err)
	assert.Empty(t, ourSymbols(t, p.Context(ctx)))
}
