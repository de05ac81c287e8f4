package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/retry"
)

// Replicas of the-internet's exercises (our own markup, the same traps).

// Example 1: the element is there but hidden until a spinner ends. Example 2: it is rendered then.
func TestPractice_DynamicLoading(t *testing.T) {
	t.Parallel()
	start := `<button id="start">Start</button><div id="loading" style="display:none">Loading...</div>`
	site := newPractice(t, map[string]any{
		"/1": start + `<div id="finish" style="display:none"><h4>Hello World!</h4></div>
<script>start.onclick = () => { loading.style.display = ''; setTimeout(() => { loading.style.display = 'none'; finish.style.display = ''; }, 500); };</script>`,
		"/2": start + `<script>start.onclick = () => { loading.style.display = ''; setTimeout(() => { loading.remove();
  document.body.insertAdjacentHTML('beforeend', '<div id="finish"><h4>Hello World!</h4></div>'); }, 500); };</script>`,
	})
	for _, path := range []string{"/1", "/2"} {
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, fixtureConfig{})
			_, err := f.s.Navigate(f.ctx, site.url(path))
			require.NoError(t, err)
			require.NoError(t, f.s.Click(f.ctx, "text=Start"))
			require.NoError(t, f.s.WaitFor(f.ctx, "#finish h4"))
			got, err := f.s.Text(f.ctx, "#finish")
			require.NoError(t, err)
			assert.Equal(t, "Hello World!", got)
			assert.Empty(t, f.rec.of("retry"))
		})
	}
}

// A checkbox removed and added back asynchronously; an input enabled asynchronously.
func TestPractice_DynamicControls(t *testing.T) {
	t.Parallel()
	site := newPractice(t, map[string]any{"/": `
<form id="checkbox-example"><div id="checkbox"><input type="checkbox"> A checkbox</div><button type="button" id="swap">Remove</button><p id="message"></p></form>
<form id="input-example"><input type="text" id="text" disabled><button type="button" id="toggle">Enable</button><p id="message2"></p></form>
<script>
swap.onclick = () => setTimeout(() => {
  const box = document.getElementById('checkbox');
  if (box) { box.remove(); swap.textContent = 'Add'; message.textContent = "It's gone!"; }
  else { swap.insertAdjacentHTML('beforebegin', '<div id="checkbox"><input type="checkbox"> A checkbox</div>'); swap.textContent = 'Remove'; message.textContent = "It's back!"; }
}, 400);
toggle.onclick = () => setTimeout(() => { text.disabled = !text.disabled; toggle.textContent = text.disabled ? 'Enable' : 'Disable'; message2.textContent = text.disabled ? "It's disabled!" : "It's enabled!"; }, 400);
text.addEventListener('input', () => { message2.textContent = 'typed ' + text.value; });
</script>`})
	f := newFixture(t, fixtureConfig{})
	_, err := f.s.Navigate(f.ctx, site.url("/"))
	require.NoError(t, err)

	require.NoError(t, f.s.Click(f.ctx, `role=button[name="Remove"]`))
	require.NoError(t, f.s.WaitFor(f.ctx, `text="It's gone!"`))
	snap, err := f.s.Snapshot(f.ctx)
	require.NoError(t, err)
	for _, e := range snap.Elements {
		assert.NotEqual(t, "checkbox", e.Role, "the checkbox is gone: %+v", e)
	}
	require.NoError(t, f.s.Click(f.ctx, `role=button[name="Add"]`))
	require.NoError(t, f.s.Click(f.ctx, `role=checkbox`), "the new checkbox is found and clicked")
	require.NoError(t, f.s.WaitFor(f.ctx, `role=checkbox[checked]`))

	require.NoError(t, f.s.Click(f.ctx, "#toggle"))
	require.NoError(t, f.s.Fill(f.ctx, "#input-example input[type=text]", "now enabled"))
	got, err := f.s.Text(f.ctx, "#message2")
	require.NoError(t, err)
	assert.Equal(t, "typed now enabled", got)
}

// A modal shown on the first visit only covers the page: the click is refused naming it; once it
// is closed, or on the next visit, the click lands.
func TestPractice_EntryAd(t *testing.T) {
	t.Parallel()
	site := newPractice(t, map[string]any{"/": `<h3>Entry Ad</h3><button id="restart-ad">click here</button><div id="result"></div>
<div id="modal" style="display:none;position:fixed;inset:0;background:rgba(0,0,0,.4)">
  <div class="modal-content" style="background:#fff;margin:100px auto;width:300px;padding:20px">It's commonly used to encourage a user to take an action.
  <p class="modal-footer"><span class="close" onclick="modal.style.display='none'">Close</span></p></div>
</div>
<script>
if (!localStorage.getItem('adSeen')) { localStorage.setItem('adSeen', '1'); setTimeout(() => { modal.style.display = 'block'; }, 100); }
document.getElementById('restart-ad').onclick = () => { result.textContent = 'clicked'; };
</script>`})
	f := newFixture(t, fixtureConfig{sessionOpts: []actions.Option{actions.WithCoverTimeout(300 * time.Millisecond)}})
	_, err := f.s.Navigate(f.ctx, site.url("/"))
	require.NoError(t, err)
	require.NoError(t, f.s.WaitFor(f.ctx, "#modal"))
	err = f.s.Click(f.ctx, "#restart-ad")
	assert.Equal(t, actions.ReasonCovered, reasonOf(err), "%v", err)
	assert.Contains(t, fmt.Sprint(err), "div#modal")
	require.NoError(t, f.s.Click(f.ctx, "text=Close"))
	require.NoError(t, f.s.Click(f.ctx, "#restart-ad"))

	_, err = f.s.Navigate(f.ctx, site.url("/"))
	require.NoError(t, err)
	require.NoError(t, f.s.Click(f.ctx, "#restart-ad"), "no ad on the second visit")
	got, err := f.s.Text(f.ctx, "#result")
	require.NoError(t, err)
	assert.Equal(t, "clicked", got)
}

// A fixed menu floats over the content: a target that scrolled under it is scrolled out from
// under it and clicked; the menu's own links work at any scroll position.
func TestPractice_FloatingMenu(t *testing.T) {
	t.Parallel()
	site := newPractice(t, map[string]any{"/": `<style>body{margin:0}</style>
<div id="menu" style="position:fixed;top:0;left:0;right:0;height:80px;background:#333;z-index:10">
  <a href="#home" style="color:#fff">Home</a> <a href="#news" style="color:#fff">News</a></div>
<div style="height:1200px"></div>
<button id="target" style="height:40px;width:200px" onclick="result.textContent='clicked ' + (++n)">Under the menu</button>
<div style="height:1600px"></div><div id="result" style="position:fixed;bottom:0">none</div>
<script>let n = 0; addEventListener('load', () => scrollTo(0, target.offsetTop - 20));</script>`})
	f := newFixture(t, fixtureConfig{})
	_, err := f.s.Navigate(f.ctx, site.url("/"))
	require.NoError(t, err)
	require.NoError(t, f.s.Click(f.ctx, "#target"))
	got, err := f.s.Text(f.ctx, "#result")
	require.NoError(t, err)
	assert.Equal(t, "clicked 1", got)
	require.NoError(t, f.s.Click(f.ctx, "text=News"))
	assert.True(t, strings.HasSuffix(f.s.URL(), "#news"), f.s.URL())
}

// Paragraphs keep coming as the page is scrolled down: Extract reads what is there without
// waiting for an end, and more come once the bottom is scrolled into view.
func TestPractice_InfiniteScroll(t *testing.T) {
	t.Parallel()
	site := newPractice(t, map[string]any{"/": `<div class="jscroll"></div>
<div id="footer">Loading more…</div>
<script>
let n = 0;
const more = () => { for (let i = 0; i < 5; i++) { n++; document.querySelector('.jscroll').insertAdjacentHTML('beforeend', '<p class="jscroll-added" style="height:300px">Paragraph ' + n + '</p>'); } };
more();
addEventListener('scroll', () => { if (innerHeight + scrollY >= document.body.scrollHeight - 50) more(); });
</script>`})
	f := newFixture(t, fixtureConfig{})
	_, err := f.s.Navigate(f.ctx, site.url("/"))
	require.NoError(t, err)
	recs, err := f.s.Extract(f.ctx, ".jscroll-added", map[string]string{"text": "."})
	require.NoError(t, err)
	require.Len(t, recs, 5)
	// Bring the footer into view, as a reader scrolling down does (scrolling is instant: no
	// smooth-scroll animation to wait for in a background tab).
	require.NoError(t, f.s.Hover(f.ctx, "#footer"))
	require.NoError(t, f.s.WaitFor(f.ctx, "text=Paragraph 10"))
	recs, err = f.s.Extract(f.ctx, ".jscroll-added", map[string]string{"text": "."})
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(recs), 10)
	assert.Equal(t, "Paragraph 10", recs[9]["text"])
}

// 200, 301 (to 200), 404 and 500 pages: Navigate's results and error types.
func TestPractice_StatusCodes(t *testing.T) {
	t.Parallel()
	var hits500 atomic.Int64
	site := newPractice(t, map[string]any{
		"/status_codes/200": `<p>This page returned a 200 status code.</p>`,
		"/status_codes/301": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/status_codes/200", http.StatusMovedPermanently)
		},
		"/status_codes/404": func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(404)
			fmt.Fprint(w, doc(`<p>This page returned a 404 status code.</p>`))
		},
		"/status_codes/500": func(w http.ResponseWriter, r *http.Request) {
			hits500.Add(1)
			w.WriteHeader(500)
			fmt.Fprint(w, doc(`<p>500</p>`))
		},
	})
	f := newFixture(t, fixtureConfig{managerOpts: []retry.Option{retry.WithCircuitBreaker(false)}})
	res, err := f.s.Navigate(f.ctx, site.url("/status_codes/200"))
	require.NoError(t, err)
	assert.Equal(t, 200, res.Status)

	res, err = f.s.Navigate(f.ctx, site.url("/status_codes/301"))
	require.NoError(t, err)
	assert.Equal(t, actions.NavResult{URL: site.url("/status_codes/200"), Status: 200}, res)

	res, err = f.s.Navigate(f.ctx, site.url("/status_codes/404"))
	assert.Equal(t, retry.NotFound, typeOf(t, err))
	assert.Equal(t, 404, res.Status)
	var ae *actions.ActionError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 1, ae.Attempts(), "404 is not retried")

	res, err = f.s.Navigate(f.ctx, site.url("/status_codes/500"))
	assert.Equal(t, retry.ServerError, typeOf(t, err))
	assert.Equal(t, 500, res.Status)
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, int64(ae.Attempts()), hits500.Load(), "one request per attempt")
	assert.Greater(t, ae.Attempts(), 1, "5xx is retried")
}

// Each load flashes a different message: reload until the wanted one shows.
func TestPractice_NotificationMessage(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	msgs := []string{"Action unsuccesful, please try again", "Action unsuccesful, please try again", "Action successful"}
	site := newPractice(t, map[string]any{"/notification_message": func(w http.ResponseWriter, r *http.Request) {
		html(fmt.Sprintf(`<div id="flash" class="flash notice">%s<a href="#" class="close">×</a></div><a href="/notification_message">Click here</a>`,
			msgs[int(n.Add(1)-1)%len(msgs)]))(w, r)
	}})
	f := newFixture(t, fixtureConfig{})
	_, err := f.s.Navigate(f.ctx, site.url("/notification_message"))
	require.NoError(t, err)
	var got string
	for i := 0; i < 5; i++ {
		got, err = f.s.Text(f.ctx, "#flash")
		require.NoError(t, err)
		if strings.HasPrefix(got, "Action successful") {
			break
		}
		require.NoError(t, f.s.Click(f.ctx, "text=Click here"))
	}
	assert.Equal(t, "Action successful×", got)
	assert.Equal(t, int64(3), n.Load(), "each click loaded the page once")
}

// A rich-text editor and a button inside a same-origin iframe are reached with "iframe >>> …";
// without it the error says nothing matches; a cross-origin frame is refused at once, clearly.
func TestPractice_IFrames(t *testing.T) {
	t.Parallel()
	other := newPractice(t, map[string]any{"/inner": `<button id="inner">Inside another origin</button>`})
	otherURL := strings.Replace(other.url("/inner"), "127.0.0.1", "localhost", 1)
	site := newPractice(t, map[string]any{
		"/iframe": `<h3>An iFrame containing the TinyMCE WYSIWYG Editor</h3>
<iframe id="mce_0_ifr" src="/editor" style="width:400px;height:200px;border:3px solid #ccc;padding:7px;margin:30px"></iframe>
<iframe id="foreign" src="` + otherURL + `" style="width:300px;height:100px"></iframe><div id="result"></div>`,
		"/editor": `<html><head><title>editor</title></head><body id="tinymce" contenteditable="true"><p>Your content goes here.</p>
<button id="bold" contenteditable="false" onclick="parent.document.getElementById('result').textContent = 'bold ' + event.isTrusted">B</button></body></html>`,
	})
	f := newFixture(t, fixtureConfig{timeout: 2 * time.Second})
	_, err := f.s.Navigate(f.ctx, site.url("/iframe"))
	require.NoError(t, err)

	got, err := f.s.Text(f.ctx, "#mce_0_ifr >>> #tinymce")
	require.NoError(t, err)
	assert.Contains(t, got, "Your content goes here.")
	require.NoError(t, f.s.Click(f.ctx, "#mce_0_ifr >>> #bold"))
	got, err = f.s.Text(f.ctx, "#result")
	require.NoError(t, err)
	assert.Equal(t, "bold true", got, "a real click inside the frame, at the right place")
	require.NoError(t, f.s.Fill(f.ctx, "#mce_0_ifr >>> #tinymce p", "Hello from smartretry"))
	got, err = f.s.Text(f.ctx, "#mce_0_ifr >>> #tinymce p")
	require.NoError(t, err)
	assert.Equal(t, "Hello from smartretry", got)

	err = f.s.Click(once(f.ctx), "#bold")
	// Not found either way: the page's own verdict (ReasonNotFound), or, on a loaded machine, the
	// attempt's deadline before that verdict came back.
	assert.Equal(t, retry.SelectorNotFound, typeOf(t, err), "the top document has no #bold: %v", err)

	err = f.s.Click(f.ctx, "#foreign >>> #inner")
	assert.Equal(t, retry.InvalidInput, typeOf(t, err))
	assert.Contains(t, fmt.Sprint(err), "cross-origin")
	var ae *actions.ActionError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 1, ae.Attempts())
}

// Key presses reach the focused input as real key events.
func TestPractice_KeyPresses(t *testing.T) {
	t.Parallel()
	site := newPractice(t, map[string]any{"/": `<input id="target" type="text"><p id="result"></p>
<script>target.addEventListener('keydown', (e) => { result.textContent = 'You entered: ' + e.key.toUpperCase() + (e.isTrusted ? '' : ' (untrusted)'); });</script>`})
	f := newFixture(t, fixtureConfig{})
	_, err := f.s.Navigate(f.ctx, site.url("/"))
	require.NoError(t, err)
	for key, want := range map[string]string{"Escape": "ESCAPE", "a": "A", "Shift+A": "A", "ArrowDown": "ARROWDOWN", "Tab": "TAB"} {
		require.NoError(t, f.s.Press(f.ctx, "#target", key))
		got, err := f.s.Text(f.ctx, "#result")
		require.NoError(t, err)
		assert.Equal(t, "You entered: "+want, got, key)
	}
}

// A script error on load, broken images, a request that takes far longer than the deadline:
// none of them is the navigation's failure.
func TestPractice_PageFaultsAreNotNavigationFailures(t *testing.T) {
	t.Parallel()
	var site *practice
	site = newPractice(t, map[string]any{
		"/javascript_error": `<body onload="loadError()"><p>This page has a JavaScript error in the onload event.</p></body>`,
		"/broken_images":    `<img src="/asdf.jpg"><img src="/hjkl.jpg"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="ok">`,
		"/slow":             `<p>slow resources</p><script>fetch('/slow_external').then(r => r.text()).then(t => { document.body.insertAdjacentHTML('beforeend', '<p id=late>' + t + '</p>'); });</script>`,
		"/slow_external": func(w http.ResponseWriter, r *http.Request) {
			site.wait(r, 30*time.Second)
			fmt.Fprint(w, "late")
		},
	})
	f := newFixture(t, fixtureConfig{timeout: 3 * time.Second})
	for _, path := range []string{"/javascript_error", "/broken_images", "/slow"} {
		res, err := f.s.Navigate(f.ctx, site.url(path))
		require.NoError(t, err, path)
		assert.Equal(t, 200, res.Status, path)
	}
	recs, err := f.s.Extract(f.ctx, "p", map[string]string{"t": "."})
	require.NoError(t, err)
	assert.Equal(t, []map[string]string{{"t": "slow resources"}}, recs)
	_, err = f.s.Navigate(f.ctx, site.url("/broken_images"))
	require.NoError(t, err)
	imgs, err := f.s.Extract(f.ctx, "img", map[string]string{"src": "@src", "alt": "@alt"})
	require.NoError(t, err)
	assert.Len(t, imgs, 3)
	assert.Empty(t, f.rec.of("retry"))
}

// The text changes between loads ("won't" / "won,t"): a regular expression matches both.
func TestPractice_Typos(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	site := newPractice(t, map[string]any{"/typos": func(w http.ResponseWriter, r *http.Request) {
		word := "won't"
		if n.Add(1)%2 == 0 {
			word = "won,t"
		}
		html(`<p>Sometimes you'll see a typo, other times you `+word+`.</p>`)(w, r)
	}})
	f := newFixture(t, fixtureConfig{})
	for i := 0; i < 2; i++ {
		_, err := f.s.Navigate(f.ctx, site.url("/typos"))
		require.NoError(t, err)
		got, err := f.s.Text(f.ctx, `text=/other times you won.t\./`)
		require.NoError(t, err)
		assert.Contains(t, got, "other times you won")
	}
}

// A large, deep DOM: every engine finds its one element in it, and Extract reads it all.
func TestPractice_LargeDOM(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString(`<div id="siblings">`)
	for i := 1; i <= 50; i++ {
		fmt.Fprintf(&b, `<div id="sibling-%d.1">`, i)
		for j := 1; j <= 3; j++ {
			fmt.Fprintf(&b, `<div id="sibling-%d.%d-%d">%d.%d</div>`, i, j, j, i, j)
		}
		b.WriteString(`</div>`)
	}
	b.WriteString(`</div>` + strings.Repeat("<div>", 60) + `<button id="deep" onclick="result.textContent='deep clicked'">Deep button</button>` + strings.Repeat("</div>", 60))
	b.WriteString(`<table id="large-table"><thead><tr>`)
	for c := 1; c <= 50; c++ {
		fmt.Fprintf(&b, `<th>Heading %d</th>`, c)
	}
	b.WriteString(`</tr></thead><tbody>`)
	for r := 1; r <= 50; r++ {
		fmt.Fprintf(&b, `<tr class="row-%d">`, r)
		for c := 1; c <= 50; c++ {
			fmt.Fprintf(&b, `<td class="column-%d">%d.%d</td>`, c, r, c)
		}
		b.WriteString(`</tr>`)
	}
	b.WriteString(`</tbody></table><div id="result"></div>`)
	site := newPractice(t, map[string]any{"/large": b.String()})
	f := newFixture(t, fixtureConfig{})
	_, err := f.s.Navigate(f.ctx, site.url("/large"))
	require.NoError(t, err)
	for _, sel := range []string{"#deep", "text=Deep button", `role=button[name="Deep button"]`, "//button[@id='deep']"} {
		require.NoError(t, f.s.Click(f.ctx, sel), sel)
	}
	got, err := f.s.Text(f.ctx, `text="50.50"`)
	require.NoError(t, err)
	assert.Equal(t, "50.50", got)
	got, err = f.s.Text(f.ctx, `role=cell[name="37.42" s]`)
	require.NoError(t, err)
	assert.Equal(t, "37.42", got)
	rows, err := f.s.Extract(f.ctx, "#large-table tbody tr", map[string]string{"c50": ".column-50", "class": "@class"})
	require.NoError(t, err)
	require.Len(t, rows, 50)
	assert.Equal(t, map[string]string{"c50": "50.50", "class": "row-50"}, rows[49])
}

// Content shifts after load (a banner pushes it down; an image lands late): the click still lands
// on the target, once.
func TestPractice_ShiftingContent(t *testing.T) {
	t.Parallel()
	var site *practice
	site = newPractice(t, map[string]any{
		"/img.svg": func(w http.ResponseWriter, r *http.Request) {
			site.wait(r, 300*time.Millisecond)
			w.Header().Set("Content-Type", "image/svg+xml")
			fmt.Fprint(w, `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="150"><rect width="200" height="150" fill="#09c"/></svg>`)
		},
		"/": `<ul id="menu"><li><a href="#home">Home</a></li><li><a href="#about">About</a></li><li><a id="gallery" href="#gallery" onclick="result.textContent='gallery ' + (++n)">Gallery</a></li></ul>
<div id="result">none</div>
<script>let n = 0; addEventListener('load', () => setTimeout(() => { menu.insertAdjacentHTML('beforebegin', '<div style="height:120px;background:#f90">banner</div>'); }, 20));
menu.insertAdjacentHTML('beforebegin', '<img src="/img.svg">');</script>`,
	})
	f := newFixture(t, fixtureConfig{})
	_, err := f.s.Navigate(f.ctx, site.url("/"))
	require.NoError(t, err)
	require.NoError(t, f.s.Click(f.ctx, "text=Gallery"))
	got, err := f.s.Text(f.ctx, "#result")
	require.NoError(t, err)
	assert.Equal(t, "gallery 1", got)
}
