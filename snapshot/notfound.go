package snapshot

import (
	"regexp"
	"strconv"
)

// notFoundText matches what not-found pages say in their title or main heading: "404",
// "Page not found", "can't be found", "doesn't exist", "no longer available", and the usual
// wording in a few other languages. Matched case-insensitively, on word boundaries where the
// language has them.
var notFoundText = regexp.MustCompile(`(?i)` +
	`(?:^|[^\p{L}\p{N}])404(?:$|[^\p{L}\p{N}])` +
	`|\bnot found\b` +
	`|\b(?:can['’]?t|cannot|could ?n['’]?o?t) be found\b` +
	`|\b(?:can['’]?t|cannot|could ?n['’]?o?t) find (?:that|this|the|your) page\b` +
	`|\b(?:page|product|item|article|post)s? (?:does ?n['’]?o?t|no longer) exists?\b` +
	`|\bno longer (?:exists|available)\b` +
	`|\bnicht gefunden\b|\bno encontrad[ao]\b|\bintrouvable\b|\bnon trovat[ao]\b|\bniet gevonden\b` +
	`|\bnão encontrad[ao]\b|не найден|見つかりません|找不到|찾을 수 없`)

// SoftNotFound tells a "soft 404": a page that answered with a success status (or one unknown,
// 0) but says, in its title or its main heading, that what was asked for was not found. It
// returns the evidence (`title "Page not found – Shop"`), or "" when the status is an error of
// its own (a real 404 needs no guess) or neither text says so.
//
// It is a guess from words, meant to explain an element that is missing (the page is not the
// one the caller expected), not to judge pages that show what was asked for: a product called
// "Error 404" would match.
func SoftNotFound(status int, title, heading string) string {
	if status >= 300 {
		return ""
	}
	if notFoundText.MatchString(title) {
		return "title " + strconv.Quote(title)
	}
	if notFoundText.MatchString(heading) {
		return "heading " + strconv.Quote(heading)
	}
	return ""
}
