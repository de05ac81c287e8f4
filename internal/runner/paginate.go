package runner

import (
	"context"
	"fmt"

	"go.uber.org/zap"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/internal/flow"
)

// paginate runs a paginate step (Session.Paginate): its steps on every page, the first
// included, clicking the next control until it is gone, hidden or disabled. The records of every
// page's extract steps are the step's; a read step keeps the last page's value.
func (r *run) paginate(ctx context.Context, s *actions.Session, st flow.Step, it flow.Item, reads map[string]any) ([]map[string]any, error) {
	next, _, err := r.c.Flow.Resolve(st.Get("next"), it)
	if err != nil {
		return nil, err
	}
	var records []map[string]any
	var each func(ctx context.Context, page int) error
	if len(st.Steps) > 0 {
		each = func(ctx context.Context, page int) error {
			for i, sub := range st.Steps {
				recs, err := r.step(ctx, s, sub, it, reads)
				if err != nil {
					return &stepError{step: fmt.Sprintf("page %d, paginate step %d (line %d)", page, i+1, sub.Line), err: err}
				}
				records = append(records, recs...)
			}
			return nil
		}
	}
	pages, err := s.Paginate(ctx, next, st.Count, each)
	if err != nil {
		return nil, err
	}
	r.c.Logger.Debug("paginate: done", zap.String("item", it.Key), zap.Int("line", st.Line), zap.Int("pages", pages), zap.Int("records", len(records)))
	return records, nil
}

// enqueueKey carries, in a crawl stage's paginate, what its enqueue steps do: add the links of
// the page they run on to the crawl.
type enqueueKey struct{}

type enqueueFunc func(ctx context.Context, s *actions.Session, st flow.Step) error

func withEnqueue(ctx context.Context, fn enqueueFunc) context.Context {
	return context.WithValue(ctx, enqueueKey{}, fn)
}

// enqueueIn runs an enqueue step inside a paginate through the crawl's hook.
func enqueueIn(ctx context.Context, s *actions.Session, st flow.Step) error {
	fn, _ := ctx.Value(enqueueKey{}).(enqueueFunc)
	if fn == nil {
		return fmt.Errorf("enqueue (line %d) runs only in a crawl's stage", st.Line)
	}
	return fn(ctx, s, st)
}

// enqueueSteps are the enqueue steps of steps, a paginate's included.
func enqueueSteps(steps []flow.Step) []flow.Step {
	var out []flow.Step
	for _, st := range steps {
		switch st.Kind {
		case "enqueue":
			out = append(out, st)
		case "paginate":
			out = append(out, enqueueSteps(st.Steps)...)
		}
	}
	return out
}
