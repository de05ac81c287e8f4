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

// dialogPolicy is the flow's dialogs: every dialog accepted (a prompt with prompt_text, else its
// default) or dismissed.
func dialogPolicy(f *flow.Flow) actions.DialogHandler {
	d := f.Dialogs
	if !d.Accept {
		return actions.DismissDialogs()
	}
	text, _, err := f.Resolve(d.PromptText, flow.Item{})
	if err != nil {
		text = "" // checked at load: a template that cannot expand never gets here
	}
	return actions.AcceptDialogs(text)
}
