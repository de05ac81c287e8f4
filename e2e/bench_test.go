package e2e

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/go-rod/rod"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/retry"
)

// insertToClick waits for the page's click handler to have run and returns, in ms of the page's
// own clock (performance.now()), the time from the button's insertion to the click.
const insertToClick = `() => new Promise(resolve => {
	const check = () => window.__clickedAt !== undefined
		? resolve(window.__clickedAt - window.__insertedAt)
		: setTimeout(check, 5);
	check();
})`

// BenchmarkLateElement: the button appears after 300 ms, 1 s, 2.5 s; the metric is the median
// time from its insertion to the page's click handler ("ms-insert-to-click"), for Session.Click
// (the page tells the session when the button is ready) and for rod's default polling
// (page.Element then Click) as the baseline. Target: ≤ 50 ms at every delay for the session.
func BenchmarkLateElement(b *testing.B) {
	requireEnv(b)
	for _, delay := range []time.Duration{300 * time.Millisecond, time.Second, 2500 * time.Millisecond} {
		path := fmt.Sprintf("/late?ms=%d", delay.Milliseconds())
		b.Run(fmt.Sprintf("session/%s", delay), func(b *testing.B) {
			ctx := context.Background()
			s := benchSession(b)
			samples := make([]float64, 0, b.N)
			for b.Loop() {
				_, err := s.Navigate(ctx, url(path))
				if err != nil {
					b.Fatal(err)
				}
				if err := s.Click(ctx, "#target"); err != nil {
					b.Fatal(err)
				}
				samples = append(samples, measureInsertToClick(b, s.Page()))
			}
			b.ReportMetric(median(samples), "ms-insert-to-click")
		})
		b.Run(fmt.Sprintf("rod-default/%s", delay), func(b *testing.B) {
			p, err := env.b.NewPage(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			defer func() { _ = p.Close() }()
			samples := make([]float64, 0, b.N)
			for b.Loop() {
				p := p.Timeout(30 * time.Second) // rod waits forever without one
				if err := p.Navigate(url(path)); err != nil {
					b.Fatal(err)
				}
				el, err := p.Element("#target")
				if err != nil {
					b.Fatal(err)
				}
				if err := el.Click("left", 1); err != nil {
					b.Fatal(err)
				}
				samples = append(samples, measureInsertToClick(b, p))
			}
			b.ReportMetric(median(samples), "ms-insert-to-click")
		})
	}
}

// BenchmarkClickOverhead: a click on a button that is ready, with nothing going wrong:
// Session.Click against rod's page.MustElement(sel).MustClick() on the same page, interleaved so
// both meet the same conditions. "x-session/rod" is the ratio of their mean times (target ≤ 1.2).
func BenchmarkClickOverhead(b *testing.B) {
	requireEnv(b)
	ctx := context.Background()
	s := benchSession(b)
	if _, err := s.Navigate(ctx, url("/late?ms=0")); err != nil {
		b.Fatal(err)
	}
	if err := s.WaitFor(ctx, "#target"); err != nil {
		b.Fatal(err)
	}
	page := s.Page()
	var rodTime, sessionTime time.Duration
	for b.Loop() {
		p := page.Timeout(30 * time.Second) // rod waits forever without one
		start := time.Now()
		p.MustElement("#target").MustClick()
		rodTime += time.Since(start)

		start = time.Now()
		if err := s.Click(ctx, "#target"); err != nil {
			b.Fatal(err)
		}
		sessionTime += time.Since(start)
	}
	n := float64(b.N)
	b.ReportMetric(float64(rodTime.Microseconds())/n/1000, "ms-rod/click")
	b.ReportMetric(float64(sessionTime.Microseconds())/n/1000, "ms-session/click")
	b.ReportMetric(float64(sessionTime)/float64(rodTime), "x-session/rod")
}

func benchSession(b *testing.B) *actions.Session {
	b.Helper()
	s, err := actions.NewSession(env.b, actions.WithManager(retry.NewManager()))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	return s
}

func measureInsertToClick(b *testing.B, p *rod.Page) float64 {
	b.Helper()
	res, err := p.Timeout(10 * time.Second).Eval(insertToClick)
	if err != nil {
		b.Fatal(err)
	}
	return res.Value.Num()
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
