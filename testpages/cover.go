package testpages

import "net/http"

// cover serves /cover: an input (and a select) in a scroll box, partly under a sibling panel,
// whose page erases the input's value whenever its centre point is covered. full=1 covers the
// whole box.
func (s *Site) cover(w http.ResponseWriter, r *http.Request, c *call) {
	s.render(w, http.StatusOK, "cover", page{Title: "Partly covered input", Route: "/cover", ID: c.p.ID,
		Data: map[string]any{"Full": r.URL.Query().Get("full") == "1"}})
}
