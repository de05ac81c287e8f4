package main

import (
	"github.com/smartretry/smartretry/actions"
)

// newEscalator returns who solves CAPTCHAs and login walls for `run`.
//
// TODO(cli): use actions.NewHandOff (actions/handoff.go, still behind the
// smartretry_handoff_wip build tag) once it lands: it pauses the item, tells the person what and
// where, opens a visible browser when the run is headless and a display exists, and resumes.
// Until then nil keeps the Session's default: the item fails with ErrEscalate naming the vendor
// and the URL, an error snapshot is written, and the other items go on.
func newEscalator(io stdio, headful bool) actions.Escalator {
	_ = io
	_ = headful
	return nil
}
