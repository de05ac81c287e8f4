package actions

import (
	"fmt"
	"slices"
	"strings"

	"github.com/smartretry/smartretry/retry"
)

// SelectError is a Select whose choice the page did not keep: the <select>'s own change handler
// put other options back (a React-controlled <select> whose state refused the change, a sort
// that does nothing for this user). Type InvalidInput: choosing again does the same.
//
// Not modified after it is returned: safe to read from many goroutines.
type SelectError struct {
	Selector string
	Chosen   []string // the values of the options Select chose
	Kept     []string // the values of the options selected once the page's handlers ran
}

func (e *SelectError) Error() string {
	return fmt.Sprintf("%q: the page put back %s after %s was chosen (its change handler did not keep the choice)",
		e.Selector, quoteValues(e.Kept), quoteValues(e.Chosen))
}

// RetryType is InvalidInput.
func (e *SelectError) RetryType() retry.ErrorType { return retry.InvalidInput }

func quoteValues(vs []string) string {
	if len(vs) == 0 {
		return "no option"
	}
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = fmt.Sprintf("%q", clip(v))
	}
	return strings.Join(q, ", ")
}

// selectKept says whether the options selected after the change (kept) are the ones chosen.
func selectKept(chosen, kept []string) bool {
	a, b := slices.Clone(chosen), slices.Clone(kept)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
