package hoverjs

import (
	_ "embed"
	"strings"
)

//go:embed hoverrules.js
var rulesJS string

// Slot is where a script takes the reader: "const read = /*HOVERRULES*/null;".
const Slot = "/*HOVERRULES*/null"

// Into returns src with the reader, (max) => [{host, subject}], in place of Slot. It panics
// when src has no slot: the scripts are the package's own, embedded at build time.
func Into(src string) string {
	if !strings.Contains(src, Slot) {
		panic("hoverjs: script without a " + Slot + " slot")
	}
	return strings.Replace(src, Slot, strings.TrimSpace(rulesJS), 1)
}
