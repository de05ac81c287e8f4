package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/smartretry/smartretry/testpages"
)

func newServeCmd(io stdio) *cobra.Command {
	var addr string
	c := &cobra.Command{
		Use:   "serve [flags]",
		Short: "Serve the misbehaving test site on a loopback port",
		Long: `Serve the embedded test site (late and stale elements, 429 with Retry-After, flapping 5xx,
resets, crashes, CAPTCHA look-alikes, a paginated catalogue...) until SIGINT or SIGTERM.
It prints the URL first; the index page lists every scenario. Loopback addresses only.`,
		Example: `  smartretry serve                      # prints e.g. http://127.0.0.1:41234
  smartretry serve --addr 127.0.0.1:8080`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			host, _, err := net.SplitHostPort(addr)
			if err != nil {
				return exitWith(exitUsage, fmt.Errorf("--addr: %w", err))
			}
			if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
				return exitWith(exitUsage, fmt.Errorf("--addr: %s is not a loopback address (the test site is for this machine only)", host))
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return exitWith(exitUsage, fmt.Errorf("--addr: %w", err))
			}
			srv := &http.Server{Handler: testpages.Handler(), ReadHeaderTimeout: 10 * time.Second}
			fmt.Fprintf(io.out, "http://%s\n", ln.Addr())
			errc := make(chan error, 1)
			go func() { errc <- srv.Serve(ln) }()
			select {
			case err := <-errc:
				return exitWith(exitFailed, err)
			case <-cmd.Context().Done():
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			if err := srv.Shutdown(ctx); err != nil {
				_ = srv.Close()
			}
			if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
				return exitWith(exitFailed, err)
			}
			fmt.Fprintln(io.err, "stopped")
			return nil
		},
	}
	c.Flags().StringVar(&addr, "addr", "127.0.0.1:0", "loopback address to listen on (port 0: any free port)")
	return c
}
