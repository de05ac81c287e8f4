package actions

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"

	"github.com/smartretry/smartretry/retry"
)

// SetFiles puts the files at paths into the file input sel names, as a person choosing them in
// the browser's file dialog would: the input's files change and the page gets its input and
// change events. No dialog opens.
//
// sel may name:
//   - the <input type=file> itself, visible or not (pages hide it behind a styled button; it only
//     has to be attached, as with Playwright's setInputFiles);
//   - a <label> for it, or an element holding exactly one file input (a drop zone);
//   - a button whose click opens the file chooser by script (input.click() on an input kept out
//     of the document): it is clicked as Click does, the chooser is intercepted and answered.
//
// Every path must be absolute and name a readable regular file: a relative, missing or
// unreadable path fails at once (invalid_input, naming the path) before the page is touched.
// Several paths need an input with the multiple attribute (invalid_input otherwise). No paths
// clears the input. The files are read back from the input before SetFiles returns; the
// attempts, deadline and errors are those of Click.
func (s *Session) SetFiles(ctx context.Context, sel string, paths ...string) error {
	sp := spec{action: "set_files", selector: sel}
	if detail := checkUploadPaths(paths); detail != "" {
		return s.refuse(sp, detail)
	}
	return s.run(ctx, sp, func(p *rod.Page, a *retry.Attempt) error {
		res, err := s.locate(p, sp.action, locateReq{Sel: sel, Strict: true, State: stateAttached, Op: "upload"})
		if err != nil {
			return err
		}
		if len(paths) > 1 && res.Kind == "file" && !res.Has {
			return &NotActionableError{Action: sp.action, Selector: sel, Reason: ReasonUnusable,
				Detail: fmt.Sprintf("%d files for an input without the multiple attribute", len(paths))}
		}
		if res.Kind == "chooser" {
			return s.uploadThroughChooser(p, sel, paths)
		}
		obj, err := takeUploadTarget(p)
		if err != nil {
			return err
		}
		if obj == "" {
			// The document changed between the two evaluations: resolve again.
			return &NotActionableError{Action: sp.action, Selector: sel, Reason: ReasonReplaced}
		}
		defer func() { _ = proto.RuntimeReleaseObject{ObjectID: obj}.Call(p) }()
		if len(paths) == 0 {
			// The protocol cannot empty an input; a person's "cancel" cannot either: clear it
			// as a page's reset button does, with the events.
			if _, err := (proto.RuntimeCallFunctionOn{ObjectID: obj, FunctionDeclaration: `function () {
				if (this.files.length === 0) return;
				this.value = '';
				this.dispatchEvent(new Event('input', { bubbles: true }));
				this.dispatchEvent(new Event('change', { bubbles: true })); }`}).Call(p); err != nil {
				return err
			}
		} else if err := (proto.DOMSetFileInputFiles{Files: paths, ObjectID: obj}).Call(p); err != nil {
			return err
		}
		return checkFilesSet(p, sp, sel, obj, len(paths))
	})
}

// Upload is SetFiles, under the name most tutorials use.
func (s *Session) Upload(ctx context.Context, sel string, paths ...string) error {
	return s.SetFiles(ctx, sel, paths...)
}

// checkUploadPaths says what is wrong with paths, or "".
func checkUploadPaths(paths []string) string {
	for _, p := range paths {
		switch {
		case p == "":
			return "an empty file path"
		case !filepath.IsAbs(p):
			return fmt.Sprintf("file path %q is relative: the browser resolves it in its own directory; give an absolute path (filepath.Abs)", p)
		}
		st, err := os.Stat(p)
		switch {
		case errors.Is(err, os.ErrNotExist):
			return fmt.Sprintf("file %q does not exist", p)
		case err != nil:
			return fmt.Sprintf("file %q cannot be read: %v", p, err)
		case st.IsDir():
			return fmt.Sprintf("%q is a directory, not a file", p)
		case !st.Mode().IsRegular():
			return fmt.Sprintf("%q is not a regular file", p)
		}
		f, err := os.Open(p)
		if err != nil {
			return fmt.Sprintf("file %q cannot be read: %v", p, err)
		}
		_ = f.Close()
	}
	return ""
}

func nonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

// takeUploadTarget returns a remote reference to the input locate.js kept ("" when the document
// that kept it is gone).
func takeUploadTarget(p *rod.Page) (proto.RuntimeRemoteObjectID, error) {
	res, err := proto.RuntimeEvaluate{Expression: `(() => { const e = window.__smartretryUpload || null; window.__smartretryUpload = null;
		return e && e.isConnected ? e : null; })()`}.Call(p)
	if err != nil {
		return "", err
	}
	if res.ExceptionDetails != nil {
		return "", &rod.EvalError{RuntimeExceptionDetails: res.ExceptionDetails}
	}
	if res.Result == nil || res.Result.ObjectID == "" {
		return "", nil
	}
	return res.Result.ObjectID, nil
}

// checkFilesSet reads back how many files the input holds.
func checkFilesSet(p *rod.Page, sp spec, sel string, obj proto.RuntimeRemoteObjectID, want int) error {
	res, err := proto.RuntimeCallFunctionOn{ObjectID: obj, ReturnByValue: true,
		FunctionDeclaration: `function () { return this.files ? this.files.length : -1; }`}.Call(p)
	if err != nil {
		return err
	}
	if res.ExceptionDetails != nil {
		return &rod.EvalError{RuntimeExceptionDetails: res.ExceptionDetails}
	}
	if got := res.Result.Value.Int(); got != want {
		return &NotActionableError{Action: sp.action, Selector: sel, Reason: ReasonUnusable,
			Detail: fmt.Sprintf("the input holds %d file(s) after %d were set", got, want)}
	}
	return nil
}

// uploadThroughChooser clicks sel with the page's file chooser intercepted and answers the
// chooser the click opens with paths.
func (s *Session) uploadThroughChooser(p *rod.Page, sel string, paths []string) error {
	const action = "set_files"
	if err := (proto.PageSetInterceptFileChooserDialog{Enabled: true}).Call(p); err != nil {
		return err
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(p.GetContext()), hungProbe)
		defer cancel()
		_ = proto.PageSetInterceptFileChooserDialog{Enabled: false}.Call(p.Context(ctx))
	}()
	ectx, stop := context.WithCancel(p.GetContext())
	opened := make(chan *proto.PageFileChooserOpened, 1)
	wait := p.Context(ectx).EachEvent(func(e *proto.PageFileChooserOpened) bool {
		opened <- e
		return true
	})
	done := make(chan struct{})
	go func() { defer close(done); wait() }()
	defer func() { stop(); <-done }()

	m := s.markNav()
	res, err := s.locate(p, action, locateReq{Sel: sel, Strict: true, State: stateActionable, Op: "click"})
	if err != nil {
		return err
	}
	if err := mouseClick(p, res.X, res.Y); err != nil {
		return err
	}
	if bad := s.afterInput(p, res.token, nil, m); bad != "" {
		return &NotActionableError{Action: action, Selector: sel, Reason: ReasonObscured, Detail: bad, Count: res.Count}
	}
	var ev *proto.PageFileChooserOpened
	grace := time.NewTimer(chooserGrace)
	defer grace.Stop()
	select {
	case ev = <-opened:
	case <-p.GetContext().Done():
		return p.GetContext().Err()
	case <-grace.C:
		// Clicked, and no chooser came: the element is not an upload control. Clicking again
		// cannot change that.
		return &NotActionableError{Action: action, Selector: sel, Reason: ReasonUnusable,
			Detail: "it is no file input, holds none, and clicking it opened no file chooser"}
	}
	if len(paths) > 1 && ev.Mode != proto.PageFileChooserOpenedModeSelectMultiple {
		return &NotActionableError{Action: action, Selector: sel, Reason: ReasonUnusable,
			Detail: fmt.Sprintf("%d files for a chooser that takes one", len(paths))}
	}
	if ev.BackendNodeID == 0 {
		return errors.New("the file chooser names no input")
	}
	return proto.DOMSetFileInputFiles{Files: nonNil(paths), BackendNodeID: ev.BackendNodeID}.Call(p)
}

// chooserGrace is how long a clicked upload button has to open its file chooser.
const chooserGrace = 2 * time.Second
