// Package e2e proves smartretry end to end: every scenario of SCENARIOS.md is run through the
// public API (browser.Launch, actions.Session, retry.Manager) against the misbehaving test site
// (testpages) on a real headless Chromium, and the late-element and no-fault overhead benchmarks
// measure what a user feels.
//
// The package has no code of its own beyond this file; run it with
//
//	go test -race ./e2e/
//	go test -run '^$' -bench . -benchtime 10x ./e2e/
//
// One Chromium serves the whole run (TestMain); each test opens its own Session (a tab). A missing
// Chromium fails every test with "run make setup", it never skips.
package e2e
