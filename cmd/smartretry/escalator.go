package main

import (
	"fmt"
	"os"
	"time"

	"golang.org/x/term"

	"github.com/smartretry/smartretry/actions"
)

// handoffOpts says how `run` hands CAPTCHAs and login walls to a person.
type handoffOpts struct {
	mode    string        // auto | on | off
	timeout time.Duration // how long the person has
}

// newEscalator returns the person hand-off (actions.HandOff) for `run`:
//
//   - headful run: the item pauses, the terminal says what and where ("reCAPTCHA on https://… —
//     solve it in the browser window"), and the item resumes when the challenge is gone (or on
//     Enter);
//   - headless run with a display: a visible browser opens on the same URL with the session's
//     cookies, and the cookies come back once the person is done;
//   - no display, or nobody there (stdin not a terminal, or --handoff off): the item fails at
//     once with ErrEscalate naming the vendor and the URL, an error snapshot is written (with
//     --artifacts), and the other items go on.
//
// --handoff on says a person is watching even though stdin is not a terminal (the page is
// watched for the challenge to go; there is no Enter).
func newEscalator(io stdio, o handoffOpts) (actions.Escalator, error) {
	interactive := false
	switch o.mode {
	case "auto", "":
		f, ok := io.in.(*os.File)
		interactive = ok && term.IsTerminal(int(f.Fd()))
	case "on":
		interactive = true
	case "off":
	default:
		return nil, fmt.Errorf("--handoff: want auto, on or off, got %q", o.mode)
	}
	opts := []actions.HandOffOption{
		actions.HandOffOutput(io.err),
		actions.HandOffInteractive(interactive),
		actions.HandOffTimeout(o.timeout),
	}
	if f, ok := io.in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		opts = append(opts, actions.HandOffInput(io.in))
	} else {
		opts = append(opts, actions.HandOffInput(nil))
	}
	return actions.NewHandOff(opts...), nil
}
