package actions

import (
	"context"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
)

// closePopups closes the tabs that opener opened (window.open, links with target=_blank) and the
// ones those opened, in turn: a page's popups would otherwise outlive it, each with its renderer,
// in the browser's default context until the browser closes (an isolated context's until it is
// disposed). It returns how many it closed; a popup already gone, or a call that fails, is
// skipped. One Target.getTargets, then one Target.closeTarget per popup, all bounded by ctx.
func closePopups(ctx context.Context, b *rod.Browser, opener proto.TargetTargetID) int {
	res, err := proto.TargetGetTargets{}.Call(b.Context(ctx))
	if err != nil {
		return 0
	}
	openers := map[proto.TargetTargetID]bool{opener: true}
	var popups []proto.TargetTargetID
	for grew := true; grew; {
		grew = false
		for _, t := range res.TargetInfos {
			if t.Type == proto.TargetTargetInfoTypePage && t.OpenerID != "" && openers[t.OpenerID] && !openers[t.TargetID] {
				openers[t.TargetID] = true
				popups = append(popups, t.TargetID)
				grew = true
			}
		}
	}
	n := 0
	for _, id := range popups {
		if _, err := (proto.TargetCloseTarget{TargetID: id}).Call(b.Context(ctx)); err == nil {
			n++
		}
	}
	return n
}

// closeStrayTabs closes, besides the popups of keep (closePopups), every other tab of the browser
// context ctxID when it is not empty: an isolated session's context holds only its own tab, so any
// other tab there is a popup of an earlier piece of work, whether or not it kept its opener
// (noopener links leave no OpenerID). One Target.getTargets, then one closeTarget per tab.
func closeStrayTabs(ctx context.Context, b *rod.Browser, keep proto.TargetTargetID, ctxID proto.BrowserBrowserContextID) {
	res, err := proto.TargetGetTargets{}.Call(b.Context(ctx))
	if err != nil {
		return
	}
	stray := map[proto.TargetTargetID]bool{keep: true}
	var close []proto.TargetTargetID
	for grew := true; grew; {
		grew = false
		for _, t := range res.TargetInfos {
			if t.Type != proto.TargetTargetInfoTypePage || stray[t.TargetID] || t.TargetID == keep {
				continue
			}
			if (t.OpenerID != "" && stray[t.OpenerID]) || (ctxID != "" && t.BrowserContextID == ctxID) {
				stray[t.TargetID] = true
				close = append(close, t.TargetID)
				grew = true
			}
		}
	}
	for _, id := range close {
		_, _ = proto.TargetCloseTarget{TargetID: id}.Call(b.Context(ctx))
	}
}
