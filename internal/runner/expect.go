package runner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"go.uber.org/zap"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/internal/flow"
	"github.com/smartretry/smartretry/retry"
)

// The popup and download steps: Session.ExpectPopup and Session.ExpectDownload around the step
// that opens the tab or starts the download.

// DefaultDownloads is where downloads go when Config.Downloads is empty (relative to the
// working directory).
const DefaultDownloads = "downloads"

// sharedDownloads serialises downloads of sessions without a browser context of their own
// (isolated: false): Chromium has one download directory per context, and those sessions
// share the browser's default one.
var sharedDownloads sync.Mutex

// popup runs the step's action, then its steps in the tab the action opened, and closes that
// tab: the item goes on in the opener. The popup's reads go into the item's record.
func (r *run) popup(ctx context.Context, s *actions.Session, st flow.Step, it flow.Item, reads map[string]any) ([]map[string]any, error) {
	var records []map[string]any
	ps, err := s.ExpectPopup(ctx, func(ctx context.Context) error {
		recs, err := r.step(ctx, s, *st.Action, it, reads)
		records = append(records, recs...)
		return err
	})
	if err != nil {
		return nil, err
	}
	defer func() {
		// A tab the page closed itself (an OAuth window after its redirect) is gone already.
		if err := ps.Close(); err != nil {
			r.c.Logger.Debug("close the popup", zap.String("item", it.Key), zap.Error(err))
		}
	}()
	r.c.Logger.Debug("popup opened", zap.String("item", it.Key), zap.Int("line", st.Line), zap.String("url", ps.URL()))
	for i, sub := range st.Steps {
		recs, err := r.step(ctx, ps, sub, it, reads)
		if err != nil {
			return nil, &stepError{step: fmt.Sprintf("popup step %d (line %d)", i+1, sub.Line), err: err}
		}
		records = append(records, recs...)
	}
	return records, nil
}

// DownloadPathError is a download's save_as that, once expanded for an item, would write
// outside the downloads directory. Permanent: the item's fields say so. Read-only once made:
// safe for concurrent use.
type DownloadPathError struct{ Err error }

func (e *DownloadPathError) Error() string { return e.Err.Error() }
func (e *DownloadPathError) Unwrap() error { return e.Err }

// RetryType makes the engine classify it as invalid_input (never retried).
func (e *DownloadPathError) RetryType() retry.ErrorType { return retry.InvalidInput }

// download runs the step's action and saves the file it downloads under the run's downloads
// directory: as save_as (replacing a file of that name: a rerun writes the same file), else as
// the site names it ("report (1).pdf" when taken). The item's record gets {path, name, size,
// url} under the step's field.
func (r *run) download(ctx context.Context, s *actions.Session, st flow.Step, it flow.Item, reads map[string]any) ([]map[string]any, error) {
	dir, err := filepath.Abs(orDefault(r.c.Downloads, DefaultDownloads))
	if err != nil {
		return nil, err
	}
	var dst string
	if tmpl := st.Get("save_as"); tmpl != "" {
		name, _, err := r.c.Flow.Resolve(tmpl, it)
		if err != nil {
			return nil, err
		}
		if dst, err = flow.SaveAsPath(dir, name); err != nil {
			return nil, &DownloadPathError{Err: err}
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("downloads directory: %w", err)
	}
	// Each download lands in a directory of its own first: items downloading at once never
	// meet there, and only a finished file reaches its name.
	tmp, err := os.MkdirTemp(dir, ".partial-")
	if err != nil {
		return nil, fmt.Errorf("downloads directory: %w", err)
	}
	defer os.RemoveAll(tmp)
	if r.c.Isolate != nil && !*r.c.Isolate {
		sharedDownloads.Lock()
		defer sharedDownloads.Unlock()
	}
	var records []map[string]any
	d, err := s.ExpectDownload(ctx, tmp, func(ctx context.Context) error {
		recs, err := r.step(ctx, s, *st.Action, it, reads)
		records = append(records, recs...)
		return err
	})
	if err != nil {
		return nil, err
	}
	if dst != "" {
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return nil, fmt.Errorf("save the download: %w", err)
		}
		if err := os.Rename(d.Path, dst); err != nil {
			return nil, fmt.Errorf("save the download: %w", err)
		}
	} else if dst, err = placeNew(d.Path, dir, filepath.Base(d.Path)); err != nil {
		return nil, fmt.Errorf("save the download: %w", err)
	}
	r.c.Logger.Debug("downloaded", zap.String("item", it.Key), zap.String("path", dst), zap.Int64("size", d.Size))
	reads[st.Into()] = map[string]any{"path": dst, "name": d.Name, "size": d.Size, "url": d.URL}
	return records, nil
}

// placeNew moves src into dir as name, or "name (1).ext"... when that is taken, never replacing
// a file (a hard link fails when its name exists, so two items saving "report.pdf" at once get
// one name each).
func placeNew(src, dir, name string) (string, error) {
	ext := filepath.Ext(name)
	base := strings.TrimSuffix(name, ext)
	for i := 0; i < 10_000; i++ {
		p := filepath.Join(dir, name)
		if i > 0 {
			p = filepath.Join(dir, base+" ("+strconv.Itoa(i)+")"+ext)
		}
		err := os.Link(src, p)
		if err == nil {
			_ = os.Remove(src)
			return p, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return "", err
		}
	}
	return "", fmt.Errorf("%s: 10000 files of that name already", filepath.Join(dir, name))
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
