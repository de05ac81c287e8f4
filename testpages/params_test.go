package testpages

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseParams(t *testing.T) {
	tests := []struct {
		q       string
		d       defaults
		want    func(t *testing.T, p params)
		wantErr bool
	}{
		{"", defaults{MS: 300, Fail: 1, Code: 503}, func(t *testing.T, p params) {
			assert.Equal(t, params{ID: "default", MS: 300, Fail: 1, Code: 503, Page: 1, Kind: "alert", RA: retryAfter{Seconds: 1}}, p)
		}, false},
		{"ms=20&fail=2&id=a", defaults{}, func(t *testing.T, p params) {
			assert.Equal(t, 20, p.MS)
			assert.True(t, p.MSSet)
			assert.Equal(t, 2, p.Fail)
			assert.True(t, p.FailSet)
			assert.Equal(t, "a", p.ID)
		}, false},
		{"ms=70000", defaults{}, func(t *testing.T, p params) { assert.Equal(t, 60000, p.MS) }, false},
		{"ms=-1", defaults{}, func(t *testing.T, p params) { assert.Equal(t, 0, p.MS) }, false},
		{"ms=+5", defaults{}, func(t *testing.T, p params) { assert.Equal(t, 5, p.MS) }, false},
		{"fail=-3", defaults{Fail: 1}, func(t *testing.T, p params) { assert.Equal(t, 0, p.Fail) }, false},
		{"ra=date:5", defaults{}, func(t *testing.T, p params) { assert.Equal(t, retryAfter{Date: true, Seconds: 5}, p.RA) }, false},
		{"ra=none", defaults{}, func(t *testing.T, p params) { assert.True(t, p.RA.None) }, false},
		{"flaky=3,,7", defaults{}, func(t *testing.T, p params) { assert.Equal(t, map[int]bool{3: true, 7: true}, p.Flaky) }, false},
		{"code=502", defaults{}, func(t *testing.T, p params) { assert.Equal(t, 502, p.Code) }, false},
		{"kind=prompt", defaults{}, func(t *testing.T, p params) { assert.Equal(t, "prompt", p.Kind) }, false},
		{"ms=abc", defaults{}, nil, true},
		{"ms=", defaults{MS: 7}, func(t *testing.T, p params) { assert.Equal(t, 7, p.MS) }, false},
		{"fail=1e3", defaults{}, nil, true},
		{"code=499", defaults{}, nil, true},
		{"code=600", defaults{}, nil, true},
		{"ra=-", defaults{}, nil, true},
		{"flaky=0", defaults{}, nil, true},
		{"page=21", defaults{}, nil, true},
		{"kind=x", defaults{}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			q, err := url.ParseQuery(tt.q)
			require.NoError(t, err)
			p, err := parseParams(q, tt.d)
			if tt.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			tt.want(t, p)
		})
	}
}

func TestRetryAfterHeader(t *testing.T) {
	now := time.Date(2030, 1, 2, 3, 4, 5, 500_000_000, time.UTC)
	tests := []struct {
		ra   retryAfter
		want string
	}{
		{retryAfter{Seconds: 2}, "2"},
		{retryAfter{Seconds: 0}, "0"},
		{retryAfter{None: true}, ""},
		{retryAfter{Date: true, Seconds: 2}, "Wed, 02 Jan 2030 03:04:08 GMT"}, // 07.5 rounded up
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.ra.Header(now))
	}
	exact := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	assert.Equal(t, "Wed, 02 Jan 2030 03:04:07 GMT", retryAfter{Date: true, Seconds: 2}.Header(exact))
}

// Every route in the table is on the index page, and every index line points at a route.
func TestIndexListsEveryRoute(t *testing.T) {
	listed := map[string]bool{}
	for _, e := range indexEntries {
		listed[e.Path] = true
	}
	hidden := map[string]bool{"/": true, "/spinner/hang": true, "/product/": true, "/_hits": true, "/_event": true, "/logout": true,
		"/recaptcha/": true, "/hcaptcha.com/": true, "/challenges.cloudflare.com/": true, "/geo.captcha-delivery.com/": true,
		"/cdn-cgi/challenge-platform/": true}
	for path := range NewSite().routes {
		if !hidden[path] {
			assert.True(t, listed[path], "%s is not on the index page", path)
		}
	}
	assert.True(t, listed["/product/N"])
}

func FuzzParams(f *testing.F) {
	for _, s := range []string{"", "ms=300", "ms=abc", "ms=-1", "ms=99999999999999999999999", "fail=3&id=x", "ra=date:2",
		"ra=none", "ra=date:", "code=503", "flaky=3,7&fail=1", "flaky=,,,", "page=20", "kind=confirm", "id=%00%ff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		p, err := parseParams(q, defaults{MS: 300, Fail: 1, Code: 503})
		if err != nil {
			return
		}
		if p.MS < 0 || p.MS > int(MaxDelay/time.Millisecond) {
			t.Fatalf("ms %d out of range", p.MS)
		}
		if p.Fail < 0 || p.Fail > MaxFail {
			t.Fatalf("fail %d out of range", p.Fail)
		}
		if p.Code < 500 || p.Code > 599 {
			t.Fatalf("code %d", p.Code)
		}
		if p.Page < 1 || p.Page > pages {
			t.Fatalf("page %d", p.Page)
		}
		if p.ID == "" || len(p.ID) > maxIDLen {
			t.Fatalf("id %q", p.ID)
		}
		if p.RA.Seconds < 0 || p.RA.Seconds > int(MaxRetryAfter/time.Second) {
			t.Fatalf("ra %d", p.RA.Seconds)
		}
		if v := p.RA.Header(time.Now()); p.RA.Date && v != "" {
			if _, err := http.ParseTime(v); err != nil {
				t.Fatalf("Retry-After %q is no HTTP-date", v)
			}
		}
	})
}
