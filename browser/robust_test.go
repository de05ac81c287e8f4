package browser

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"

	"github.com/go-rod/rod/lib/cdp"
	"github.com/stretchr/testify/assert"
)

// A call that fails because Chromium died is told apart from the browser answering with an error,
// so Guard can wait for the watcher and say "page crashed" instead of a socket error.
func TestLostConnection(t *testing.T) {
	cases := []struct {
		err  error
		want bool
	}{
		{io.EOF, true},
		{fmt.Errorf("read: %w", io.ErrUnexpectedEOF), true},
		{&net.OpError{Op: "write", Net: "tcp", Err: net.ErrClosed}, true},
		{fmt.Errorf("x: %w", syscall.ECONNRESET), true},
		{&cdp.Error{Code: -32000, Message: "Node is detached from document"}, false},
		{errors.New("boom"), false},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, lostConnection(tc.err), "%v", tc.err)
	}
}

// URLs Chromium would turn into an error page (or silently into about:blank#blocked) are refused
// before anything is sent, and the error stays short whatever the URL's length.
func TestValidateURLRefusesWhatChromiumWouldNotLoad(t *testing.T) {
	for _, raw := range []string{"data:", "data:text/html", "http://x.test/?" + strings.Repeat("a", MaxURLLength)} {
		err := ValidateURL(raw)
		assert.ErrorIs(t, err, ErrInvalidURL, "%.40q", raw)
		if err != nil {
			assert.Less(t, len(err.Error()), 400, "the error quotes only the URL's start")
		}
	}
	for _, raw := range []string{"data:,", "data:text/html,<p>hi", "data:text/plain;base64,aGk=", "http://x.test/?" + strings.Repeat("a", 1000)} {
		assert.NoError(t, ValidateURL(raw), "%.40q", raw)
	}
	assert.Equal(t, "héllo", clipText("héllo"))
	long := strings.Repeat("é", 300)
	c := clipText(long)
	assert.True(t, strings.HasSuffix(c, "…(600 bytes)"), c)
	assert.True(t, strings.HasPrefix(long, strings.TrimSuffix(c, "…(600 bytes)")), "cut on a rune boundary")
}
