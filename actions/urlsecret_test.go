package actions_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/smartretry/smartretry/actions"
)

// The password of a user:password@ URL is a secret like a FillSecret value: it appears in no
// error, log line or error snapshot, decoded or escaped.
func TestURLPasswordNeverShown(t *testing.T) {
	core, logs := observer.New(zapcore.DebugLevel)
	dir := t.TempDir()
	s, _ := newSession(t, actions.WithLogger(zap.New(core)), actions.WithArtifacts(dir))
	u := strings.Replace(site.URL("/notfound"), "http://", "http://ada:pa%24%24word9@", 1)

	_, err := s.Navigate(ctxT(t), u)
	require.Error(t, err)
	for _, secret := range []string{"pa$$word9", "pa%24%24word9"} {
		assert.NotContains(t, err.Error(), secret)
		for _, e := range logs.All() {
			line := e.Message
			for _, v := range e.ContextMap() {
				if s, ok := v.(string); ok {
					line += " " + s
				}
			}
			assert.NotContains(t, line, secret)
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*"))
		require.NotEmpty(t, files, "an error snapshot was written")
		for _, f := range files {
			b, _ := os.ReadFile(f)
			assert.NotContains(t, string(b), secret, f)
		}
	}
	assert.Contains(t, err.Error(), "ada:", "the rest of the URL is still there to read")
}
