// Package mcpserver is `smartretry mcp`: a Model Context Protocol tool server that gives an LLM
// agent a browser whose every action goes through actions.Session, so a flaky page, a re-rendered
// element, a 503, a crashed tab or a CAPTCHA does not end the agent's task.
//
// # Tools
//
// The tools carry Playwright MCP's names and argument names (browser_navigate, browser_snapshot,
// browser_click {element, target, doubleClick}, browser_type, browser_fill_form, …; ref is
// accepted as an older name of target), so prompts and agents written for it work unchanged.
// browser_extract, retry_stats and browser_handoff are ours. Every tool has an input schema and an
// output schema; results carry structured content beside the text.
//
// # Snapshots and refs
//
// A snapshot (page.js, one Runtime.evaluate) is the page as an aria-like tree, one line per node,
// indented by nesting: headings with their level, paragraphs, list items, table rows, labels,
// status and alert text, and every element a person can act on with a ref: `- button "Buy"
// [ref=e12] [disabled]`, links with their URL, inputs with their value (never a password's, never
// a secret's). Clickable elements without a role get refs too: onclick, a click listener seen by
// listeners.js (installed before the page's own scripts), React/Vue click props, a pointer cursor,
// tabindex. Same-origin iframes are walked like the page, nested under their line; their refs'
// selectors chain through the frames (`iframe#pay >>> #card`), which the Session acts through. URL,
// title, HTTP status, a CAPTCHA (snapshot.DetectChallenge) and a login wall come on
// top; the text is cut to a budget with a line saying what was cut. Action tools return the fresh
// snapshot, or only what changed when that is less than half as long.
//
// A ref stays with its node (a WeakMap in the page) and the server remembers what it was: role,
// accessible name, stable selector, position among equals, text. When the node was replaced, the
// ref is resolved again by those and the action goes on; when nothing matches, the error says
// what the ref was and what is closest now. The action itself always goes through the Session (a
// selector: the stable one, a fresh one, or a data-sr-ref attribute as the last resort), so it
// gets the retry and recovery layer, and a click happens at most once.
//
// # Recovery lines
//
// The Manager's events (retry.WithObserver) are collected per call and summed up in one line at
// the top of every result: "recovery: none needed", "navigate: HTTP 503 twice, waited 1.2 s,
// succeeded", "refused at once: "#buy" is covered by div#overlay …". Failures are tool results
// with isError set, never protocol errors; an unknown tool too.
//
// # People
//
// A CAPTCHA or login wall met by an action: when the client can elicit and a window can be shown
// (headful, or a display for a visible browser), the call answers with an elicitation (multi
// round-trip; the SDK asks older clients itself); once the person accepts, the action runs again
// and actions.HandOff opens the window, waits until it is solved or the time limit, and the action
// finishes. Otherwise the result says a person is needed (vendor, URL) and browser_handoff can be
// called when one is there.
//
// # Clients
//
// A client that sends a progressToken hears every second of a long call what the engine is doing
// (notifications/progress); a cancelled call stops its action at once. Over streamable HTTP,
// Sessions gives each client session a Server, and so a browser, of its own.
//
// A Server is safe for concurrent use; tool calls run one at a time.
package mcpserver
