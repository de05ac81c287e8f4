package mcpserver

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/smartretry/smartretry/retry"
)

// progressEvery is how often a call whose client gave a progressToken reports that it is still
// under way.
const progressEvery = time.Second

// reportProgress sends notifications/progress for the call req while it runs, when its client
// asked for them (a progressToken in _meta): every progressEvery, the seconds spent and what the
// engine is doing (a retry after a 429 waits 30 s or more, a wait for text as long as the action
// timeout). A client shows them; the TypeScript SDK's resetTimeoutOnProgress keeps such a call
// from ending at its 60 s request timeout. The returned stop ends the reports before the result
// is sent (none may follow it).
func (s *Server) reportProgress(ctx context.Context, req *mcp.CallToolRequest) (stop func()) {
	if req == nil || req.Session == nil || req.Params == nil {
		return func() {}
	}
	token := req.Params.GetProgressToken()
	if token == nil {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		start := time.Now()
		tick := time.NewTicker(progressEvery)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			spent := time.Since(start)
			msg := fmt.Sprintf("%s: %s", toolName(req), secs(spent))
			if doing := s.rec.doing(); doing != "" {
				msg += "; " + doing
			}
			// A client that went away fails the send; the call ends on its own.
			_ = req.Session.NotifyProgress(ctx, &mcp.ProgressNotificationParams{
				ProgressToken: token, Progress: spent.Seconds(), Message: msg})
		}
	}()
	return func() {
		close(done)
		wg.Wait()
	}
}

// doing says what the engine did last in the call under way: the last retry and its wait.
func (r *recorder) doing() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.events) - 1; i >= 0; i-- {
		ev := r.events[i]
		if ev.Kind != retry.EventRetry {
			continue
		}
		s := fmt.Sprintf("%s: attempt %d failed (%s)", ev.Action, ev.Attempt+1, cause(ev))
		if ev.Delay > 0 {
			s += fmt.Sprintf(", next one after %s", secs(ev.Delay))
		}
		return s
	}
	return ""
}
