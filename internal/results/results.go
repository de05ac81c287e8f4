package results

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// Kinds and statuses of lines.
const (
	KindRecord = "record"
	KindItem   = "item"
	StatusOK   = "ok"
	StatusFail = "failed"
)

// Line is one line of a results file. Safe for concurrent use (a value).
type Line struct {
	Kind   string         `json:"kind"`
	Item   string         `json:"item"`
	Status string         `json:"status,omitempty"`
	URL    string         `json:"url,omitempty"`
	Data   map[string]any `json:"data,omitempty"` // a record's fields
	// Crawls: the stage of the item (and of its records), the page it was found on, its depth,
	// and on an ok item's line the items it added (so --resume continues the crawl) and the
	// links it dropped, stage → reason → count (so a resumed crawl's counts include them).
	Stage   string                    `json:"stage,omitempty"`
	Parent  string                    `json:"parent,omitempty"`
	Depth   int                       `json:"depth,omitempty"`
	Found   []Found                   `json:"found,omitempty"`
	Skipped map[string]map[string]int `json:"skipped,omitempty"`

	Records      int       `json:"records,omitempty"` // item: how many records it produced
	ErrorType    string    `json:"error_type,omitempty"`
	Attempts     int       `json:"attempts,omitempty"`      // the failed action's own attempts
	ItemAttempts int       `json:"item_attempts,omitempty"` // how many times the item was run
	Reason       string    `json:"reason,omitempty"`
	Error        string    `json:"error,omitempty"`
	Snapshot     string    `json:"snapshot,omitempty"` // error-snapshot directory
	DurationMS   int64     `json:"duration_ms,omitempty"`
	Time         time.Time `json:"time,omitzero"`
}

// Writer appends items to a results file. Safe for concurrent use: each WriteItem is one write
// of all the item's lines, so items never interleave.
type Writer struct {
	mu     sync.Mutex
	w      io.Writer
	f      *os.File // nil when writing to a stream (no fsync)
	redact [][]byte
	closed bool

	resumed *State // what Resume read (crawl.go)
}

// Option configures a Writer. Safe for concurrent use (a function applied once, at creation).
type Option func(*Writer)

// Redact replaces every occurrence of the given values (secrets) with "[redacted]" in what is
// written, whatever field they end up in.
func Redact(values ...string) Option {
	return func(w *Writer) {
		for _, v := range values {
			if v == "" {
				continue
			}
			b, _ := json.Marshal(v)
			w.redact = append(w.redact, b[1:len(b)-1])
		}
	}
}

// Create creates (or truncates) the results file at path.
func Create(path string, opts ...Option) (*Writer, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	return newWriter(f, f, opts), nil
}

// NewWriter writes to a stream (for example stdout). Nothing is fsynced.
func NewWriter(w io.Writer, opts ...Option) *Writer { return newWriter(w, nil, opts) }

func newWriter(w io.Writer, f *os.File, opts []Option) *Writer {
	wr := &Writer{w: w, f: f}
	for _, o := range opts {
		o(wr)
	}
	return wr
}

// Resume opens an existing results file to go on with it (creating it when missing): it reads
// what completed, cuts off a torn tail, and returns a Writer that appends.
func Resume(path string, opts ...Option) (*Writer, *State, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, nil, err
	}
	st, err := ReadState(f)
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("read %s: %w", path, err)
	}
	if err := f.Truncate(st.ValidBytes); err != nil {
		f.Close()
		return nil, nil, err
	}
	if _, err := f.Seek(st.ValidBytes, io.SeekStart); err != nil {
		f.Close()
		return nil, nil, err
	}
	if st.CutBytes > 0 {
		if err := f.Sync(); err != nil {
			f.Close()
			return nil, nil, err
		}
	}
	w := newWriter(f, f, opts)
	w.resumed = st
	return w, st, nil
}

// WriteItem writes the item's records followed by its item line, in one write, then fsyncs.
// When it returns nil the item is durably done.
func (w *Writer) WriteItem(item Line, records []map[string]any) error {
	item.Kind = KindItem
	if item.Time.IsZero() {
		item.Time = time.Now().UTC()
	}
	if item.Status == StatusOK {
		item.Records = len(records)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for _, r := range records {
		if err := enc.Encode(Line{Kind: KindRecord, Item: item.Item, URL: item.URL, Stage: item.Stage, Data: r}); err != nil {
			return fmt.Errorf("encode record of %s: %w", item.Item, err)
		}
	}
	if err := enc.Encode(item); err != nil {
		return fmt.Errorf("encode item %s: %w", item.Item, err)
	}
	out := buf.Bytes()
	for _, s := range w.redact {
		out = bytes.ReplaceAll(out, s, []byte("[redacted]"))
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return errors.New("results: writer closed")
	}
	if _, err := w.w.Write(out); err != nil {
		return err
	}
	if w.f != nil {
		return w.f.Sync()
	}
	return nil
}

// Close closes the file (not a stream given to NewWriter). Idempotent.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil
	}
	w.closed = true
	if w.f != nil {
		return w.f.Close()
	}
	return nil
}

// State is what a results file says about a batch. Safe for concurrent use once returned
// (read-only).
type State struct {
	// Done holds the items whose last line says ok; they are skipped on resume.
	Done map[string]bool
	// Failed holds the items whose last line says failed; they run again on resume.
	Failed map[string]Line
	// Records counts the records of done items.
	Records int
	// ValidBytes is where the complete part of the file ends; CutBytes what comes after it
	// (a torn line, records whose item line is missing).
	ValidBytes, CutBytes int64
	// Corrupt counts complete lines that were not JSON (skipped).
	Corrupt int
	// Found is what the done items of a crawl added, in file order (crawl.go).
	Found []Found
	// Skipped sums what the done items of a crawl dropped: stage → reason → count.
	Skipped map[string]map[string]int
}

// ReadState reads a results file from r.
func ReadState(r io.Reader) (*State, error) {
	st := &State{Done: map[string]bool{}, Failed: map[string]Line{}}
	br := bufio.NewReaderSize(r, 64*1024)
	var off int64
	pending := 0
	for {
		line, err := br.ReadBytes('\n')
		if len(line) > 0 && line[len(line)-1] == '\n' {
			off += int64(len(line))
			var l Line
			if jerr := json.Unmarshal(line, &l); jerr != nil {
				st.Corrupt++
			} else {
				switch l.Kind {
				case KindRecord:
					pending++
				case KindItem:
					switch l.Status {
					case StatusOK:
						st.Found = append(st.Found, l.Found...)
						st.addSkipped(l.Skipped)
						st.Done[l.Item] = true
						delete(st.Failed, l.Item)
						st.Records += pending
					default:
						delete(st.Done, l.Item)
						st.Failed[l.Item] = l
					}
					pending = 0
					st.ValidBytes = off
				}
			}
		} else if len(line) > 0 {
			off += int64(len(line)) // torn: no newline
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	st.CutBytes = off - st.ValidBytes
	return st, nil
}
