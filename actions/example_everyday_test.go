package actions_test

import (
	"fmt"

	"github.com/smartretry/smartretry/actions"
)

// A flow file names wait states as words; ParseWaitState reads them ("gone" is Detached).
func ExampleParseWaitState() {
	for _, name := range []string{"hidden", "gone", "Enabled"} {
		st, err := actions.ParseWaitState(name)
		fmt.Println(st, err)
	}
	_, err := actions.ParseWaitState("shown")
	fmt.Println(err)
	// Output:
	// hidden <nil>
	// detached <nil>
	// enabled <nil>
	// unknown wait state "shown" (known: visible, hidden, attached, detached or gone, enabled)
}
