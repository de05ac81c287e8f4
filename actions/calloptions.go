package actions

import (
	"context"

	"github.com/smartretry/smartretry/retry"
)

type callOptionsKey struct{}

// WithCallOptions returns a ctx that makes the Session calls made with it pass opts to retry.Run
// after the Session's own (UsingManager, OnEscalate), so one call can change its budget or
// strategy without a new Session:
//
//	ctx := actions.WithCallOptions(ctx, retry.MaxAttempts(5), retry.UseStrategy(retry.Linear))
//	err := s.Click(ctx, "#flaky-button")
//
// Options added to a ctx that already carries some are appended to them.
func WithCallOptions(ctx context.Context, opts ...retry.CallOption) context.Context {
	prev := callOptions(ctx)
	all := make([]retry.CallOption, 0, len(prev)+len(opts))
	all = append(append(all, prev...), opts...)
	return context.WithValue(ctx, callOptionsKey{}, all)
}

func callOptions(ctx context.Context) []retry.CallOption {
	opts, _ := ctx.Value(callOptionsKey{}).([]retry.CallOption)
	return opts
}
