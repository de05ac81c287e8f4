package practice

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	mrand "math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// Quote is one quote of the Quotes replica.
type Quote struct {
	Text   string   `json:"text"`
	Author string   `json:"author"`
	Tags   []string `json:"tags"`
}

// QuotesPerPage is how many quotes a page of the Quotes replica shows (10 pages in all).
const QuotesPerPage = 10

var quoteAuthors = []string{"Albert Einstein", "J.K. Rowling", "Jane Austen", "Marilyn Monroe", "André Gide",
	"Thomas A. Edison", "Eleanor Roosevelt", "Steve Martin", "Mark Twain", "Dr. Seuss"}

var quoteTags = []string{"change", "deep-thoughts", "thinking", "world", "abilities", "choices", "inspirational", "life", "love", "humor"}

// AllQuotes are the replica's 100 quotes, in page order: quote i is by author i%10 and has the
// tags i%10 and (i*3+1)%10.
var AllQuotes = func() []Quote {
	out := make([]Quote, 100)
	for i := range out {
		a := quoteAuthors[i%len(quoteAuthors)]
		tags := []string{quoteTags[i%10]}
		if t := quoteTags[(i*3+1)%10]; t != tags[0] {
			tags = append(tags, t)
		}
		out[i] = Quote{Text: fmt.Sprintf("“Quote %d: what %s said about %s.”", i+1, a, tags[0]), Author: a, Tags: tags}
	}
	return out
}()

// Quotes serves replicas of quotes.toscrape.com's variants:
//
//	/, /page/N/          10 quotes a page, a "Next →" link (li.next a) to the next page
//	/js/, /js/page/N/    the same quotes, written by a script (no quote in the HTML)
//	/js-delayed/…        the same, written 10 s after the page loaded (?delay=MS to change it):
//	                     longer than one default attempt
//	/scroll              an infinite list: a script fetches /api/quotes?page=N as the page is
//	                     scrolled to its bottom
//	/login               a form with a hidden csrf_token bound to the visitor's cookie; any
//	                     username and password work with the right token; logged in, every quote
//	                     has a "(Goodreads page)" link and the header says Logout
//	/search.aspx         a ViewState form: choosing an author posts the form back
//	                     (/filter.aspx), which fills the tag <select> with that author's tags;
//	                     Search lists the author's quotes with that tag
//	/tableful/           the quotes laid out in table rows
//	/random              one quote chosen at random
//
// The state (sessions, view states) lives in the handler; it is safe for concurrent use.
func Quotes() http.Handler {
	q := &quotes{sessions: map[string]*quoteSession{}, views: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/", q.list)
	mux.HandleFunc("/js/", q.js)
	mux.HandleFunc("/js-delayed/", q.js)
	mux.HandleFunc("/scroll", q.scroll)
	mux.HandleFunc("/api/quotes", q.api)
	mux.HandleFunc("/login", q.login)
	mux.HandleFunc("/logout", q.logout)
	mux.HandleFunc("/search.aspx", q.search)
	mux.HandleFunc("/filter.aspx", q.filter)
	mux.HandleFunc("/tableful/", q.tableful)
	mux.HandleFunc("/random", q.random)
	return mux
}

type quoteSession struct {
	csrf string
	user string
}

type quotes struct {
	mu       sync.Mutex
	sessions map[string]*quoteSession // by cookie
	views    map[string]string        // view state → author it was issued for
}

func token() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// session returns the visitor's session, starting one (and its cookie) when there is none.
func (q *quotes) session(w http.ResponseWriter, r *http.Request) *quoteSession {
	q.mu.Lock()
	defer q.mu.Unlock()
	if c, err := r.Cookie("session"); err == nil {
		if s := q.sessions[c.Value]; s != nil {
			return s
		}
	}
	id := token()
	s := &quoteSession{}
	q.sessions[id] = s
	http.SetCookie(w, &http.Cookie{Name: "session", Value: id, Path: "/", HttpOnly: true})
	return s
}

func (q *quotes) user(r *http.Request) string {
	c, err := r.Cookie("session")
	if err != nil {
		return ""
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if s := q.sessions[c.Value]; s != nil {
		return s.user
	}
	return ""
}

func quotesPage(w http.ResponseWriter, user, body string) {
	login := `<a href="/login">Login</a>`
	if user != "" {
		login = `<a href="/logout">Logout</a>`
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprint(w, `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8"><title>Quotes to Scrape</title><style>
body { font-family: sans-serif; margin: 0 }
.container { max-width: 970px; margin: 0 auto; padding: 0 15px }
.header-box { padding: 20px 0; display: flex; justify-content: space-between }
.quote { padding: 10px; margin-bottom: 30px; border: 1px solid #333; border-radius: 5px; box-shadow: 2px 2px 3px #333 }
.quote span.text { display: block; margin-bottom: 5px; font-size: 16px }
.tags { margin-top: 10px } .tag { padding: 2px 5px; border-radius: 5px; color: white; background: #7ca3e6; font-size: 13px }
.pager { list-style: none; display: flex; justify-content: space-between; padding: 0 } .footer { padding: 30px 0; border-top: 1px solid #e5e5e5 }
</style></head><body>
<div class="container"><div class="row header-box"><div class="col-md-8"><h1><a href="/" style="text-decoration: none">Quotes to Scrape</a></h1></div>
<div class="col-md-4"><p>`+login+`</p></div></div>`+body+`</div>
<footer class="footer"><div class="container"><p class="text-muted">Quotes by: <a href="https://www.goodreads.com/quotes">GoodReads.com</a></p></div></footer></body></html>`)
}

func slug(s string) string {
	return strings.Trim(strings.Map(func(r rune) rune {
		if r == ' ' || r == '.' {
			return '-'
		}
		return r
	}, s), "-")
}

func quoteHTML(qt Quote, loggedIn bool) string {
	var tags strings.Builder
	for _, t := range qt.Tags {
		fmt.Fprintf(&tags, ` <a class="tag" href="/tag/%s/page/1/">%s</a>`, t, t)
	}
	good := ""
	if loggedIn {
		good = fmt.Sprintf(` <a href="http://goodreads.com/author/show/%s">(Goodreads page)</a>`, slug(qt.Author))
	}
	return fmt.Sprintf(`<div class="quote" itemscope itemtype="http://schema.org/CreativeWork">
<span class="text" itemprop="text">%s</span>
<span>by <small class="author" itemprop="author">%s</small> <a href="/author/%s">(about)</a>%s</span>
<div class="tags">Tags: <meta class="keywords" itemprop="keywords" content="%s">%s</div></div>`,
		html.EscapeString(qt.Text), html.EscapeString(qt.Author), slug(qt.Author), good, strings.Join(qt.Tags, ","), tags.String())
}

func pager(prefix string, n int) string {
	var b strings.Builder
	b.WriteString(`<nav><ul class="pager">`)
	if n > 1 {
		fmt.Fprintf(&b, `<li class="previous"><a href="%spage/%d/"><span aria-hidden="true">&larr;</span> Previous</a></li>`, prefix, n-1)
	}
	if n*QuotesPerPage < len(AllQuotes) {
		fmt.Fprintf(&b, `<li class="next"><a href="%spage/%d/">Next <span aria-hidden="true">&rarr;</span></a></li>`, prefix, n+1)
	}
	b.WriteString(`</ul></nav>`)
	return b.String()
}

// pageNum reads N from PREFIX/page/N/ (1 for PREFIX/), 0 when the path is not a page.
func pageNum(path, prefix string) int {
	rest := strings.TrimPrefix(path, prefix)
	if rest == "" {
		return 1
	}
	rest, ok := strings.CutPrefix(rest, "page/")
	if !ok {
		return 0
	}
	n, err := strconv.Atoi(strings.TrimSuffix(rest, "/"))
	if err != nil || n < 1 || (n-1)*QuotesPerPage >= len(AllQuotes) {
		return 0
	}
	return n
}

func pageQuotes(n int) []Quote { return AllQuotes[(n-1)*QuotesPerPage : n*QuotesPerPage] }

func (q *quotes) list(w http.ResponseWriter, r *http.Request) {
	n := pageNum(r.URL.Path, "/")
	if n == 0 {
		http.NotFound(w, r)
		return
	}
	user := q.user(r)
	var b strings.Builder
	b.WriteString(`<div class="row"><div class="col-md-8">`)
	for _, qt := range pageQuotes(n) {
		b.WriteString(quoteHTML(qt, user != ""))
	}
	b.WriteString(pager("/", n) + `</div></div>`)
	quotesPage(w, user, b.String())
}

func (q *quotes) js(w http.ResponseWriter, r *http.Request) {
	prefix := "/js/"
	delay := -1
	if strings.HasPrefix(r.URL.Path, "/js-delayed/") {
		prefix, delay = "/js-delayed/", 10000
		if d, err := strconv.Atoi(r.URL.Query().Get("delay")); err == nil && d >= 0 && d <= 60000 {
			delay = d
		}
	}
	n := pageNum(r.URL.Path, prefix)
	if n == 0 {
		http.NotFound(w, r)
		return
	}
	data, _ := json.Marshal(pageQuotes(n))
	write := `document.write(html);`
	if delay >= 0 {
		write = `setTimeout(function () { document.getElementById('quotes').insertAdjacentHTML('beforeend', html); }, ` + strconv.Itoa(delay) + `);`
	}
	quotesPage(w, q.user(r), `<div class="row"><div class="col-md-8" id="quotes">
<script>
var data = `+string(data)+`, html = '';
for (var i in data) {
  var d = data[i];
  var tags = d.tags.map(function (t) { return '<a class="tag">' + t + '</a>'; }).join(' ');
  html += '<div class="quote"><span class="text">' + d.text + '</span><span>by <small class="author">' + d.author +
    '</small></span><div class="tags">Tags: ' + tags + '</div></div>';
}
`+write+`
</script></div>`+pager(prefix, n)+`</div>`)
}

func (q *quotes) scroll(w http.ResponseWriter, r *http.Request) {
	quotesPage(w, q.user(r), `<div class="quotes"></div><div class="loading" style="display:none">Loading...</div>
<script>
var page = 1, hasNext = true, busy = false;
var list = document.querySelector('.quotes'), loading = document.querySelector('.loading');
function esc(s) { var d = document.createElement('div'); d.textContent = s; return d.innerHTML; }
function more() {
  if (busy || !hasNext) return;
  busy = true; loading.style.display = '';
  fetch('/api/quotes?page=' + page).then(function (r) { return r.json(); }).then(function (d) {
    d.quotes.forEach(function (q) {
      list.insertAdjacentHTML('beforeend', '<div class="quote"><span class="text">' + esc(q.text) + '</span><span>by <small class="author">' +
        esc(q.author.name) + '</small></span><div class="tags">Tags: ' + q.tags.map(function (t) { return '<a class="tag">' + esc(t) + '</a>'; }).join(' ') + '</div></div>');
    });
    hasNext = d.has_next; page = d.page + 1; busy = false; loading.style.display = 'none';
  });
}
window.addEventListener('scroll', function () {
  if (window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 100) more();
});
more();
</script>`)
}

func (q *quotes) api(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || n < 1 || (n-1)*QuotesPerPage >= len(AllQuotes) {
		http.Error(w, `{"error": "no such page"}`, http.StatusNotFound)
		return
	}
	type author struct {
		Name string `json:"name"`
		Slug string `json:"slug"`
	}
	type item struct {
		Author author   `json:"author"`
		Tags   []string `json:"tags"`
		Text   string   `json:"text"`
	}
	out := struct {
		HasNext bool   `json:"has_next"`
		Page    int    `json:"page"`
		Quotes  []item `json:"quotes"`
	}{HasNext: n*QuotesPerPage < len(AllQuotes), Page: n}
	for _, qt := range pageQuotes(n) {
		out.Quotes = append(out.Quotes, item{Author: author{qt.Author, slug(qt.Author)}, Tags: qt.Tags, Text: qt.Text})
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

func (q *quotes) login(w http.ResponseWriter, r *http.Request) {
	s := q.session(w, r)
	msg := ""
	if r.Method == http.MethodPost {
		q.mu.Lock()
		want := s.csrf
		q.mu.Unlock()
		if want == "" || r.PostFormValue("csrf_token") != want {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `<!DOCTYPE html><html><head><title>400 Bad Request</title></head><body><h1>Bad Request</h1><p>The CSRF token is missing or incorrect.</p></body></html>`)
			return
		}
		if user := strings.TrimSpace(r.PostFormValue("username")); user != "" {
			q.mu.Lock()
			s.user = user
			q.mu.Unlock()
			http.Redirect(w, r, "/", http.StatusFound)
			return
		}
		msg = `<p class="error">Error while logging in: please, provide your username.</p>`
	}
	tok := token()
	q.mu.Lock()
	s.csrf = tok
	user := s.user
	q.mu.Unlock()
	quotesPage(w, user, `<div class="row"><div class="col-md-4 col-md-offset-4">`+msg+`
<form action="/login" method="post" accept-charset="utf-8">
<input type="hidden" name="csrf_token" value="`+tok+`">
<div class="form-group"><label for="username">Username</label><input type="text" class="form-control" id="username" name="username"></div>
<div class="form-group"><label for="password">Password</label><input type="password" class="form-control" id="password" name="password"></div>
<input type="submit" value="Login" class="btn btn-primary"></form></div></div>`)
}

func (q *quotes) logout(w http.ResponseWriter, r *http.Request) {
	s := q.session(w, r)
	q.mu.Lock()
	s.user = ""
	q.mu.Unlock()
	http.Redirect(w, r, "/", http.StatusFound)
}

// searchForm renders the ViewState form for author (none: ""), with tag's options filled for
// that author, tag chosen (none: "").
func (q *quotes) searchForm(author, tag string) string {
	vs := base64.StdEncoding.EncodeToString([]byte(token() + "," + author))
	q.mu.Lock()
	q.views[vs] = author
	q.mu.Unlock()
	var b strings.Builder
	b.WriteString(`<form action="/filter.aspx" method="post" id="searchform">
<input type="hidden" name="__VIEWSTATE" value="` + vs + `">
<div class="form-group"><label for="author">Author</label><select name="author" id="author" onchange="document.getElementById('searchform').submit()"><option>----------</option>`)
	for _, a := range quoteAuthors {
		sel := ""
		if a == author {
			sel = " selected"
		}
		fmt.Fprintf(&b, `<option value="%s"%s>%s</option>`, html.EscapeString(a), sel, html.EscapeString(a))
	}
	b.WriteString(`</select></div><div class="form-group"><label for="tag">Tag</label><select name="tag" id="tag"><option>----------</option>`)
	if author != "" {
		seen := map[string]bool{}
		for _, qt := range AllQuotes {
			for _, t := range qt.Tags {
				if qt.Author == author && !seen[t] {
					seen[t] = true
					sel := ""
					if t == tag {
						sel = " selected"
					}
					fmt.Fprintf(&b, `<option value="%s"%s>%s</option>`, t, sel, t)
				}
			}
		}
	}
	b.WriteString(`</select></div><input type="submit" name="submit_button" value="Search" class="btn btn-default"></form>`)
	return b.String()
}

func (q *quotes) search(w http.ResponseWriter, r *http.Request) {
	quotesPage(w, q.user(r), q.searchForm("", ""))
}

func (q *quotes) filter(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Redirect(w, r, "/search.aspx", http.StatusFound)
		return
	}
	vs := r.PostFormValue("__VIEWSTATE")
	q.mu.Lock()
	_, ok := q.views[vs]
	q.mu.Unlock()
	if !ok {
		http.Error(w, "Invalid ViewState", http.StatusBadRequest)
		return
	}
	author, tag := r.PostFormValue("author"), r.PostFormValue("tag")
	if author == "----------" {
		author = ""
	}
	if tag == "----------" {
		tag = ""
	}
	body := q.searchForm(author, tag)
	if r.PostFormValue("submit_button") != "" && author != "" {
		body += `<div class="results">`
		for _, qt := range AllQuotes {
			if qt.Author != author || (tag != "" && !contains(qt.Tags, tag)) {
				continue
			}
			body += fmt.Sprintf(`<div class="quote"><span class="content">%s</span><span class="author">%s</span><span class="tag">%s</span></div>`,
				html.EscapeString(qt.Text), html.EscapeString(qt.Author), html.EscapeString(tag))
		}
		body += `</div>`
	}
	quotesPage(w, q.user(r), body)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (q *quotes) tableful(w http.ResponseWriter, r *http.Request) {
	n := pageNum(r.URL.Path, "/tableful/")
	if n == 0 {
		http.NotFound(w, r)
		return
	}
	var b strings.Builder
	b.WriteString(`<table border="0" width="100%"><tr><td><h3>Quotes to Scrape (tableful)</h3></td></tr>`)
	for _, qt := range pageQuotes(n) {
		fmt.Fprintf(&b, `<tr><td style="padding-top: 2em;">%s Author: %s</td></tr><tr><td>Tags:`, html.EscapeString(qt.Text), html.EscapeString(qt.Author))
		for _, t := range qt.Tags {
			fmt.Fprintf(&b, ` <a href="/tableful/tag/%s/">%s</a>`, t, t)
		}
		b.WriteString(`</td></tr>`)
	}
	b.WriteString(`<tr><td>`)
	if n*QuotesPerPage < len(AllQuotes) {
		fmt.Fprintf(&b, `<a href="/tableful/page/%d/">Next <span aria-hidden="true">&rarr;</span></a>`, n+1)
	}
	b.WriteString(`</td></tr></table>`)
	quotesPage(w, q.user(r), b.String())
}

func (q *quotes) random(w http.ResponseWriter, r *http.Request) {
	qt := AllQuotes[mrand.IntN(len(AllQuotes))]
	quotesPage(w, q.user(r), `<div class="row"><div class="col-md-8">`+quoteHTML(qt, q.user(r) != "")+`</div></div>`)
}
