package runner

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/internal/results"
	"github.com/smartretry/smartretry/internal/testenv"
)

// A flow's http_credentials answer a real Digest challenge (RFC 7616, MD5, qop=auth) for every
// item, the password a secret variable that appears nowhere in the results; the origin the
// credentials are limited to is the server's.
func TestFlowHTTPDigestCredentials(t *testing.T) {
	const password = "d1gest-Secret"
	d := testenv.NewDigest("reports", "ann", password, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(w, `<!doctype html><h1>Report %s</h1>`, r.URL.Query().Get("n"))
	}))
	srv := httptest.NewServer(d)
	defer srv.Close()
	o := runFlow(t, fmt.Sprintf(`
variables:
  pw: {value: "%s", secret: true}
http_credentials: {username: ann, password: "${pw}", origins: ["%s"]}
items: [{n: 1}, {n: 2}, {n: 3}]
concurrency: 2
start_url: %s/reports?n=${item.n}
steps:
  - text: {selector: h1, as: title}
`, password, srv.URL, srv.URL), nil, nil)
	require.NoError(t, o.err)
	require.Len(t, o.items, 3)
	for _, l := range o.items {
		require.Equal(t, results.StatusOK, l.Status, "%s: %s", l.ErrorType, l.Error)
	}
	var titles []string
	for _, rec := range o.records {
		titles = append(titles, rec["title"].(string))
	}
	assert.ElementsMatch(t, []string{"Report 1", "Report 2", "Report 3"}, titles)
	c := d.Counts()
	assert.GreaterOrEqual(t, c.Accepted, 3)
	assert.Zero(t, c.Rejected)

	// Wrong credentials: auth_required at once, the password nowhere in the line.
	o = runFlow(t, fmt.Sprintf(`
variables:
  pw: {value: "wrong-%s", secret: true}
http_credentials: {username: ann, password: "${pw}"}
start_url: %s/reports?n=9
steps:
  - text: h1
`, password, srv.URL), func(c *Config) { c.ItemAttempts = 1 }, nil)
	require.NoError(t, o.err)
	for _, l := range o.items {
		assert.Equal(t, results.StatusFail, l.Status)
		assert.Equal(t, "auth_required", l.ErrorType)
		assert.Contains(t, l.Error, "rejected the HTTP Digest credentials")
		assert.NotContains(t, l.Error, password)
	}
}
