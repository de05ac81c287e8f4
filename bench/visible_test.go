package bench

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/launcher"
	"github.com/go-rod/rod/lib/proto"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestRodLoopTabs checks what the two go-rod loops of the benchmarks compare: with one tab per
// worker in one window (the plain loop), every tab but the last opened is hidden, so Chromium
// renders nothing there; with a window per tab (the visible loop) every page is visible, as the
// runner's are.
func TestRodLoopTabs(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "<!doctype html><title>p</title><p>page</p>")
	}))
	defer srv.Close()
	bin, ok := launcher.LookPath()
	if !ok {
		t.Fatal("no Chromium: run make setup")
	}
	l := launcher.New().Bin(bin).NoSandbox(true).Leakless(false).Headless(true)
	defer l.Cleanup()
	defer l.Kill()
	u, err := l.Launch()
	if err != nil {
		t.Fatal(err)
	}
	br := rod.New().ControlURL(u)
	if err := br.Connect(); err != nil {
		t.Fatal(err)
	}
	defer br.Close()
	for _, visible := range []bool{false, true} {
		var tabs []*rod.Page
		for range 3 {
			p, err := br.Page(proto.TargetCreateTarget{URL: "about:blank", NewWindow: visible})
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			tabs = append(tabs, p)
		}
		for i, p := range tabs {
			if err := p.Navigate(srv.URL); err != nil {
				t.Fatal(err)
			}
			state, err := p.Eval(`() => document.visibilityState`)
			if err != nil {
				t.Fatal(err)
			}
			want := "hidden"
			if visible || i == len(tabs)-1 {
				want = "visible"
			}
			if got := state.Value.Str(); got != want {
				t.Errorf("window per tab %v, tab %d of %d: %s, want %s", visible, i+1, len(tabs), got, want)
			}
		}
	}
}
