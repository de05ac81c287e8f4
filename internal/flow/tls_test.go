package flow

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIgnoreHTTPSErrorsField(t *testing.T) {
	f, err := parse(t, "ignore_https_errors: true\nstart_url: https://localhost:8443/\nsteps:\n  - click: a\n")
	require.NoError(t, err)
	assert.True(t, f.IgnoreHTTPSErrors)

	f, err = parse(t, "start_url: https://localhost:8443/\nsteps:\n  - click: a\n")
	require.NoError(t, err)
	assert.False(t, f.IgnoreHTTPSErrors, "certificates are checked by default")

	_, err = parse(t, "ignore_https_errors: please\nstart_url: https://h/\nsteps:\n  - click: a\n")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ignore_https_errors: want true or false")
	_, err = parse(t, "ignore_http_errors: true\nstart_url: https://h/\nsteps:\n  - click: a\n")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `did you mean "ignore_https_errors"?`)
}

func TestUserAgentField(t *testing.T) {
	f, err := parse(t, "user_agent: \"shopbot/1.0 (+https://example.com/bot)\"\nstart_url: https://h/\nsteps:\n  - click: a\n")
	require.NoError(t, err)
	assert.Equal(t, "shopbot/1.0 (+https://example.com/bot)", f.UserAgent)
	f, err = parse(t, "start_url: https://h/\nsteps:\n  - click: a\n")
	require.NoError(t, err)
	assert.Empty(t, f.UserAgent, "the browser's own")
	for src, want := range map[string]string{
		"user_agent: \"\"\n":              "user_agent: must not be empty",
		"user_agent: \"bot\\r\\nX: 1\"\n": "user_agent: a header cannot hold control characters",
		"user_agent: [a, b]\n":            "user_agent: want a string",
	} {
		_, err := parse(t, src+"start_url: https://h/\nsteps:\n  - click: a\n")
		require.Error(t, err, src)
		assert.Contains(t, err.Error(), want, src)
	}
}
