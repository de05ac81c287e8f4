package actions_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
)

// Replicas of the-internet's remaining everyday exercises, run as a new user would: default
// options, the first selector that comes to mind.
func TestPracticeInternet(t *testing.T) {
	srv := servePages(t, map[string]string{
		"/javascript_alerts": `<button onclick="jsAlert()">Click for JS Alert</button><button onclick="jsConfirm()">Click for JS Confirm</button>
<button onclick="jsPrompt()">Click for JS Prompt</button><p id="result"></p><script>
function jsAlert() { alert('I am a JS Alert'); result.textContent = 'You successfully clicked an alert'; }
function jsConfirm() { result.textContent = 'You clicked: ' + (confirm('I am a JS Confirm') ? 'Ok' : 'Cancel'); }
function jsPrompt() { result.textContent = 'You entered: ' + prompt('I am a JS prompt'); }
</script>`,
		"/add_remove_elements/": `<button onclick="addElement()">Add Element</button><div id="elements"></div><script>
function addElement() { const b = document.createElement('button'); b.className = 'added-manually'; b.textContent = 'Delete'; b.onclick = () => b.remove(); elements.appendChild(b); }
</script>`,
		"/dropdown": `<select id="dropdown"><option value="" disabled selected>Please select an option</option><option value="1">Option 1</option><option value="2">Option 2</option></select>`,
		"/hovers": `<style>.figure{display:inline-block;margin:10px}.figcaption{display:none}.figure:hover .figcaption{display:block}</style>
<div class="figure"><img alt="User Avatar" width="100" height="100" src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><div class="figcaption"><h5>name: user1</h5><a href="/users/1">View profile</a></div></div>
<div class="figure"><img alt="User Avatar" width="100" height="100" src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><div class="figcaption"><h5>name: user2</h5><a href="/users/2">View profile</a></div></div>`,
		"/users/2":       `<h1>user2's profile</h1>`,
		"/nested_frames": `<iframe name="frame-top" src="/frame_top" width="600" height="200"></iframe><iframe name="frame-bottom" src="/frame_bottom"></iframe>`,
		"/frame_top":     `<iframe name="frame-left" src="/frame_left"></iframe><iframe name="frame-middle" src="/frame_middle"></iframe>`,
		"/frame_left":    `<body>LEFT</body>`,
		"/frame_middle":  `<div id="content">MIDDLE</div>`,
		"/frame_bottom":  `<body>BOTTOM</body>`,
		"/redirector":    `<a id="redirect" href="/redirect">here</a>`,
		"/status_codes":  `<h3>Status Codes</h3>`,
	})
	mux := http.NewServeMux()
	mux.Handle("/", srv.Config.Handler)
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/status_codes", http.StatusFound) })
	srv.Config.Handler = mux

	t.Run("javascript alerts, default answers", func(t *testing.T) {
		s, _ := newSession(t)
		ctx := ctxT(t)
		_, err := s.Navigate(ctx, srv.URL+"/javascript_alerts")
		require.NoError(t, err)
		_, _, ok := s.LastDialog()
		assert.False(t, ok)
		for i, c := range []struct{ btn, want, message string }{
			{"text=Click for JS Alert", "You successfully clicked an alert", "I am a JS Alert"},
			{"text=Click for JS Confirm", "You clicked: Ok", "I am a JS Confirm"},
			{"text=Click for JS Prompt", "You entered: ", "I am a JS prompt"},
		} {
			require.NoError(t, s.Click(ctx, c.btn))
			require.NoError(t, s.WaitForText(ctx, "#result", c.want))
			d, accepted, ok := s.LastDialog()
			require.True(t, ok)
			assert.Equal(t, c.message, d.Message)
			assert.True(t, accepted)
			assert.Equal(t, i+1, s.Dialogs())
		}
	})
	t.Run("javascript alerts, the user's answers", func(t *testing.T) {
		s, _ := newSession(t, actions.WithDialogs(func(d actions.Dialog) (bool, string) {
			return d.Type != "confirm", "hello"
		}))
		ctx := ctxT(t)
		_, err := s.Navigate(ctx, srv.URL+"/javascript_alerts")
		require.NoError(t, err)
		require.NoError(t, s.Click(ctx, "text=Click for JS Confirm"))
		require.NoError(t, s.WaitForText(ctx, "#result", "You clicked: Cancel"))
		d, accepted, _ := s.LastDialog()
		assert.Equal(t, "confirm", d.Type)
		assert.False(t, accepted)
		require.NoError(t, s.Click(ctx, "text=Click for JS Prompt"))
		require.NoError(t, s.WaitForText(ctx, "#result", "You entered: hello"))
	})
	t.Run("add remove elements", func(t *testing.T) {
		s, _ := newSession(t)
		ctx := ctxT(t)
		_, err := s.Navigate(ctx, srv.URL+"/add_remove_elements/")
		require.NoError(t, err)
		for i := 0; i < 3; i++ {
			require.NoError(t, s.Click(ctx, "text=Add Element"))
		}
		n, err := s.Count(ctx, ".added-manually")
		require.NoError(t, err)
		assert.Equal(t, 3, n)
		require.NoError(t, s.ClickNth(ctx, "text=Delete", -1))
		require.NoError(t, s.ClickWith(ctx, "text=Delete", actions.Nth(0)))
		n, err = s.Count(ctx, ".added-manually")
		require.NoError(t, err)
		assert.Equal(t, 1, n)
	})
	t.Run("dropdown", func(t *testing.T) {
		s, _ := newSession(t)
		ctx := ctxT(t)
		_, err := s.Navigate(ctx, srv.URL+"/dropdown")
		require.NoError(t, err)
		require.NoError(t, s.Select(ctx, "#dropdown", "Option 2"))
		v, err := s.Value(ctx, "#dropdown")
		require.NoError(t, err)
		assert.Equal(t, "2", v)
	})
	t.Run("hovers", func(t *testing.T) {
		s, _ := newSession(t)
		ctx := ctxT(t)
		_, err := s.Navigate(ctx, srv.URL+"/hovers")
		require.NoError(t, err)
		require.NoError(t, s.Hover(ctx, ".figure:nth-of-type(2) img"))
		got, err := s.Text(ctx, ".figure:nth-of-type(2) h5")
		require.NoError(t, err)
		assert.Equal(t, "name: user2", got)
		require.NoError(t, s.Click(ctx, ".figure:nth-of-type(2) >>> text=View profile"))
		got, err = s.Text(ctx, "h1")
		require.NoError(t, err)
		assert.Equal(t, "user2's profile", got)
	})
	t.Run("nested frames", func(t *testing.T) {
		s, _ := newSession(t)
		ctx := ctxT(t)
		_, err := s.Navigate(ctx, srv.URL+"/nested_frames")
		require.NoError(t, err)
		got, err := s.Text(ctx, `iframe[name=frame-top] >>> iframe[name=frame-middle] >>> #content`)
		require.NoError(t, err)
		assert.Equal(t, "MIDDLE", got)
		got, err = s.Text(ctx, `iframe[name=frame-bottom] >>> body`)
		require.NoError(t, err)
		assert.Equal(t, "BOTTOM", got)
	})
	t.Run("redirect link", func(t *testing.T) {
		s, _ := newSession(t)
		ctx := ctxT(t)
		_, err := s.Navigate(ctx, srv.URL+"/redirector")
		require.NoError(t, err)
		require.NoError(t, s.Click(ctx, "text=here"))
		nav := s.LastNavigation()
		assert.Equal(t, srv.URL+"/status_codes", nav.URL)
		assert.Equal(t, 200, nav.Status)
		res, err := s.Back(ctx)
		require.NoError(t, err)
		assert.Equal(t, srv.URL+"/redirector", res.URL)
	})
}
