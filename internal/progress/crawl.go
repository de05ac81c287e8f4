package progress

// AddTotal counts n more items (a crawl finds its items as it goes).
func (t *Tracker) AddTotal(n int) {
	t.mu.Lock()
	t.total += n
	t.mu.Unlock()
}
