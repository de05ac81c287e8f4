package mcpserver

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/smartretry/smartretry/snapshot"
)

// pageView is one snapshot of a tab: where it is, how it answered, what stands in the way, and
// the page as lines of an aria-like tree.
type pageView struct {
	URL, Title      string
	Status          int
	Redirects       int
	PasswordVisible bool
	Lines           []string // "- role "name" [ref=eN] …", indented two spaces per level
	Refs            int
	Capped          bool
	Unread          bool // the page goes on past what the snapshot read (see snapshotArgs)
	Challenge       *snapshot.Challenge
	LoginWall       bool
}

type snapLine struct {
	D int    `json:"d"`
	T string `json:"t"`
}

type snapAnswer struct {
	Error           string     `json:"error"`
	URL             string     `json:"url"`
	Title           string     `json:"title"`
	Status          int        `json:"status"`
	Redirects       int        `json:"redirects"`
	PasswordVisible bool       `json:"password_visible"`
	Lines           []snapLine `json:"lines"`
	Refs            []refInfo  `json:"refs"`
	Next            int        `json:"next"`
	Capped          bool       `json:"capped"`
	Unread          bool       `json:"unread"`
}

// maxRefs bounds how many elements one snapshot gives refs to.
const maxRefs = 3000

// selectorTime bounds the work of one snapshot on the refs' stable selectors (see snapshotArgs).
const selectorTime = 2 * time.Second

// snapshotArgs are page.js's arguments for a snapshot of t (of the element root only, when root is
// a ref). A page is read only as far as it can be shown: twice the text budget (what a diff or a
// depth view may show past the cut), stable selectors only for the refs within the budget and
// within selectorTime. Each selector costs queries of the whole document: a list of 5000 items
// took 30 s, past every deadline, and gave the agent no snapshot at all.
func (s *Server) snapshotArgs(t *tab, root string) map[string]any {
	return map[string]any{"next": t.next, "root": root, "max": maxRefs, "secrets": s.secretValues(),
		"chars": 2 * s.cfg.SnapshotBudget, "selChars": s.cfg.SnapshotBudget, "selMs": selectorTime.Milliseconds()}
}

// look takes a snapshot of the tab (of the element root only, when root is a ref) and registers
// its refs. Password values and the values of fields filled with secrets never appear.
func (s *Server) look(ctx context.Context, t *tab, root string) (*pageView, error) {
	within := min(s.cfg.ActionTimeout, 15*time.Second)
	var a snapAnswer
	err := t.pageCall(ctx, "snapshot", s.snapshotArgs(t, root), within, &a)
	if err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	if a.Error != "" {
		return nil, fmt.Errorf("snapshot: %s", a.Error)
	}
	if a.Next > t.next {
		t.next = a.Next
	}
	for _, r := range a.Refs {
		r.URL = a.URL
		t.refs[r.Ref] = r
	}
	v := &pageView{URL: a.URL, Title: a.Title, Status: a.Status, Redirects: a.Redirects,
		PasswordVisible: a.PasswordVisible, Refs: len(a.Refs), Capped: a.Capped, Unread: a.Unread}
	if nav := t.sess.LastNavigation(); nav.Status > 0 && sameDoc(nav.URL, a.URL) {
		v.Status = nav.Status
	}
	for _, l := range a.Lines {
		v.Lines = append(v.Lines, strings.Repeat("  ", l.D)+l.T)
	}
	if root == "" {
		cctx, cancel := context.WithTimeout(ctx, min(s.cfg.ActionTimeout, 5*time.Second))
		ch, cerr := snapshot.DetectChallenge(cctx, t.sess.Page().Context(cctx), v.Status, nil)
		cancel()
		if cerr == nil {
			v.Challenge = ch
		}
		redirected := a.Redirects > 0 || (t.asked != "" && pathDiffers(t.asked, a.URL))
		v.LoginWall = v.Challenge == nil && (v.Status == 401 || v.Status == 403 || (a.PasswordVisible && redirected))
	}
	return v, nil
}

// header is the page's facts on top of a result.
func (v *pageView) header() string {
	var b strings.Builder
	b.WriteString("### Page\n")
	fmt.Fprintf(&b, "- URL: %s\n", clip(v.URL, 300))
	fmt.Fprintf(&b, "- Title: %s\n", v.Title)
	if v.Status > 0 {
		fmt.Fprintf(&b, "- HTTP status: %d\n", v.Status)
	}
	if c := v.Challenge; c != nil {
		fmt.Fprintf(&b, "- CHALLENGE: %s on this page (%s %s): a person must solve it — call browser_handoff\n", vendorTitle(c.Vendor), c.Vendor, c.Kind)
	}
	if v.LoginWall {
		b.WriteString("- LOGIN WALL: this page wants a sign-in before its content (fill the form, or browser_handoff for a person)\n")
	}
	return b.String()
}

// render is the page for a result: the header and the tree, cut to budget characters with a line
// saying what was cut.
func (v *pageView) render(budget int) string {
	var b strings.Builder
	b.WriteString(v.header())
	b.WriteString("### Snapshot\n")
	writeLines(&b, v.Lines, budget-b.Len())
	if v.Capped {
		fmt.Fprintf(&b, "- … only the first %d elements got refs\n", maxRefs)
	}
	if v.Unread {
		b.WriteString("- … the page goes on past what was read (twice the snapshot budget)\n")
	}
	return b.String()
}

// writeLines writes lines while they fit in room characters, then one line saying what was cut.
func writeLines(b *strings.Builder, lines []string, room int) {
	used := 0
	for i, l := range lines {
		if used+len(l)+1 > room-160 {
			rest := 0
			for _, r := range lines[i:] {
				rest += len(r) + 1
			}
			fmt.Fprintf(b, "- … cut here: %d more lines (%d characters) over the snapshot budget; browser_snapshot {target: a ref} shows one part, browser_extract reads repeated records\n",
				len(lines)-i, rest)
			return
		}
		b.WriteString(l)
		b.WriteByte('\n')
		used += len(l) + 1
	}
}

// diff says what changed from old to v in fewer characters than the whole, or ok=false when the
// whole is as short (or it is another page).
func (v *pageView) diff(old *pageView, budget int) (text string, ok bool) {
	if old == nil || old.URL != v.URL {
		return "", false
	}
	had := map[string]int{}
	for _, l := range old.Lines {
		had[l]++
	}
	has := map[string]int{}
	for _, l := range v.Lines {
		has[l]++
	}
	var added, removed, keptNew, keptOld []string
	for _, l := range v.Lines {
		if had[l] > 0 {
			had[l]--
			keptNew = append(keptNew, l)
			continue
		}
		added = append(added, l)
	}
	for _, l := range old.Lines {
		if has[l] > 0 {
			has[l]--
			keptOld = append(keptOld, l)
			continue
		}
		removed = append(removed, l)
	}
	if !slices.Equal(keptNew, keptOld) {
		// The lines that stayed are in another order (a sorted list or table, a reordered
		// sortable): a diff of lines would call it unchanged.
		return "", false
	}
	var b strings.Builder
	b.WriteString(v.header())
	if len(added) == 0 && len(removed) == 0 {
		b.WriteString("### Snapshot: unchanged since the last one\n")
		return b.String(), true
	}
	fmt.Fprintf(&b, "### Snapshot: what changed since the last one (%d lines unchanged)\n", len(v.Lines)-len(added))
	if len(added) > 0 {
		b.WriteString("added or changed:\n")
		writeLines(&b, added, budget-b.Len())
	}
	if len(removed) > 0 {
		b.WriteString("gone:\n")
		for i, l := range removed {
			if i == 20 {
				fmt.Fprintf(&b, "  … and %d more\n", len(removed)-20)
				break
			}
			b.WriteString(strings.TrimLeft(l, " "))
			b.WriteByte('\n')
		}
	}
	full := len(v.render(budget))
	if b.Len()*2 > full {
		return "", false
	}
	return b.String(), true
}

func vendorTitle(v string) string {
	switch v {
	case "recaptcha":
		return "a reCAPTCHA"
	case "hcaptcha":
		return "an hCaptcha"
	case "turnstile":
		return "a Cloudflare Turnstile"
	case "cloudflare":
		return "a Cloudflare challenge"
	case "datadome":
		return "a DataDome CAPTCHA"
	case "perimeterx":
		return "a PerimeterX CAPTCHA"
	case "aws_waf":
		return "an AWS WAF CAPTCHA"
	}
	return "a " + v + " challenge"
}

// sameDoc compares two URLs without their fragments.
func sameDoc(a, b string) bool {
	cut := func(s string) string {
		if i := strings.IndexByte(s, '#'); i >= 0 {
			return s[:i]
		}
		return s
	}
	return strings.TrimSuffix(cut(a), "/") == strings.TrimSuffix(cut(b), "/")
}

// pathDiffers reports whether the browser ended on another host or path than the one asked for.
func pathDiffers(asked, landed string) bool {
	a, err1 := url.Parse(asked)
	b, err2 := url.Parse(landed)
	if err1 != nil || err2 != nil {
		return asked != landed
	}
	return a.Host != b.Host || strings.TrimSuffix(a.Path, "/") != strings.TrimSuffix(b.Path, "/")
}
