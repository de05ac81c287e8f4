package actions

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
	"go.uber.org/zap"

	"github.com/smartretry/smartretry/internal/hoverjs"
)

//go:embed locate.js
var locateSrc string

// query.js is the selector engines (css, text=, role=, xpath=, >>>), pasted into every script
// that resolves a user's selector, in place of /*QUERY*/null.
//
//go:embed query.js
var queryJS string

var locateJS = hoverjs.Into(withQuery(locateSrc))

func withQuery(src string) string {
	if !strings.Contains(src, "/*QUERY*/null") {
		panic("actions: script without a /*QUERY*/ slot")
	}
	return strings.Replace(src, "/*QUERY*/null", strings.TrimSpace(queryJS)+"\n", 1)
}

// Wait states of the in-page check.
const (
	stateAttached   = "attached"
	stateVisible    = "visible"
	stateEnabled    = "enabled"    // visible and enabled (keyboard targets)
	stateActionable = "actionable" // visible, enabled, stable for a frame, receives the pointer
	stateEditable   = "editable"   // actionable and not read-only
)

// locateReq is what locate.js gets.
type locateReq struct {
	Sel     string            `json:"sel"`
	Nth     int               `json:"nth"`
	Strict  bool              `json:"strict"`
	State   string            `json:"state"`
	Timeout int64             `json:"timeout"`
	CoverMs int64             `json:"coverMs"`
	Token   string            `json:"token"`
	Op      string            `json:"op"`
	Value   *string           `json:"value,omitempty"`
	Clear   bool              `json:"clear,omitempty"`
	Keys    bool              `json:"keys,omitempty"` // a button a fixed band keeps covering may be pressed with Enter
	Values  []string          `json:"values,omitempty"`
	Name    string            `json:"name,omitempty"`
	Fields  map[string]fieldQ `json:"fields,omitempty"`
	// Hovered: the pointer was moved over the element a :hover rule shows the target for (the
	// page answered reasonHover): the target is waited for as any other, not hovered again.
	Hovered bool `json:"hovered,omitempty"`
}

// reasonHover is the page's answer for a pointer target that is hidden until an ancestor is
// hovered ('li:hover .destroy'): X, Y are where to put the pointer, Detail names the ancestor.
// locate moves the pointer there and asks again; it never reaches a caller.
const reasonHover = "hover"

type fieldQ struct {
	Sel  string `json:"sel,omitempty"`
	Attr string `json:"attr,omitempty"`
}

// locateRes is what it answers.
type locateRes struct {
	OK      bool                `json:"ok"`
	Reason  string              `json:"reason"`
	Detail  string              `json:"detail"`
	Count   int                 `json:"count"`
	Final   bool                `json:"final"`
	Timeout bool                `json:"timeout"`
	Ms      int64               `json:"ms"`
	X       float64             `json:"x"`
	Y       float64             `json:"y"`
	Tag     string              `json:"tag"`
	Nav     bool                `json:"nav"`
	Err     string              `json:"err"`
	Kind    string              `json:"kind"`
	Set     bool                `json:"set"`
	Text    string              `json:"text"`
	Has     bool                `json:"has"`
	Value   string              `json:"value"`
	Values  []string            `json:"values"`
	Chosen  []string            `json:"chosen"` // Select: the values chosen, when Values may differ
	Records []map[string]string `json:"records"`
	// Keyboard: the element is focused for Enter instead of a pointer (a fixed band covers it,
	// Detail names the band).
	Keyboard bool `json:"keyboard"`
	token    string
}

var tokens atomic.Uint64

// locate runs the actionability wait in the page: one Runtime.evaluate that resolves the moment
// the element is ready (and has done the op's in-page part), or says why not. The JS timeout
// stays a little under the attempt's deadline so the page answers with a reason, not a timeout.
func (s *Session) locate(p *rod.Page, action string, r locateReq) (*locateRes, error) {
	if err := validateSelector(r.Sel); err != nil {
		return nil, &NotActionableError{Action: action, Selector: r.Sel, Reason: ReasonInvalid, Detail: err.Error()}
	}
	for k, f := range r.Fields {
		if f.Sel == "" {
			continue
		}
		if err := validateSelector(f.Sel); err != nil {
			return nil, &NotActionableError{Action: action, Selector: r.Sel, Reason: ReasonInvalid, Detail: "field " + k + ": " + err.Error()}
		}
	}
	r.Timeout = jsBudget(p).Milliseconds()
	r.CoverMs = s.cfg.coverAfter.Milliseconds()
	r.Token = strconv.FormatUint(tokens.Add(1), 10)
	var res locateRes
	step := s.attempt.Load()
	step.waiting(r.Token, lateLocate(action, r.Sel))
	if err := s.evalInto(p, locateJS, r, &res); err != nil {
		return nil, err // a timeout: explain asks the page what it saw
	}
	if !res.OK && res.Reason == reasonHover && !r.Hovered {
		// Shown only under the pointer (a row's × button, a card's menu): a person points at the
		// row first, and so does the action. Then the wait goes on as for any element.
		s.cfg.log.Debug(action+": shown on hover of an ancestor; hovering it first",
			zap.String("selector", s.shown(r.Sel)), zap.String("ancestor", res.Detail))
		if err := (proto.InputDispatchMouseEvent{Type: proto.InputDispatchMouseEventTypeMouseMoved, X: res.X, Y: res.Y}).Call(p); err != nil {
			return nil, err
		}
		r.Hovered = true
		r.Timeout = jsBudget(p).Milliseconds()
		res = locateRes{}
		if err := s.evalInto(p, locateJS, r, &res); err != nil {
			return nil, err
		}
	}
	res.token = r.Token
	if err := res.fault(action, r.Sel); err != nil {
		step.ready("")
		return &res, err
	}
	step.ready(stepAfter(action))
	return &res, nil
}

// fault is the error of an answer of locate.js for action on sel, nil when it found the element
// ready.
func (res *locateRes) fault(action, sel string) error {
	if res.Err != "" {
		return &NotActionableError{Action: action, Selector: sel, Reason: ReasonUnusable, Detail: res.Err, Count: res.Count}
	}
	if !res.OK {
		reason := res.Reason
		if reason == ReasonCovered && !res.Final {
			reason = ReasonObscured
		}
		return &NotActionableError{Action: action, Selector: sel, Reason: reason, Detail: res.Detail,
			Count: res.Count, Waited: time.Duration(res.Ms) * time.Millisecond}
	}
	return nil
}

// jsBudget is how long the in-page wait may take: the attempt's remaining time less a margin for
// the answer to come back and the action to happen.
func jsBudget(p *rod.Page) time.Duration {
	d := 10 * time.Second
	if dl, ok := p.GetContext().Deadline(); ok {
		d = time.Until(dl)
	}
	// The page's answer must come back before the deadline, or its reason (no such option, what
	// covers the element) is lost to a bare timeout: at load 33 on 2 cores a second was seen not
	// to be enough for a 20 s attempt. A tenth of the attempt, 0.3 to 2 s.
	margin := d / 10
	if margin < 300*time.Millisecond {
		margin = 300 * time.Millisecond
	}
	if margin > 2*time.Second {
		margin = 2 * time.Second
	}
	d -= margin
	if d < 0 {
		d = 0
	}
	return d
}

// evalInto calls fn(arg) in the page's main world with one awaitPromise Runtime.evaluate
// (no execution-context lookup, no handle kept) and decodes the JSON result into out.
func (s *Session) evalInto(p *rod.Page, fn string, arg any, out any) error {
	res, err := s.evalJS(p, fn, arg)
	if err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal([]byte(res), out)
}

// A long fn (locate.js with its selector engines is ~30 kB) is compiled by the page once per
// document, not once per call: the first call defines it on the page's global object under a
// symbol named after a hash of its source, later calls only send the arguments. Compiling it on
// every call cost ~15 ms of the renderer's time per action, more than the action itself.
//
// Once a function had to be defined in a document of the session's own tab, the tab also gets
// the definition as a script run at the start of every later document (keep), so the first call
// in the next page (the next item of a batch) is one round trip, not three (call, define, call).
func (s *Session) evalJS(p *rod.Page, fn string, arg any) (string, error) {
	a, err := json.Marshal(arg)
	if err != nil {
		return "", err
	}
	if len(fn) < cacheFnAbove {
		return evaluate(p, "("+fn+")("+string(a)+")")
	}
	key := fnKey(fn)
	call := `(() => { const f = globalThis[Symbol.for(` + key + `)]; return f ? f(` + string(a) + `) : ` + fnMissing + `; })()`
	res, err := evaluate(p, call)
	if err != nil || res != fnMissing {
		return res, err
	}
	// Not defined in this document yet (a new page): define it, then call it.
	def := `Object.defineProperty(globalThis, Symbol.for(` + key + `), { value: (` + fn + `), configurable: true }), 0`
	if _, err := evaluate(p, def); err != nil {
		return "", err
	}
	s.keep(p, key, def)
	return evaluate(p, call)
}

// keep makes def (a kept function's definition) run at the start of every later document of p,
// the session's own tab, once per tab: in the top frame only, before the page's own scripts.
// A page adopted with WithPage is the caller's and gets nothing added. Failing to add it only
// costs the round trips it would have saved.
func (s *Session) keep(p *rod.Page, key, def string) {
	s.st.Lock()
	mine := s.owned && s.page != nil && s.page.SessionID == p.SessionID
	if !mine || s.kept[key] {
		s.st.Unlock()
		return
	}
	if s.kept == nil {
		s.kept = map[string]bool{}
	}
	s.kept[key] = true
	s.st.Unlock()
	src := `if (globalThis === globalThis.top) { ` + def + `; }`
	if _, err := (proto.PageAddScriptToEvaluateOnNewDocument{Source: src}).Call(p); err != nil {
		s.st.Lock()
		if s.page != nil && s.page.SessionID == p.SessionID {
			delete(s.kept, key)
		}
		s.st.Unlock()
	}
}

// cacheFnAbove is the source length from which evalJS keeps a function in the page.
const cacheFnAbove = 2048

// fnMissing is what the page answers when a kept function is not defined in its document.
const fnMissing = `"__smartretry_fn_missing__"`

var fnKeys sync.Map // fn source → its symbol's name as a JS string literal

// fnKey names fn's symbol after a hash of its source, so two versions never meet.
func fnKey(fn string) string {
	if k, ok := fnKeys.Load(fn); ok {
		return k.(string)
	}
	sum := sha256.Sum256([]byte(fn))
	k := jsString("smartretry.fn." + hex.EncodeToString(sum[:8]))
	fnKeys.Store(fn, k)
	return k
}

// evaluate runs one awaitPromise, returnByValue Runtime.evaluate and returns the JSON result.
func evaluate(p *rod.Page, expr string) (string, error) {
	res, err := proto.RuntimeEvaluate{
		Expression:    expr,
		AwaitPromise:  true,
		ReturnByValue: true,
	}.Call(p)
	if err != nil {
		return "", err
	}
	if res.ExceptionDetails != nil {
		return "", &rod.EvalError{RuntimeExceptionDetails: res.ExceptionDetails}
	}
	if res.Result == nil {
		return "null", nil
	}
	return res.Result.Value.JSON("", ""), nil
}

func evalExpr(p *rod.Page, expr string, out any) error {
	res, err := proto.RuntimeEvaluate{Expression: expr, ReturnByValue: true, AwaitPromise: true}.Call(p)
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
}

// jsString quotes s as a JS string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
