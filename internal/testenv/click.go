package testenv

import (
	"context"
	"fmt"

	"github.com/go-rod/rod"
)

// ClickInFrames clicks sel the way a person would: it waits for p to load, then clicks the first
// match in the page, or else in any of its frames (depth first), with real mouse events. ctx
// bounds it all. It is what the tests' scripted person does on a CAPTCHA look-alike, whose
// checkbox sits in an iframe for some vendors and in the page for others.
func ClickInFrames(ctx context.Context, p *rod.Page, sel string) error {
	p = p.Context(ctx)
	if err := p.WaitLoad(); err != nil {
		return err
	}
	if els, err := p.Elements(sel); err == nil && len(els) > 0 {
		return els[0].Click("left", 1)
	}
	frames, err := p.Elements("iframe")
	if err != nil {
		return err
	}
	for _, fr := range frames {
		fp, err := fr.Frame()
		if err != nil {
			continue
		}
		if err := ClickInFrames(ctx, fp, sel); err == nil {
			return nil
		}
	}
	return fmt.Errorf("%s: not in the page or its frames", sel)
}
