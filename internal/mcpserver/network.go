package mcpserver

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/go-rod/rod/lib/proto"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// networkKeep is how many requests a tab keeps for its current document (the oldest go first).
const networkKeep = 1000

// netRequest is one request of the tab's current document, as browser_network_requests lists it.
type netRequest struct {
	Method     string `json:"method"`
	URL        string `json:"url"`
	Type       string `json:"type" jsonschema:"the resource type: Document, Script, Fetch, XHR, Image…"`
	Status     int    `json:"status,omitempty" jsonschema:"the response's HTTP status (0: no response yet, or it failed)"`
	StatusText string `json:"statusText,omitempty"`
	Failure    string `json:"failure,omitempty" jsonschema:"why the request failed (net::ERR_…), when it did"`
	loader     proto.NetworkLoaderID
}

// request records a request the page sends. Called with the page's events, l.mu not held.
func (l *consoleLog) request(e *proto.NetworkRequestWillBeSent) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.reqAt == nil {
		l.reqAt = map[proto.NetworkRequestID]int{}
	}
	if i, ok := l.reqAt[e.RequestID]; ok && e.RedirectResponse != nil {
		// A redirect: the hop is answered, the request goes on under the same id.
		l.reqs[i].Status, l.reqs[i].StatusText = e.RedirectResponse.Status, e.RedirectResponse.StatusText
	}
	if len(l.reqs) >= networkKeep {
		l.reqs = append(l.reqs[:0], l.reqs[len(l.reqs)-networkKeep/2:]...)
		l.reqAt = map[proto.NetworkRequestID]int{}
	}
	l.reqAt[e.RequestID] = len(l.reqs)
	l.reqs = append(l.reqs, netRequest{Method: e.Request.Method, URL: e.Request.URL, Type: string(e.Type), loader: e.LoaderID})
}

// newDocument keeps only the requests of the document that just committed (its own request was
// sent before it did). l.mu is held.
func (l *consoleLog) newDocument(loader proto.NetworkLoaderID) {
	kept := l.reqs[:0:0]
	l.reqAt = map[proto.NetworkRequestID]int{}
	for _, r := range l.reqs {
		if r.loader == loader {
			kept = append(kept, r)
		}
	}
	l.reqs = kept
}

// requests returns the current document's requests.
func (l *consoleLog) requests() []netRequest {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]netRequest(nil), l.reqs...)
}

// line is the request as Playwright MCP prints it: `[GET] URL => [200] OK`.
func (r netRequest) line() string {
	s := fmt.Sprintf("[%s] %s", strings.ToUpper(r.Method), clip(r.URL, 300))
	switch {
	case r.Status > 0:
		s += fmt.Sprintf(" => [%d] %s", r.Status, r.StatusText)
	case r.Failure != "":
		s += " => [FAILED] " + r.Failure
	}
	return strings.TrimSpace(s)
}

// static: a resource that loaded fine and that no script asked for (Playwright MCP hides these
// unless asked for them).
func (r netRequest) static() bool {
	if r.Type == string(proto.NetworkResourceTypeFetch) || r.Type == string(proto.NetworkResourceTypeXHR) {
		return false
	}
	return r.Status >= 200 && r.Status < 400
}

type (
	networkIn struct {
		Static   bool   `json:"static,omitempty" jsonschema:"also list the static resources that loaded fine (the document, images, fonts, scripts…); default false"`
		Filter   string `json:"filter,omitempty" jsonschema:"only the requests whose URL matches this regular expression (e.g. /api/.*user)"`
		Filename string `json:"filename,omitempty" jsonschema:"ignored: the requests come back in the result"`
	}
	networkOut struct {
		Requests []numberedRequest `json:"requests" jsonschema:"the requests listed, in the order they were sent"`
		Hidden   int               `json:"hidden" jsonschema:"static requests left out (static: true lists them)"`
		Recovery string            `json:"recovery"`
		Error    string            `json:"error,omitempty"`
	}
	numberedRequest struct {
		Number int `json:"number" jsonschema:"1-based, among all the document's requests"`
		netRequest
	}
)

func (s *Server) networkRequests(ctx context.Context, req *mcp.CallToolRequest, in networkIn) (*mcp.CallToolResult, networkOut, error) {
	out := networkOut{Requests: []numberedRequest{}}
	res, po, err := s.act(ctx, req, false, func(ctx context.Context, t *tab, c *callText) error {
		c.noPage = true
		var re *regexp.Regexp
		if in.Filter != "" {
			var err error
			if re, err = regexp.Compile(in.Filter); err != nil {
				return &errTarget{fmt.Sprintf("filter %q is not a regular expression: %v", clip(in.Filter, 200), err)}
			}
		}
		var lines []string
		for i, r := range t.console.requests() {
			if !in.Static && r.static() {
				out.Hidden++
				continue
			}
			if re != nil && !re.MatchString(r.URL) {
				continue
			}
			out.Requests = append(out.Requests, numberedRequest{Number: i + 1, netRequest: r})
			lines = append(lines, fmt.Sprintf("%d. %s", i+1, r.line()))
		}
		fmt.Fprintf(c, "### Network requests since the page loaded: %d listed\n", len(out.Requests))
		writeLines(&c.Builder, lines, s.cfg.SnapshotBudget)
		if out.Hidden > 0 {
			fmt.Fprintf(c, "\nNote: %d static request(s) not shown (the document, scripts, images… that loaded fine), call with \"static\": true to see them.\n", out.Hidden)
		}
		return nil
	})
	out.Recovery, out.Error = po.Recovery, po.Error
	return res, out, err
}
