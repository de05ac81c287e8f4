package snapshot_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/snapshot"
)

const loginForm = `<form method="post"><input id="username" name="username"><input id="password" type="password" name="password"><button type="submit">Sign in</button></form>`

func TestLoginWall(t *testing.T) {
	srv := serve(t, site{
		"/login": page("Sign in", loginForm),
		"/account": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/login?next=/account", http.StatusFound)
		}),
		"/auth/401": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(page("Unauthorized", `<p>Please log in</p>`)))
		}),
		"/auth/403": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte(page("Forbidden", loginForm)))
		}),
		"/": page("Home", `<a href="/login">Sign in</a>`),
	})
	tests := []struct {
		name, path, requested string
		status                int
		wall                  bool
	}{
		{"password form after a redirect", "/account", "", 200, true},
		{"login page opened on purpose", "/login", "", 200, false},
		{"final URL differs from the requested one", "/login?next=/x", "/private", 200, true},
		{"401", "/auth/401", "", 401, true},
		{"403 with a form", "/auth/403", "", 403, true},
		{"ordinary page", "/", "", 200, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := open(t, srv.URL+tc.path)
			o := snapshot.Options{}
			if tc.requested != "" {
				o.RequestedURL = srv.URL + tc.requested
			}
			s, err := snapshot.TakeWith(ctxT(t), p, o)
			require.NoError(t, err)
			assert.Equal(t, tc.status, s.Status)
			assert.Equal(t, tc.wall, s.LoginWall)
			assert.Equal(t, tc.wall, strings.Contains(s.String(), "login wall"))
		})
	}
}

func TestInputValuesNeverAppear(t *testing.T) {
	srv := serve(t, site{"/": page("Form", `<label>Name <input id="name" value="attr-default-value"></label>
		<label>Secret <input id="pw" type="password"></label>
		<textarea id="bio" aria-label="Bio"></textarea>
		<div contenteditable="true" id="ed" aria-label="Editor"></div>
		<select id="s" aria-label="Plan"><option>free</option><option>SELECTED-PLAN-VALUE</option></select>`)})
	p := open(t, srv.URL+"/")
	ctx := ctxT(t)
	for sel, v := range map[string]string{"#name": "typed-name-value", "#pw": "hunter2-password", "#bio": "typed-bio-value"} {
		el, err := p.Context(ctx).Element(sel)
		require.NoError(t, err)
		require.NoError(t, el.Input(v))
	}
	_, err := p.Eval(`() => { document.getElementById('ed').textContent = 'typed-editor-value';
		const s = document.getElementById('s'); s.selectedIndex = 1; }`)
	require.NoError(t, err)

	s, err := snapshot.Take(ctx, p)
	require.NoError(t, err)
	js, err := json.Marshal(s)
	require.NoError(t, err)
	for _, out := range []string{s.String(), string(js)} {
		for _, secret := range []string{"attr-default-value", "typed-name-value", "hunter2-password", "typed-bio-value", "typed-editor-value", "SELECTED-PLAN-VALUE"} {
			assert.NotContains(t, out, secret)
		}
	}
	require.Len(t, s.Elements, 5)
	assert.Equal(t, []string{"Name", "Secret", "Bio", "Editor", "Plan"},
		[]string{s.Elements[0].Name, s.Elements[1].Name, s.Elements[2].Name, s.Elements[3].Name, s.Elements[4].Name})
}

func TestFramesAndMaxElements(t *testing.T) {
	inner := serve(t, site{
		"/widget":                page("Widget", `<button id="w">Inside cross-origin</button><iframe src="/recaptcha/api2/anchor?k=x" width="304" height="78"></iframe>`),
		"/recaptcha/api2/anchor": page("reCAPTCHA", `<div id="recaptcha-anchor" role="checkbox">I'm not a robot</div>`),
	})
	// localhost vs 127.0.0.1: another site, so Chromium runs the frame out of process.
	crossURL := strings.Replace(inner.URL, "127.0.0.1", "localhost", 1) + "/widget"
	srv := serve(t, site{
		"/":      page("Frames", `<button id="top">Top</button><iframe id="same" src="/inner" width="300" height="100"></iframe><iframe id="cross" src="`+crossURL+`" width="400" height="200"></iframe>`),
		"/inner": page("Inner", `<button id="ok">Inside same-origin</button>`),
		"/many":  page("Many", strings.Repeat(`<button>b</button>`, 30)),
	})
	p := open(t, srv.URL+"/")
	s, err := snapshot.Take(ctxT(t), p)
	require.NoError(t, err)
	t.Log("\n" + s.String())
	require.Len(t, s.Elements, 2, "the cross-origin frame's elements are not listed")
	assert.Equal(t, snapshot.Element{Ref: "e1", Role: "button", Name: "Top", Selector: "#top", Visible: true, Enabled: true, Tag: "button", Type: "submit"}, s.Elements[0])
	assert.Equal(t, "#same", s.Elements[1].Frame)
	assert.Equal(t, "#ok", s.Elements[1].Selector)
	require.Len(t, s.Frames, 2)
	assert.True(t, s.Frames[0].SameOrigin)
	assert.False(t, s.Frames[1].SameOrigin)
	assert.Equal(t, crossURL, s.Frames[1].URL)
	assert.Nil(t, s.Challenge, "Take's single round trip cannot see inside the out-of-process frame")

	// DetectChallenge attaches to the out-of-process frame and finds the widget nested inside it.
	c, err := snapshot.DetectChallenge(ctxT(t), p, 200, nil)
	require.NoError(t, err)
	require.NotNil(t, c)
	assert.Equal(t, "recaptcha/checkbox", c.String())
	assert.Contains(t, c.FrameURL, "/recaptcha/api2/anchor")

	p2 := open(t, srv.URL+"/many")
	s, err = snapshot.TakeWith(ctxT(t), p2, snapshot.Options{MaxElements: 10})
	require.NoError(t, err)
	assert.Len(t, s.Elements, 10)
	assert.Equal(t, 20, s.Truncated)
	assert.Contains(t, s.String(), "… 20 more elements not listed")
}

func TestIncludeHidden(t *testing.T) {
	srv := serve(t, site{"/": page("Hidden", `<button id="a">Shown</button><button id="b" style="display:none">Gone</button><button id="c" disabled>Off</button>`)})
	p := open(t, srv.URL+"/")
	s, err := snapshot.Take(ctxT(t), p)
	require.NoError(t, err)
	require.Len(t, s.Elements, 2)
	assert.Equal(t, "e2 button \"Off\" #c disabled", s.Elements[1].String())

	s, err = snapshot.TakeWith(ctxT(t), p, snapshot.Options{IncludeHidden: true})
	require.NoError(t, err)
	require.Len(t, s.Elements, 3)
	assert.Equal(t, "e2 button \"Gone\" #b hidden", s.Elements[1].String())
	assert.False(t, s.Elements[1].Visible)
}
