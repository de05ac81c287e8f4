// Package testenv is what the test packages of this module share about their surroundings: the
// processes a test leaves behind, a virtual display for headful runs, the Chromium they drive and
// the way a person clicks in it.
//
// Before it, each test package carried its own copy of these helpers, and the copies drifted (one
// Xvfb guessed a display number and polled for its socket, another asked Xvfb with -displayfd;
// one "is this pid alive" counted zombies as alive). Here is one version of each, with the
// strictest semantics any copy had.
//
// The rules of the package:
//   - Only _test.go files import it; the library and the command never do.
//   - It does not import package browser: browser's own in-package tests use it, and Go refuses
//     the import cycle that would make. Helpers around browser.Launch stay in the test packages.
//   - Nothing skips. A missing Chromium or Xvfb fails the test loudly and says "run make setup":
//     on a developer's machine a skipped browser test is a test that silently never ran.
//   - Helpers that start something stop it in t.Cleanup, and check that it is gone.
//
// The pieces:
//   - context.go: Context, a context that ends with the test or after a timeout.
//   - process.go: ProcessAlive, ProcessesWithCmdline, ProcessesWithEnv, GroupMembers,
//     ChromiumDescendants and WaitGone / StillRunning, read from /proc.
//   - xvfb.go: StartXvfb and UseXvfb, a virtual display on a free display number.
//   - chromium.go: ChromiumPath (SMARTRETRY_BROWSER, else the system Chromium) and
//     StartChromium / LaunchChromium, a bare rod browser for tests below package browser.
//   - click.go: ClickInFrames, a person's click on a selector in a page or any of its frames.
//   - redis.go: StartRedis, a real redis-server on a free loopback port with its data in the
//     test's temporary directory; Stop (a crash) and Restart (data kept).
package testenv
