package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

// Exit codes, documented in doc.go and the README.
const (
	exitOK          = 0
	exitFailed      = 1
	exitUsage       = 2
	exitBrowser     = 3
	exitInterrupted = 130
)

// exitError carries an exit code up to main. The message (if any) has been printed or is
// printed by main.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}
func (e *exitError) Unwrap() error { return e.err }

func exitWith(code int, err error) error { return &exitError{code: code, err: err} }

// stdio is where a command reads and writes; tests and main give different ones.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := execute(ctx, os.Args[1:], stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr})
	stop()
	os.Exit(code)
}

// execute runs the command line and returns the exit code.
func execute(ctx context.Context, args []string, io stdio) int {
	root := newRoot(io)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(io.err, "smartretry:", ee.err)
		}
		return ee.code
	}
	// Everything else comes from cobra itself: unknown flag, wrong number of arguments...
	fmt.Fprintln(io.err, "smartretry:", err)
	fmt.Fprintln(io.err, "Run 'smartretry --help' for usage.")
	return exitUsage
}

func newRoot(io stdio) *cobra.Command {
	root := &cobra.Command{
		Use:   "smartretry",
		Short: "Browser automation that survives misbehaving pages",
		Long: `smartretry drives Chromium through actions that classify what went wrong, repair the page,
wait as long as the error deserves, stop at once on permanent errors, open a per-domain circuit
breaker, and hand CAPTCHAs to a person.

Exit codes:
  0    everything succeeded
  1    at least one item failed (see the results file), or results could not be written
  2    usage or flow-file error (nothing was started)
  3    the browser could not be started or reached (--browser-url), or Redis (--queue, --store)
       did not answer or refused the password
  130  interrupted (SIGINT/SIGTERM); rerun with --resume to finish`,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetIn(io.in)
	root.SetOut(io.out)
	root.SetErr(io.err)
	root.AddCommand(newDemoCmd(io), newRunCmd(io), newSnapshotCmd(io), newServeCmd(io))
	root.AddCommand(newMCPCmd(io))
	root.AddCommand(newResultsCmd(io), newStatusCmd(io))
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return exitWith(exitUsage, fmt.Errorf("%w (see '%s --help')", err, c.CommandPath()))
	})
	return root
}
