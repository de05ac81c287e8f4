// Package flow reads smartretry flow files: YAML (or JSON, which is YAML too) that say where to
// start, which variables to use, which steps to run and, for a batch, over which items.
//
// A flow is checked completely before any browser starts. Every problem is reported with the file,
// the line and the field ("flow.yaml:12:7: steps[2].fill.selector: field is required"), unknown
// fields are rejected (with a "did you mean" when a known field is close), and values that cannot
// work (a bad URL, an unknown strategy, 10 000 attempts) are refused.
//
// Strings may refer to ${NAME}: a variable of the flow, else an environment variable (read when the
// flow is loaded), and ${item.FIELD}: a field of the batch item being run. A variable marked
// secret: true may only be used as a fill value (or http_credentials.password); the runner sends such values through
// Session.FillSecret and nothing in this package ever prints them (Flow and Step keep the template
// "${password}", never the value). A fill_secret step's value is secret wherever it comes from
// (a variable, the environment, a literal; an item's field is refused). $${ gives a literal ${.
//
// Steps are the Session's calls: navigate (with expect_status for a status page read on purpose),
// back, forward, reload, click (a button, a click count), fill, select, press, hover, check,
// uncheck, upload (files relative to the flow file: Flow.FilePath), drag, wait_for (a state, or a
// text), scroll, scroll_until, paginate (steps run on every page of a list, paginate.go),
// extract, screenshot, assert_text, and the reads text, attr, value,
// count and dialog, which put one field each (Step.Into) into a single record per item. The flow
// also says the pages' viewport, whether items share a browser context (isolated: false), the
// HTTP credentials (http_credentials; the password may be a secret variable) and how JS dialogs
// are answered (dialogs).
//
// A flow may crawl instead (stages.go): stages: names stages, each with its own steps and start
// URLs, and the enqueue step adds the links a page holds as items of a stage; crawl: sets the
// limits, scope, URL normalisation, politeness and robots.txt. Such a flow is refused before any
// browser starts when an enqueue names an unknown stage, stages form a cycle without a limit, a
// stage cannot be reached, or a scope pattern is malformed.
//
// Two steps wrap another (expect.go): popup runs its action (a click...) and then its own steps in
// the tab that action opened, closes it and goes on in the opener; download runs its action and
// saves the file it downloads (save_as, relative to the run's downloads directory and never
// outside it), its path, name, size and URL going into the item's record.
//
// The set of step kinds and their fields is one table (Kinds), which the JSON Schema in
// schema/flow.schema.json mirrors; a test holds the two equal.
package flow
