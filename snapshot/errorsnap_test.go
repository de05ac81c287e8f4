package snapshot_test

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-rod/rod/lib/proto"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/snapshot"
)

const secretPage = `<!doctype html><html><head><title>Account SECRET-TOKEN-42</title>
<style>body{margin:0;background:#fff} #card{position:absolute;left:20px;top:20px;width:300px;height:80px;font:40px sans-serif;color:#000;background:#fff}
#pw{position:absolute;left:20px;top:150px;width:300px;height:60px;font:40px sans-serif;color:#000;background:#fff;border:0}</style></head>
<body><div id="card">4111 1111</div><input id="pw" type="password">
<p style="position:absolute;top:300px">Welcome back, SECRET-TOKEN-42 &amp; "friends"</p>
<a style="position:absolute;top:350px" href="/x?token=SECRET-TOKEN-42">SECRET-TOKEN-42 link</a>
<input id="hidden-csrf" type="hidden" value="csrf-value-123"></body></html>`

func TestWriteErrorWritesRedactedMaskedFiles(t *testing.T) {
	srv := serve(t, site{"/": secretPage})
	p := open(t, srv.URL+"/")
	ctx := ctxT(t)
	el, err := p.Context(ctx).Element("#pw")
	require.NoError(t, err)
	require.NoError(t, el.Input("hunter2-typed"))
	_, err = p.Eval(`() => document.getElementById('pw').setAttribute('value', 'attr-password-value')`)
	require.NoError(t, err)

	dir := filepath.Join(t.TempDir(), "errors", "run1")
	now := time.Date(2026, 11, 28, 10, 22, 33, 123e6, time.UTC)
	art, err := snapshot.WriteError(ctx, p, dir, snapshot.ErrorOptions{
		Redact: []string{"SECRET-TOKEN-42"}, MaskSelectors: []string{"#card", "not a [valid selector"},
		ErrType: "selector_not_found", Now: now,
	})
	require.NoError(t, err)
	base := filepath.Join(dir, "20261128T102233.123Z-selector_not_found")
	assert.Equal(t, &snapshot.Artifacts{Dir: dir, Screenshot: base + ".png", HTML: base + ".html", Elements: base + ".txt"}, art)

	htmlBytes, err := os.ReadFile(art.HTML)
	require.NoError(t, err)
	txt, err := os.ReadFile(art.Elements)
	require.NoError(t, err)
	for name, b := range map[string][]byte{"html": htmlBytes, "txt": txt} {
		assert.NotContains(t, string(b), "SECRET-TOKEN-42", name)
		assert.Contains(t, string(b), "[redacted]", name)
		for _, v := range []string{"hunter2-typed", "attr-password-value", "csrf-value-123"} {
			assert.NotContains(t, string(b), v, name)
		}
	}
	assert.Contains(t, string(htmlBytes), `<div id="card">`)

	shot, err := os.ReadFile(art.Screenshot)
	require.NoError(t, err)
	img, err := png.Decode(bytes.NewReader(shot))
	require.NoError(t, err)
	// The masked card and password field are a flat grey box: no black text pixel inside them.
	for _, box := range [][4]int{{22, 22, 318, 98}, {22, 152, 318, 208}} {
		for x := box[0]; x < box[2]; x += 2 {
			for y := box[1]; y < box[3]; y += 2 {
				r, g, b, _ := img.At(x, y).RGBA()
				require.Equal(t, [3]uint32{0x8888, 0x8888, 0x8888}, [3]uint32{r, g, b}, "pixel %d,%d", x, y)
			}
		}
	}
	// the page looks as before
	res, err := p.Eval(`() => document.querySelectorAll('[data-smartretry-mask], style[data-smartretry-mask-style]').length`)
	require.NoError(t, err)
	assert.Equal(t, 0, res.Value.Int())

	// a second error in the same millisecond gets its own files
	art2, err := snapshot.WriteError(ctx, p, dir, snapshot.ErrorOptions{ErrType: "selector_not_found", Now: now})
	require.NoError(t, err)
	assert.Equal(t, base+"-2.png", art2.Screenshot)
}

func TestWriteErrorOnACrashedPageFailsClearly(t *testing.T) {
	srv := serve(t, site{"/": page("Doomed", `<button>x</button>`)})
	p := open(t, srv.URL+"/")
	crashCtx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	_ = proto.PageCrash{}.Call(p.Context(crashCtx)) // never answers
	cancel()

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dir := t.TempDir()
	art, err := snapshot.WriteError(ctx, p, dir, snapshot.ErrorOptions{ErrType: "page_crash"})
	require.Error(t, err)
	assert.True(t, errors.Is(err, snapshot.ErrNoAnswer), "%v", err)
	assert.Nil(t, art)
	entries, _ := os.ReadDir(dir)
	assert.Empty(t, entries)
}

func TestTakeOnABlockedPageFailsInsteadOfHanging(t *testing.T) {
	srv := serve(t, site{"/": page("Dialog", `<button>x</button>`)})
	p := open(t, srv.URL+"/")
	wait, handle := p.HandleDialog()
	_, err := proto.RuntimeEvaluate{Expression: "setTimeout(() => alert('blocking'), 10)"}.Call(p)
	require.NoError(t, err)
	wait()
	defer func() { _ = handle(&proto.PageHandleJavaScriptDialog{Accept: true}) }()

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err = snapshot.Take(ctx, p)
	require.Error(t, err)
	assert.True(t, errors.Is(err, snapshot.ErrNoAnswer), "%v", err)
	assert.True(t, errors.Is(err, context.DeadlineExceeded), "%v", err)

	canceled, cancel2 := context.WithCancel(context.Background())
	cancel2()
	_, err = snapshot.Take(canceled, p)
	assert.True(t, errors.Is(err, context.Canceled), "%v", err)
	assert.False(t, errors.Is(err, snapshot.ErrNoAnswer), "a caller's cancellation is not the page's fault")
}
