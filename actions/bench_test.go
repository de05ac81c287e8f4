package actions_test

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/go-rod/rod"

	"github.com/smartretry/smartretry/actions"
)

// BenchmarkLateElementClick measures, in the page, the time from the button's insertion into the
// DOM to its click handler (performance.now() on both sides), for buttons that appear 300ms, 1s
// and 2.5s after load. Reported as the median over the iterations ("ms-median"). Target ≤ 50ms;
// rod's own polling takes 370–550ms here. Run with -benchtime=7x.
func BenchmarkLateElementClick(b *testing.B) {
	for _, ms := range []int{300, 1000, 2500} {
		b.Run(fmt.Sprintf("%dms", ms), func(b *testing.B) {
			s, err := actions.NewSession(testBrowser, actions.WithTimeout(10*time.Second))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			ctx := context.Background()
			var lat []float64
			for b.Loop() {
				if _, err := s.Navigate(ctx, site.URL(fmt.Sprintf("/late?ms=%d", ms))); err != nil {
					b.Fatal(err)
				}
				if err := s.Click(ctx, "#target"); err != nil {
					b.Fatal(err)
				}
				v, err := s.Page().Eval(`() => window.__clickedAt - window.__insertedAt`)
				if err != nil {
					b.Fatal(err)
				}
				lat = append(lat, v.Value.Num())
			}
			sort.Float64s(lat)
			b.ReportMetric(lat[len(lat)/2], "ms-median")
			b.ReportMetric(lat[len(lat)-1], "ms-max")
		})
	}
}

// BenchmarkClickNoFault compares Session.Click on a present, ready button with rod's plain
// page.MustElement(sel).MustClick() on the same page. Target: session ≤ 1.2× rod.
func BenchmarkClickNoFault(b *testing.B) {
	s, err := actions.NewSession(testBrowser, actions.WithTimeout(10*time.Second))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if _, err := s.Navigate(ctx, site.URL("/late?ms=0")); err != nil {
		b.Fatal(err)
	}
	if err := s.WaitFor(ctx, "#target"); err != nil {
		b.Fatal(err)
	}
	b.Run("session", func(b *testing.B) {
		for b.Loop() {
			if err := s.Click(ctx, "#target"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("rod", func(b *testing.B) {
		p := s.Page()
		for b.Loop() {
			rodClick(p, "#target")
		}
	})
}

func rodClick(p *rod.Page, sel string) { p.MustElement(sel).MustClick() }
