package actions_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/retry"
)

// A selector that is missing because the page is not the one it belongs to says so: a page that
// answered 200 but says it was not found is not_found at once (no attempts spent waiting for an
// element it will never show), a sign-in form a script sent the page to is auth_required; a page
// that is what was asked for, or a login page opened on purpose, keeps selector_not_found.
func TestMissingElementOnPageNotExpected(t *testing.T) {
	pages := map[string]string{
		"/product/999": `<title>Page not found – Shop</title><h1>Oops! That page can’t be found.</h1><p>Nothing was found here.</p>`,
		"/product/998": `<title>Shop</title><h1>This product no longer exists</h1>`,
		"/product/1":   `<title>Blue jacket – Shop</title><h1 class="title">Blue jacket</h1>`,
		"/account":     `<title>Account</title><p>Loading…</p><script>setTimeout(() => location.replace('/login?next=/account'), 50)</script>`,
		"/login":       `<title>Sign in</title><form><input name="user"><input type="password" name="pw"><button>Sign in</button></form>`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!doctype html><html><head><meta charset=utf-8></head><body>"+body+"</body></html>")
	}))
	t.Cleanup(srv.Close)

	for _, c := range []struct {
		name, path, sel string
		want            retry.ErrorType
		attempts        int
		says            []string
	}{
		{"soft 404 by its title", "/product/999", "h1.name", retry.NotFound, 2,
			[]string{`no element matches "h1.name"`, `says it was not found (title "Page not found – Shop")`, "HTTP 200", "soft 404"}},
		{"soft 404 by its heading", "/product/998", "h1.name", retry.NotFound, 2,
			[]string{`heading "This product no longer exists"`}},
		{"the page asked for, a wrong selector", "/product/1", "h1.name", retry.SelectorNotFound, 3,
			[]string{`no element matches "h1.name"`}},
		{"a script sends the page to sign in", "/account", "#orders", retry.AuthRequired, 2,
			[]string{"login required for " + srv.URL + "/account", "redirected to " + srv.URL + "/login?next=/account", "sign-in form"}},
		{"a login page opened on purpose", "/login", "#usernme", retry.SelectorNotFound, 3,
			[]string{`no element matches "#usernme"`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var opts []actions.Option
			if c.want != retry.SelectorNotFound {
				// The repair's snapshot gets a part of the attempt's time: on a loaded machine a
				// 3 s attempt leaves it too little, and the page would go unread.
				opts = append(opts, actions.WithTimeout(8*time.Second))
			}
			s, _ := newSession(t, opts...)
			ctx := ctxT(t)
			_, err := s.Navigate(ctx, srv.URL+c.path)
			require.NoError(t, err)
			_, err = s.Text(ctx, c.sel)
			require.Error(t, err)
			t.Log(err)
			var re *retry.Error
			require.True(t, errors.As(err, &re), "%v", err)
			assert.Equal(t, c.want, re.Type, "%v", err)
			if c.want == retry.AuthRequired {
				// Escalation (no Escalator here) may count as an attempt of its own.
				assert.LessOrEqual(t, re.Attempts, c.attempts+1, "%v", err)
			} else {
				assert.Equal(t, c.attempts, re.Attempts, "%v", err)
			}
			for _, w := range c.says {
				assert.Contains(t, err.Error(), w)
			}
			var nf *actions.NotFoundPageError
			assert.Equal(t, c.want == retry.NotFound, errors.As(err, &nf))
		})
	}
}
