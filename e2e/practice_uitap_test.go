package e2e

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/retry"
)

// Replicas of the UI Testing Playground's exercises (our own markup, the same traps).

// Ids change on every load: text=, role= and XPath find the button anyway.
func TestPractice_DynamicID(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	site := newPractice(t, map[string]any{"/": func(w http.ResponseWriter, r *http.Request) {
		html(fmt.Sprintf(`<button id="b%d-%d" class="btn btn-primary">Button with Dynamic ID</button><div id="result">0</div>
<script>let c = 0; document.querySelector('button').onclick = () => { result.textContent = ++c; };</script>`, n.Add(1), time.Now().UnixNano()))(w, r)
	}})
	f := newFixture(t, fixtureConfig{})
	_, err := f.s.Navigate(f.ctx, site.url("/"))
	require.NoError(t, err)
	for _, sel := range []string{
		"text=Button with Dynamic ID",
		`text="Button with Dynamic ID"`,
		`role=button[name="button with dynamic id"]`,
		`xpath=//button[normalize-space()='Button with Dynamic ID']`,
		`//button[contains(., 'Dynamic ID')]`,
	} {
		require.NoError(t, f.s.Click(f.ctx, sel), sel)
	}
	got, err := f.s.Text(f.ctx, "#result")
	require.NoError(t, err)
	assert.Equal(t, "5", got, "one click per call")
}

// Three buttons share classes in different orders: select the one by its class.
func TestPractice_ClassAttribute(t *testing.T) {
	t.Parallel()
	site := newPractice(t, map[string]any{"/": `
<button class="btn class1 btn-test btn-primary" onclick="alert('Primary button pressed')">Button</button>
<button class="btn-success btn btn-test class2" onclick="alert('Success')">Button</button>
<button class="btn-warning class3 btn btn-test" onclick="alert('Warning')">Button</button>`})
	var mu sync.Mutex
	var seen []string
	f := newFixture(t, fixtureConfig{sessionOpts: []actions.Option{actions.WithDialogs(func(d actions.Dialog) (bool, string) {
		mu.Lock()
		seen = append(seen, d.Message)
		mu.Unlock()
		return true, ""
	})}})
	_, err := f.s.Navigate(f.ctx, site.url("/"))
	require.NoError(t, err)
	require.NoError(t, f.s.Click(f.ctx, ".btn-primary"))
	require.NoError(t, f.s.Click(f.ctx, `xpath=//button[contains(concat(' ', normalize-space(@class), ' '), ' btn-primary ')]`))
	err = f.s.Click(f.ctx, "button.btn-test")
	assert.Equal(t, actions.ReasonMultiple, reasonOf(err), "three siblings match: refused, not guessed: %v", err)
	// The alert was answered (it would block the page otherwise): the page still answers.
	_, err = f.s.Text(f.ctx, "button.btn-primary")
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"Primary button pressed", "Primary button pressed"}, seen)
}

// After the first click a blue button covers the green one: the second click is refused, naming
// the cover, and the blue button is not clicked in its place.
func TestPractice_HiddenLayers(t *testing.T) {
	t.Parallel()
	site := newPractice(t, map[string]any{"/": `
<div id="spot" style="position:relative;width:200px;height:60px">
  <button id="greenButton" class="btn-success" style="position:absolute;left:0;top:0;width:160px;height:40px;z-index:1">Button</button>
</div>
<div id="result">green 0 blue 0</div>
<script>
let green = 0, blue = 0;
const show = () => { result.textContent = 'green ' + green + ' blue ' + blue; };
greenButton.onclick = () => {
  green++; show();
  const b = document.createElement('button');
  b.id = 'blueButton'; b.className = 'btn-primary'; b.textContent = 'Button';
  b.style = 'position:absolute;left:0;top:0;width:160px;height:40px;z-index:2;background:#00f';
  b.onclick = () => { blue++; show(); };
  spot.appendChild(b);
};
</script>`})
	f := newFixture(t, fixtureConfig{sessionOpts: []actions.Option{actions.WithCoverTimeout(300 * time.Millisecond)}})
	_, err := f.s.Navigate(f.ctx, site.url("/"))
	require.NoError(t, err)
	require.NoError(t, f.s.Click(f.ctx, "#greenButton"))
	err = f.s.Click(f.ctx, "#greenButton")
	require.Error(t, err)
	assert.Equal(t, retry.InvalidInput, typeOf(t, err))
	assert.Equal(t, actions.ReasonCovered, reasonOf(err))
	assert.Contains(t, err.Error(), "button#blueButton", "the error names the cover")
	got, err := f.s.Text(f.ctx, "#result")
	require.NoError(t, err)
	assert.Equal(t, "green 1 blue 0", got)
}

// The document is slow to come; the button is there once it has.
func TestPractice_LoadDelay(t *testing.T) {
	t.Parallel()
	var site *practice
	site = newPractice(t, map[string]any{
		"/": `<a href="/slow">Load Delay</a>`,
		"/slow": func(w http.ResponseWriter, r *http.Request) {
			site.wait(r, 700*time.Millisecond)
			html(`<button onclick="result.textContent='done'">Button Appearing After Delay</button><div id="result"></div>`)(w, r)
		},
	})
	f := newFixture(t, fixtureConfig{})
	_, err := f.s.Navigate(f.ctx, site.url("/"))
	require.NoError(t, err)
	require.NoError(t, f.s.Click(f.ctx, "text=Load Delay"))
	assert.Equal(t, site.url("/slow"), f.s.LastNavigation().URL, "Click waited for the slow document")
	require.NoError(t, f.s.Click(f.ctx, "text=Button Appearing After Delay"))
	got, err := f.s.Text(f.ctx, "#result")
	require.NoError(t, err)
	assert.Equal(t, "done", got)
}

// A label appears when a slow XHR answers; a second one when a long computation ends.
func TestPractice_AJAXAndClientSideDelay(t *testing.T) {
	t.Parallel()
	var site *practice
	site = newPractice(t, map[string]any{
		"/ajaxdata": func(w http.ResponseWriter, r *http.Request) {
			site.wait(r, 800*time.Millisecond)
			fmt.Fprint(w, "Data loaded with AJAX get request.")
		},
		"/": `<button id="ajaxButton">Button Triggering AJAX Request</button>
<button id="clientButton">Button Triggering Client Side Logic</button><div id="content"></div>
<script>
ajaxButton.onclick = async () => {
  const t = await (await fetch('/ajaxdata')).text();
  content.insertAdjacentHTML('beforeend', '<p class="bg-success">' + t + '</p>');
};
clientButton.onclick = () => setTimeout(() => {
  const end = performance.now() + 600; let x = 0;
  while (performance.now() < end) x++; // the main thread is busy: the page cannot answer
  content.insertAdjacentHTML('beforeend', '<p class="bg-info">Data calculated on the client side.</p>');
}, 0);
</script>`,
	})
	f := newFixture(t, fixtureConfig{})
	_, err := f.s.Navigate(f.ctx, site.url("/"))
	require.NoError(t, err)
	require.NoError(t, f.s.Click(f.ctx, "#ajaxButton"))
	got, err := f.s.Text(f.ctx, "p.bg-success")
	require.NoError(t, err)
	assert.Equal(t, "Data loaded with AJAX get request.", got)

	require.NoError(t, f.s.Click(f.ctx, "role=button[name=/client side/i]"))
	got, err = f.s.Text(f.ctx, "text=Data calculated on the client side")
	require.NoError(t, err)
	assert.Equal(t, "Data calculated on the client side.", got)
	assert.Empty(t, f.rec.of("retry"), "waiting is not retrying: %v", f.rec.retryTypes())
}

// The button ignores DOM-dispatched clicks (el.click()): only a trusted, physical click counts.
func TestPractice_PhysicalClick(t *testing.T) {
	t.Parallel()
	site := newPractice(t, map[string]any{"/": `<button id="badButton" class="btn btn-primary">Button That Ignores DOM Click Event</button><div id="result"></div>
<script>badButton.addEventListener('click', (e) => {
  if (!e.isTrusted) { result.textContent = 'untrusted click ignored'; return; }
  badButton.className = 'btn btn-success'; result.textContent = 'trusted';
});</script>`})
	f := newFixture(t, fixtureConfig{})
	_, err := f.s.Navigate(f.ctx, site.url("/"))
	require.NoError(t, err)
	// The replica is faithful: a DOM click does nothing.
	_, err = f.s.Page().Context(f.ctx).Eval(`() => badButton.click()`)
	require.NoError(t, err)
	got, err := f.s.Text(f.ctx, "#result")
	require.NoError(t, err)
	require.Equal(t, "untrusted click ignored", got)

	require.NoError(t, f.s.Click(f.ctx, "#badButton"))
	got, err = f.s.Text(f.ctx, "#result")
	require.NoError(t, err)
	assert.Equal(t, "trusted", got)
	class, ok, err := f.s.Attr(f.ctx, "#badButton", "class")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "btn btn-success", class)
}

// The input only takes real keyboard events (its model follows trusted keyup); the button then
// takes the typed name.
func TestPractice_TextInput(t *testing.T) {
	t.Parallel()
	site := newPractice(t, map[string]any{"/": `<input id="newButtonName" placeholder="MyButton">
<button id="updatingButton">Button That Should Change it's Name Based on Input Value</button>
<script>
let model = '';
newButtonName.addEventListener('keyup', (e) => { if (e.isTrusted) model = newButtonName.value; });
updatingButton.onclick = () => { updatingButton.textContent = model || 'nothing typed'; };
</script>`})
	f := newFixture(t, fixtureConfig{})
	_, err := f.s.Navigate(f.ctx, site.url("/"))
	require.NoError(t, err)
	require.NoError(t, f.s.Fill(f.ctx, "#newButtonName", "My Button ✓"))
	require.NoError(t, f.s.Click(f.ctx, "#updatingButton"))
	got, err := f.s.Text(f.ctx, "#updatingButton")
	require.NoError(t, err)
	assert.Equal(t, "My Button ✓", got)
}

// The button sits far inside a scrolled box, both ways.
func TestPractice_Scrollbars(t *testing.T) {
	t.Parallel()
	site := newPractice(t, map[string]any{"/": `
<div style="height:150px;width:300px;overflow:scroll">
  <div style="height:900px;width:1200px;position:relative">
    <button id="hidingButton" style="position:absolute;top:600px;left:900px" onclick="result.textContent='clicked'">Hiding Button</button>
  </div>
</div><div id="result"></div>`})
	f := newFixture(t, fixtureConfig{})
	_, err := f.s.Navigate(f.ctx, site.url("/"))
	require.NoError(t, err)
	require.NoError(t, f.s.Click(f.ctx, "#hidingButton"))
	got, err := f.s.Text(f.ctx, "#result")
	require.NoError(t, err)
	assert.Equal(t, "clicked", got)
}

// A div-based ARIA table whose columns are shuffled on every load: read Chrome's CPU by header.
func TestPractice_DynamicTable(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	site := newPractice(t, map[string]any{"/": func(w http.ResponseWriter, r *http.Request) {
		cols := []string{"Memory", "CPU", "Network", "Disk"}
		k := int(n.Add(1))
		cols = append(cols[k%4:], cols[:k%4]...)
		val := map[string]map[string]string{
			"Chrome":  {"Memory": "48.2 MB", "CPU": "7.1%", "Network": "0.4 Mbps", "Disk": "0.9 MB/s"},
			"Firefox": {"Memory": "91.1 MB", "CPU": "3.3%", "Network": "0.2 Mbps", "Disk": "0.1 MB/s"},
			"System":  {"Memory": "12.0 MB", "CPU": "1.2%", "Network": "0 Mbps", "Disk": "0.5 MB/s"},
		}
		var b strings.Builder
		b.WriteString(`<div role="table"><div role="rowgroup"><div role="row"><span role="columnheader">Name</span>`)
		for _, c := range cols {
			fmt.Fprintf(&b, `<span role="columnheader">%s</span>`, c)
		}
		b.WriteString(`</div></div><div role="rowgroup">`)
		for _, name := range []string{"System", "Chrome", "Firefox"} {
			fmt.Fprintf(&b, `<div role="row"><span role="cell">%s</span>`, name)
			for _, c := range cols {
				fmt.Fprintf(&b, `<span role="cell">%s</span>`, val[name][c])
			}
			b.WriteString(`</div>`)
		}
		b.WriteString(`</div></div><p class="bg-warning">Chrome CPU: 7.1%</p>`)
		html(b.String())(w, r)
	}})
	f := newFixture(t, fixtureConfig{})
	for load := 0; load < 2; load++ {
		_, err := f.s.Navigate(f.ctx, site.url("/"))
		require.NoError(t, err)
		// By XPath: the cell in the column whose header says CPU.
		cpu, err := f.s.Text(f.ctx, `xpath=//div[@role='row'][span[@role='cell'][1][normalize-space()='Chrome']]`+
			`/span[count(//span[@role='columnheader'][normalize-space()='CPU']/preceding-sibling::span)+1]`)
		require.NoError(t, err)
		label, err := f.s.Text(f.ctx, "p.bg-warning")
		require.NoError(t, err)
		assert.Equal(t, label, "Chrome CPU: "+cpu)

		// By Extract: the header row first, then the rows.
		heads, err := f.s.Extract(f.ctx, "role=columnheader", map[string]string{"h": "."})
		require.NoError(t, err)
		idx := -1
		for i, h := range heads {
			if h["h"] == "CPU" {
				idx = i
			}
		}
		require.GreaterOrEqual(t, idx, 0, "headers: %v", heads)
		rows, err := f.s.Extract(f.ctx, "role=rowgroup >>> role=row", map[string]string{
			"name": "[role=cell]:nth-child(1)", "cpu": fmt.Sprintf("[role=cell]:nth-child(%d)", idx+1)})
		require.NoError(t, err)
		got := map[string]string{}
		for _, r := range rows {
			got[r["name"]] = r["cpu"]
		}
		assert.Equal(t, "7.1%", got["Chrome"], "rows: %v", rows)
	}
}

// Text with nested spans, surrounding whitespace and &nbsp;: matched and read as a reader sees it.
func TestPractice_VerifyTextAndNonBreakingSpace(t *testing.T) {
	t.Parallel()
	site := newPractice(t, map[string]any{"/": `<div class="bg-primary"><span class="badge-secondary">
      Welcome&nbsp;<span>User</span>Name!
    </span></div>
<button id="nb" onclick="result.textContent = 'pressed'">My&nbsp;Button</button><div id="result"></div>`})
	f := newFixture(t, fixtureConfig{})
	_, err := f.s.Navigate(f.ctx, site.url("/"))
	require.NoError(t, err)
	got, err := f.s.Text(f.ctx, `text="Welcome UserName!"`)
	require.NoError(t, err)
	assert.Equal(t, "Welcome UserName!", got)
	got, err = f.s.Text(f.ctx, "span.badge-secondary")
	require.NoError(t, err)
	assert.Equal(t, "Welcome UserName!", got, "&nbsp; reads as a space")

	require.NoError(t, f.s.Click(f.ctx, "text=My Button"))
	require.NoError(t, f.s.Click(f.ctx, `role=button[name="My Button"]`))
	require.NoError(t, f.s.Click(f.ctx, `text="My Button"`))
	got, err = f.s.Text(f.ctx, "#result")
	require.NoError(t, err)
	assert.Equal(t, "pressed", got)
}

// Start the bar; stop it as soon as it reaches 75%: WaitFor must answer the moment it does.
func TestPractice_ProgressBar(t *testing.T) {
	t.Parallel()
	site := newPractice(t, map[string]any{"/": `<button id="startButton">Start</button><button id="stopButton">Stop</button>
<div id="progressBar" role="progressbar" aria-valuenow="70" style="width:70%">70%</div><div id="result"></div>
<script>
let v = 70, timer = 0;
startButton.onclick = () => { timer = setInterval(() => { v++; progressBar.setAttribute('aria-valuenow', v); progressBar.textContent = v + '%'; progressBar.style.width = v + '%'; }, 200); };
stopButton.onclick = () => { clearInterval(timer); result.textContent = 'Result: ' + v; };
</script>`})
	f := newFixture(t, fixtureConfig{})
	_, err := f.s.Navigate(f.ctx, site.url("/"))
	require.NoError(t, err)
	require.NoError(t, f.s.Click(f.ctx, "#startButton"))
	require.NoError(t, f.s.WaitFor(f.ctx, `xpath=//div[@id='progressBar'][@aria-valuenow >= 75]`))
	require.NoError(t, f.s.Click(f.ctx, "#stopButton"))
	got, err := f.s.Text(f.ctx, "#result")
	require.NoError(t, err)
	v, err := strconv.Atoi(strings.TrimPrefix(got, "Result: "))
	require.NoError(t, err, got)
	assert.GreaterOrEqual(t, v, 75)
	assert.LessOrEqual(t, v, 80, "stopped near 75")
}

// Seven buttons hidden seven ways. WaitFor means "rendered with a box": display:none,
// visibility:hidden, zero size and removed are not visible; opacity:0, offscreen and covered are
// (they have a box). Click on each says why, and clicks what a person could click.
func TestPractice_Visibility(t *testing.T) {
	t.Parallel()
	site := newPractice(t, map[string]any{"/": `
<style>button{width:110px;height:32px;margin:4px} td{position:relative}</style>
<button id="hideButton">Hide</button>
<table><tr>
<td><button id="removedButton">Removed</button></td>
<td><button id="zeroWidthButton">Zero Width</button></td>
<td><button id="overlappedButton">Overlapped</button><div id="hidingLayer"></div></td>
<td><button id="transparentButton" onclick="result.textContent='transparent clicked'">Opacity 0</button></td>
<td><button id="invisibleButton">Visibility Hidden</button></td>
<td><button id="notdisplayedButton">Display None</button></td>
<td><button id="offscreenButton">Offscreen</button></td>
</tr></table><div id="result"></div>
<script>
hideButton.onclick = () => {
  removedButton.remove();
  zeroWidthButton.style = 'width:0;padding:0;border:0;overflow:hidden;margin:0';
  hidingLayer.style = 'position:absolute;left:0;top:0;width:100%;height:100%;background:#fff;z-index:2';
  transparentButton.style.opacity = '0';
  invisibleButton.style.visibility = 'hidden';
  notdisplayedButton.style.display = 'none';
  offscreenButton.style = 'position:absolute;left:-9999px;top:-9999px';
};
</script>`})
	// Three sessions on the same page: short attempts to say "not visible" quickly; longer ones for
	// what is visible and for the clicks, whose refusals wait out the cover timeout after trying
	// to scroll.
	// 3s attempts, not 1s: on a loaded machine a 1s attempt could end before the page answered
	// at all, leaving no reason to check.
	f := newFixture(t, fixtureConfig{timeout: 3 * time.Second, managerOpts: []retry.Option{retry.WithCircuitBreaker(false)}})
	_, err := f.s.Navigate(f.ctx, site.url("/"))
	require.NoError(t, err)
	require.NoError(t, f.s.Click(f.ctx, "#hideButton"))

	ctx := once(f.ctx)
	for sel, reason := range map[string]string{
		"#removedButton":      actions.ReasonNotFound,
		"#zeroWidthButton":    actions.ReasonHidden,
		"#invisibleButton":    actions.ReasonHidden,
		"#notdisplayedButton": actions.ReasonHidden,
	} {
		err := pageAnswer(t, func() error { return f.s.WaitFor(ctx, sel) })
		assert.Equal(t, reason, reasonOf(err), "%s: %v", sel, err)
	}
	// What is visible answers at once; a session with room for a loaded machine checks it.
	f = newFixture(t, fixtureConfig{managerOpts: []retry.Option{retry.WithCircuitBreaker(false)}})
	_, err = f.s.Navigate(f.ctx, site.url("/"))
	require.NoError(t, err)
	require.NoError(t, f.s.Click(f.ctx, "#hideButton"))
	ctx = once(f.ctx)
	for _, sel := range []string{"#transparentButton", "#offscreenButton", "#overlappedButton"} {
		assert.NoError(t, f.s.WaitFor(ctx, sel), "%s has a box: visible to WaitFor", sel)
	}

	f = newFixture(t, fixtureConfig{timeout: 5 * time.Second, managerOpts: []retry.Option{retry.WithCircuitBreaker(false)},
		sessionOpts: []actions.Option{actions.WithCoverTimeout(200 * time.Millisecond)}})
	_, err = f.s.Navigate(f.ctx, site.url("/"))
	require.NoError(t, err)
	require.NoError(t, f.s.Click(f.ctx, "#hideButton"))
	ctx = once(f.ctx)
	err = pageAnswer(t, func() error { return f.s.Click(ctx, "#overlappedButton") })
	assert.Equal(t, actions.ReasonCovered, reasonOf(err), "%v", err)
	assert.Contains(t, fmt.Sprint(err), "div#hidingLayer")
	err = pageAnswer(t, func() error { return f.s.Click(ctx, "#offscreenButton") })
	assert.Equal(t, retry.InvalidInput, typeOf(t, err))
	assert.Contains(t, fmt.Sprint(err), "outside the viewport")
	require.NoError(t, f.s.Click(ctx, "#transparentButton"), "opacity:0 still takes a real click")
	got, err := f.s.Text(f.ctx, "#result")
	require.NoError(t, err)
	assert.Equal(t, "transparent clicked", got)
}

// A login form: the password goes in with FillSecret and never shows up in a snapshot.
func TestPractice_SampleAppLogin(t *testing.T) {
	t.Parallel()
	site := newPractice(t, map[string]any{"/": `<div id="loginstatus">User logged out.</div>
<label for="user">User Name</label><input id="user" name="UserName" type="text">
<label>Password <input name="Password" type="password"></label>
<button id="login">Log In</button>
<script>login.onclick = () => {
  const u = user.value, p = document.querySelector('[name=Password]').value;
  loginstatus.textContent = p === 'pwd' && u ? 'Welcome, ' + u + '!' : 'Invalid username/password';
};</script>`})
	f := newFixture(t, fixtureConfig{})
	_, err := f.s.Navigate(f.ctx, site.url("/"))
	require.NoError(t, err)
	require.NoError(t, f.s.Fill(f.ctx, `role=textbox[name="User Name"]`, "ann"))
	require.NoError(t, f.s.FillSecret(f.ctx, "input[name=Password]", "pwd"))
	require.NoError(t, f.s.Click(f.ctx, `role=button[name="Log In"]`))
	got, err := f.s.Text(f.ctx, "#loginstatus")
	require.NoError(t, err)
	assert.Equal(t, "Welcome, ann!", got)
}

// The link is re-rendered when the mouse comes over it: every click counts once.
func TestPractice_MouseOver(t *testing.T) {
	t.Parallel()
	site := newPractice(t, map[string]any{"/": `<div id="area"></div><div>clicked <span id="clickCount">0</span> times</div>
<script>
let count = 0;
const render = (hover) => {
  area.innerHTML = '<a href="#" class="' + (hover ? 'text-warning' : 'text-primary') + '" title="Click me">Click me</a>';
  const a = area.firstChild;
  a.onclick = (e) => { e.preventDefault(); clickCount.textContent = ++count; };
  if (!hover) a.addEventListener('mouseenter', () => render(true), { once: true });
  else a.addEventListener('mouseleave', () => render(false), { once: true });
};
render(false);
</script>`})
	f := newFixture(t, fixtureConfig{})
	_, err := f.s.Navigate(f.ctx, site.url("/"))
	require.NoError(t, err)
	require.NoError(t, f.s.Click(f.ctx, "text=Click me"))
	require.NoError(t, f.s.Click(f.ctx, "a[title='Click me']"))
	got, err := f.s.Text(f.ctx, "#clickCount")
	require.NoError(t, err)
	assert.Equal(t, "2", got, "exactly one count per click")
}

// The input is half under another element in a scrolled box: Fill scrolls it out and fills it.
func TestPractice_OverlappedElement(t *testing.T) {
	t.Parallel()
	site := newPractice(t, map[string]any{"/": `
<div style="position:relative;width:320px">
  <div id="box" style="height:100px;overflow-y:scroll">
    <input id="id" placeholder="Id" style="display:block;height:30px;margin:4px">
    <input id="name" placeholder="Name" style="display:block;height:30px;margin:4px">
    <div style="height:300px"></div>
  </div>
  <div id="cover" style="position:absolute;left:0;top:50px;width:300px;height:50px;background:#fc0">cover</div>
</div><div id="result"></div>
<script>const nm = document.getElementById('name'); nm.addEventListener('input', () => { result.textContent = nm.value; });</script>`})
	f := newFixture(t, fixtureConfig{})
	_, err := f.s.Navigate(f.ctx, site.url("/"))
	require.NoError(t, err)
	require.NoError(t, f.s.Fill(f.ctx, "#name", "Ann Smith"))
	got, err := f.s.Text(f.ctx, "#result")
	require.NoError(t, err)
	assert.Equal(t, "Ann Smith", got)
}

// A button inside an open shadow root: reached with ">>>", by plain CSS (open roots are searched
// when the light DOM has no match), and by text=.
func TestPractice_ShadowDOM(t *testing.T) {
	t.Parallel()
	site := newPractice(t, map[string]any{"/": `<guid-generator></guid-generator><div id="result"></div>
<script>
customElements.define('guid-generator', class extends HTMLElement {
  constructor() {
    super();
    const r = this.attachShadow({ mode: 'open' });
    r.innerHTML = '<input id="editField" readonly><button id="buttonGenerate">Generate</button><button id="buttonCopy">Copy</button><span id="out"></span>';
    let n = 0;
    r.getElementById('buttonGenerate').onclick = () => { n++; r.getElementById('out').textContent = 'guid-' + n; };
    r.getElementById('buttonCopy').addEventListener('click', (e) => { document.getElementById('result').textContent = 'copied ' + r.getElementById('out').textContent + (e.isTrusted ? ' trusted' : ''); });
  }
});
</script>`})
	f := newFixture(t, fixtureConfig{})
	_, err := f.s.Navigate(f.ctx, site.url("/"))
	require.NoError(t, err)
	require.NoError(t, f.s.Click(f.ctx, "guid-generator >>> #buttonGenerate"))
	require.NoError(t, f.s.Click(f.ctx, "#buttonGenerate"))
	require.NoError(t, f.s.Click(f.ctx, "text=Generate"))
	got, err := f.s.Text(f.ctx, "guid-generator >>> #out")
	require.NoError(t, err)
	assert.Equal(t, "guid-3", got)
	require.NoError(t, f.s.Click(f.ctx, `role=button[name="Copy"]`))
	got, err = f.s.Text(f.ctx, "#result")
	require.NoError(t, err)
	assert.Equal(t, "copied guid-3 trusted", got)
}

// alert, confirm and prompt are answered as the session is told; the page goes on.
func TestPractice_Alerts(t *testing.T) {
	t.Parallel()
	site := newPractice(t, map[string]any{"/": `<button id="alertButton">Alert</button><button id="confirmButton">Confirm</button><button id="promptButton">Prompt</button><div id="result"></div>
<script>
alertButton.onclick = () => { alert('Today is a working day.'); result.textContent = 'after alert'; };
confirmButton.onclick = () => { result.textContent = 'confirm ' + confirm('Today is Friday. Do you agree?'); };
promptButton.onclick = () => { result.textContent = 'prompt ' + prompt('Choose cat or dog', 'cat'); };
</script>`})
	var mu sync.Mutex
	var types []string
	f := newFixture(t, fixtureConfig{sessionOpts: []actions.Option{actions.WithDialogs(func(d actions.Dialog) (bool, string) {
		mu.Lock()
		types = append(types, d.Type)
		mu.Unlock()
		return true, "dog"
	})}})
	_, err := f.s.Navigate(f.ctx, site.url("/"))
	require.NoError(t, err)
	for _, c := range []struct{ button, want string }{
		{"#alertButton", "after alert"}, {"#confirmButton", "confirm true"}, {"#promptButton", "prompt dog"},
	} {
		before, err := f.s.Text(f.ctx, "#result")
		require.NoError(t, err)
		require.NoError(t, f.s.Click(f.ctx, c.button))
		got, err := resultAfter(f.ctx, f.s, before)
		require.NoError(t, err)
		assert.Equal(t, c.want, got)
	}
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"alert", "confirm", "prompt"}, types)
}

// The button spins (an endless animation under class "spin") for a while: the click waits until
// it stands still, so the page records a class without "spin".
func TestPractice_AnimatedButton(t *testing.T) {
	t.Parallel()
	site := newPractice(t, map[string]any{"/": `<style>
@keyframes spin { from { transform: rotate(0deg) } to { transform: rotate(360deg) } }
.spin { animation: spin 0.5s linear infinite }
</style>
<button id="animationButton">Start Animation</button>
<div style="padding:60px"><button id="movingTarget" class="btn btn-primary" style="width:140px;height:40px">Moving Target</button></div>
<div id="result"></div>
<script>
animationButton.onclick = () => { movingTarget.classList.add('spin'); setTimeout(() => movingTarget.classList.remove('spin'), 700); };
movingTarget.onclick = () => { result.textContent = "Moving Target clicked. It's class name is '" + movingTarget.className + "'"; };
</script>`})
	f := newFixture(t, fixtureConfig{})
	_, err := f.s.Navigate(f.ctx, site.url("/"))
	require.NoError(t, err)
	require.NoError(t, f.s.Click(f.ctx, "#animationButton"))
	require.NoError(t, f.s.Click(f.ctx, "#movingTarget"))
	got, err := f.s.Text(f.ctx, "#result")
	require.NoError(t, err)
	assert.Equal(t, "Moving Target clicked. It's class name is 'btn btn-primary'", got)
}

// The input is disabled for a while; Fill waits for it.
func TestPractice_DisabledInput(t *testing.T) {
	t.Parallel()
	site := newPractice(t, map[string]any{"/": `<button id="enableButton">Enable Edit Field with 1 seconds delay</button>
<input id="inputField" disabled><div id="result"></div><div id="changed"></div>
<script>
enableButton.onclick = () => setTimeout(() => { inputField.disabled = false; }, 600);
// "change" fires on blur, which another tab taking the focus can cause at any moment: it writes
// elsewhere, so #result shows what the typing did.
inputField.addEventListener('change', () => { changed.textContent = 'changed to ' + inputField.value; });
inputField.addEventListener('input', () => { result.textContent = inputField.value; });
</script>`})
	f := newFixture(t, fixtureConfig{})
	_, err := f.s.Navigate(f.ctx, site.url("/"))
	require.NoError(t, err)
	require.NoError(t, f.s.Click(f.ctx, "#enableButton"))
	require.NoError(t, f.s.Fill(f.ctx, "#inputField", "typed late"))
	got, err := f.s.Text(f.ctx, "#result")
	require.NoError(t, err)
	assert.Equal(t, "typed late", got)
	assert.Empty(t, f.rec.of("retry"), "waiting is not retrying")
}

// The target is hidden, disabled, read-only, zero-sized and covered in turns before it is usable:
// one Click and one Fill wait through all of it.
func TestPractice_AutoWait(t *testing.T) {
	t.Parallel()
	site := newPractice(t, map[string]any{"/": `<div style="position:relative;display:inline-block">
  <button id="target" style="display:none;width:120px;height:36px">Button</button>
  <input id="field" style="display:none;width:120px;height:30px">
  <div id="cover" style="display:none;position:absolute;inset:0;background:#ccc;z-index:3"></div>
</div><div id="result">0</div><div id="typed"></div>
<script>
let n = 0;
target.onclick = () => { result.textContent = ++n; };
field.addEventListener('input', () => { typed.textContent = field.value; });
const steps = [
  () => { target.style.display = ''; field.style.display = ''; target.disabled = true; field.disabled = true; },
  () => { target.disabled = false; field.disabled = false; field.readOnly = true; target.style.width = '0px'; target.style.padding = '0'; target.style.border = '0'; },
  () => { field.readOnly = false; target.style.width = '120px'; target.style.padding = ''; target.style.border = ''; cover.style.display = 'block'; },
  () => { cover.style.display = 'none'; },
];
let i = 0;
const next = () => { steps[i++](); if (i < steps.length) setTimeout(next, 150); };
setTimeout(next, 150);
</script>`})
	f := newFixture(t, fixtureConfig{})
	_, err := f.s.Navigate(f.ctx, site.url("/"))
	require.NoError(t, err)
	require.NoError(t, f.s.Click(f.ctx, "#target"))
	require.NoError(t, f.s.Fill(f.ctx, "#field", "waited"))
	got, err := f.s.Text(f.ctx, "#result")
	require.NoError(t, err)
	assert.Equal(t, "1", got)
	got, err = f.s.Text(f.ctx, "#typed")
	require.NoError(t, err)
	assert.Equal(t, "waited", got)
}
