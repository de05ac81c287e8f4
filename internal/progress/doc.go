// Package progress shows how a batch is going on stderr: a bar redrawn in place when stderr is a
// terminal, plain lines every few seconds otherwise (CI logs, pipes), and the final summary.
//
// A Tracker counts what the batch and the retry engine report (items done and failed, retries,
// breaker events); it is fed from Manager observer events and the runner's item callbacks.
package progress
