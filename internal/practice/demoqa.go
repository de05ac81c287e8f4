package practice

import (
	"bytes"
	"embed"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"text/template"
	"time"
)

//go:embed demoqa
var demoqaFS embed.FS

// DemoQAPages are the paths DemoQA serves, each a replica of the page of the same path on
// demoqa.com.
var DemoQAPages = []string{
	"/text-box", "/checkbox", "/radio-button", "/webtables", "/buttons", "/dynamic-properties",
	"/browser-windows", "/tool-tips", "/sortable", "/modal-dialogs", "/accordian", "/tabs",
	"/upload-download", "/slider", "/date-picker", "/automation-practice-form",
}

// SampleJPEG is the file /upload-download's Download link saves (as sampleFile.jpeg): a data:
// URL, as on the real page.
var SampleJPEG = []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00smartretry practice sample\xff\xd9")

// DemoQA serves the DemoQA replicas under DemoQAPages, and /sample (what its new tabs open).
// Every page has DemoQA's layout: a header, the side menu, and an advertisement fixed over the
// bottom 90 pixels of the viewport. Date pickers start on today's date.
func DemoQA() http.Handler {
	var loads atomic.Int64
	mux := http.NewServeMux()
	for _, path := range append([]string{"/sample"}, DemoQAPages...) {
		name := strings.TrimPrefix(path, "/") + ".html"
		src, err := demoqaFS.ReadFile("demoqa/" + name)
		if err != nil {
			panic("practice: " + err.Error())
		}
		tpl := template.Must(template.New(name).Parse(string(src)))
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != path {
				http.NotFound(w, r)
				return
			}
			now := time.Now()
			var body bytes.Buffer
			err := tpl.Execute(&body, map[string]any{
				// An id that changes on every load (the Buttons page's third button).
				"ID":   fmt.Sprintf("%c%x", 'a'+rune(loads.Add(1)%26), now.UnixNano()&0xffffff),
				"Data": "data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(SampleJPEG),
				"Year": now.Year(), "Month": int(now.Month()) - 1, "Day": now.Day(),
			})
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			if strings.HasPrefix(body.String(), "<!doctype") {
				_, _ = w.Write(body.Bytes())
				return
			}
			_, _ = fmt.Fprint(w, demoqaLayout(body.String()))
		})
	}
	for _, asset := range []string{"mini.js", "site.css"} {
		src, err := demoqaFS.ReadFile("demoqa/" + asset)
		if err != nil {
			panic("practice: " + err.Error())
		}
		ctype := "text/javascript; charset=utf-8"
		if strings.HasSuffix(asset, ".css") {
			ctype = "text/css; charset=utf-8"
		}
		mux.HandleFunc("/"+asset, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ctype)
			_, _ = w.Write(src)
		})
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		var b strings.Builder
		b.WriteString(`<div class="category-cards">`)
		for _, p := range DemoQAPages {
			fmt.Fprintf(&b, `<div class="card"><a href="%s">%s</a></div>`, p, p[1:])
		}
		b.WriteString(`</div>`)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = fmt.Fprint(w, demoqaLayout("<!-- ToolsQA -->\n"+b.String()))
	})
	return mux
}

// demoqaLayout wraps a page's content, whose first line is "<!-- Title -->".
func demoqaLayout(content string) string {
	title, _, _ := strings.Cut(strings.TrimPrefix(content, "<!-- "), " -->")
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>DEMOQA</title><link rel="stylesheet" href="/site.css"><script src="/mini.js"></script></head>
<body><div id="app"><header><a href="/"><img alt="" src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></a></header>
<div class="body-height"><div class="container playgound-body"><div class="row">
<div class="left-pannel"><div class="accordion"><div class="element-group"><div class="header-text">Elements</div>
<ul class="menu-list"><li id="item-0"><span class="text">Text Box</span></li><li id="item-1"><span class="text">Check Box</span></li>
<li id="item-2"><span class="text">Radio Button</span></li><li id="item-3"><span class="text">Web Tables</span></li>
<li id="item-4"><span class="text">Buttons</span></li><li id="item-5"><span class="text">Links</span></li></ul></div></div></div>
<div class="main"><div class="main-header">` + title + `</div>` + content + `</div></div></div></div>
<footer><span>© 2013-2020 TOOLSQA.COM | ALL RIGHTS RESERVED.</span></footer></div>
<div id="fixedban"><div id="adplus-anchor">Advertisement</div></div></body></html>`
}
