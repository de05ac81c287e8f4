package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/smartretry/smartretry/internal/queue"
)

// jobRef is the --queue and --job pair of results and status.
type jobRef struct{ queue, job string }

func addJobRefFlags(f *pflag.FlagSet, r *jobRef) {
	f.StringVar(&r.queue, "queue", "", "the job's Redis (redis://[:PASSWORD@]HOST:PORT/DB; default $"+queue.EnvQueue+")")
	f.StringVar(&r.job, "job", "", "the job's name (required)")
}

func (r *jobRef) check() (string, error) {
	url := r.queue
	if url == "" {
		url = os.Getenv(queue.EnvQueue)
	}
	if url == "" {
		return "", exitWith(exitUsage, fmt.Errorf("--queue is required (or $%s)", queue.EnvQueue))
	}
	if r.job == "" {
		return "", exitWith(exitUsage, errors.New("--job is required"))
	}
	if err := queue.ValidateJob(r.job); err != nil {
		return "", exitWith(exitUsage, fmt.Errorf("--job: %w", err))
	}
	if _, err := queue.ParseURL(url); err != nil {
		return "", exitWith(exitUsage, fmt.Errorf("--queue: %w", err))
	}
	return url, nil
}

// jobErr turns an error of reading a job into an exit code: no such job is 1.
func jobErr(err error) error {
	if errors.Is(err, queue.ErrNoJob) {
		return exitWith(exitFailed, err)
	}
	return exitWith(exitBrowser, err)
}

func newResultsCmd(io stdio) *cobra.Command {
	var (
		ref jobRef
		out string
	)
	c := &cobra.Command{
		Use:   "results --queue URL --job NAME [-o FILE]",
		Short: "Export a shared job's results (JSON Lines, like run --out)",
		Long: `Write the results of a job run with 'run --queue' as JSON Lines: every item exactly once, with
its records before its item line, in the order the items finished. The format is the one of
'run --out', so jq recipes work on it and 'run --resume --out FILE' can go on from it.

Exit codes: 0 written, 1 no such job (or the file could not be written), 2 usage,
3 Redis unreachable or the password refused.`,
		Example: `  smartretry results --queue redis://127.0.0.1:6379/0 --job catalog -o catalog.jsonl
  SMARTRETRY_QUEUE=redis://:PASSWORD@10.0.0.5:6379/0 smartretry results --job catalog | jq -c 'select(.kind=="record") | .data'`,
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
			w := io.out
			var f *os.File
			if out != "" && out != "-" {
				if f, err = os.Create(out); err != nil {
					return exitWith(exitFailed, fmt.Errorf("-o: %w", err))
				}
				defer f.Close()
				w = f
			}
			bw := bufio.NewWriterSize(w, 256*1024)
			n, err := queue.Export(ctx, client, ref.job, bw)
			if err != nil {
				return jobErr(err)
			}
			if err := bw.Flush(); err != nil {
				return exitWith(exitFailed, fmt.Errorf("write results: %w", err))
			}
			if f != nil {
				if err := f.Sync(); err != nil {
					return exitWith(exitFailed, fmt.Errorf("write results: %w", err))
				}
				fmt.Fprintf(io.err, "%d items of job %s written to %s\n", n, ref.job, out)
			}
			return nil
		},
	}
	addJobRefFlags(c.Flags(), &ref)
	c.Flags().StringVarP(&out, "out", "o", "-", "file to write (- is stdout)")
	return c
}
