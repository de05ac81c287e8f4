package testenv

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The Digest handler takes the RFC 7616 answer to its challenge and nothing else: a wrong
// password, a replayed nc, another URI and a nonce it never issued are refused.
func TestDigestHandler(t *testing.T) {
	d := NewDigest("intranet", "ann", "s3cret", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "welcome")
	}))
	srv := httptest.NewServer(d)
	defer srv.Close()

	res, err := http.Get(srv.URL + "/private?x=1")
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusUnauthorized, res.StatusCode)
	ch := digestParams(strings.TrimPrefix(res.Header.Get("WWW-Authenticate"), "Digest "))
	assert.Equal(t, "intranet", ch["realm"])
	assert.Equal(t, "auth", ch["qop"])
	assert.Equal(t, "MD5", ch["algorithm"])

	answer := func(user, pass, uri, nonce, nc string) string {
		ha1 := md5hex(user + ":intranet:" + pass)
		ha2 := md5hex("GET:" + uri)
		resp := md5hex(ha1 + ":" + nonce + ":" + nc + ":abcdef:auth:" + ha2)
		return fmt.Sprintf(`Digest username="%s", realm="intranet", nonce="%s", uri="%s", algorithm=MD5, response="%s", opaque="%s", qop=auth, nc=%s, cnonce="abcdef"`,
			user, nonce, uri, resp, ch["opaque"], nc)
	}
	get := func(path, auth string) int {
		req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", auth)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode
	}
	assert.Equal(t, 200, get("/private?x=1", answer("ann", "s3cret", "/private?x=1", ch["nonce"], "00000001")))
	assert.Equal(t, 200, get("/private?x=1", answer("ann", "s3cret", "/private?x=1", ch["nonce"], "00000002")), "the next nc")
	assert.Equal(t, 401, get("/private?x=1", answer("ann", "s3cret", "/private?x=1", ch["nonce"], "00000002")), "nc replayed")
	assert.Equal(t, 401, get("/private?x=1", answer("ann", "wrong", "/private?x=1", ch["nonce"], "00000003")), "wrong password")
	assert.Equal(t, 401, get("/other", answer("ann", "s3cret", "/private?x=1", ch["nonce"], "00000004")), "another URI")
	assert.Equal(t, 401, get("/private?x=1", answer("ann", "s3cret", "/private?x=1", "0123456789abcdef", "00000001")), "a nonce never issued")
	assert.Equal(t, DigestCounts{Challenges: 5, Accepted: 2, Rejected: 4}, d.Counts())
}
