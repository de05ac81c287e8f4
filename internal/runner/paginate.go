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
