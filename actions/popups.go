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
