package actions

import (
	"context"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/input"
	"github.com/go-rod/rod/lib/proto"

	"github.com/smartretry/smartretry/retry"
)

// pressFocused is Press without a selector: the keys go to whatever has the focus now (the page's
// body when nothing does), as a person's keyboard does; Playwright's keyboard.press. A navigation
// the key starts (Enter in a form) is waited for as after Click.
func (s *Session) pressFocused(ctx context.Context, keys []input.Key, mods int) error {
	return s.run(ctx, spec{action: "press"}, func(p *rod.Page, a *retry.Attempt) error {
		m := s.markNav()
		if err := sendKeys(p, keys, mods); err != nil {
			return err
		}
		last := keys[len(keys)-1]
		s.waitNavigation(p, last == input.Enter || last == input.NumpadEnter, m)
		return nil
	})
}

// sendKeys presses keys (modifiers first, as parseKey gives them) and releases them in reverse.
func sendKeys(p *rod.Page, keys []input.Key, mods int) error {
	for _, k := range keys[:len(keys)-1] {
		if err := k.Encode(proto.InputDispatchKeyEventTypeKeyDown, 0).Call(p); err != nil {
			return err
		}
	}
	k := keys[len(keys)-1]
	if err := k.Encode(proto.InputDispatchKeyEventTypeKeyDown, mods).Call(p); err != nil {
		return err
	}
	if err := k.Encode(proto.InputDispatchKeyEventTypeKeyUp, mods).Call(p); err != nil {
		return err
	}
	for i := len(keys) - 2; i >= 0; i-- {
		if err := keys[i].Encode(proto.InputDispatchKeyEventTypeKeyUp, 0).Call(p); err != nil {
			return err
		}
	}
	return nil
}
