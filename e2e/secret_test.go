package e2e

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/retry"
)

// A FillSecret value goes into the page and nowhere else: not in the logs (every level, every
// field), not in the snapshot, not in the error, not in the error-snapshot files.
func TestScenario_FillSecretNeverLeaks(t *testing.T) {
	t.Parallel()
	const secret = "s3cr3t-Value-7f1c"
	core, logs := observer.New(zapcore.DebugLevel)
	logger := zap.New(core)
	artifacts := t.TempDir()

	// The attempts have the default time: the FillSecret that must succeed failed 3 attempts of
	// 3 s on a loaded machine (and the Navigate before it one), where every round trip is slow.
	f := newFixture(t, fixtureConfig{
		managerOpts: []retry.Option{retry.WithLogger(logger)},
		sessionOpts: []actions.Option{actions.WithLogger(logger), actions.WithArtifacts(artifacts)},
	})
	_, err := f.s.Navigate(f.ctx, url("/fill-erase"))
	require.NoError(t, err)
	require.NoError(t, f.s.FillSecret(f.ctx, "#secret", secret))

	// The value really is in the page.
	v, err := f.s.Page().Context(f.ctx).MustElement("#secret").Property("value")
	require.NoError(t, err)
	require.Equal(t, secret, v.String())

	snap, err := f.s.Snapshot(f.ctx)
	require.NoError(t, err)
	js, err := json.Marshal(snap)
	require.NoError(t, err)
	assert.NotContains(t, string(js), secret)
	assert.NotContains(t, snap.String(), secret)

	// A final failure writes an error snapshot while the secret is still in the form. The
	// caller's deadline ends the wait for a button that never comes (not the attempt's 10 s).
	short, cancel := context.WithTimeout(actions.WithCallOptions(f.ctx, retry.MaxAttempts(1)), 3*time.Second)
	defer cancel()
	err = f.s.Click(short, "#no-such-button")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), secret)

	var files int
	require.NoError(t, filepath.WalkDir(artifacts, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		assert.NotContains(t, string(b), secret, "artifact %s", p)
		return nil
	}))
	assert.Positive(t, files, "the failure wrote an error snapshot")

	require.NotZero(t, logs.Len(), "the session logs its actions")
	assertLogsLack(t, logs, secret)
}

// A partly covered input that erases the first fill: Fill reads the value back and types again.
func TestScenario_FillVerified(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureConfig{})
	_, err := f.s.Navigate(f.ctx, url("/fill-erase"))
	require.NoError(t, err)
	require.NoError(t, f.s.Fill(f.ctx, "#name", "Ada Lovelace"))
	v, err := f.s.Page().Context(f.ctx).MustElement("#name").Property("value")
	require.NoError(t, err)
	assert.Equal(t, "Ada Lovelace", v.String())
}

func toString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return strings.TrimSpace(string(b))
}
