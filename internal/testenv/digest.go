package testenv

import (
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// Digest is an HTTP Digest access authentication handler (RFC 7616, algorithm MD5, qop auth) in
// front of Next, for tests of clients that must answer a real Digest challenge: a request without
// valid credentials gets 401 with a fresh nonce; a response is checked in full (username, realm,
// a nonce it issued, the request's URI, opaque, nc increasing per nonce, the MD5 response).
// Safe for concurrent use.
type Digest struct {
	Realm, Username, Password string
	Next                      http.Handler

	mu     sync.Mutex
	nonces map[string]uint64 // issued nonce → the last nc it was used with
	opaque string
	counts DigestCounts
}

// DigestCounts is what a Digest handler saw: challenges sent (401s), requests let through with
// valid credentials, and requests whose Authorization was present but wrong (a bad response,
// user, nonce, nc or URI). A plain value.
type DigestCounts struct {
	Challenges, Accepted, Rejected int
}

// NewDigest returns a Digest handler for realm and one user, in front of next.
func NewDigest(realm, username, password string, next http.Handler) *Digest {
	return &Digest{Realm: realm, Username: username, Password: password, Next: next,
		nonces: map[string]uint64{}, opaque: randHex(16)}
}

// Counts returns what the handler saw so far.
func (d *Digest) Counts() DigestCounts {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.counts
}

func (d *Digest) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := r.Header.Get("Authorization")
	if h != "" {
		if err := d.check(r.Method, r.RequestURI, h); err == nil {
			d.mu.Lock()
			d.counts.Accepted++
			d.mu.Unlock()
			d.Next.ServeHTTP(w, r)
			return
		}
		d.mu.Lock()
		d.counts.Rejected++
		d.mu.Unlock()
	}
	nonce := randHex(16)
	d.mu.Lock()
	d.nonces[nonce] = 0
	d.counts.Challenges++
	d.mu.Unlock()
	w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Digest realm="%s", qop="auth", algorithm=MD5, nonce="%s", opaque="%s"`, d.Realm, nonce, d.opaque))
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(http.StatusUnauthorized)
	fmt.Fprint(w, "<h1>401 Unauthorized</h1>")
}

// check verifies an Authorization: Digest header for method and uri.
func (d *Digest) check(method, uri, header string) error {
	scheme, rest, _ := strings.Cut(header, " ")
	if !strings.EqualFold(scheme, "Digest") {
		return fmt.Errorf("scheme %q", scheme)
	}
	p := digestParams(rest)
	if alg := p["algorithm"]; alg != "" && !strings.EqualFold(alg, "MD5") {
		return fmt.Errorf("algorithm %q", alg)
	}
	if p["username"] != d.Username || p["realm"] != d.Realm || p["opaque"] != d.opaque {
		return fmt.Errorf("username, realm or opaque")
	}
	if p["uri"] != uri {
		return fmt.Errorf("uri %q for %q", p["uri"], uri)
	}
	if p["qop"] != "auth" || p["cnonce"] == "" {
		return fmt.Errorf("qop %q", p["qop"])
	}
	nc, err := strconv.ParseUint(p["nc"], 16, 64)
	if err != nil || len(p["nc"]) != 8 {
		return fmt.Errorf("nc %q", p["nc"])
	}
	ha1 := md5hex(d.Username + ":" + d.Realm + ":" + d.Password)
	ha2 := md5hex(method + ":" + uri)
	want := md5hex(strings.Join([]string{ha1, p["nonce"], p["nc"], p["cnonce"], p["qop"], ha2}, ":"))
	if p["response"] != want {
		return fmt.Errorf("response")
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	last, ok := d.nonces[p["nonce"]]
	if !ok {
		return fmt.Errorf("nonce not issued")
	}
	if nc <= last {
		return fmt.Errorf("nc %d replayed (last %d)", nc, last)
	}
	d.nonces[p["nonce"]] = nc
	return nil
}

// digestParams reads the comma-separated key=value and key="quoted value" pairs of a header.
func digestParams(s string) map[string]string {
	out := map[string]string{}
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		k, v, ok := strings.Cut(s, "=")
		if !ok {
			break
		}
		k = strings.ToLower(strings.TrimSpace(k))
		v = strings.TrimLeft(v, " ")
		if strings.HasPrefix(v, `"`) {
			var b strings.Builder
			i := 1
			for ; i < len(v) && v[i] != '"'; i++ {
				if v[i] == '\\' && i+1 < len(v) {
					i++
				}
				b.WriteByte(v[i])
			}
			out[k] = b.String()
			s = strings.TrimPrefix(strings.TrimSpace(v[min(i+1, len(v)):]), ",")
			continue
		}
		val, tail, _ := strings.Cut(v, ",")
		out[k] = strings.TrimSpace(val)
		s = tail
	}
	return out
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
