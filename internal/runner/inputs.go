package runner

import (
	"fmt"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/internal/flow"
)

// httpCredentials expands the flow's http_credentials (variables, secret ones included, and
// environment variables: they serve the whole run, never one item).
func httpCredentials(f *flow.Flow) (actions.HTTPCredentials, error) {
	hc := f.HTTPCredentials
	user, _, err := f.Resolve(hc.Username, flow.Item{})
	if err != nil {
		return actions.HTTPCredentials{}, fmt.Errorf("http_credentials.username: %w", err)
	}
	pw, _, err := f.Resolve(hc.Password, flow.Item{})
	if err != nil {
		return actions.HTTPCredentials{}, fmt.Errorf("http_credentials.password: %w", err)
	}
	return actions.HTTPCredentials{Username: user, Password: pw, Origins: hc.Origins}, nil
}
