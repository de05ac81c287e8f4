package actions_test

import (
	"context"
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

// The first selector a new user writes on a page they have not seen (DemoQA's Buttons, Browser
// Windows, Upload and Download): "text=Click Me" beside "Double Click Me" and "Right Click Me".
// An action that needs one element takes the one whose whole text it is; reads of every match
// are unchanged; when no single match is the whole text the refusal names the matches.
func TestAmbiguousTextTakesTheWholeMatch(t *testing.T) {
	srv := servePages(t, map[string]string{"/": `<h1>Buttons: click me</h1>
<button id="b1" onclick="r.textContent='double'">Double Click Me</button>
<button id="b2" onclick="r.textContent='right'">Right Click Me</button>
<button id="x9" onclick="r.textContent='dynamic'">Click Me</button>
<button id="n1" onclick="r.textContent='new window'">New Window</button>
<button id="n2" onclick="r.textContent='message'">New Window Message</button>
<label><input type="checkbox" id="cmd"><span>Commands</span></label><span class="out">commands</span>
<div><button class="close"><span aria-hidden="true">×</span><span style="position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0,0,0,0)">Close</span></button>
<button id="closeBtn">Close</button></div>
<p id="r"></p>`})
	s, _ := newSession(t)
	ctx := ctxT(t)
	_, err := s.Navigate(ctx, srv.URL+"/")
	require.NoError(t, err)

	for _, c := range []struct{ sel, want string }{
		{"text=Click Me", "dynamic"},
		{"text=click me", "dynamic"}, // case-insensitive as text= is; the heading's text is longer
		{`role=button[name="Click Me"]`, "dynamic"},
		{"text=New Window", "new window"},
	} {
		require.NoError(t, s.Click(ctx, c.sel), c.sel)
		require.NoError(t, s.WaitForText(ctx, "#r", c.want), c.sel)
	}
	// Two whole matches, one in the case written: that one.
	require.NoError(t, s.Check(ctx, "text=Commands"))
	v, err := s.Value(ctx, "#cmd")
	require.NoError(t, err)
	assert.Equal(t, "true", v)

	n, err := s.Count(ctx, "text=Click Me")
	require.NoError(t, err)
	assert.Equal(t, 4, n, "the selector still matches every element containing the text")
	require.NoError(t, s.ClickNth(ctx, "text=Click Me", 1))
	require.NoError(t, s.WaitForText(ctx, "#r", "double"))

	// Substrings only: nothing to prefer, the refusal says what matched.
	err = s.Click(once(ctx), "text=Window")
	var na *actions.NotActionableError
	require.True(t, errors.As(err, &na), "%v", err)
	assert.Equal(t, actions.ReasonMultiple, na.Reason)
	assert.Contains(t, err.Error(), `matches 2 elements (button#n1 "New Window", button#n2 "New Window Message"), click needs exactly one`)
	// Two whole matches in the same case: still refused.
	err = s.Click(once(ctx), `role=button[name="Close"]`)
	require.True(t, errors.As(err, &na), "%v", err)
	assert.Equal(t, actions.ReasonMultiple, na.Reason)
	assert.Contains(t, err.Error(), `button.close "× Close", button#closeBtn "Close"`)
}

// react-select's input is 2px wide under its own placeholder; a floating label lies over a
// field the same way. Fill types into it (the keys go to the focused field, as a person's do);
// a panel with a button of its own over a field is still refused.
func TestFillTypesUnderTheFieldsOwnPlaceholder(t *testing.T) {
	srv := servePages(t, map[string]string{"/": `
<div id="state" style="width:300px"><div class="control" style="display:flex;min-height:38px;border:1px solid #ccc">
  <div class="value" style="position:relative;flex:1;display:flex;align-items:center;padding:2px 8px">
    <div class="placeholder" style="position:absolute;top:50%;transform:translateY(-50%)">Select State</div>
    <div style="margin:2px;padding:2px 0"><input id="react-select-3-input" type="text" tabindex="0" style="box-sizing:content-box;width:2px;border:0;padding:0;outline:0"></div>
  </div></div></div>
<div style="position:relative;width:300px;margin-top:20px">
  <input id="covered" type="text" style="width:300px;height:30px">
  <div id="banner" style="position:absolute;inset:0;background:#fc0">Accept cookies <button>OK</button></div>
</div>
<p id="typed"></p>
<script>
const i = document.getElementById('react-select-3-input');
i.addEventListener('input', () => { typed.textContent = i.value; document.querySelector('.placeholder').style.display = i.value ? 'none' : ''; i.style.width = (i.value.length * 9 + 2) + 'px'; });
</script>`})
	s, _ := newSession(t)
	ctx := ctxT(t)
	_, err := s.Navigate(ctx, srv.URL+"/")
	require.NoError(t, err)

	require.NoError(t, s.Fill(ctx, "#react-select-3-input", "NCR"))
	got, err := s.Text(ctx, "#typed")
	require.NoError(t, err)
	assert.Equal(t, "NCR", got)

	s10, _ := newSession(t, actions.WithTimeout(10*time.Second))
	_, err = s10.Navigate(ctx, srv.URL+"/")
	require.NoError(t, err)
	err = s10.Fill(once(ctx), "#covered", "x")
	var na *actions.NotActionableError
	require.True(t, errors.As(err, &na), "%v", err)
	assert.Equal(t, actions.ReasonCovered, na.Reason, "%v", err)
	assert.Contains(t, err.Error(), "div#banner")
}

// once gives a call one attempt.
func once(ctx context.Context) context.Context {
	return actions.WithCallOptions(ctx, retry.MaxAttempts(1))
}

// The id a new user sees in the inspector is often the widget's, not its input's: Fill on a
// <label> types into its control, on an element holding one text field into that field
// (react-select's container, a wrapper div). One holding several is refused at once naming
// them; one holding none is waited for (an editor builds its field late), then refused saying so.
func TestFillFindsTheFieldOfALabelOrContainer(t *testing.T) {
	srv := servePages(t, map[string]string{"/": `
<div id="state" class="select-container"><div class="control"><div class="placeholder">Select State</div>
  <div><input id="react-select-3-input" type="text" tabindex="0"></div></div><div class="indicator" aria-hidden="true">▾</div></div>
<label for="email">Email</label><input id="email" type="email">
<div id="name-wrapper"><input id="first" placeholder="First Name"><input id="last" placeholder="Last Name"></div>
<div id="empty">nothing to type into</div>
<div id="editor"></div>
<script>setTimeout(() => { const d = document.createElement('div'); d.contentEditable = 'true'; d.className = 'ql-editor'; editor.append(d); }, 300);</script>`})
	// Attempts of 20 s: a refusal "at once" is told from a wait for the attempt's end with room
	// to spare on a loaded machine.
	s, _ := newSession(t, actions.WithTimeout(20*time.Second))
	ctx := ctxT(t)
	_, err := s.Navigate(ctx, srv.URL+"/")
	require.NoError(t, err)

	for _, c := range []struct{ sel, field, value string }{
		{"#state", "#react-select-3-input", "NCR"},
		{"label[for=email]", "#email", "ada@example.com"},
		{"text=Email", "#email", "grace@example.com"},
		{"#editor", ".ql-editor", "Hello"},
	} {
		require.NoError(t, s.Fill(ctx, c.sel, c.value), c.sel)
		v, err := s.Value(ctx, c.field)
		require.NoError(t, err)
		assert.Equal(t, c.value, v, c.sel)
	}

	start := time.Now()
	err = s.Fill(ctx, "#name-wrapper", "Ada")
	var na *actions.NotActionableError
	require.True(t, errors.As(err, &na), "%v", err)
	assert.Equal(t, actions.ReasonUnusable, na.Reason)
	assert.Contains(t, err.Error(), "div#name-wrapper holds 2 fields (input#first, input#last): name one")
	assert.Less(t, time.Since(start), 10*time.Second, "refused at once, not at the attempt's end")

	err = s.Fill(ctx, "#empty", "x")
	require.True(t, errors.As(err, &na), "%v", err)
	assert.Contains(t, err.Error(), "div#empty is not a field (input, textarea, contenteditable) and holds none")
	var ae *actions.ActionError
	require.True(t, errors.As(err, &ae))
	assert.Equal(t, 1, ae.Attempts(), "not retried: waiting longer cannot make a div a field")
}

// Bootstrap's custom checkbox and radio: the input is transparent under its label's drawn box.
// Click on the input reaches it through the label, as a person's click on the box does.
func TestClickReachesAnInputThroughItsLabel(t *testing.T) {
	srv := servePages(t, map[string]string{"/": `<style>
.custom-control { position: relative; display: inline-flex; padding-left: 1.5rem; margin: 1rem }
.custom-control-input { position: absolute; left: 0; z-index: -1; width: 1rem; height: 1.25rem; opacity: 0 }
.custom-control-label { position: relative; cursor: pointer }
.custom-control-label::before { position: absolute; top: .25rem; left: -1.5rem; width: 1rem; height: 1rem; content: ""; border: 1px solid #777 }
</style>
<div class="custom-control"><input type="checkbox" id="hobbies-checkbox-1" class="custom-control-input"><label for="hobbies-checkbox-1" class="custom-control-label">Sports</label></div>
<div class="custom-control"><input type="radio" name="g" id="gender-radio-1" class="custom-control-input"><label for="gender-radio-1" class="custom-control-label">Male</label></div>
<div style="position:relative;margin:1rem"><input type="checkbox" id="under"><div id="cover" style="position:absolute;inset:-5px;background:#fc0">a cover</div></div>`})
	s, _ := newSession(t)
	ctx := ctxT(t)
	_, err := s.Navigate(ctx, srv.URL+"/")
	require.NoError(t, err)
	for _, sel := range []string{"#hobbies-checkbox-1", "#gender-radio-1"} {
		require.NoError(t, s.Click(ctx, sel))
		v, err := s.Value(ctx, sel)
		require.NoError(t, err)
		assert.Equal(t, "true", v, sel)
	}
	require.NoError(t, s.Click(ctx, "#hobbies-checkbox-1"))
	v, err := s.Value(ctx, "#hobbies-checkbox-1")
	require.NoError(t, err)
	assert.Equal(t, "false", v, "one click per call: unticked again")

	// A 10s attempt: under load a 3s one can end before the cover has stood for WithCoverTimeout.
	s10, _ := newSession(t, actions.WithTimeout(10*time.Second))
	_, err = s10.Navigate(ctx, srv.URL+"/")
	require.NoError(t, err)
	err = s10.Click(once(ctx), "#under")
	var na *actions.NotActionableError
	require.True(t, errors.As(err, &na), "%v", err)
	assert.Contains(t, err.Error(), "div#cover", "a cover that is not its label is still refused")
}

// Select on a custom dropdown (react-select's container) is refused at once, saying how a
// person uses one.
func TestSelectOnACustomDropdownSaysHow(t *testing.T) {
	srv := servePages(t, map[string]string{"/": `
<div id="state"><div class="placeholder">Select State</div><input id="react-select-3-input" type="text"></div>
<div id="menu" role="listbox"><div role="option">NCR</div><div role="option">Haryana</div></div>`})
	s, _ := newSession(t)
	ctx := ctxT(t)
	_, err := s.Navigate(ctx, srv.URL+"/")
	require.NoError(t, err)
	err = s.Select(ctx, "#state", "NCR")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not a <select> element: div#state (a custom dropdown: Fill it — its input input#react-select-3-input — with the option's text, then Press Enter; or Click it, then Click the option)")
	err = s.Select(ctx, "#menu", "NCR")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not a <select> element: div#menu (a custom dropdown: Click it, then Click the option)")
}

// A <select> whose change posts the form back (quotes.toscrape's search.aspx, ASP.NET's
// AutoPostBack): Select returns on the new page, as Click does, so what is read of the page
// without an action (URL, LastNavigation, Snapshot, an agent's next look) is the new page's.
func TestSelectWaitsForThePostBack(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		author := r.PostFormValue("author")
		select { // a server that takes its time: the old page stays meanwhile
		case <-time.After(200 * time.Millisecond):
		case <-r.Context().Done():
		}
		opts := ""
		if author != "" {
			opts = `<option>change</option><option>deep-thoughts</option>`
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><form method="post" action="/filter" id="f"><select name="author" id="author" onchange="f.submit()">
<option value="">----------</option><option%s>Albert Einstein</option></select>
<select name="tag" id="tag"><option>----------</option>%s</select></form><p id="who">%s</p>`,
			map[bool]string{true: " selected", false: ""}[author != ""], opts, author)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	s, _ := newSession(t)
	ctx := ctxT(t)
	_, err := s.Navigate(ctx, srv.URL+"/search")
	require.NoError(t, err)
	require.NoError(t, s.Select(ctx, "#author", "Albert Einstein"))
	assert.Equal(t, srv.URL+"/filter", s.URL(), "the post-back had landed when Select returned")
	assert.Equal(t, navResult(srv.URL+"/filter", 200), s.LastNavigation())
	n, err := s.Count(ctx, "#tag option")
	require.NoError(t, err)
	assert.Equal(t, 3, n, "read on the page the post-back brought")
	who, err := s.Text(ctx, "#who")
	require.NoError(t, err)
	assert.Equal(t, "Albert Einstein", who)
}

// navResult is the NavResult of url with status.
func navResult(url string, status int) actions.NavResult {
	return actions.NavResult{URL: url, Status: status}
}

// DemoQA's practice form ends with its Submit button under the fixed footer and advertisement:
// the page cannot scroll it out from under them. A person tabs to it and presses Enter; Click
// does the same for what Enter activates (a button, a link, a submit input). A covered element
// Enter does not activate, and a dialog over the middle of the page, are still refused.
func TestClickPressesEnterOnAButtonUnderAFixedBand(t *testing.T) {
	srv := servePages(t, map[string]string{"/": `<style>body{margin:0}</style>
<p id="r">none</p><div style="height:1500px"></div>
<button id="submit" style="height:30px;display:block">Submit</button>
<div id="plain" onclick="r.textContent='div'" style="height:30px">a div</div>
<footer style="position:fixed;left:0;right:0;bottom:0;height:80px;background:#eee;z-index:5">© footer</footer>
<script>let n = 0; submit.addEventListener('click', () => { r.textContent = 'submitted ' + (++n); });</script>`,
		"/modal": `<button id="b" onclick="r.textContent='clicked'">Go</button><p id="r">none</p>
<div id="dialog" style="position:fixed;top:0;bottom:0;left:0;right:0;background:rgba(0,0,0,.4)">a dialog</div>`})
	s, _ := newSession(t, actions.WithTimeout(10*time.Second))
	ctx := ctxT(t)
	_, err := s.Navigate(ctx, srv.URL+"/")
	require.NoError(t, err)
	require.NoError(t, s.Click(ctx, "#submit"))
	got, err := s.Text(ctx, "#r")
	require.NoError(t, err)
	assert.Equal(t, "submitted 1", got, "pressed once")

	err = s.Click(once(ctx), "#plain")
	var na *actions.NotActionableError
	require.True(t, errors.As(err, &na), "%v", err)
	assert.Equal(t, actions.ReasonCovered, na.Reason)
	assert.Contains(t, err.Error(), "footer")

	_, err = s.Navigate(ctx, srv.URL+"/modal")
	require.NoError(t, err)
	err = s.Click(once(ctx), "#b")
	require.True(t, errors.As(err, &na), "%v", err)
	assert.Equal(t, actions.ReasonCovered, na.Reason)
	assert.Contains(t, err.Error(), "div#dialog")
}

// Bootstrap's × close button says "Close" to screen readers only (a 1px clipped span). Click
// "text=Close" presses the button the text is in; beside a visible Close button, the visible
// one is meant.
func TestClickTextInsideAButtonForScreenReaders(t *testing.T) {
	sr := `<span style="position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0">Close</span>`
	srv := servePages(t, map[string]string{
		"/x":    `<button class="close" onclick="r.textContent='x'" style="font-size:24px"><span aria-hidden="true">×</span>` + sr + `</button><p id="r"></p>`,
		"/both": `<button class="close" onclick="r.textContent='x'"><span aria-hidden="true">×</span>` + sr + `</button><button id="footer" onclick="r.textContent='footer'">Close</button><p id="r"></p>`,
	})
	s, _ := newSession(t)
	ctx := ctxT(t)
	for page, want := range map[string]string{"/x": "x", "/both": "footer"} {
		_, err := s.Navigate(ctx, srv.URL+page)
		require.NoError(t, err)
		require.NoError(t, s.Click(ctx, "text=Close"), page)
		got, err := s.Text(ctx, "#r")
		require.NoError(t, err)
		assert.Equal(t, want, got, page)
	}
}
