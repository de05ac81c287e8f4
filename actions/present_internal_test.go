package actions

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// An error's text repeats the action's selector or URL: a huge one is clipped there, and a
// FillSecret value is redacted from it, so errors and logs stay readable and secret-free.
func TestPresentClipsAndRedacts(t *testing.T) {
	s := &Session{secrets: map[string][]string{"#pw": {"hunter2-secret"}}}
	long := strings.Repeat("div > ", 10000) + "["
	msg := "click " + strconv.Quote(long) + ": invalid selector " + strconv.Quote(long) + " near hunter2-secret"
	got := s.present(msg, spec{action: "click", selector: long})
	assert.Less(t, len(got), 1000, got)
	assert.Contains(t, got, "(60001 bytes)")
	assert.NotContains(t, got, "hunter2-secret")
	assert.Equal(t, "#a-[redacted]", s.shown("#a-hunter2-secret"))
	assert.Equal(t, "short", clip("short"))
}

// Every value FillSecret typed stays redacted: a second value in the same field does not free
// the first, and a secret that contains a shorter one is redacted whole.
func TestRedactKeepsEveryValue(t *testing.T) {
	s := &Session{secrets: map[string][]string{}}
	s.rememberSecret("#pw", "old-pass")
	s.rememberSecret("#pw", "old-pass-2024")
	s.rememberSecret("#pw", "old-pass") // again: listed once
	assert.Equal(t, "a [redacted] b [redacted]", s.redact("a old-pass b old-pass-2024"))
	values, selectors := s.secretLists()
	assert.Equal(t, []string{"old-pass-2024", "old-pass"}, values)
	assert.Equal(t, []string{"#pw"}, selectors)
}
