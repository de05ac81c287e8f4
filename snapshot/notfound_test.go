package snapshot_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/smartretry/smartretry/snapshot"
)

func TestSoftNotFound(t *testing.T) {
	for _, c := range []struct {
		status         int
		title, heading string
		want           string
	}{
		{200, "Page not found – Shop", "", `title "Page not found – Shop"`},
		{200, "Shop", "Oops! That page can’t be found.", `heading "Oops! That page can’t be found."`},
		{200, "Error 404", "", `title "Error 404"`},
		{200, "404 | My Site", "", `title "404 | My Site"`},
		{0, "", "We couldn't find that page", `heading "We couldn't find that page"`},
		{200, "", "This product no longer exists", `heading "This product no longer exists"`},
		{200, "Item no longer available", "", `title "Item no longer available"`},
		{200, "Seite nicht gefunden", "", `title "Seite nicht gefunden"`},
		{200, "Página no encontrada", "", `title "Página no encontrada"`},
		{200, "Страница не найдена", "", `title "Страница не найдена"`},
		{200, "ページが見つかりません", "", `title "ページが見つかりません"`},
		// Not errors: a page about something else, a number that contains 404, a real 404.
		{200, "Blue jacket – Shop", "Blue jacket", ""},
		{200, "Model 4040 drill", "Item 1404", ""},
		{200, "Found it!", "Lost and found", ""},
		{404, "Page not found", "Page not found", ""},
		{500, "Error 404", "", ""},
		{200, "", "", ""},
	} {
		assert.Equal(t, c.want, snapshot.SoftNotFound(c.status, c.title, c.heading), "%d %q %q", c.status, c.title, c.heading)
	}
}
