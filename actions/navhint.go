package actions

import (
	"errors"
	"fmt"
	"time"

	"github.com/smartretry/smartretry/browser"
	"github.com/smartretry/smartretry/retry"
)

// slowLoadError is a page load that ran out of its attempts' time: the error says how long each
// attempt had and how to give a slow site more, since the type alone (network_timeout) does not
// tell a server slower than the budget (a cold start, a heavy report) from one that never answers.
type slowLoadError struct {
	err   error
	limit time.Duration
}

func (e *slowLoadError) Error() string {
	return fmt.Sprintf("%s; a site slower to load than %s an attempt needs a longer navigation timeout (WithNavigationTimeout; --navigation-timeout on the command line)",
		e.err.Error(), e.limit)
}

func (e *slowLoadError) Unwrap() error { return e.err }

// withSlowLoadHint wraps err, a page load's final failure, when its attempts ran out of time.
func (s *Session) withSlowLoadHint(sp spec, err error) error {
	switch sp.action {
	case "navigate", "back", "forward", "reload":
	default:
		return err
	}
	var te *browser.TimeoutError
	if classify(err) != retry.NetworkTimeout || !errors.As(err, &te) {
		return err
	}
	return &slowLoadError{err: err, limit: te.After}
}
