package snapshot

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/cdp"
	"github.com/go-rod/rod/lib/proto"
)

//go:embed page.js
var pageJS string

// pageJSKey names the symbol page.js is kept under in a document: a hash of its source, so two
// versions never meet. pageJSMissing is the answer when it is not there yet.
var pageJSKey = func() string {
	sum := sha256.Sum256([]byte(pageJS))
	b, _ := json.Marshal("smartretry.snapshot." + hex.EncodeToString(sum[:8]))
	return string(b)
}()

const pageJSMissing = `"__smartretry_snapshot_missing__"`

// evalOptions is the argument page.js receives.
type evalOptions struct {
	Elements  bool `json:"elements"`
	Max       int  `json:"max"`
	Hidden    bool `json:"hidden"`
	Challenge bool `json:"challenge"`
	Frames    int  `json:"frames"` // how deep to walk same-origin frames
}

// pageResult is what page.js returns.
type pageResult struct {
	URL             string     `json:"url"`
	Title           string     `json:"title"`
	Status          int        `json:"status"`
	Redirects       int        `json:"redirects"`
	Elements        []Element  `json:"elements"`
	Frames          []Frame    `json:"frames"`
	Truncated       int        `json:"truncated"`
	Challenge       *Challenge `json:"challenge"`
	PasswordVisible bool       `json:"password_visible"`
	Heading         string     `json:"heading"`
}

// ErrNoAnswer is wrapped by the errors of Take, DetectChallenge and WriteError when the page did not
// answer in time: its renderer crashed, a JavaScript dialog blocks it, or it is busy.
var ErrNoAnswer = errors.New("page did not answer (renderer crashed, dialog open, or busy)")

// defaultCap bounds every evaluation when the caller's ctx has no deadline.
const defaultCap = 10 * time.Second

// where says in which JavaScript context page.js runs: the zero value is the page's main frame;
// session targets an attached out-of-process frame; context a frame's isolated world.
type where struct {
	session proto.TargetSessionID
	context proto.RuntimeExecutionContextID
}

// runPageJS evaluates page.js in one Runtime.evaluate round trip.
func runPageJS(ctx context.Context, page *rod.Page, w where, o evalOptions) (*pageResult, error) {
	arg, err := json.Marshal(o)
	if err != nil {
		return nil, err
	}
	req := proto.RuntimeEvaluate{
		ReturnByValue: true,
		Silent:        true,
		ContextID:     w.context,
	}
	ctx, cancel := capCtx(ctx, defaultCap)
	defer cancel()
	call := func(expr string) (res proto.RuntimeEvaluateResult, err error) {
		req.Expression = expr
		if w.session == "" {
			// A navigation that commits between our call and its evaluation destroys the context;
			// the new document is what the caller wants a snapshot of, so try again (bounded by ctx).
			var r *proto.RuntimeEvaluateResult
			for attempt := 0; ; attempt++ {
				r, err = req.Call(page.Context(ctx))
				if err == nil || attempt == 3 || !contextGone(err) {
					break
				}
				select {
				case <-ctx.Done():
				case <-time.After(50 * time.Millisecond):
				}
			}
			if err != nil {
				return res, evalErr(ctx, err)
			}
			return *r, nil
		}
		raw, err := page.Browser().Call(ctx, string(w.session), req.ProtoReq(), req)
		if err != nil {
			return res, evalErr(ctx, err)
		}
		return res, json.Unmarshal(raw, &res)
	}
	// page.js (20 kB) is compiled once per document: the first call keeps it on the global object
	// under a symbol, later calls send only the options. Compiling it on every call cost the
	// renderer more than the call's own work.
	// The definition's source never changes, so the renderer's compilation cache serves it from
	// the second document on.
	run := `(() => { const f = globalThis[Symbol.for(` + pageJSKey + `)]; return f ? f(` + string(arg) + `) : ` + pageJSMissing + `; })()`
	res, err := call(run)
	if err != nil {
		return nil, err
	}
	if res.ExceptionDetails == nil && string(rawResult(res)) == pageJSMissing {
		def, err := call(`Object.defineProperty(globalThis, Symbol.for(` + pageJSKey + `), { value: (` + pageJS + `), configurable: true }), 0`)
		if err != nil {
			return nil, err
		}
		if def.ExceptionDetails == nil {
			if res, err = call(run); err != nil {
				return nil, err
			}
		} else {
			res = def
		}
	}
	if res.ExceptionDetails != nil {
		msg := res.ExceptionDetails.Text
		if res.ExceptionDetails.Exception != nil {
			msg += " " + res.ExceptionDetails.Exception.Description
		}
		return nil, fmt.Errorf("snapshot script: %s", msg)
	}
	if res.Result == nil {
		return nil, errors.New("snapshot script returned nothing")
	}
	var out pageResult
	if err := json.Unmarshal(rawResult(res), &out); err != nil {
		return nil, fmt.Errorf("snapshot script result: %w", err)
	}
	return &out, nil
}

// rawResult is the JSON of an evaluation's value (nil when there is none).
func rawResult(res proto.RuntimeEvaluateResult) json.RawMessage {
	if res.Result == nil {
		return nil
	}
	var raw json.RawMessage
	if err := res.Result.Value.Unmarshal(&raw); err != nil {
		return json.RawMessage(res.Result.Value.JSON("", ""))
	}
	return raw
}

// capCtx adds a deadline d from now unless ctx already ends sooner.
func capCtx(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= d {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d)
}

// evalErr names a deadline: a bare context.DeadlineExceeded says nothing about what waited.
func evalErr(ctx context.Context, err error) error {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%w: %w", ErrNoAnswer, err)
	}
	return err
}

// contextGone reports CDP's answers for an execution context that a navigation replaced.
func contextGone(err error) bool {
	var ce *cdp.Error
	if !errors.As(err, &ce) {
		return false
	}
	return strings.Contains(ce.Message, "Execution context was destroyed") ||
		strings.Contains(ce.Message, "Cannot find context with specified id") ||
		strings.Contains(ce.Message, "Inspected target navigated or closed")
}
