// Command findbrowser prints the Chromium that smartretry would launch, or exits 1 when there is
// none. make setup uses it so the Makefile and the library agree on what "found" means.
package main

import (
	"fmt"
	"os"

	"github.com/go-rod/rod/lib/launcher"
)

func main() {
	if p := os.Getenv("SMARTRETRY_BROWSER"); p != "" {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			fmt.Println(p)
			return
		}
		fmt.Fprintf(os.Stderr, "SMARTRETRY_BROWSER=%s: no such file\n", p)
		os.Exit(1)
	}
	if p, ok := launcher.LookPath(); ok {
		fmt.Println(p)
		return
	}
	os.Exit(1)
}
