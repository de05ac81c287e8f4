package mcpserver

import (
	"context"
	_ "embed"
	"encoding/json"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"

	"github.com/smartretry/smartretry/internal/hoverjs"
)

// page.js is the snapshot, ref resolution and small in-page helpers; listeners.js runs before a
// page's own scripts and remembers click listeners (see each file's header).
var (
	//go:embed page.js
	pageSrc string
	pageJS  = hoverjs.Into(pageSrc)
	//go:embed listeners.js
	listenersJS string
)

// pageCall runs page.js in mode with o, under the tab's guard (crash-aware, bounded by within),
// and decodes the answer into out.
func (t *tab) pageCall(ctx context.Context, mode string, o any, within time.Duration, out any) error {
	arg, err := json.Marshal(o)
	if err != nil {
		return err
	}
	modeJS, _ := json.Marshal(mode)
	expr := "(" + pageJS + ")(" + string(modeJS) + "," + string(arg) + ")"
	return t.evalExpr(ctx, "page "+mode, expr, within, out)
}

// evalExpr evaluates expr (awaiting a promise, the result by value) on the tab's page under the
// browser's guard.
func (t *tab) evalExpr(ctx context.Context, op, expr string, within time.Duration, out any) error {
	s := t.sess
	return s.Browser().Guard(ctx, s.Page(), within, op, func(p *rod.Page) error {
		res, err := proto.RuntimeEvaluate{Expression: expr, AwaitPromise: true, ReturnByValue: true}.Call(p)
		if err != nil {
			return err
		}
		if res.ExceptionDetails != nil {
			return &rod.EvalError{RuntimeExceptionDetails: res.ExceptionDetails}
		}
		if out == nil || res.Result == nil {
			return nil
		}
		return json.Unmarshal([]byte(res.Result.Value.JSON("", "")), out)
	})
}
