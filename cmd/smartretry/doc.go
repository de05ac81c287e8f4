// Command smartretry runs browser automation that survives misbehaving pages, from flow files
// (YAML or JSON) rather than Go code. It is a thin shell over the public packages: every retry,
// repair, wait and escalation is the library's (retry, browser, snapshot, actions).
//
//	smartretry demo                      # the embedded test site, every fault, under a minute
//	smartretry run [flags] FLOW.yaml     # a flow file: steps, variables, batches
//	smartretry snapshot [--json] URL     # what a page looks like to an agent
//	smartretry serve [--addr HOST:PORT]  # the test site, for people and other tools
//	smartretry run --queue redis://HOST:PORT/DB FLOW.yaml   # one job, many workers (any machine)
//	smartretry status --queue URL --job NAME [--json]       # queued, pending, ok, failed, workers
//	smartretry results --queue URL --job NAME [-o FILE]     # the job's results, each item once
//	smartretry run --store redis://HOST:PORT/DB FLOW.yaml   # breakers and cooloffs shared by runs
//
// Exit codes:
//
//	0    everything succeeded
//	1    at least one item failed (its line in the results says why), or results could not be written
//	2    usage or flow-file error (nothing was started)
//	3    the browser could not be started or reached (--browser-url), or Redis (--queue, --store)
//	     did not answer or refused the password
//	130  interrupted (SIGINT or SIGTERM); completed items are in the results, --resume goes on
package main
