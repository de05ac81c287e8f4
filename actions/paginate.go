package actions

import (
	"context"
	_ "embed"
	"fmt"
	"strconv"
	"time"

	"github.com/go-rod/rod"
	"go.uber.org/zap"

	"github.com/smartretry/smartretry/retry"
)

//go:embed paginate.js
var paginateSrc string

var paginateJS = withQuery(paginateSrc)

// PageQuiet is how long the DOM must have had no node or text change, after a click on the next
// control changed the page, before Paginate takes the new page as loaded. It is no sleep: the
// page watches its DOM and answers as soon as it holds.
const PageQuiet = 300 * time.Millisecond

// DefaultMaxPages bounds Paginate when it is given no limit.
const DefaultMaxPages = 1000

type paginateReq struct {
	Op    string `json:"op"`
	Sel   string `json:"sel,omitempty"`
	Sig   string `json:"sig,omitempty"`
	Key   string `json:"key,omitempty"`
	Quiet int64  `json:"quiet,omitempty"`
	Max   int64  `json:"max,omitempty"`
}

type paginateRes struct {
	Reason  string `json:"reason"`
	Detail  string `json:"detail"`
	Count   int    `json:"count"`
	Usable  bool   `json:"usable"`
	Idx     int    `json:"idx"`
	Why     string `json:"why"`
	Key     string `json:"key"`
	Sig     string `json:"sig"`
	Changed bool   `json:"changed"`
	Ms      int64  `json:"ms"`
}

// PaginateError is a click on the next control after which the page did not change within an
// attempt (WithTimeout), nor once the requests the click started were answered. It is
// invalid_input, never retried: clicking again could skip a page. Usually the control is still
// there, enabled, on the last page, doing nothing: give a selector that does not match it there.
//
// Not modified after it is returned: safe to read from many goroutines.
type PaginateError struct {
	Selector string
	Page     int // the page the click was made on (1-based)
	Waited   time.Duration
}

func (e *PaginateError) Error() string {
	return fmt.Sprintf("clicking %q on page %d changed nothing on the page for %s: if it is still there on the last page, give a selector that matches only a usable next control", clip(e.Selector), e.Page, e.Waited.Round(time.Millisecond))
}

// RetryType is InvalidInput.
func (e *PaginateError) RetryType() retry.ErrorType { return retry.InvalidInput }

// Paginate walks a paginated list whose pages come from a next control: a "Next" link, a "›"
// button that loads the next page by XHR without changing the URL, a "Load more" button. It
// calls each on the current page (page 1), then, as long as next names a control a person could
// use (rendered, not disabled: the disabled property, aria-disabled="true", or a "disabled"
// class on it or its two nearest ancestors, as Bootstrap's li.page-item.disabled; of several
// matches, a pagination shown above and below the list, the first usable one, a text= selector's
// whole-text matches first; on later pages only an element of the same tag and classes as the
// first one clicked: text=More does not go on to a "Learn more" link once the More button is
// hidden), clicks it (Click:
// a navigation it starts is waited for), waits until the page's text has changed and the DOM has
// then been quiet for PageQuiet (requests the click started still on their way are waited
// for), and calls each again. It stops, without error, when the control is gone, hidden or
// disabled, when a click brought back the text of a page already seen (a next that wraps around
// or reloads the last page), or after maxPages pages (0: DefaultMaxPages). It returns how many
// pages each was called on. each may be nil: then Paginate only clicks until the control is
// done (a "Load more" button), and the whole list is on the page.
//
// A next that matches nothing at all on the first page is logged as a warning (often a selector
// that names nothing on the site), and the one page is the list.
//
// Errors: each's error is returned as it is; a click on next that changed nothing within an
// attempt is a *PaginateError; an invalid selector or maxPages < 0 is invalid_input at once.
func (s *Session) Paginate(ctx context.Context, next string, maxPages int, each func(ctx context.Context, page int) error) (int, error) {
	sp := spec{action: "paginate", selector: next}
	if maxPages < 0 {
		return 0, s.refuse(sp, "maxPages must not be negative (0: at most "+strconv.Itoa(DefaultMaxPages)+" pages)")
	}
	if maxPages == 0 {
		maxPages = DefaultMaxPages
	}
	seen := map[string]int{}
	key := "" // the control clicked on page 1: later pages click only its like
	for page := 1; ; page++ {
		if each != nil {
			if err := each(ctx, page); err != nil {
				return page - 1, err
			}
		}
		if page >= maxPages {
			s.cfg.log.Info("paginate: page limit reached", zap.String("next", s.shown(next)), zap.Int("pages", page))
			return page, nil
		}
		var st paginateRes
		err := s.run(ctx, sp, func(p *rod.Page, a *retry.Attempt) error {
			if err := validateSelector(next); err != nil {
				return &NotActionableError{Action: "paginate", Selector: next, Reason: ReasonInvalid, Detail: err.Error()}
			}
			st = paginateRes{}
			if err := s.evalInto(p, paginateJS, paginateReq{Op: "next", Sel: next, Key: key}, &st); err != nil {
				return err
			}
			if st.Reason == "invalid" {
				return &NotActionableError{Action: "paginate", Selector: next, Reason: ReasonInvalid, Detail: st.Detail}
			}
			return nil
		})
		if err != nil {
			return page, err
		}
		seen[st.Sig] = page
		if !st.Usable {
			if page == 1 && st.Why == "gone" {
				// Often a selector that names nothing on this site (text=Next beside a "›"
				// button): one page read, said where a user sees it.
				s.cfg.log.Warn("paginate: the next control matches nothing on the first page: only that page was read (check the selector if the list has more)",
					zap.String("next", s.shown(next)), zap.String("url", s.URL()))
				return page, nil
			}
			s.cfg.log.Debug("paginate: the last page", zap.String("next", s.shown(next)), zap.Int("pages", page),
				zap.String("next_control", st.Why), zap.Int("matches", st.Count))
			return page, nil
		}
		key = st.Key
		m := s.markNav()
		if err := s.ClickNth(ctx, next, st.Idx); err != nil {
			return page, err
		}
		var ch paginateRes
		err = s.run(ctx, sp, func(p *rod.Page, a *retry.Attempt) error {
			start := time.Now()
			wait := func(sig string) error {
				ch = paginateRes{}
				// The page answers well before the attempt's deadline, even when a loaded machine
				// runs its timers late: a page that did not change is a PaginateError saying so,
				// not a timeout.
				budget := jsBudget(p)
				budget -= max(budget/4, 500*time.Millisecond)
				return s.evalInto(p, paginateJS, paginateReq{Op: "changed", Sig: sig, Quiet: PageQuiet.Milliseconds(), Max: max(budget, PageQuiet).Milliseconds()}, &ch)
			}
			if err := wait(st.Sig); err != nil {
				return err
			}
			if busy, _ := s.workSince(m.work); busy > 0 || !ch.Changed {
				// The next page's data is still on its way (a slow server): wait for it, then
				// for the page to change and settle again.
				if s.awaitRequests(p, m.work) {
					if err := wait(st.Sig); err != nil {
						return err
					}
				}
			}
			if !ch.Changed {
				return &PaginateError{Selector: next, Page: page, Waited: time.Since(start)}
			}
			return nil
		})
		if err != nil {
			return page, err
		}
		if was, ok := seen[ch.Sig]; ok {
			s.cfg.log.Info("paginate: the next control brought back a page already seen; taken as the last page", zap.String("next", s.shown(next)),
				zap.Int("pages", page), zap.Int("same_as_page", was))
			return page, nil
		}
	}
}
