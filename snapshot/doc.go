// Package snapshot tells what a page looks like now, in a form a program, a person or an agent can
// act on.
//
// Take (or TakeWith) runs one JavaScript evaluation in the page and returns a Snapshot: URL, title,
// the document's HTTP status, and the visible interactive elements — links, buttons, inputs,
// selects, textareas, elements with an interactive ARIA role, onclick, contenteditable, summary, or
// tabindex ≥ 0 — each with a short ref (e1, e2, … in document order), its role, accessible name,
// enabled state and a stable CSS selector. The selector is built to survive a reload: #id when the id
// is unique and not generated (ids with long digit runs, hashes, React's :r1: are rejected), then
// tag[name=…], [data-testid=…]/[data-test]/[data-qa]/[data-cy], tag[aria-label=…], a[href=…], and
// last a short tag:nth-of-type chain from the nearest ancestor that has one of those. Every selector
// is checked to match exactly its element (querySelectorAll length 1) before it is returned.
//
// Same-origin iframes are walked (3 levels by default): their elements are listed with Element.Frame
// naming the iframe, and Selector relative to the frame's document. Cross-origin iframes live in
// another renderer process; they are listed in Snapshot.Frames with their URL only.
//
// Input values are never read: names come from labels, aria attributes, placeholders and captions,
// so neither a password nor anything typed into a field can appear in a Snapshot, its String() or
// its JSON.
//
// DetectChallenge finds CAPTCHAs and bot walls (reCAPTCHA, hCaptcha, Turnstile, the Cloudflare
// interstitial, DataDome, PerimeterX, AWS WAF): response headers first (ChallengeFromResponse, a
// pure function), then DOM markers in every frame, including out-of-process ones. A page that only
// talks about captchas is not a challenge: markers are vendor frames, widgets and ids, and widgets
// must be rendered (invisible reCAPTCHA v3 badges and hidden widgets do not count).
//
// WriteError stores an error snapshot — screenshot (PNG) with password fields and chosen selectors
// masked, page HTML and the element list — named by time and error type, with secrets redacted.
//
// Every call that talks to the page is bounded by its ctx and, when ctx has no deadline, by an
// internal cap, so a crashed or dialog-blocked page yields an error wrapping ErrNoAnswer rather than
// a hang.
package snapshot
