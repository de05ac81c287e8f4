package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
	replica "github.com/smartretry/smartretry/internal/practice"
	"github.com/smartretry/smartretry/retry"
)

// quotes.toscrape's variants (internal/practice replicas), driven as a new user would: default
// options and the first selector that comes to mind (see demoqa).

func quotesSite(t *testing.T) (context.Context, *actions.Session, string) {
	t.Helper()
	return replicaSession(t, replica.Quotes())
}

// replicaSession serves a practice replica until the test ends and opens a default Session on
// it, with the test's deadline. Isolated: a replica's login sets a cookie for 127.0.0.1, which
// cookies share whatever the port; in the browser's default context the test site's /account,
// in a test running beside it, took the quotes login for its own and did not redirect to its
// sign-in form.
func replicaSession(t *testing.T, h http.Handler, opts ...actions.Option) (context.Context, *actions.Session, string) {
	t.Helper()
	requireEnv(t)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	s, err := actions.NewSession(env.b, append([]actions.Option{actions.WithManager(retry.NewManager()), actions.Isolated()}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return ctx, s, srv.URL
}

func navigate(t *testing.T, ctx context.Context, s *actions.Session, u string) {
	t.Helper()
	res, err := s.Navigate(ctx, u)
	require.NoError(t, err)
	require.Equal(t, 200, res.Status)
}

// quoteTexts extracts the quotes of the page (text and author) as "text — author".
func quoteTexts(t *testing.T, ctx context.Context, s *actions.Session, container string) []string {
	t.Helper()
	recs, err := s.Extract(ctx, container, map[string]string{"text": ".text", "author": ".author"})
	require.NoError(t, err)
	var out []string
	for _, r := range recs {
		out = append(out, r["text"]+" — "+r["author"])
	}
	return out
}

func wantQuotes(from, to int) []string {
	var out []string
	for _, q := range replica.AllQuotes[from:to] {
		out = append(out, q.Text+" — "+q.Author)
	}
	return out
}

// Ten pages followed by clicking "Next →" until there is none.
func TestPractice_Quotes_NextPages(t *testing.T) {
	t.Parallel()
	ctx, s, base := quotesSite(t)
	navigate(t, ctx, s, base+"/")
	var got []string
	for page := 1; ; page++ {
		require.LessOrEqual(t, page, 10)
		got = append(got, quoteTexts(t, ctx, s, ".quote")...)
		n, err := s.Count(ctx, "li.next")
		require.NoError(t, err)
		if n == 0 {
			break
		}
		require.NoError(t, s.Click(ctx, "text=Next"))
		assert.Equal(t, fmt.Sprintf("%s/page/%d/", base, page+1), s.LastNavigation().URL)
	}
	assert.Equal(t, wantQuotes(0, 100), got)
	tags, err := s.Extract(ctx, ".quote", map[string]string{"tags": ".keywords@content"})
	require.NoError(t, err)
	assert.Equal(t, strings.Join(replica.AllQuotes[90].Tags, ","), tags[0]["tags"])
}

// Quotes written by a script: nothing in the HTML, all there for the reads.
func TestPractice_Quotes_JS(t *testing.T) {
	t.Parallel()
	ctx, s, base := quotesSite(t)
	navigate(t, ctx, s, base+"/js/")
	assert.Equal(t, wantQuotes(0, 10), quoteTexts(t, ctx, s, ".quote"))
	require.NoError(t, s.Click(ctx, "text=Next"))
	assert.Equal(t, wantQuotes(10, 20), quoteTexts(t, ctx, s, ".quote"))
}

// Quotes written 10s after the page loaded: longer than one default attempt (10s), so the
// read is retried once as a late element and gets all ten.
func TestPractice_Quotes_JSDelayed(t *testing.T) {
	t.Parallel()
	ctx, s, base := quotesSite(t)
	navigate(t, ctx, s, base+"/js-delayed/")
	start := time.Now()
	assert.Equal(t, wantQuotes(0, 10), quoteTexts(t, ctx, s, ".quote"))
	assert.Greater(t, time.Since(start), 8*time.Second, "the quotes came late")
}

// An infinite list fed by /api/quotes as the page scrolls: all 100, then the end.
func TestPractice_Quotes_InfiniteScroll(t *testing.T) {
	t.Parallel()
	ctx, s, base := quotesSite(t)
	navigate(t, ctx, s, base+"/scroll")
	n, err := s.ScrollUntil(ctx, ".quote", 100)
	require.NoError(t, err)
	assert.Equal(t, 100, n)
	assert.Equal(t, wantQuotes(0, 100), quoteTexts(t, ctx, s, ".quote"))
	n, err = s.ScrollUntil(ctx, ".quote", 150)
	require.NoError(t, err, "a list that ends short is no error")
	assert.Equal(t, 100, n)
}

// A login form with a CSRF token bound to the visitor's cookie; logged in, every quote has a
// Goodreads link.
func TestPractice_Quotes_LoginWithCSRF(t *testing.T) {
	t.Parallel()
	ctx, s, base := quotesSite(t)
	navigate(t, ctx, s, base+"/")
	require.NoError(t, s.Click(ctx, "text=Login"))
	require.Equal(t, base+"/login", s.LastNavigation().URL)
	require.NoError(t, s.Fill(ctx, "#username", "ada"))
	require.NoError(t, s.FillSecret(ctx, "#password", "analytical-engine"))
	require.NoError(t, s.Click(ctx, `role=button[name="Login"]`))
	assert.Equal(t, base+"/", s.LastNavigation().URL, "redirected home")
	assert.Equal(t, 200, s.LastNavigation().Status)
	assert.Equal(t, "Logout", text(t, ctx, s, ".header-box p a"))
	n, err := s.Count(ctx, "text=(Goodreads page)")
	require.NoError(t, err)
	assert.Equal(t, 10, n)
}

// A ViewState form: choosing an author posts the form back, which fills the tags of that
// author; Search lists the author's quotes with the tag.
func TestPractice_Quotes_SearchViewState(t *testing.T) {
	t.Parallel()
	ctx, s, base := quotesSite(t)
	navigate(t, ctx, s, base+"/search.aspx")
	require.NoError(t, s.Select(ctx, "#author", "Albert Einstein"))
	assert.Equal(t, base+"/filter.aspx", s.URL(), "Select returned on the post-back's page")
	require.NoError(t, s.Select(ctx, "#tag", "deep-thoughts"))
	require.NoError(t, s.Click(ctx, `role=button[name="Search"]`))
	recs, err := s.Extract(ctx, ".results .quote", map[string]string{"text": ".content", "author": ".author", "tag": ".tag"})
	require.NoError(t, err)
	var want []map[string]string
	for _, q := range replica.AllQuotes {
		for _, tag := range q.Tags {
			if q.Author == "Albert Einstein" && tag == "deep-thoughts" {
				want = append(want, map[string]string{"text": q.Text, "author": q.Author, "tag": "deep-thoughts"})
			}
		}
	}
	require.NotEmpty(t, want)
	assert.Equal(t, want, recs)
	assert.Equal(t, "Albert Einstein", value(t, ctx, s, "#author"), "the post-back kept the author")
}

// Quotes in table rows, read with XPath; the last page has no Next.
func TestPractice_Quotes_Tableful(t *testing.T) {
	t.Parallel()
	ctx, s, base := quotesSite(t)
	navigate(t, ctx, s, base+"/tableful/")
	recs, err := s.Extract(ctx, "xpath=//td[contains(., 'Author:')]", map[string]string{"row": "", "tags": "xpath=../following-sibling::tr[1]/td"})
	require.NoError(t, err)
	require.Len(t, recs, 10)
	q := replica.AllQuotes[3]
	assert.Equal(t, q.Text+" Author: "+q.Author, recs[3]["row"])
	assert.Equal(t, "Tags: "+strings.Join(q.Tags, " "), recs[3]["tags"])
	navigate(t, ctx, s, base+"/tableful/page/10/")
	n, err := s.Count(ctx, "text=Next")
	require.NoError(t, err)
	assert.Zero(t, n)
}

// One quote at random: it is one of the hundred.
func TestPractice_Quotes_Random(t *testing.T) {
	t.Parallel()
	ctx, s, base := quotesSite(t)
	navigate(t, ctx, s, base+"/random")
	got := quoteTexts(t, ctx, s, ".quote")
	require.Len(t, got, 1)
	assert.Contains(t, wantQuotes(0, 100), got[0])
}
