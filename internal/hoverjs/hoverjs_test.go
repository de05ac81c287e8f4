package hoverjs_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/smartretry/smartretry/internal/hoverjs"
)

func TestInto(t *testing.T) {
	got := hoverjs.Into("const read = " + hoverjs.Slot + ";")
	assert.True(t, strings.HasPrefix(got, "const read = //"), got[:40])
	assert.Contains(t, got, "(max) => {")
	assert.NotContains(t, got, hoverjs.Slot)
	assert.Panics(t, func() { hoverjs.Into("no slot here") })
}
