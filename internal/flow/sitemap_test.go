package flow

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

func TestStageSitemapParses(t *testing.T) {
	f, err := parse(t, `
stages:
  home:
    start: ["${SITE}/"]
    sitemap: robots
    steps: [{enqueue: {links: a, stage: product}}]
  product:
    sitemap:
      - ${SITE}/sitemap.xml
      - {url: "${SITE}/news.xml.gz", since: 2026-01-01}
      - {url: "${SITE}/robots.txt", since: 30d}
    max_items: 10
    steps: [{click: a}]
  only:
    sitemap: ${SITE}/only.xml
    steps: [{click: a}]
`)
	require.NoError(t, err)
	assert.True(t, f.HasSitemaps())
	h := f.Stage("home")
	require.Len(t, h.Sitemaps, 1)
	assert.True(t, h.Sitemaps[0].Robots)
	assert.Equal(t, "robots", h.Sitemaps[0].String())
	p := f.Stage("product")
	require.Len(t, p.Sitemaps, 3)
	assert.Equal(t, "${SITE}/sitemap.xml", p.Sitemaps[0].URL)
	assert.True(t, p.Sitemaps[0].Cutoff(time.Now()).IsZero())
	assert.Equal(t, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), p.Sitemaps[1].Since)
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	assert.Equal(t, now.Add(-30*24*time.Hour), p.Sitemaps[2].Cutoff(now))
	assert.True(t, f.Stage("only").HasStart(), "a stage with a sitemap is reached, like one with start URLs")

	single, err := parse(t, "start_url: http://h/\nsteps:\n  - click: a\n")
	require.NoError(t, err)
	assert.False(t, single.HasSitemaps())
}

func TestStageSitemapErrors(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"robots without start", `
stages:
  s: {sitemap: robots, steps: [{click: a}]}
`, "stages.s.sitemap: sitemap: robots reads the robots.txt of the start URLs' origins"},
		{"not a URL", `
stages:
  s: {sitemap: sitemap.xml, steps: [{click: a}]}
`, "stages.s.sitemap"},
		{"item reference", `
stages:
  s: {sitemap: "${item.url}/sitemap.xml", steps: [{click: a}]}
`, "a sitemap cannot use ${item.…}"},
		{"bad since", `
stages:
  s: {sitemap: {url: "http://h/s.xml", since: last week}, steps: [{click: a}]}
`, `stages.s.sitemap.since: want a date (2026-01-01, 2026-01-01T12:00:00Z) or an age (30d, 12h), got "last week"`},
		{"no url", `
stages:
  s: {sitemap: {since: 2026-01-01}, steps: [{click: a}]}
`, "stages.s.sitemap.url: field is required"},
		{"unknown field", `
stages:
  s: {sitemap: {url: "http://h/s.xml", sinse: 2026-01-01}, steps: [{click: a}]}
`, "sinse"},
		{"empty list", `
stages:
  s: {start: [http://h/], sitemap: [], steps: [{click: a}]}
`, "stages.s.sitemap: empty list"},
		{"no start, no sitemap", `
stages:
  s: {steps: [{click: a}]}
`, "no stage has start URLs or a sitemap"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parse(t, tc.src)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// The schema takes the shapes of sitemap: the parser takes.
func TestSchemaTakesSitemap(t *testing.T) {
	s := loadSchema(t)
	for _, src := range []string{
		"stages:\n  s: {start: [http://h/], sitemap: robots, steps: [{click: a}]}\n",
		"stages:\n  s: {sitemap: [http://h/a.xml, {url: http://h/b.xml.gz, since: 30d}], steps: [{click: a}]}\n",
	} {
		_, err := parse(t, src)
		require.NoError(t, err, src)
		var doc any
		require.NoError(t, yaml.Unmarshal([]byte(src), &doc))
		assert.Empty(t, validate(s, s, jsonish(doc), "$"), src)
	}
	var doc any
	require.NoError(t, yaml.Unmarshal([]byte("stages:\n  s: {sitemap: {since: 30d}, steps: [{click: a}]}\n"), &doc))
	assert.NotEmpty(t, validate(s, s, jsonish(doc), "$"), "url is required")
}
