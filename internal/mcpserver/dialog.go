package mcpserver

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"go.uber.org/zap"

	"github.com/smartretry/smartretry/actions"
)

// JS dialogs (alert, confirm, prompt) are handled as in Playwright MCP: a dialog the page opens
// stays open, the call under way ends at once (an open dialog holds every evaluation in the
// page: nothing may wait on it) and its result shows the dialog as the page's modal state;
// browser_handle_dialog answers it, and other tools on that tab are refused meanwhile, naming it.
// An agent that called browser_handle_dialog with no dialog open said how to answer the next
// ones: they are answered the moment they open, as before (the result says so).

// dialogWaitLimit bounds how long a dialog waits for browser_handle_dialog before it is
// dismissed: the Session's event goroutine is held meanwhile.
const dialogWaitLimit = 30 * time.Minute

// errModal is the cause of a call cut short by a dialog the page opened.
var errModal = errors.New("a dialog opened")

// dialogPolicy is how the next JS dialogs are answered (browser_handle_dialog with none open).
type dialogPolicy struct {
	set    bool // false: dialogs wait for browser_handle_dialog
	accept bool
	text   string
}

// dialogAnswer is browser_handle_dialog's answer to an open dialog.
type dialogAnswer struct {
	accept bool
	text   string
}

// openDialog is a dialog waiting for browser_handle_dialog.
type openDialog struct {
	d      actions.Dialog
	answer chan dialogAnswer // buffered: one answer
}

// describe is Playwright MCP's modal state line.
func (o *openDialog) describe() string {
	return fmt.Sprintf("[%q dialog with message %q]: can be handled by the browser_handle_dialog tool", o.d.Type, clip(o.d.Message, 500))
}

// onDialog is tab t's Session's dialog handler (on its event goroutine). With a policy set it
// answers at once; otherwise the dialog becomes t's modal state, the call under way on t ends,
// and the handler waits for the answer (the page is held by the dialog meanwhile anyway).
func (s *Server) onDialog(t *tab, d actions.Dialog) (bool, string) {
	s.st.Lock()
	pol := s.dialog
	var cut context.CancelCauseFunc
	if !pol.set && d.Type != "beforeunload" {
		// Also a dialog of another tab: a popup shares its opener's renderer, whose pages all
		// wait while it is open.
		cut = s.onModal
	}
	s.st.Unlock()
	if pol.set || d.Type == "beforeunload" {
		// beforeunload: a navigation or a tab's close asks; holding it would hold them.
		accept := pol.accept || !pol.set
		text := pol.text
		if text == "" {
			text = d.DefaultPrompt
		}
		verdict := "accepted"
		if !accept {
			verdict = "dismissed"
		}
		s.rec.note(fmt.Sprintf("a %s dialog %q was %s", d.Type, clip(d.Message, 200), verdict))
		return accept, text
	}
	od := &openDialog{d: d, answer: make(chan dialogAnswer, 1)}
	t.dmu.Lock()
	prev := t.dialog
	t.dialog = od
	t.dmu.Unlock()
	if prev != nil { // cannot be: a page has one dialog at a time; do not leave it waiting
		prev.answer <- dialogAnswer{}
	}
	if cut != nil {
		cut(errModal)
	}
	s.log.Info("dialog open, waiting for browser_handle_dialog", zap.String("type", d.Type))
	tm := time.NewTimer(dialogWaitLimit)
	defer tm.Stop()
	select {
	case a := <-od.answer:
		return a.accept, a.text
	case <-tm.C:
		t.takeDialog(od)
		return false, ""
	}
}

// anyDialog returns the open dialog of tab t, else of another tab (its index), if any.
func (s *Server) anyDialog(t *tab) (int, *openDialog) {
	if od := t.openDialogOf(); od != nil {
		return -1, od
	}
	s.st.Lock()
	tabs := append([]*tab(nil), s.tabs...)
	s.st.Unlock()
	for i, o := range tabs {
		if od := o.openDialogOf(); od != nil {
			return i, od
		}
	}
	return -1, nil
}

// modalState is the result's modal state section; i >= 0: the dialog is another tab's.
func modalState(i int, od *openDialog) string {
	if i < 0 {
		return "### Modal state\n- " + od.describe() + "\n"
	}
	return fmt.Sprintf("### Modal state\n- %s (in tab %d, which holds the pages it shares a renderer with; browser_handle_dialog answers it from here)\n", od.describe(), i)
}

// openDialogOf returns t's dialog waiting for an answer, if any.
func (t *tab) openDialogOf() *openDialog {
	t.dmu.Lock()
	defer t.dmu.Unlock()
	return t.dialog
}

// takeDialog forgets t's open dialog (od, or whichever when od is nil) and returns it.
func (t *tab) takeDialog(od *openDialog) *openDialog {
	t.dmu.Lock()
	defer t.dmu.Unlock()
	cur := t.dialog
	if cur == nil || (od != nil && cur != od) {
		return nil
	}
	t.dialog = nil
	return cur
}

// releaseDialog dismisses t's open dialog: the tab is closing (its Session's event goroutine
// must not stay held).
func (t *tab) releaseDialog() {
	if od := t.takeDialog(nil); od != nil {
		od.answer <- dialogAnswer{}
	}
}

// modalTools may run while the tab has a dialog open: they do not touch the page.
var modalTools = map[string]bool{
	"browser_handle_dialog": true, "browser_tabs": true, "browser_console_messages": true,
	"browser_network_requests": true,
}

// refuseModal is the result of a tool called while the tab has a dialog open, as Playwright
// MCP words it.
func (s *Server) refuseModal(t *tab, tool string, i int, od *openDialog) (*mcp.CallToolResult, pageOut, error) {
	msg := fmt.Sprintf("Error: Tool %q does not handle the modal state.\n%s", tool, modalState(i, od))
	why := fmt.Sprintf("refused at once: the %s dialog %q is open: answer it with browser_handle_dialog first", od.d.Type, clip(od.d.Message, 200))
	return s.fail(why + "\n" + msg), pageOut{URL: t.sess.URL(), Recovery: s.redact(why), Error: s.redact(why), ErrorType: "invalid_input"}, nil
}

func (s *Server) handleDialog(ctx context.Context, req *mcp.CallToolRequest, in dialogIn) (*mcp.CallToolResult, pageOut, error) {
	return s.act(ctx, req, false, func(ctx context.Context, t *tab, c *callText) error {
		verdict := "accepted"
		if !in.Accept {
			verdict = "dismissed"
		}
		od := t.takeDialog(nil)
		if od == nil {
			if i, other := s.anyDialog(t); other != nil {
				s.st.Lock()
				o := s.tabs[i]
				s.st.Unlock()
				od = o.takeDialog(other)
			}
		}
		if od != nil {
			text := in.PromptText
			if text == "" {
				text = od.d.DefaultPrompt
			}
			od.answer <- dialogAnswer{accept: in.Accept, text: text}
			fmt.Fprintf(c, "The %s dialog %q was %s", od.d.Type, clip(od.d.Message, 200), verdict)
			if od.d.Type == "prompt" && in.Accept {
				fmt.Fprintf(c, " with %q", clip(text, 200))
			}
			c.WriteString(".\n")
			return nil
		}
		s.st.Lock()
		s.dialog = dialogPolicy{set: true, accept: in.Accept, text: in.PromptText}
		s.st.Unlock()
		fmt.Fprintf(c, "No dialog is open: from now on JS dialogs are %s the moment they open (they never block the page)", verdict)
		if in.PromptText != "" {
			fmt.Fprintf(c, ", prompts with %q", clip(in.PromptText, 200))
		}
		c.WriteString(".\n")
		return nil
	})
}

// toolName is the name of the tool req calls.
func toolName(req *mcp.CallToolRequest) string {
	if req == nil || req.Params == nil {
		return ""
	}
	return strings.TrimSpace(req.Params.Name)
}
