// Package browser launches or attaches Chromium through rod and makes its failures visible and
// classifiable, so the retry layer above can decide what to do with them.
//
// Rod is a good driver with three habits that hurt a retry layer: it waits forever unless told
// otherwise, a crashed tab makes every later call hang until its deadline, and a 404 or 503 page
// with a body is not an error at all. This package answers each one:
//
//   - Launch finds the system Chromium ($SMARTRETRY_BROWSER, then launcher.LookPath) and never
//     downloads one unless AllowDownload(true). Chromium runs in its own process group with a
//     throw-away profile; Close kills the group and removes the profile, and nothing outlives
//     a cancelled Launch or the Go process. Connect attaches to a browser that runs elsewhere.
//   - NewPage opens tabs that are crash-watched from birth (Inspector.targetCrashed on the page,
//     Target.targetCrashed/targetDestroyed on the browser). Guard runs a step on a clone of the
//     page bound to the caller's ctx, a per-step timeout and that crash signal: a crash ends the
//     step at once with ErrPageCrashed, the timeout becomes a *TimeoutError naming the step, and
//     the caller's cancellation stays the caller's error.
//   - Navigate captures the main document's response (subscribing before it navigates), waits
//     for the load, answers JavaScript dialogs that would block it, and turns 4xx/5xx into a
//     *retry.HTTPError carrying Retry-After. Bad URLs are refused before anything is sent.
//   - Classify maps rod, CDP and this package's errors to retry.ErrorType; plug it into a
//     retry.Manager with retry.WithClassifier(browser.Classify).
//
// For the CAPTCHA hand-off, DisplayAvailable says whether a visible browser can open here and
// CopyCookies moves a session between a headless and a visible browser.
//
// A sketch of one step (errors elided):
//
//	b, _ := browser.Launch(ctx)
//	defer b.Close()
//	p, _ := b.NewPage(ctx)
//	resp, err := b.Navigate(ctx, p, "https://example.com/", 10*time.Second)
//	// err: *retry.HTTPError for 4xx/5xx, *rod.NavigationError for network failures …
//	err = b.GuardElement(ctx, p, 5*time.Second, `click "#buy"`, func(p *rod.Page) error {
//		el, err := p.Element("#buy")
//		if err != nil {
//			return err
//		}
//		return el.Click(proto.InputMouseButtonLeft, 1)
//	})
//	typ, _ := browser.Classify(err) // selector_not_found, page_crash, …
package browser
