// Package practice serves replicas of public automation practice sites that smartretry's tests
// drive as a new user would: DemoQA's React widgets (DemoQA) and quotes.toscrape's variants
// (Quotes). The markup and scripts are our own, written to keep the behaviours that trip
// automation up: React's controlled inputs (a value set from script without the input event is
// put back), react-select dropdowns, react-datepicker, react-checkbox-tree, Bootstrap modals with
// fade transitions, a fixed advertisement over the bottom of the viewport, ids that change on
// every load, a form whose second <select> is filled by a post-back, a CSRF-protected login, an
// infinite list fed by an API. SauceDemo is Sauce Labs' Swag Labs shop: a single-page app with
// a cookie login, a transparent sort <select>, buttons replaced on click, a sliding burger menu
// and users whose pages misbehave on purpose. WebScraper is webscraper.io's e-commerce test
// sites (numbered pagination links, an AJAX pager that never changes the URL, a Load more button,
// an infinite scroll, titles cut in the cards, a cookie bar); ScrapeThisSite is
// scrapethissite.com's sandbox (a search form with pagination, films loaded by AJAX, an iframe,
// pages that want a browser's headers, a login, a CSRF token); TodoMVC is Playwright's demo
// app (a list rendered again from its state on every change, a × shown only on hover, a
// double-click to edit, hash-routed filters, the todos in localStorage); DemoBlaze is
// demoblaze.com's PRODUCT STORE (a grid, categories, a product's details and a cart's rows all
// filled by slow requests after the load, an "Add to cart" whose JS alert comes after its
// request, Bootstrap modals that fade in, a SweetAlert box, a carousel sliding by itself).
//
// They serve loopback tests only and need nothing from the network.
//
//	srv := httptest.NewServer(practice.DemoQA())
//	defer srv.Close()
//	// srv.URL + "/text-box", "/checkbox", "/webtables", …
//
// The handlers keep per-server state (web tables rows are per page load; the quotes login is
// per cookie) and are safe for concurrent use.
package practice
