package results

// Found is one item a crawl's item added (listed on that item's ok line). A plain value: safe
// for concurrent use.
type Found struct {
	Stage string `json:"stage"`
	URL   string `json:"url"`
	Depth int    `json:"depth,omitempty"`
}

// Resumed is what Resume read from the file before appending (nil for a Writer that Create or
// NewWriter made): a crawl rebuilds its to-do list from it.
func (w *Writer) Resumed() *State {
	if w == nil {
		return nil
	}
	return w.resumed
}

func (st *State) addSkipped(m map[string]map[string]int) {
	for stage, reasons := range m {
		if st.Skipped == nil {
			st.Skipped = map[string]map[string]int{}
		}
		if st.Skipped[stage] == nil {
			st.Skipped[stage] = map[string]int{}
		}
		for r, n := range reasons {
			st.Skipped[stage][r] += n
		}
	}
}
