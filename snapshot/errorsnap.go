package snapshot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
)

// Artifacts are the files one WriteError call wrote. A path is "" when that file could not be
// written (WriteError then also returns an error saying why).
//
// Artifacts is a plain value, safe for concurrent use.
type Artifacts struct {
	Dir        string `json:"dir"`
	Screenshot string `json:"screenshot"` // PNG of the viewport, secrets masked
	HTML       string `json:"html"`       // the page's HTML, input values removed, Redact strings replaced
	Elements   string `json:"elements"`   // Snapshot.String(), Redact strings replaced
}

// ErrorOptions tune WriteError. The zero value writes "<now>-error.*" with password fields masked.
//
// ErrorOptions is a plain value, safe for concurrent use.
type ErrorOptions struct {
	// Redact lists strings (secrets typed with FillSecret, tokens, …) replaced by "[redacted]" in the
	// HTML and the element list, also in their HTML-, URL- and Go-quoted spellings. The screenshot
	// cannot be redacted: mask the fields that show them with MaskSelectors.
	Redact []string
	// MaskSelectors are CSS selectors of elements hidden behind a grey box in the screenshot (password
	// inputs always are). Invalid selectors are ignored.
	MaskSelectors []string
	// ErrType names the error in the file names (e.g. "selector_not_found"); "" → "error".
	ErrType string
	// Now names the files by time (UTC, e.g. 20261128T102233.123Z); zero → time.Now().
	Now time.Time
}

// Internal caps: each step stays bounded even when the caller's ctx has no deadline.
const (
	errorProbeCap      = 3 * time.Second
	errorScreenshotCap = 5 * time.Second
	errorTotalCap      = 15 * time.Second
	redacted           = "[redacted]"
)

var errTypeChars = regexp.MustCompile(`[^a-zA-Z0-9_-]+`)

// WriteError writes an error snapshot of page into dir (created if needed):
// <time>-<errtype>.png (screenshot), .html (page HTML) and .txt (the element list, Snapshot.String),
// e.g. 20261128T102233.123Z-selector_not_found.png. Names sort by time; a clash gets a -2, -3 …
// suffix. It replaces every ErrorOptions.Redact string with "[redacted]" in the HTML and the text,
// strips input values and textarea contents from the HTML, and masks password inputs and
// ErrorOptions.MaskSelectors in the screenshot (the page's look is restored afterwards).
//
// It never hangs: everything is bounded by ctx and internal caps (3 s for the first answer, 5 s for
// the screenshot, 15 s in all). A page that does not answer (crashed renderer, open dialog) gives an
// error wrapping ErrNoAnswer at once and writes nothing. When only some files could be written it
// returns the Artifacts written so far together with the error.
func WriteError(ctx context.Context, page *rod.Page, dir string, o ErrorOptions) (*Artifacts, error) {
	if page == nil {
		return nil, errors.New("write error snapshot: nil page")
	}
	if dir == "" {
		return nil, errors.New("write error snapshot: empty dir")
	}
	ctx, cancel := capCtx(ctx, errorTotalCap)
	defer cancel()

	probeCtx, cancelProbe := capCtx(ctx, errorProbeCap)
	snap, err := TakeWith(probeCtx, page, Options{})
	cancelProbe()
	if err != nil {
		return nil, fmt.Errorf("write error snapshot: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("write error snapshot: %w", err)
	}
	base, err := reserveBase(dir, o)
	if err != nil {
		return nil, fmt.Errorf("write error snapshot: %w", err)
	}
	art := &Artifacts{Dir: dir}
	var errs []error
	redact := redactor(o.Redact)

	txt := base + ".txt"
	if err := os.WriteFile(txt, []byte(redact(snap.String())), 0o644); err != nil {
		errs = append(errs, err)
	} else {
		art.Elements = txt
	}

	// One round trip: serialise the HTML (before masking touches the page), then apply the masks.
	prep, err := evalJSON[prepResult](ctx, page, prepareJS, o.MaskSelectors)
	if err != nil {
		errs = append(errs, fmt.Errorf("html: %w", err))
	} else {
		p := base + ".html"
		if err := os.WriteFile(p, []byte(redact(prep.HTML)), 0o644); err != nil {
			errs = append(errs, err)
		} else {
			art.HTML = p
		}
		shotCtx, cancelShot := capCtx(ctx, errorScreenshotCap)
		shot, err := proto.PageCaptureScreenshot{Format: proto.PageCaptureScreenshotFormatPng}.Call(page.Context(shotCtx))
		cancelShot()
		// Restore even when ctx is over: the page must not stay masked for whoever uses it next.
		restoreCtx, cancelRestore := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		_, rerr := evalJSON[bool](restoreCtx, page, restoreJS, nil)
		cancelRestore()
		if rerr != nil {
			errs = append(errs, fmt.Errorf("restore masks: %w", rerr))
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("screenshot: %w", evalErr(shotCtx, err)))
		} else {
			p := base + ".png"
			if err := os.WriteFile(p, shot.Data, 0o644); err != nil {
				errs = append(errs, err)
			} else {
				art.Screenshot = p
			}
		}
	}
	if len(errs) > 0 {
		return art, fmt.Errorf("write error snapshot: %w", errors.Join(errs...))
	}
	return art, nil
}

// reserveBase picks "<dir>/<time>-<errtype>" (plus -N on a clash) and claims it by creating the
// .txt file exclusively, so two concurrent writers never share names.
func reserveBase(dir string, o ErrorOptions) (string, error) {
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	typ := strings.Trim(errTypeChars.ReplaceAllString(o.ErrType, "_"), "_")
	if typ == "" {
		typ = "error"
	}
	stem := now.UTC().Format("20060102T150405.000") + "Z-" + typ
	for i := 1; i < 1000; i++ {
		base := filepath.Join(dir, stem)
		if i > 1 {
			base += "-" + strconv.Itoa(i)
		}
		f, err := os.OpenFile(base+".txt", os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		return base, f.Close()
	}
	return "", fmt.Errorf("no free file name for %s in %s", stem, dir)
}

// redactor replaces each secret, in its raw, HTML-escaped, URL-escaped and Go-quoted spellings.
func redactor(secrets []string) func(string) string {
	var forms []string
	seen := map[string]bool{}
	for _, s := range secrets {
		if s == "" {
			continue
		}
		q := strconv.Quote(s)
		for _, f := range []string{s, html.EscapeString(s), url.QueryEscape(s), url.PathEscape(s), q[1 : len(q)-1]} {
			if f != "" && !seen[f] {
				seen[f] = true
				forms = append(forms, f)
			}
		}
	}
	sort.Slice(forms, func(i, j int) bool { return len(forms[i]) > len(forms[j]) })
	return func(text string) string {
		for _, f := range forms {
			text = strings.ReplaceAll(text, f, redacted)
		}
		return text
	}
}

type prepResult struct {
	HTML   string `json:"html"`
	Masked int    `json:"masked"`
}

// evalJSON runs fn (a JS function expression) with one JSON argument in one round trip.
func evalJSON[T any](ctx context.Context, page *rod.Page, fn string, arg any) (T, error) {
	var zero T
	a, err := json.Marshal(arg)
	if err != nil {
		return zero, err
	}
	ctx, cancel := capCtx(ctx, defaultCap)
	defer cancel()
	res, err := proto.RuntimeEvaluate{Expression: "(" + fn + ")(" + string(a) + ")", ReturnByValue: true, Silent: true}.Call(page.Context(ctx))
	if err != nil {
		return zero, evalErr(ctx, err)
	}
	if res.ExceptionDetails != nil {
		return zero, fmt.Errorf("script: %s", res.ExceptionDetails.Text)
	}
	var out T
	if err := res.Result.Value.Unmarshal(&out); err != nil {
		return zero, err
	}
	return out, nil
}

const maskAttr = "data-smartretry-mask"

const prepareJS = `(masks) => {
  const docs = [];
  const walk = (d, depth) => {
    docs.push(d);
    if (depth > 3) return;
    for (const f of d.querySelectorAll('iframe,frame')) {
      let inner = null; try { inner = f.contentDocument; } catch (e) {}
      if (inner) walk(inner, depth + 1);
    }
  };
  walk(document, 0);
  const clone = document.documentElement.cloneNode(true);
  const keep = new Set(['submit', 'button', 'reset', 'image', 'checkbox', 'radio']);
  for (const i of clone.querySelectorAll('input')) {
    if (!keep.has((i.getAttribute('type') || '').toLowerCase())) i.removeAttribute('value');
  }
  for (const t of clone.querySelectorAll('textarea')) t.textContent = '';
  const dt = document.doctype ? '<!DOCTYPE ' + document.doctype.name + '>\n' : '';
  const html = dt + clone.outerHTML;
  let masked = 0;
  for (const d of docs) {
    const st = d.createElement('style');
    st.setAttribute('` + maskAttr + `-style', '');
    st.textContent = '[` + maskAttr + `], [` + maskAttr + `] * { color: transparent !important; ' +
      '-webkit-text-security: disc !important; text-shadow: none !important; caret-color: transparent !important; } ' +
      '[` + maskAttr + `] { background: #888 !important; } ' +
      '[` + maskAttr + `] img, [` + maskAttr + `] svg, [` + maskAttr + `] canvas, [` + maskAttr + `] video { visibility: hidden !important; }';
    (d.head || d.documentElement).appendChild(st);
    const sels = ['input[type=password]'].concat(masks || []);
    for (const s of sels) {
      let list = [];
      try { list = d.querySelectorAll(s); } catch (e) { continue; }
      for (const e of list) { e.setAttribute('` + maskAttr + `', ''); masked++; }
    }
  }
  return { html, masked };
}`

const restoreJS = `() => {
  const walk = (d, depth) => {
    for (const e of d.querySelectorAll('[` + maskAttr + `]')) e.removeAttribute('` + maskAttr + `');
    for (const e of d.querySelectorAll('style[` + maskAttr + `-style]')) e.remove();
    if (depth > 3) return;
    for (const f of d.querySelectorAll('iframe,frame')) {
      let inner = null; try { inner = f.contentDocument; } catch (e) {}
      if (inner) walk(inner, depth + 1);
    }
  };
  walk(document, 0);
  return true;
}`
