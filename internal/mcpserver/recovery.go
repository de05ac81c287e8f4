package mcpserver

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/retry"
)

// recorder collects the engine's events and the server's own notes (a re-resolved ref, a dialog
// answered) during one tool call, for the call's recovery line.
type recorder struct {
	mu     sync.Mutex
	events []retry.Event
	notes  []string
}

func (r *recorder) observe(ev retry.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, ev)
}

func (r *recorder) note(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.notes = append(r.notes, s)
}

// take returns what was collected since the last take and forgets it.
func (r *recorder) take() ([]retry.Event, []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ev, n := r.events, r.notes
	r.events, r.notes = nil, nil
	return ev, n
}

// recoveryLine says in one line what the engine did during a call: nothing, how it recovered, or
// why it stopped. err is the call's error (nil on success).
func recoveryLine(events []retry.Event, notes []string, err error) string {
	type run struct {
		action    string
		retries   []retry.Event
		solution  string
		succeeded bool
		gaveUp    *retry.Event
		escalated bool
	}
	var runs []*run
	var cur *run
	for i := range events {
		ev := events[i]
		if ev.Action == "" { // breaker transitions
			if ev.Kind == retry.EventBreakerOpen {
				notes = append(notes, fmt.Sprintf("the circuit breaker for %s opened for %s", ev.Domain, secs(ev.Delay)))
			}
			continue
		}
		if cur == nil || cur.action != ev.Action || cur.succeeded || cur.gaveUp != nil {
			cur = &run{action: ev.Action}
			runs = append(runs, cur)
		}
		switch ev.Kind {
		case retry.EventRetry:
			cur.retries = append(cur.retries, ev)
		case retry.EventEscalate:
			cur.escalated = true
		case retry.EventSuccess:
			cur.succeeded, cur.solution = true, ev.Solution
		case retry.EventGiveUp:
			cur.gaveUp = &ev
		}
	}
	var parts []string
	for _, r := range runs {
		switch {
		case r.gaveUp != nil:
			continue // said below, with the error
		case len(r.retries) > 0:
			parts = append(parts, recovered(r.action, r.retries, r.solution))
		case r.escalated && r.succeeded:
			parts = append(parts, r.action+": a person solved the challenge, then it went on")
		}
	}
	if err != nil {
		parts = append(parts, failed(err))
	}
	parts = append(parts, notes...)
	if len(parts) == 0 {
		return "recovery: none needed"
	}
	return strings.Join(parts, "; ")
}

// recovered: `navigate: 503 twice, waited 1.2 s, succeeded` / `recovered after 2 attempts:
// stale_element → re-resolved`.
func recovered(action string, retries []retry.Event, solution string) string {
	var waited time.Duration
	counts := map[string]int{}
	var order []string
	for _, ev := range retries {
		waited += ev.Delay
		k := cause(ev)
		if counts[k] == 0 {
			order = append(order, k)
		}
		counts[k]++
	}
	var causes []string
	for _, k := range order {
		causes = append(causes, k+times(counts[k]))
	}
	c := strings.Join(causes, ", ")
	if action == "navigate" {
		s := "navigate: " + c
		if waited > 0 {
			s += ", waited " + secs(waited)
		}
		return s + ", succeeded"
	}
	s := fmt.Sprintf("recovered after %d attempts: %s", len(retries)+1, c)
	if waited > 0 {
		s += ", waited " + secs(waited)
	}
	if r := repairName(solution); r != "" {
		s += " → " + r
	}
	return s
}

// failed: `refused at once: …` / `gave up after 3 attempts (server_error: HTTP 503 ×3): …`.
func failed(err error) string {
	msg := errorText(err)
	var ae *actions.ActionError
	attempts := 0
	if errors.As(err, &ae) {
		attempts = ae.Attempts()
	}
	var re *retry.Error
	t := retry.Classify(err)
	if errors.As(err, &re) {
		t = re.Type
	}
	switch {
	case errors.Is(err, retry.ErrEscalate) || t == retry.Captcha || t == retry.AuthRequired:
		return "needs a person: " + msg
	case errors.As(err, new(*waitError)):
		return "waited in vain: " + msg // it waited the whole time: not "refused at once"
	case attempts <= 1:
		return "refused at once: " + msg
	case t.IsPermanent():
		return fmt.Sprintf("refused after %d attempts: %s", attempts, msg)
	case errors.Is(err, retry.ErrCircuitOpen):
		return fmt.Sprintf("stopped after %d attempts, the site's circuit breaker is open: %s", attempts, msg)
	default:
		return fmt.Sprintf("gave up after %d attempts (%s): %s", attempts, t, msg)
	}
}

// errorText is the most telling message of an action's error: the in-page reason when there is
// one (what covers the element, how many matched), else the whole error.
func errorText(err error) string {
	var rg *refGoneError
	if errors.As(err, &rg) {
		return rg.msg
	}
	var na *actions.NotActionableError
	if errors.As(err, &na) {
		return na.Error()
	}
	var fe *actions.FillError
	if errors.As(err, &fe) {
		return fe.Error()
	}
	return err.Error()
}

func cause(ev retry.Event) string {
	var he *retry.HTTPError
	if errors.As(ev.Err, &he) && he.StatusCode > 0 {
		return fmt.Sprintf("HTTP %d", he.StatusCode)
	}
	return ev.Type.String()
}

func times(n int) string {
	switch n {
	case 1:
		return ""
	case 2:
		return " twice"
	}
	return fmt.Sprintf(" %d times", n)
}

func repairName(solution string) string {
	switch solution {
	case "resnapshot":
		return "waited for the page and looked again"
	case "reresolve":
		return "re-resolved the element"
	case "new_page":
		return "opened a new tab on the same URL"
	case "renavigate":
		return "loaded the page again"
	case "wait":
		return "waited and tried again"
	case "escalated":
		return "a person solved it"
	case "", "retry":
		return ""
	}
	return solution
}

// secs shows a duration as seconds with one decimal ("1.2 s").
func secs(d time.Duration) string { return fmt.Sprintf("%.1f s", d.Seconds()) }

// clip shortens s to n bytes on a rune boundary, saying how long it was.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + fmt.Sprintf("…(%d bytes)", len(s))
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
