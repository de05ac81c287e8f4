package main

import (
	"fmt"
	"io"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// newLogger logs to w in the given format ("console" or "json"); -v lowers the level from warn
// to info, -vv to debug.
func newLogger(w io.Writer, format string, verbose int) (*zap.Logger, error) {
	level := zapcore.WarnLevel
	switch {
	case verbose == 1:
		level = zapcore.InfoLevel
	case verbose > 1:
		level = zapcore.DebugLevel
	}
	ec := zap.NewProductionEncoderConfig()
	ec.EncodeTime = zapcore.ISO8601TimeEncoder
	var enc zapcore.Encoder
	switch format {
	case "json":
		enc = zapcore.NewJSONEncoder(ec)
	case "console", "":
		ec.EncodeLevel = zapcore.CapitalLevelEncoder
		enc = zapcore.NewConsoleEncoder(ec)
	default:
		return nil, fmt.Errorf("--log-format: want console or json, got %q", format)
	}
	return zap.New(zapcore.NewCore(enc, zapcore.AddSync(w), level)), nil
}
