//go:build tools

// Package tools pins the module's dependencies before every package uses them.
package tools

import (
	_ "github.com/go-rod/rod"
	_ "github.com/spf13/cobra"
	_ "github.com/stretchr/testify/require"
	_ "go.uber.org/goleak"
	_ "go.uber.org/zap"
	_ "golang.org/x/term"
	_ "gopkg.in/yaml.v3"
)
