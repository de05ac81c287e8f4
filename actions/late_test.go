package actions_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/browser"
	"github.com/smartretry/smartretry/retry"
)

// busyAt is a page script: the first time the page is queried for sel, its main thread is busy
// from 2 s to 3.5 s later, as a loaded machine holds a page. A 3 s attempt's in-page wait, due to
// answer at 2.7 s (an element's) or 2.25 s (a WaitForState's), answers at 3.5 s: after the
// attempt's deadline, always (timers run in the order they are due).
func busyAt(sel string) string {
	return `<script>
const qsa = Document.prototype.querySelectorAll;
let armed = true;
Document.prototype.querySelectorAll = function (s) {
  if (armed && s === ` + "'" + sel + "'" + `) {
    armed = false;
    setTimeout(() => { const end = Date.now() + 1500; while (Date.now() < end) {} }, 2000);
  }
  return qsa.call(this, s);
};
</script>`
}

// An in-page wait whose answer comes after the attempt's deadline (the page's main thread busy at
// that moment, as on a loaded machine) still fails with the page's reason, read from the page
// once it answers: the error was a bare "timed out after 3s waiting for the element".
func TestLateAnswerKeepsThePagesReason(t *testing.T) {
	srv := slowServer(t, map[string]http.HandlerFunc{
		"/missing": htmlPage(0, `<h1>here</h1>`+busyAt("#nothing")),
		"/hidden":  htmlPage(0, `<h1>here</h1><p id="gone" style="display:none">gone</p>`+busyAt("#gone")),
	})
	for _, tc := range []struct{ path, sel, reason, says string }{
		{"/missing", "#nothing", actions.ReasonNotFound, `no element matches "#nothing"`},
		{"/hidden", "#gone", actions.ReasonHidden, `"#gone" matched but stayed hidden`},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			s, _ := newSession(t)
			_, err := s.Navigate(ctxT(t), srv.URL+tc.path)
			require.NoError(t, err)
			err = s.Click(actions.WithCallOptions(ctxT(t), retry.MaxAttempts(1)), tc.sel)
			require.Error(t, err)
			var na *actions.NotActionableError
			require.True(t, errors.As(err, &na), "the page's reason, not a bare timeout: %v", err)
			assert.Equal(t, tc.reason, na.Reason)
			assert.Contains(t, err.Error(), tc.says)
			assert.NotContains(t, err.Error(), "timed out")
			typ, _ := attempts(t, err)
			assert.Equal(t, retry.SelectorNotFound, typ)
		})
	}
}

// A WaitForState whose answer misses the deadline the same way still says what the page showed
// last: the *WaitError, where it was a bare timeout.
func TestLateWaitAnswerSaysWhatItSaw(t *testing.T) {
	srv := slowServer(t, map[string]http.HandlerFunc{
		"/stays": htmlPage(0, `<p id="stays">still here</p>`+busyAt("#stays")),
	})
	s, _ := newSession(t)
	_, err := s.Navigate(ctxT(t), srv.URL+"/stays")
	require.NoError(t, err)
	err = s.WaitForState(actions.WithCallOptions(ctxT(t), retry.MaxAttempts(1)), "#stays", actions.Hidden)
	require.Error(t, err)
	var we *actions.WaitError
	require.True(t, errors.As(err, &we), "what the page saw, not a bare timeout: %v", err)
	assert.Equal(t, "hidden", we.Want)
	assert.Contains(t, we.Seen, "visible (p#stays)")
	assert.NotContains(t, err.Error(), "timed out")
}

// An attempt that runs out while typing (the page's key handler holds its main thread past the
// deadline) says so: it said "waiting for the element", which was ready.
func TestTimeoutWhileTypingSaysTyping(t *testing.T) {
	srv := slowServer(t, map[string]http.HandlerFunc{
		"/form": htmlPage(0, `<input id="f"><script>
let held = false;
document.getElementById('f').addEventListener('keydown', () => {
  if (held) return;
  held = true;
  const end = Date.now() + 5500; while (Date.now() < end) {}
});
</script>`),
	})
	s, _ := newSession(t, actions.WithTimeout(5*time.Second))
	_, err := s.Navigate(ctxT(t), srv.URL+"/form")
	require.NoError(t, err)
	err = s.Fill(actions.WithCallOptions(ctxT(t), retry.MaxAttempts(1)), "#f", "abc")
	require.Error(t, err)
	var te *browser.TimeoutError
	require.True(t, errors.As(err, &te), "%v", err)
	assert.Contains(t, err.Error(), "timed out after 5s typing into it (the element was ready)")
	assert.False(t, strings.Contains(err.Error(), "waiting for the element"), "%v", err)
	typ, _ := attempts(t, err)
	assert.Equal(t, retry.SelectorNotFound, typ, "the type of an element action's timeout, as before")
}
