package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"go.uber.org/zap"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/browser"
	"github.com/smartretry/smartretry/retry"
)

func newSnapshotCmd(io stdio) *cobra.Command {
	var (
		asJSON, headful bool
		timeout         time.Duration
		browserURL      string
	)
	c := &cobra.Command{
		Use:   "snapshot [flags] URL",
		Short: "Print what a page looks like: interactive elements with refs and selectors, challenges",
		Long: `Open URL (with the usual retries: 429, 5xx, resets...) and print the page's snapshot: title,
status, every interactive element with a ref, role, name and a stable selector, and any CAPTCHA
or login wall found. Text for people and agents; --json for programs.

A CAPTCHA or a login wall is part of the snapshot (exit 0, with a note on stderr). Exit code 1
when the page could not be reached or answered 404 and the like (the snapshot of what is there
is still printed).`,
		Example: `  smartretry snapshot https://example.com/
  smartretry snapshot --json http://127.0.0.1:8080/login | jq '.elements[].selector'`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			url := args[0]
			if err := browser.ValidateURL(url); err != nil {
				return exitWith(exitUsage, err)
			}
			ctx := cmd.Context()
			b, err := startBrowser(ctx, browserURL, headful, zap.NewNop())
			if err != nil {
				return err
			}
			defer b.Close()
			m := retry.NewManager(retry.WithClassifier(browser.Classify))
			s, err := actions.NewSession(b, actions.WithManager(m), actions.WithTimeout(timeout))
			if err != nil {
				return exitWith(exitBrowser, err)
			}
			defer s.Close()
			_, navErr := s.Navigate(ctx, url)
			if navErr != nil && ctx.Err() != nil {
				return exitWith(exitInterrupted, errors.New("interrupted"))
			}
			if t := retry.Classify(navErr); navErr != nil && (t == retry.Captcha || t == retry.AuthRequired) {
				// The page is there; the wall is what the snapshot shows.
				fmt.Fprintf(io.err, "note: %s\n", navErr)
				navErr = nil
			}
			snap, err := s.Snapshot(ctx)
			if err != nil {
				if navErr != nil {
					return exitWith(exitFailed, navErr)
				}
				return exitWith(exitFailed, fmt.Errorf("snapshot: %w", err))
			}
			if asJSON {
				enc := json.NewEncoder(io.out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(snap); err != nil {
					return exitWith(exitFailed, err)
				}
			} else {
				fmt.Fprintln(io.out, snap.String())
			}
			if navErr != nil {
				return exitWith(exitFailed, navErr)
			}
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON instead of text")
	c.Flags().BoolVar(&headful, "headful", false, "show the browser window")
	c.Flags().DurationVar(&timeout, "timeout", 10*time.Second, "deadline of one attempt")
	addBrowserURLFlag(c.Flags(), &browserURL)
	return c
}
