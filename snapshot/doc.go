// Package snapshot tells what a page looks like now, in a form a program, a person or an agent can
// act on: the elements to click or fill with selectors that find them again, the CAPTCHA or bot
// wall in the way, and — when everything failed — an error snapshot on disk for whoever reads the
// failure.
//
// # Elements
//
// Take (or TakeWith) runs ONE JavaScript evaluation (a single Runtime.evaluate round trip) and
// returns a Snapshot: URL, title, the document's HTTP status (performance navigation timing's
// responseStatus; Options.Status overrides), and the visible interactive elements — links, buttons,
// inputs, selects, textareas, summary, elements with an interactive ARIA role, onclick,
// contenteditable, or tabindex ≥ 0 — each with a ref (e1, e2, … in document order), its role
// (explicit, else implicit), accessible name (aria-labelledby, aria-label, label[for] or wrapping
// label, button caption, text content, placeholder, alt, title; collapsed, at most 80 characters),
// enabled state, tag, type and href.
//
// The selector is built to survive a reload and is checked to match exactly its element:
//
//  1. #id — when unique and not generated (React's :r1:, long digit runs, hashes and base36 noise
//     such as css-1x2y3z or x3fa9b0c1 are rejected);
//  2. tag[name="…"] (radio/checkbox: plus [value="…"]);
//  3. [data-testid="…"], [data-test-id], [data-test], [data-qa], [data-cy] (bare, then with tag);
//  4. tag[aria-label="…"]; a[href="…"] for links;
//  5. a tag:nth-of-type chain from the nearest ancestor that has one of the above
//     ([data-testid="item-3"] > button, #checkout > div > button), or, when none has, the shortest
//     unique tail of the chain from body (form > button).
//
// Elements with no unique selector at all get Selector "" (rare: identical twins with no anchor).
// Shadow DOM is not pierced.
//
// # Frames
//
// Same-origin iframes are walked 3 levels deep (Options.FrameDepth): their elements are listed
// after the top document's, with Element.Frame holding the iframe's selector (nested frames joined
// with " >> ") and Selector relative to the frame's document — a page-level querySelector does not
// find them; enter the frame first. Cross-origin iframes belong to another origin (often another
// renderer process): Snapshot.Frames lists them with their URL, their elements are not listed.
//
// # Secrets
//
// Input values are never read: names come from labels, aria attributes, placeholders and button
// captions, so neither a password nor anything typed into a field (nor a textarea's or an editable
// region's content, nor the selected option) can appear in a Snapshot, its String() or its JSON.
// WriteError additionally strips value attributes and textarea contents from the HTML it stores.
//
// # Challenges and login walls
//
// ChallengeFromResponse (pure) reads status and headers: cf-mitigated: challenge → cloudflare
// interstitial, x-amzn-waf-action → aws_waf, DataDome headers on a 403 → datadome. DetectChallenge
// checks headers first, then the DOM of every frame: reCAPTCHA (anchor iframe = checkbox, a visible
// bframe = image_challenge), hCaptcha, Turnstile, the Cloudflare interstitial (title
// "Just a moment...", #challenge-running, challenge-platform scripts), DataDome
// (captcha-delivery.com frames), PerimeterX (#px-captcha), AWS WAF. Evidence names the marker that
// matched, FrameURL the frame it was on or in. Take fills Snapshot.Challenge from the same DOM check
// (in its single round trip, so without looking inside cross-origin frames; DetectChallenge does).
// A page that only talks about captchas is no challenge: markers are vendor frames, widgets and ids,
// and widgets must be rendered (an invisible reCAPTCHA v3 badge or a hidden widget does not count).
//
// Snapshot.LoginWall is set when there is no challenge and either the status is 401/403, or a
// visible password input is shown after a redirect (navigation redirectCount > 0, or a final URL
// other than Options.RequestedURL). A login page opened on purpose is not a wall.
//
// # Error snapshots
//
// WriteError stores <time>-<errtype>.png/.html/.txt (e.g. 20261128T102233.123Z-selector_not_found)
// with every ErrorOptions.Redact string replaced by "[redacted]" in the HTML and text, and password
// inputs plus ErrorOptions.MaskSelectors painted over in the screenshot (the page is restored after).
//
// # Deadlines
//
// Every call that talks to the page is bounded by its ctx and, when ctx has no deadline, by an
// internal cap (10 s per evaluation; WriteError 3 s to get a first answer, 5 s for the screenshot,
// 15 s in all). A page that does not answer — a crashed renderer, an open alert — gives an error
// wrapping ErrNoAnswer (and context.DeadlineExceeded) instead of a hang; a caller's cancellation
// comes back as context.Canceled.
package snapshot
