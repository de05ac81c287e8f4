package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
	replica "github.com/smartretry/smartretry/internal/practice"
	"github.com/smartretry/smartretry/retry"
)

// The scraping practice sites (internal/practice replicas of webscraper.io's test shop and
// scrapethissite.com's sandbox) through the library with its defaults: the pages of an AJAX
// pager, a Load more button and an infinite scroll, a search form's result pages, films loaded
// per year, an iframe's cards.

func scrapeSite(t *testing.T, h http.Handler) (context.Context, *actions.Session, string) {
	t.Helper()
	requireEnv(t)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	// Isolated: the replicas set cookies for 127.0.0.1 (consent, login), which every port shares.
	s, err := actions.NewSession(env.b, actions.WithManager(retry.NewManager()), actions.Isolated())
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return ctx, s, srv.URL
}

// productLinks extracts the cards' links (a product is told by its link: titles repeat).
func productLinks(t *testing.T, ctx context.Context, s *actions.Session) []string {
	t.Helper()
	recs, err := s.Extract(ctx, ".thumbnail", map[string]string{"url": "a.title@href"})
	require.NoError(t, err)
	var out []string
	for _, r := range recs {
		out = append(out, r["url"][strings.Index(r["url"], "/product/"):])
	}
	return out
}

func wantProducts(category string) []string {
	var out []string
	for _, p := range replica.WebScraperCategory(category) {
		out = append(out, fmt.Sprintf("/product/%d", p.ID))
	}
	return out
}

func TestPractice_WebScraperPagers(t *testing.T) {
	ctx, s, base := scrapeSite(t, replica.WebScraper())
	shop := base + "/test-sites/e-commerce/"

	// The AJAX pager: the URL never changes, › is disabled on the last page.
	navigate(t, ctx, s, shop+"ajax/computers/laptops")
	var got []string
	pages, err := s.Paginate(ctx, "ul.pagination .next", 0, func(ctx context.Context, page int) error {
		got = append(got, productLinks(t, ctx, s)...)
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, 20, pages)
	assert.Equal(t, wantProducts("computers/laptops"), got, "every laptop once, in order")
	assert.True(t, strings.HasSuffix(s.URL(), "/ajax/computers/laptops"))

	// Load more until the button is hidden, then the whole list.
	navigate(t, ctx, s, shop+"more/computers/tablets")
	pages, err = s.Paginate(ctx, "text=More", 0, nil)
	require.NoError(t, err)
	assert.Equal(t, 4, pages)
	assert.Equal(t, wantProducts("computers/tablets"), productLinks(t, ctx, s))

	// The infinite scroll, asked for more than there are: the list's end.
	navigate(t, ctx, s, shop+"scroll/phones/touch")
	n, err := s.ScrollUntil(ctx, ".thumbnail", 100)
	require.NoError(t, err)
	assert.Equal(t, 9, n)
	assert.Equal(t, wantProducts("phones/touch"), productLinks(t, ctx, s))
}

func TestPractice_ScrapeThisSite(t *testing.T) {
	ctx, s, base := scrapeSite(t, replica.ScrapeThisSite())

	// The hockey search, then its result pages by their » link.
	navigate(t, ctx, s, base+"/pages/forms/")
	require.NoError(t, s.Fill(ctx, "#q", "new"))
	require.NoError(t, s.Press(ctx, "#q", "Enter"))
	var teams []string
	_, err := s.Paginate(ctx, `a[aria-label="Next"]`, 0, func(ctx context.Context, page int) error {
		recs, err := s.Extract(ctx, "tr.team", map[string]string{"name": ".name", "year": ".year"})
		for _, r := range recs {
			teams = append(teams, r["name"]+" "+r["year"])
		}
		return err
	})
	require.NoError(t, err)
	var want []string
	for _, tm := range replica.HockeyTeams {
		if strings.Contains(strings.ToLower(tm.Name), "new") {
			want = append(want, fmt.Sprintf("%s %d", tm.Name, tm.Year))
		}
	}
	assert.Equal(t, want, teams)

	// A year's films, fetched when its link is clicked.
	navigate(t, ctx, s, base+"/pages/ajax-javascript/")
	require.NoError(t, s.Click(ctx, "text=2015"))
	films, err := s.Extract(ctx, "tr.film", map[string]string{"title": ".film-title"})
	require.NoError(t, err)
	require.Len(t, films, len(replica.OscarFilms[2015]))
	assert.Equal(t, replica.OscarFilms[2015][0].Title, films[0]["title"])

	// The turtles inside the iframe.
	navigate(t, ctx, s, base+"/pages/frames/")
	cards, err := s.Extract(ctx, "#iframe >>> .turtle-family-card", map[string]string{"family": ".family-name"})
	require.NoError(t, err)
	require.Len(t, cards, len(replica.TurtleFamilies))
	assert.Equal(t, replica.TurtleFamilies[13], cards[13]["family"])
}
