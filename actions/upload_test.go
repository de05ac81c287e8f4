package actions_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/retry"
)

// servePages serves each path's HTML body (a small page of its own, as the-internet's exercises
// are) until the test ends.
func servePages(t *testing.T, pages map[string]string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte("<!doctype html><html><head><title>" + r.URL.Path + "</title></head><body>" + body + "</body></html>"))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// The page lists the names of the files its input got, on change.
const uploadScript = `<p id="uploaded"></p><script>
document.addEventListener('change', (e) => { if (e.target.type === 'file')
  document.getElementById('uploaded').textContent = e.target.id + ': ' + Array.from(e.target.files).map((f) => f.name + ' ' + f.size).join(', '); }, true);
</script>`

func tempFiles(t *testing.T, names ...string) []string {
	t.Helper()
	dir := t.TempDir()
	var out []string
	for _, n := range names {
		p := filepath.Join(dir, n)
		require.NoError(t, os.WriteFile(p, []byte("hello "+n), 0o644))
		out = append(out, p)
	}
	return out
}

func TestSetFiles(t *testing.T) {
	srv := servePages(t, map[string]string{
		// the-internet's /upload: a visible input.
		"/visible": `<form><input id="file-upload" type="file" name="file"></form>` + uploadScript,
		// The usual styled upload: the input hidden, its label is the button.
		"/hidden": `<label for="up" class="btn" style="padding:8px;border:1px solid">Choose files</label>
<input id="up" type="file" multiple style="display:none">` + uploadScript,
		// A drop zone holding an invisible input.
		"/zone": `<div id="zone" style="width:200px;height:80px;border:2px dashed">Drop files here
<input id="inzone" type="file" style="opacity:0;position:absolute;width:1px;height:1px"></div>` + uploadScript,
		// A button that opens the chooser of an input that is never in the document.
		"/chooser": `<button id="pick">Upload</button><p id="uploaded"></p><script>
pick.onclick = () => { const i = document.createElement('input'); i.type = 'file';
  i.onchange = () => { uploaded.textContent = 'detached: ' + Array.from(i.files).map((f) => f.name + ' ' + f.size).join(', '); }; i.click(); };
</script>`,
		"/nothing": `<button id="pick">Not an upload</button><input id="text" type="text">`,
	})
	files := tempFiles(t, "a.txt", "b.txt")
	size := func(i int) string { st, _ := os.Stat(files[i]); return filepath.Base(files[i]) + " " + itoa(st.Size()) }

	cases := []struct {
		path, sel string
		paths     []string
		want      string
	}{
		{"/visible", "#file-upload", files[:1], "file-upload: " + size(0)},
		{"/hidden", "#up", files, "up: " + size(0) + ", " + size(1)},
		{"/hidden", "text=Choose files", files[1:], "up: " + size(1)},
		{"/zone", "#zone", files[:1], "inzone: " + size(0)},
		{"/chooser", "#pick", files[:1], "detached: " + size(0)},
	}
	for _, c := range cases {
		t.Run(c.path+" "+c.sel, func(t *testing.T) {
			s, _ := newSession(t)
			_, err := s.Navigate(ctxT(t), srv.URL+c.path)
			require.NoError(t, err)
			require.NoError(t, s.SetFiles(ctxT(t), c.sel, c.paths...))
			require.NoError(t, s.WaitForText(ctxT(t), "#uploaded", c.want))
		})
	}

	t.Run("clear", func(t *testing.T) {
		s, _ := newSession(t)
		_, err := s.Navigate(ctxT(t), srv.URL+"/visible")
		require.NoError(t, err)
		require.NoError(t, s.Upload(ctxT(t), "#file-upload", files[0]))
		require.NoError(t, s.SetFiles(ctxT(t), "#file-upload"))
		require.NoError(t, s.WaitForText(ctxT(t), "#uploaded", "file-upload:"))
		got, err := s.Text(ctxT(t), "#uploaded")
		require.NoError(t, err)
		assert.Equal(t, "file-upload:", got)
	})
}

func TestSetFilesRefusesWhatCannotWork(t *testing.T) {
	srv := servePages(t, map[string]string{
		"/visible": `<input id="one" type="file">`,
		"/nothing": `<button id="pick">Not an upload</button><input id="text" type="text">`,
	})
	files := tempFiles(t, "a.txt", "b.txt")
	missing := filepath.Join(t.TempDir(), "gone.pdf")
	cases := []struct {
		name, path, sel string
		paths           []string
		want            string
	}{
		{"relative", "/visible", "#one", []string{"report.pdf"}, `file path "report.pdf" is relative`},
		{"missing", "/visible", "#one", []string{missing}, `file "` + missing + `" does not exist`},
		{"directory", "/visible", "#one", []string{filepath.Dir(files[0])}, "is a directory"},
		{"two for one", "/visible", "#one", files, "2 files for an input without the multiple attribute"},
		{"text input", "/nothing", "#text", files[:1], "not type=file"},
		{"plain button", "/nothing", "#pick", files[:1], "opened no file chooser"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, _ := newSession(t)
			_, err := s.Navigate(ctxT(t), srv.URL+c.path)
			require.NoError(t, err)
			err = s.SetFiles(ctxT(t), c.sel, c.paths...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			var ae *actions.ActionError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, retry.InvalidInput, ae.Type())
			assert.LessOrEqual(t, ae.Attempts(), 1, "nothing to retry")
			assert.ErrorIs(t, err, retry.ErrPermanent)
			assert.True(t, strings.HasPrefix(err.Error(), "set_files"), err.Error())
		})
	}
}

func itoa(n int64) string {
	var b [20]byte
	i := len(b)
	if n == 0 {
		return "0"
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
