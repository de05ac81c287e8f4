// Package actions is what smartretry users drive a browser with: a Session whose every action
// (Navigate, NavigateWith, Back, Forward, Reload, Click, ClickWith, DoubleClick, RightClick,
// Fill, FillSecret, Select, Press, Hover, Check, Uncheck, SetChecked, SetFiles, Drag, Scroll,
// ScrollUntil, Paginate, WaitFor, WaitForState, WaitForText, Text, Attr, Value, Count, the Nth forms,
// Extract, Screenshot, Snapshot) survives misbehaving pages, and stops at once on what cannot get
// better. ExpectPopup gives a Session over a tab an action opened, ExpectDownload saves the file
// an action downloads; WithHTTPCredentials answers HTTP authentication; LastDialog tells what JS
// dialog the page opened.
//
// # One action
//
// Each call is one retry.Run on the session's Manager (retry.Default() unless WithManager), so
// breakers, failure patterns, solutions and stats work across sessions. Every attempt:
//
//  1. resolves the selector fresh — a *rod.Element is never kept across attempts, which is what
//     makes elements stale elsewhere;
//  2. waits for the element in the page itself: one awaitPromise Runtime.evaluate of a small
//     script (locate.js) that watches the DOM with a MutationObserver and requestAnimationFrame and
//     resolves the moment the element is attached, visible, enabled, stable for a frame and hit by
//     the pointer at its centre (scrolled into view first) — or answers why not (not_found,
//     hidden, disabled, covered by <element>, matches <n>, invalid selector) a little before the
//     attempt's deadline (WithTimeout, 10s). No polling from Go: a late element is clicked within
//     a frame or two of appearing;
//  3. acts with real input events (Input.dispatchMouseEvent / insertText / dispatchKeyEvent) at
//     the point the script returned; a guard the script installed checks, at press time, that the
//     press lands on the element (or on the node that replaced it under the same selector) and
//     blocks it otherwise;
//  4. checks the effect: Fill reads the value back and types again if the page erased it; Click
//     waits for a navigation it started and LastNavigation reports where it landed; Navigate
//     checks the status, bot walls (headers, then every frame's DOM) and login walls.
//
// The whole attempt runs under browser.Guard: a renderer crash ends it at once (page_crash), a
// deadline says which step ran out.
//
// # Selectors
//
// Every selector argument (Click, Fill, Text, Attr, WaitFor, Extract's container and its field
// selectors…) takes one of these engines; the prefix chooses it, CSS is the default:
//
//	#buy, css=#buy                 CSS (querySelectorAll). When nothing matches in the light DOM,
//	                               open shadow roots are searched too.
//	text=Add to cart               text: whitespace and &nbsp; collapsed, case-insensitive
//	                               substring; the innermost elements that match (for
//	                               <button><span>Add to cart</span></button>, the span — a click
//	                               on it is a click on the button). Input buttons match by value.
//	text="Add to cart"             the whole text, exactly (case-sensitive, whitespace collapsed)
//	text=/add to (cart|basket)/i   a JavaScript regular expression
//	role=button[name="Add to cart"]  ARIA role (explicit role="…", or implicit: button, link for
//	                               a[href], textbox, searchbox, checkbox, radio, combobox, listbox,
//	                               option, heading, img, list, listitem, table, row, cell,
//	                               columnheader, navigation, dialog…) and accessible name
//	                               (aria-labelledby, aria-label, <label>, an input button's value,
//	                               alt, the text content, title, placeholder). The name matches
//	                               as a case-insensitive substring; [name="…" s] or [exact] make it
//	                               exact, [name=/…/i] a regular expression. Also [checked],
//	                               [checked=false], [disabled], [expanded], [pressed], [selected],
//	                               [level=2]. Hidden elements (display:none, visibility:hidden,
//	                               aria-hidden) are not matched unless [include-hidden].
//	xpath=//button[@id='go']       XPath (document.evaluate); a selector starting with "//", "(//",
//	                               "./" or "../" is XPath too. Text and attribute nodes stand for
//	                               their element.
//	#editor_ifr >>> #tinymce       chaining: the right-hand selector inside what the left one
//	                               matched — its open shadow root, the document of a same-origin
//	                               <iframe>, or else its subtree. Any engine on either side.
//
// Selectors written for Playwright work as they do there: its pseudo-classes inside CSS
// (button:has-text("Buy"), any element whose text holds it; :text("Buy"), :text-is("Buy") and
// :text-matches("^buy", "i"), the smallest such element; :visible; also inside :has()), its ">>"
// chain (as ">>>") with the filters nth=0 (nth=-1 the last) and visible=true, and its id=,
// data-testid=, data-test-id= and data-test= engines.
//
// Elements inside a same-origin iframe are clicked, filled and read like any other (real input
// events at their place in the page); a cross-origin frame cannot be reached from the page and is
// refused at once (invalid_input) with a message saying so: Navigate to the frame's URL instead.
// Closed shadow roots cannot be reached.
//
// A malformed selector (an unknown engine, role=button[nme="x"], an empty text=, bad CSS or
// XPath, a broken regular expression) fails the first attempt with invalid_input and a message
// that says what is wrong; it is never retried.
//
// # What "visible" and "actionable" mean
//
// WaitFor waits until the element is rendered: it has a box (non-zero size) and is not
// visibility:hidden or inside display:none. An element with opacity:0, one positioned off-screen
// and one under an overlay are visible in that sense — they are laid out, as Playwright counts
// them too. Click goes further and refuses what a person could not click: an element covered by
// the same other element for WithCoverTimeout is refused naming the cover; one outside the
// viewport that scrolling cannot bring in is refused saying so (both invalid_input). Before
// either, it scrolls the element to the centre, the top and the bottom of its scroll box (a sticky
// header or a panel may hide it in one place, not another) and tries five points of it, not only
// the centre. A transparent (opacity:0) element is clicked: real clicks land on it, and styled
// file inputs and checkboxes rely on that. An element an animation runs on (an endless spin too)
// must stand still over two rendered frames before it is clicked.
//
// # Everyday actions
//
// Check, Uncheck and SetChecked set a checkbox or radio button (an input, its label, or an ARIA
// role=checkbox|radio|switch) by a person's click — through its visible label when the input is
// hidden or under a styled box — only when it is not in that state already, then watch it for
// WithFillSettle: a page that puts it back gets up to three clicks, then a *CheckError saying it
// reverted it. Unchecking a radio button is refused (invalid_input).
//
// WaitForState waits for Visible, Hidden (not rendered, or gone), Attached, Detached (gone) or
// Enabled, and WaitForText for a case-sensitive substring of an element's whitespace-collapsed
// text; the page watches its DOM and answers when the state holds, or (*WaitError) says what it
// waited for and what it saw last. ParseWaitState reads the names ("gone" is detached).
//
// Value reads the current value of a field (a select's selected value, "," between those of a
// multiple one; "true"/"false" for a checkbox or radio; a contenteditable's text). Count says how
// many elements match now, without waiting. TextNth, AttrNth, ValueNth and ClickNth take the n-th
// match (0-based, -1 the last).
//
// Scroll turns the mouse wheel over an element (or, with "", over the page). ScrollUntil scrolls
// an infinite list's container with the wheel until n elements match or nothing more arrives
// (ScrollIdle after a wheel, the page watching its DOM); a list that ends short is no error: the
// count it reached comes back with nil. Paginate walks a list whose pages come from a next
// control (a Next link, an AJAX pager that never changes the URL, a Load more button), running a
// function on every page, until the control is gone, hidden or disabled.
//
// NavigateWith with ExpectStatus(404…) or AnyStatus() makes a 4xx/5xx page a success: one
// request, no retry, nothing recorded as a failure, NavResult.Status set, the page usable.
//
// # Failures
//
// A failure is classified (actions' own errors know their type; rod's and CDP's go through
// browser.Classify) and the Manager decides. Before the next attempt the page is repaired by type:
//
//	selector_not_found  let the DOM settle, take a snapshot (logged; a CAPTCHA found there is escalated), query again
//	stale_element       let the DOM settle (≤ 500ms), resolve again
//	page_crash          new tab in the same browser context (cookies kept), back to the last URL, crashed tab closed
//	timeouts, resets, 429, 5xx   the engine waits (Retry-After honoured), then the action goes again
//	captcha, auth_required       the Escalator is called; after it returns nil the action checks again
//	not_found, invalid_input     no retry
//
// and names the repair with Attempt.SetSolution so the Manager learns what fixes what.
//
// What cannot change is refused fast rather than retried for the whole budget: an invalid
// selector; a selector that matches several elements where one is meant (use ClickNth; the
// error names the first few matches; a text= or role=[name] substring takes the one match whose
// whole text it is, so "text=Click Me" beside "Double Click Me" is no ambiguity); an
// element covered by the same other element for WithCoverTimeout (1s), whose error names the
// cover ("div#overlay") — a flow closes the overlay and clicks again. These are invalid_input:
// the call as made cannot succeed.
//
// When the engine gives up the Session returns an *ActionError: the action, the selector or
// URL, the page, the type, the attempts and the last cause, and (WithArtifacts) the folder of
// the error snapshot (screenshot, HTML, element list).
//
// # Secrets and dialogs
//
// FillSecret values never appear in logs, errors, snapshots or error snapshots: the session
// keeps them to redact error-snapshot HTML and mask their fields in screenshots. JS dialogs are
// answered at once (accepted by default, WithDialogs to choose) and logged, so they never block.
//
// A Session is safe for concurrent use: actions run one at a time.
package actions
