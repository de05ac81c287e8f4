package e2e

import (
	"errors"
	"testing"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/browser"
)

// pageAnswer runs do, an action of one attempt that is meant to fail with the page's own account
// of what it saw (an in-page wait that ran out), until it does, 4 tries at most. The page answers
// a margin before the attempt's deadline (300 ms for a 3 s attempt's element, 750 ms for its
// wait); a loaded machine (2 cores, load ~20) can hold that answer past the deadline, and the
// attempt ends as a bare timeout ("timed out after 3s waiting for the element") that says
// nothing of the page: such a try is asked again. Any other outcome is returned at once.
func pageAnswer(t *testing.T, do func() error) error {
	t.Helper()
	for try := 1; ; try++ {
		err := do()
		var te *browser.TimeoutError
		var we *actions.WaitError
		var na *actions.NotActionableError
		if try < 4 && errors.As(err, &te) && !errors.As(err, &we) && !errors.As(err, &na) {
			t.Logf("try %d: the page's answer missed the attempt's deadline: %v", try, err)
			continue
		}
		return err
	}
}
