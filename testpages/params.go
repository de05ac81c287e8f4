package testpages

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Limits on query parameters: values past them are clamped, never trusted.
const (
	// MaxDelay caps every ms parameter.
	MaxDelay = 60 * time.Second
	// MaxFail caps every fail parameter.
	MaxFail = 1_000_000
	// MaxRetryAfter caps the ra parameter.
	MaxRetryAfter = 24 * time.Hour
	// DefaultID is the counter key when a request has no id parameter.
	DefaultID = "default"

	maxIDLen = 128
	pages    = 20
	perPage  = 10
)

// params are the parsed query parameters every route understands. Each route reads the ones it
// needs; defaults come from the route table.
type params struct {
	ID    string
	Fail  int
	MS    int  // milliseconds, 0..MaxDelay
	MSSet bool // ms was given (some routes change behaviour when it is)
	// FailSet says fail was given in the query.
	FailSet bool
	RA      retryAfter
	Code    int
	Flaky   map[int]bool
	Page    int
	Kind    string
}

// retryAfter is the ra parameter: no header, seconds, or an HTTP-date that many seconds ahead.
type retryAfter struct {
	None    bool
	Date    bool
	Seconds int
}

// Header renders the Retry-After value at now. A date is rounded up to the next whole second so
// the wait it implies is never shorter than asked.
func (ra retryAfter) Header(now time.Time) string {
	if ra.None {
		return ""
	}
	if !ra.Date {
		return strconv.Itoa(ra.Seconds)
	}
	t := now.Add(time.Duration(ra.Seconds) * time.Second)
	if t.Truncate(time.Second) != t {
		t = t.Truncate(time.Second).Add(time.Second)
	}
	return t.UTC().Format(httpTimeFormat)
}

const httpTimeFormat = "Mon, 02 Jan 2006 15:04:05 GMT"

// defaults are a route's values for absent parameters.
type defaults struct {
	MS   int
	Fail int
	Code int
}

// parseParams reads q. Malformed numbers are an error (the caller answers 400); numbers out of
// range are clamped.
func parseParams(q url.Values, d defaults) (params, error) {
	p := params{ID: q.Get("id"), Fail: d.Fail, MS: d.MS, Code: d.Code, Page: 1, Kind: "alert"}
	if p.ID == "" {
		p.ID = DefaultID
	}
	if len(p.ID) > maxIDLen {
		p.ID = p.ID[:maxIDLen]
	}
	var err error
	if s := q.Get("ms"); s != "" {
		if p.MS, err = clampInt("ms", s, 0, int(MaxDelay/time.Millisecond)); err != nil {
			return p, err
		}
		p.MSSet = true
	}
	if s := q.Get("fail"); s != "" {
		if p.Fail, err = clampInt("fail", s, 0, MaxFail); err != nil {
			return p, err
		}
		p.FailSet = true
	}
	if p.RA, err = parseRetryAfter(q.Get("ra")); err != nil {
		return p, err
	}
	if s := q.Get("code"); s != "" {
		c, err := strconv.Atoi(s)
		if err != nil || c < 500 || c > 599 {
			return p, fmt.Errorf("code=%q: want a 5xx status such as 500, 502 or 503", s)
		}
		p.Code = c
	}
	if s := q.Get("flaky"); s != "" {
		p.Flaky = map[int]bool{}
		for _, f := range strings.Split(s, ",") {
			f = strings.TrimSpace(f)
			if f == "" {
				continue
			}
			n, err := strconv.Atoi(f)
			if err != nil || n < 1 || n > pages {
				return p, fmt.Errorf("flaky=%q: want page numbers 1..%d separated by commas", s, pages)
			}
			p.Flaky[n] = true
		}
	}
	if s := q.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > pages {
			return p, fmt.Errorf("page=%q: want 1..%d", s, pages)
		}
		p.Page = n
	}
	if s := q.Get("kind"); s != "" {
		switch s {
		case "alert", "confirm", "prompt":
			p.Kind = s
		default:
			return p, fmt.Errorf("kind=%q: want alert, confirm or prompt", s)
		}
	}
	return p, nil
}

func clampInt(name, s string, lo, hi int) (int, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			// A number too large to read is still a number: clamp it.
			if strings.HasPrefix(strings.TrimSpace(s), "-") {
				return lo, nil
			}
			return hi, nil
		}
		return 0, fmt.Errorf("%s=%q: want a whole number", name, s)
	}
	if n < int64(lo) {
		return lo, nil
	}
	if n > int64(hi) {
		return hi, nil
	}
	return int(n), nil
}

func parseRetryAfter(s string) (retryAfter, error) {
	maxS := int(MaxRetryAfter / time.Second)
	switch {
	case s == "":
		return retryAfter{Seconds: 1}, nil
	case s == "none":
		return retryAfter{None: true}, nil
	case strings.HasPrefix(s, "date:"):
		n, err := clampInt("ra", strings.TrimPrefix(s, "date:"), 0, maxS)
		if err != nil {
			return retryAfter{}, fmt.Errorf("ra=%q: want seconds, date:<seconds> or none", s)
		}
		return retryAfter{Date: true, Seconds: n}, nil
	default:
		n, err := clampInt("ra", s, 0, maxS)
		if err != nil {
			return retryAfter{}, fmt.Errorf("ra=%q: want seconds, date:<seconds> or none", s)
		}
		return retryAfter{Seconds: n}, nil
	}
}
