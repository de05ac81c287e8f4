package main

import (
	"path/filepath"

	"github.com/smartretry/smartretry/internal/runner"
)

// downloadsDir is where a run's download steps save their files: --downloads, else a downloads
// folder beside the --out file (results and files stay together), else in the working directory
// (results on stdout).
func downloadsDir(flag, out string) string {
	switch {
	case flag != "":
		return flag
	case out == "" || out == "-":
		return runner.DefaultDownloads
	}
	return filepath.Join(filepath.Dir(out), runner.DefaultDownloads)
}
