// Package testpages is a small web site that misbehaves on purpose, the same way every time, so
// that browser automation can be tested against it: elements that arrive late, lists that
// re-render under the pointer, servers that answer 429 or 503 or hang up, login walls, CAPTCHA
// look-alikes, dialogs, pages that never settle, and a paginated catalogue with flaky pages.
//
// Everything is embedded (go:embed) and local: no page loads anything from outside, not even a
// font. The CAPTCHA look-alikes carry the real vendors' markers (class names, iframe paths,
// headers) on paths of this server, so a detector can be tested on realistic markup.
//
// # Serving it
//
// Start serves a fresh Site on a random 127.0.0.1 port; Server.URL builds absolute URLs and
// Server.Close stops it. Handler (or NewSite) gives the same site as an http.Handler with its own
// counters, for mounting at the root of your own server.
//
// # Chromium resends failed requests: turn prediction off
//
// Chromium silently resends a request that gets no response on a reused or preconnected socket
// (ERR_CONNECTION_RESET / ERR_EMPTY_RESPONSE on such a socket looks like a keep-alive race to it).
// Then /reset?fail=1 is consumed twice on the server and the browser never sees the failure. Two
// things stop that: every response here says "Connection: close" (no reused sockets), and the
// browser must run with network prediction off (no preconnected sockets): write
// {"net":{"network_prediction_options":2}} to <user-data-dir>/Default/Preferences before launch.
// With both, fail=N is exactly N failed navigations (the browser smoke test proves it).
//
// # Common parameters
//
//   - id: keys the server's counters (default "default"). Tests that run in parallel use
//     different ids and never see each other's counts.
//   - fail=N: the first N requests for (path, id) misbehave, later ones succeed.
//     Server.Hits(path, id) says how many requests arrived.
//   - ms: a delay in milliseconds. Negative values become 0, values above 60000 become 60000.
//
// A parameter that is not a number (ms=abc) gets 400 Bad Request, which does not count as a hit.
// Pages that can be "done" show #result, whose text counts what happened ("clicked 1"): the number
// proves the action happened exactly once in this page load. They also report each action to the
// server (navigator.sendBeacon), counted by Server.Actions(path, id) across reloads.
//
// # Routes
//
//	/                       the index: every route with one line on what it does.
//	/late?ms=300            #target (a "Buy" button) is inserted after ms. Click → #result "clicked N".
//	                        Sets window.__insertedAt (insertion) and window.__clickedAt (first click),
//	                        both performance.now(), for latency benchmarks.
//	/hidden?ms=300          #target exists with display:none and is shown after ms. Click → "clicked N".
//	                        window.__shownAt = performance.now() when it is shown.
//	/enabled?ms=300         #name input and #target button are disabled for ms. Click → "clicked N";
//	                        #echo shows the name at the time of the click.
//	/hover-replace          the first mouseenter on #target replaces it with a clone (same id and text,
//	                        data-generation="1"); a handle taken before is stale. A click on a node no
//	                        longer in the page does not count. Click → "clicked N".
//	/rerender?ms=50         #list is rebuilt every ms (at least 10): li[data-testid=item-N] (N = 1..5),
//	                        each with a button "Add N". Clicks → #result "added 3", then "added 3, 5"….
//	/overlay?ms=300         #target; after ms a full-page #overlay (role=dialog) covers it;
//	                        #overlay-close removes it. Click on #target → "clicked N".
//	/moving?ms=1000         #target slides 320px (CSS transform animation) for ms, then stops;
//	                        data-state goes from "moving" to "stopped". Click → "clicked N".
//	/dynamic                ids and classes are random on every load (#result stays). The button to
//	                        press has text, aria-label "Add to cart" and data-testid="add-to-cart";
//	                        two decoy buttons sit next to it. Click → "clicked N".
//	/slow?ms=1000           the server waits ms before answering a page with #content. With fail=N
//	                        only the first N requests wait.
//	/ratelimit?id=&fail=1&ra=1
//	                        429 for the first fail requests with Retry-After: ra=2 → "2" (seconds),
//	                        ra=date:2 → an HTTP-date at least 2 s ahead (rounded up to a whole
//	                        second), ra=none → no header. ra is capped at 86400. Then 200 #content.
//	/flaky?id=&fail=1&code=503
//	                        code (any 5xx; default 503) for the first fail requests, then 200 #content.
//	                        With ra given, the failures carry Retry-After as in /ratelimit.
//	/reset?id=&fail=1       for the first fail requests the server takes over the connection and
//	                        closes it with a TCP RST and no response (Chromium: ERR_CONNECTION_RESET
//	                        or ERR_EMPTY_RESPONSE; Go: "connection reset by peer" or EOF). Then 200.
//	/notfound               404 with an HTML page (#not-found). Every unknown path answers the same.
//	/auth/401, /auth/403    401 / 403 with a sign-in form (#username, #password). No
//	                        WWW-Authenticate header, so Chromium shows the page, not a prompt.
//	/account                302 to /login?next=/account unless the "session" cookie is set (any
//	                        value); with it, 200 #content "Signed in as <user>".
//	/login                  GET: #username, #password (type=password), button[type=submit], and a
//	                        hidden "next". POST username+password (any non-empty pair): sets cookie
//	                        "session" (path /, HttpOnly) and 303 to next (only local paths; default
//	                        /account). An empty field shows the form again with #error.
//	/logout                 clears "session", 302 to /login.
//	/crash                  #name input, #target "Save" → "clicked N" and #saved shows the name; a
//	                        #crash button asks for chrome://crash (Chromium refuses that to a web page:
//	                        tests crash the tab with the DevTools command Page.crash).
//	/dialog?ms=300&kind=alert
//	                        alert, confirm or prompt opens after ms; #result then says "alert closed",
//	                        "confirm true" / "confirm false", or "prompt <text>" / "prompt null".
//	/spinner                never settles: the DOM changes every 30 ms and a fetch of /spinner/hang
//	                        never ends. With img=1 an <img> from /spinner/hang also holds back the
//	                        load event forever.
//	/spinner/hang           never answers (until the client leaves or the server closes).
//	/fill-erase?ms=50       #name clears itself once, ms after its first input event (#erased turns
//	                        "1"); #secret is a password input; #submit → #result
//	                        "submitted N: name=<name>, secret set|empty" (the secret never appears).
//	/cover?full=0           #name (input) and #size (select) in a 200px scroll box (#box), scrolled so
//	                        that #name's upper part shows above a sibling panel (#cover) and its
//	                        centre is under it; #size is below, covered. The page erases #name's
//	                        value whenever its centre point is not the top element (#erased counts);
//	                        Enter in #name → #pressed "Enter" (or "Enter under the panel"); a change
//	                        of #size → #result "size <value>" (or "size chosen under the panel").
//	                        full=1: #cover covers the whole box.
//	/catalog?page=1&id=&flaky=3,7&fail=1
//	                        200 products over 20 pages, 10 a page: li.product[data-id] with .name,
//	                        .price and a.detail (→ /product/N); a.next and a.prev keep the other
//	                        parameters. Pages listed in flaky answer 503 for their first fail requests
//	                        per id (counted per page: Hits("/catalog?page=3", id)). page outside
//	                        1..20 → 400. Catalog() returns the same products for comparison.
//	/product/N              N = 1..200: h1.name, .price; other N → 404. fail=N (default 0) → 503 first.
//
// # A shop to crawl
//
//	/shop/catalog?page=N    ShopSize (47) products, ShopPerPage (10) a page as li.product with .name,
//	                        .price and a.detail (→ /shop/product/N); a.next until the last page (the
//	                        page count is never shown). Page 2 adds an a.detail to /shop/private/offer
//	                        (robots.txt disallows it), page 3 one to the same server under the other
//	                        host name (127.0.0.1 ↔ localhost: another domain to a crawler).
//	/shop/product/N         h1.name, .price; two a.related links to other products
//	                        (?utm_source=related#reviews: cycles, and URLs to normalise), a.partner
//	                        on the other host name, a.back to its catalogue page.
//	/shop/private/…, /shop/partner/…
//	                        pages a polite, scoped crawler never loads (see ShopRequests).
//	/shop/limited/…         the same shop, but more than SetShopRate (5) requests in one second get
//	                        429 with Retry-After: 1 (counted as Hits("/shop/limited:429", "")).
//	/robots.txt             DefaultRobots (Disallow: /shop/private/) and, while it is the default,
//	                        Sitemap: http://HOST/sitemap.xml; SetRobots replaces it per server,
//	                        e.g. with a Crawl-delay.
//	/sitemap.xml            a sitemap index naming /sitemap-shop.xml, which lists the ShopSize
//	                        products /shop/product/N with <lastmod> ShopLastmod(N) (2026-01-01
//	                        for 1, a day later for each next); URLs on the host the client asked for.
//
// ShopCatalog returns the products for comparison, ShopRequests every /shop/ request with its
// time, host and status.
//
// # Everyday actions
//
//	/checks?fail=1&ms=0     checkboxes #agree, #news (checked), #off (disabled); radios name=size
//	                        #size-s, #size-m (checked), #size-l; #styled (an input hidden under its
//	                        styled box, inside its label); #hidden-input (display:none) with
//	                        label#hidden-label; div#aria-box role=checkbox and span#aria-radio
//	                        role=radio (aria-checked, toggled by a click). #revert is unchecked again
//	                        by the page, ms after a check, the first fail times it is checked (counted
//	                        in the page); #revert-always every time; #revert-sync every time at once
//	                        in its change handler. Each control counts its clicks in data-clicks;
//	                        #result lists "agree 1, size-l 1"….
//	/states?ms=300          after ms: #gone is removed, #fade gets display:none, #show (display:none)
//	                        is shown, #late is inserted, button#go (disabled) is enabled, #status's
//	                        text goes from "Loading…" to "Done:   42\n items"; #stay never changes.
//	/form                   #name (value attribute "initial"), #secret (password), #bio (textarea),
//	                        #size (select, "m" selected), #tags (multiple, "red" and "blue"
//	                        selected), #agree (checkbox), #editor (contenteditable "Edit me"), three
//	                        input.qty (1, 2, 3), p#plain. The page never rewrites a value.
//	/list                   ul#items with five li.item (data-id a1, b2, c3, d4, e5; d4 display:none),
//	                        each with an input.qty (10…50).
//	/infinite?total=50&batch=10&ms=100&mode=box
//	                        .item rows ("Item N", data-n) in a scroll box #feed (mode=page: the page
//	                        scrolls); batch at first, batch more ms after each scroll near the end,
//	                        up to total (1..10000), then #end is shown. #result counts the items.
//
// # CAPTCHA and bot-wall look-alikes
//
// Each is solved by a person's click on #captcha-solve (inside the look-alike's frame for the iframe
// vendors). The click sets cookie captcha_<vendor>=ok (path /) and reloads the top page, which then
// answers 200 with #content and no challenge markers. /captcha/clear forgets every solution.
//
//	/captcha/recaptcha      200; .g-recaptcha, iframe /recaptcha/api2/anchor?… (checkbox),
//	                        textarea[name=g-recaptcha-response]. ?challenge=1 adds the image
//	                        challenge: an iframe /recaptcha/api2/bframe?… whose "Verify" is #captcha-solve.
//	/captcha/hcaptcha       200; .h-captcha, iframe /hcaptcha.com/captcha/v1/checkbox?…,
//	                        textarea[name=h-captcha-response].
//	/captcha/turnstile      200; .cf-turnstile, iframe /challenges.cloudflare.com/turnstile/v0/…,
//	                        input[name=cf-turnstile-response].
//	/captcha/cloudflare     403, headers cf-mitigated: challenge, Server: cloudflare, cf-ray; title
//	                        "Just a moment...", #challenge-running, a script from
//	                        /cdn-cgi/challenge-platform/…; #captcha-solve is a checkbox in the page.
//	/captcha/datadome       403, header x-datadome: protected; iframe /geo.captcha-delivery.com/captcha/?….
//	/captcha/perimeterx     403; #px-captcha holding #captcha-solve.
//	/captcha/awswaf         405, header x-amzn-waf-action: captcha; #captcha-solve in the page.
//
// # Helpers
//
//	/_hits?route=/flaky&id=x   the hit count as text (what Server.Hits returns), for tools outside Go.
//	/_event?route=…&id=…       POST: the pages' action beacon (Server.Actions).
//	/static/…                  the shared CSS and JavaScript.
package testpages
