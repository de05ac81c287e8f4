package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/smartretry/smartretry/internal/queue"
	"github.com/smartretry/smartretry/retry/redisstore"
)

func newStatusCmd(io stdio) *cobra.Command {
	var (
		ref         jobRef
		asJSON, del bool
		force       bool
	)
	c := &cobra.Command{
		Use:   "status --queue URL --job NAME [--json] [--delete]",
		Short: "Show a shared job's state: queued, pending per worker, ok, failed, workers",
		Long: `Show the state of a job run with 'run --queue': its items queued (not handed out yet), pending
(with a worker: running, or left by a worker that died until another claims it), ok and failed,
the workers seen in the last minute, what its workers' engines did together (attempts, retries,
errors by type), its flow, and when it expires.

--delete removes a finished job's data from Redis (export its results first): its queue, results
and what its workers' engine learnt (breakers, cooloffs, patterns); an unfinished job is only
removed with --force.

Exit codes: 0 shown (or deleted), 1 no such job, or --delete on an unfinished job, 2 usage,
3 Redis unreachable or the password refused.`,
		Example: `  smartretry status --queue redis://127.0.0.1:6379/0 --job catalog
  watch -n2 smartretry status --queue redis://127.0.0.1:6379/0 --job catalog
  smartretry status --queue redis://127.0.0.1:6379/0 --job catalog --json | jq .pending
  smartretry status --queue redis://127.0.0.1:6379/0 --job catalog --delete`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			url, err := ref.check()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			client, err := dialRedis(ctx, url, 2)
			if err != nil {
				return err
			}
			defer client.Close()
			t, err := queue.Inspect(ctx, client, ref.job)
			if err != nil {
				return jobErr(err)
			}
			if del {
				if !t.Finished() && !force {
					return exitWith(exitFailed, fmt.Errorf("job %s is not finished (%d queued, %d pending): not deleted (--force deletes it anyway)",
						ref.job, t.Queued, t.Pending))
				}
				if err := queue.Delete(ctx, client, ref.job); err != nil {
					return exitWith(exitBrowser, err)
				}
				// What the job's engine learnt (breakers, cooloffs, patterns), kept under its name.
				if _, err := redisstore.Delete(ctx, client, ref.job); err != nil {
					return exitWith(exitBrowser, err)
				}
				fmt.Fprintf(io.out, "job %s deleted (%d items, %d ok, %d failed)\n", ref.job, t.Items, t.OK, t.Failed)
				return nil
			}
			if asJSON {
				enc := json.NewEncoder(io.out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(t); err != nil {
					return exitWith(exitFailed, err)
				}
				return nil
			}
			fmt.Fprint(io.out, statusText(t))
			return nil
		},
	}
	addJobRefFlags(c.Flags(), &ref)
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	c.Flags().BoolVar(&del, "delete", false, "remove the finished job from Redis")
	c.Flags().BoolVar(&force, "force", false, "with --delete: remove the job even if it is not finished")
	return c
}

func statusText(t queue.Totals) string {
	var b strings.Builder
	state := "running"
	if t.Finished() {
		state = "finished"
	}
	fmt.Fprintf(&b, "job:      %s (%s)\n", t.Job, state)
	flow := t.Flow.Name
	if t.Flow.Path != "" {
		flow += " (" + t.Flow.Path + ")"
	}
	h := t.Flow.Hash
	if len(h) > 12 {
		h = h[:12]
	}
	fmt.Fprintf(&b, "flow:     %s sha256 %s\n", flow, h)
	fmt.Fprintf(&b, "items:    %d total, %d queued, %d pending, %d ok, %d failed\n", t.Items, t.Queued, t.Pending, t.OK, t.Failed)
	if len(t.PendingByWorker) > 0 {
		b.WriteString("pending:\n")
		for _, n := range slices.Sorted(maps.Keys(t.PendingByWorker)) {
			fmt.Fprintf(&b, "  %-40s %d\n", n, t.PendingByWorker[n])
		}
	}
	if len(t.Stages) > 0 {
		b.WriteString("stages:\n")
		for _, n := range slices.Sorted(maps.Keys(t.Stages)) {
			st := t.Stages[n]
			fmt.Fprintf(&b, "  %-12s %d found, %d ok, %d failed", n, st.Found, st.OK, st.Failed)
			if len(st.Skipped) > 0 {
				why := slices.Sorted(maps.Keys(st.Skipped))
				parts := make([]string, len(why))
				for i, r := range why {
					parts[i] = fmt.Sprintf("%d %s", st.Skipped[r], r)
				}
				fmt.Fprintf(&b, ", skipped: %s", strings.Join(parts, ", "))
			}
			b.WriteString("\n")
		}
	}
	if !t.Counters.IsZero() {
		fmt.Fprintf(&b, "engine:   %s\n", t.Counters)
	}
	fmt.Fprintf(&b, "workers:  %d seen in the last minute", len(t.Workers))
	if len(t.Workers) > 0 {
		fmt.Fprintf(&b, ": %s", strings.Join(slices.Sorted(slices.Values(t.Workers)), ", "))
	}
	b.WriteString("\n")
	if !t.LastActivity.IsZero() {
		fmt.Fprintf(&b, "active:   %s (%s ago)\n", t.LastActivity.Format(time.RFC3339), time.Since(t.LastActivity).Round(time.Second))
	}
	if !t.ExpiresAt.IsZero() {
		fmt.Fprintf(&b, "expires:  %s\n", t.ExpiresAt.Format(time.RFC3339))
	}
	return b.String()
}
