package browser

import (
	"fmt"
	"strings"
)

func fmtSscan(s string, a ...any) (int, error) { return fmt.Sscan(s, a...) }

func indexByte(s string, c byte) int { return strings.IndexByte(s, c) }
