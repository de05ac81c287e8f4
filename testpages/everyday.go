package testpages

import (
	"net/http"
)

// The pages of the everyday actions: checkboxes a script reverts, elements that change state
// after ms, form fields to read back, a list to count and an infinite list. doc.go lists them.

func (s *Site) checks(w http.ResponseWriter, r *http.Request, c *call) {
	s.render(w, http.StatusOK, "checks", page{Title: "Checkboxes and radio buttons", Route: "/checks", ID: c.p.ID, MS: c.p.MS,
		Data: map[string]any{"Fail": c.p.Fail}})
}

// infinite reads total (1..10000, default 50), batch (1..1000, default 10) and mode (box, the
// default: a scroll box; page: the page scrolls).
func (s *Site) infinite(w http.ResponseWriter, r *http.Request, c *call) {
	q := r.URL.Query()
	total, batch := 50, 10
	var err error
	if v := q.Get("total"); v != "" {
		if total, err = clampInt("total", v, 1, 10000); err != nil {
			http.Error(w, "bad request: "+err.Error(), http.StatusBadRequest)
			return
		}
	}
	if v := q.Get("batch"); v != "" {
		if batch, err = clampInt("batch", v, 1, 1000); err != nil {
			http.Error(w, "bad request: "+err.Error(), http.StatusBadRequest)
			return
		}
	}
	mode := q.Get("mode")
	switch mode {
	case "":
		mode = "box"
	case "box", "page":
	default:
		http.Error(w, `bad request: mode=`+mode+`: want box or page`, http.StatusBadRequest)
		return
	}
	s.render(w, http.StatusOK, "infinite", page{Title: "Infinite list", Route: "/infinite", ID: c.p.ID, MS: c.p.MS,
		Data: map[string]any{"Total": total, "Batch": batch, "Mode": mode}})
}
