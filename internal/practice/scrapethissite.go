package practice

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Country is one country of the ScrapeThisSite replica's /pages/simple/.
type Country struct {
	Name       string
	Capital    string
	Population int
	Area       float64
}

// Countries are the 250 countries /pages/simple/ lists, in page order.
var Countries = func() []Country {
	first := []string{"Al", "Bel", "Cor", "Dan", "Es", "Far", "Gal", "Hen", "Ir", "Jor", "Kal", "Lu", "Mar", "Nor", "Or", "Pal", "Qua", "Ros", "San", "Tor", "Ur", "Val", "Wes", "Xan", "Yor"}
	last := []string{"ania", "bia", "dor", "esia", "land", "mark", "nia", "stan", "via", "ye"}
	out := make([]Country, 0, 250)
	for i := 0; i < 250; i++ {
		name := first[i/10] + last[i%10]
		out = append(out, Country{Name: name, Capital: name + " City", Population: 1000 + i*i*7919%99991*37, Area: float64(100+i*2713%50000) + 0.5*float64(i%2)})
	}
	return out
}()

// HockeyTeam is one row of /pages/forms/.
type HockeyTeam struct {
	Name             string
	Year             int
	Wins, Losses, OT int
	GoalsFor         int
	GoalsAgainst     int
}

var hockeyNames = []string{"Boston Bruins", "Buffalo Sabres", "Calgary Flames", "Chicago Blackhawks", "Detroit Red Wings",
	"Edmonton Oilers", "Hartford Whalers", "Los Angeles Kings", "Minnesota North Stars", "Montreal Canadiens",
	"New Jersey Devils", "New York Islanders", "New York Rangers", "Philadelphia Flyers", "Pittsburgh Penguins",
	"Quebec Nordiques", "St. Louis Blues", "Toronto Maple Leafs", "Vancouver Canucks", "Washington Capitals",
	"Winnipeg Jets", "San Jose Sharks", "Ottawa Senators", "Tampa Bay Lightning", "Mighty Ducks of Anaheim",
	"Florida Panthers", "Dallas Stars", "Colorado Avalanche", "Phoenix Coyotes", "Nashville Predators"}

// HockeyTeams are the 582 rows of /pages/forms/, in page order (by year, then name): team i of
// hockeyNames plays from 1990 + i - 20 on (the newer teams join later), to 2011.
var HockeyTeams = func() []HockeyTeam {
	var out []HockeyTeam
	for y := 1990; y <= 2011; y++ {
		for i, n := range hockeyNames {
			if i >= 21 && y < 1990+(i-20)*2 {
				continue
			}
			if len(out) == 582 {
				break
			}
			wins := 20 + (y*7+i*13)%30
			losses := 82 - wins - (y+i)%10
			out = append(out, HockeyTeam{Name: n, Year: y, Wins: wins, Losses: losses, OT: (y + i) % 10,
				GoalsFor: 180 + (y*3+i*11)%150, GoalsAgainst: 180 + (y*5+i*7)%150})
		}
	}
	return out
}()

// OscarFilm is one film of /pages/ajax-javascript/.
type OscarFilm struct {
	Title       string `json:"title"`
	Year        int    `json:"year"`
	Awards      int    `json:"awards"`
	Nominations int    `json:"nominations"`
	BestPicture bool   `json:"best_picture,omitempty"`
}

// OscarYears are the years /pages/ajax-javascript/ offers.
var OscarYears = []int{2010, 2011, 2012, 2013, 2014, 2015}

// OscarFilms are the films of each year, as the AJAX call returns them.
var OscarFilms = func() map[int][]OscarFilm {
	words := []string{"Spotlight", "Mad Max", "The Revenant", "Bridge", "Inside", "Ex Machina", "Room", "Sicario", "Carol", "Amy", "Whiplash", "Birdman", "Argo", "Gravity", "Her", "Frozen", "Lincoln", "Brave"}
	out := map[int][]OscarFilm{}
	for k, y := range OscarYears {
		n := 10 + (k*5)%7 // 10 to 16 films a year
		for i := 0; i < n; i++ {
			out[y] = append(out[y], OscarFilm{Title: fmt.Sprintf("%s %s", words[(i+k*3)%len(words)], roman(i+1)), Year: y,
				Awards: (n - i) / 3, Nominations: (n-i)/3 + i%5 + 1, BestPicture: i == 0})
		}
	}
	return out
}()

func roman(n int) string {
	return [...]string{"", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII", "XVIII", "XIX", "XX"}[n]
}

// TurtleFamilies are the families /pages/frames/ shows in its iframe.
var TurtleFamilies = []string{"Carettochelyidae", "Cheloniidae", "Chelydridae", "Dermatemydidae", "Dermochelyidae", "Emydidae",
	"Geoemydidae", "Kinosternidae", "Platysternidae", "Testudinidae", "Trionychidae", "Chelidae", "Pelomedusidae", "Podocnemididae"}

// ScrapeThisSite serves replicas of scrapethissite.com's sandbox:
//
//	/pages/simple/           250 div.country: h3.country-name, span.country-capital,
//	                         span.country-population, span.country-area
//	/pages/forms/            the hockey teams in table.table tr.team (td.name, td.year, td.wins,
//	                         td.losses, td.ot-losses, td.pct, td.gf, td.ga, td.diff); a GET search
//	                         form (input#q name=q, Search); ?page_num=N, ?per_page=25|50|100 (a
//	                         <select> that reloads the page); ul.pagination links keep q and
//	                         per_page, » (aria-label=Next) is gone on the last page
//	/pages/ajax-javascript/  a.year-link (id = the year): a click fetches ?ajax=true&year=Y
//	                         (JSON; 600 ms late, ?delay=MS on the page to change it) while
//	                         #loading spins, then fills tbody#table-body with tr.film
//	                         (td.film-title, td.film-nominations, td.film-awards,
//	                         td.film-best-picture holding i.glyphicon-flag for the winner)
//	/pages/frames/           iframe#iframe (src ?frame=i): div.turtle-family-card with
//	                         img.turtle-image, h3.family-name and a "Learn more" link
//	                         (?frame=i&family=NAME: p.lead)
//	/pages/advanced/         ?gotcha=headers: the lesson only for a browser-like User-Agent and
//	                         an Accept naming text/html, else a refusal (200);
//	                         ?gotcha=login: a form whose POST sets a cookie and redirects, the
//	                         page saying "Successfully logged in" only with it;
//	                         ?gotcha=csrf: the same with a hidden csrf token bound to the
//	                         session cookie
//
// The state (sessions) lives in the handler; it is safe for concurrent use.
func ScrapeThisSite() http.Handler {
	s := &scrapeThis{sessions: map[string]string{}, logins: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/pages/", s.index)
	mux.HandleFunc("/pages/simple/", s.simple)
	mux.HandleFunc("/pages/forms/", s.forms)
	mux.HandleFunc("/pages/ajax-javascript/", s.ajax)
	mux.HandleFunc("/pages/frames/", s.frames)
	mux.HandleFunc("/pages/advanced/", s.advanced)
	return mux
}

type scrapeThis struct {
	mu       sync.Mutex
	sessions map[string]string // session cookie → csrf token
	logins   map[string]bool   // login cookie values issued
}

func stsPage(w http.ResponseWriter, title, body string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>%s | Scrape This Site | A public sandbox for learning web scraping</title><style>
body { font-family: sans-serif; margin: 0 } nav { background: #222; padding: 12px 20px } nav a { color: #ddd; margin-right: 16px }
.container { max-width: 1140px; margin: 0 auto; padding: 20px } .row { display: flex; flex-wrap: wrap }
.col-md-4 { width: 33%%; box-sizing: border-box; padding: 8px } .pagination { list-style: none; display: flex; gap: 4px; padding: 0 }
.pagination a { padding: 6px 12px; border: 1px solid #ddd; display: inline-block } .pagination .active a { background: #337ab7; color: #fff }
table { border-collapse: collapse; width: 100%% } td, th { border-top: 1px solid #ddd; padding: 6px } #loading { font-size: 30px }
</style></head><body><nav id="site-nav"><a href="/">Scrape This Site</a><a href="/pages/">Sandbox</a><a href="/lessons/">Lessons</a><a href="/faq/">FAQ</a><a href="/login/">Login</a></nav>
<div id="page"><section id="hockey"><div class="container">%s</div></section></div>
<footer class="container"><p>Lessons and Videos © Hartley Brody 2023</p></footer></body></html>`, html.EscapeString(title), body)
}

func (s *scrapeThis) index(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/pages/" {
		http.NotFound(w, r)
		return
	}
	var b strings.Builder
	for _, p := range [][2]string{{"simple", "Countries of the World: A Simple Example"}, {"forms", "Hockey Teams: Forms, Searching and Pagination"},
		{"ajax-javascript", "Oscar Winning Films: AJAX and Javascript"}, {"frames", "Turtles All the Way Down: Frames & iFrames"},
		{"advanced", "Advanced Topics: Real World Challenges You'll Encounter"}} {
		fmt.Fprintf(&b, `<div class="page"><h3 class="page-title"><a href="/pages/%s/">%s</a></h3></div>`, p[0], p[1])
	}
	stsPage(w, "Web Scraping Sandbox", `<h1>Web Scraping Sandbox</h1>`+b.String())
}

func (s *scrapeThis) simple(w http.ResponseWriter, r *http.Request) {
	var b strings.Builder
	b.WriteString(`<h1>Countries of the World: A Simple Example <small>250 items</small></h1><div class="row">`)
	for _, c := range Countries {
		fmt.Fprintf(&b, `<div class="col-md-4 country"><h3 class="country-name"><i class="flag-icon flag-icon-%s"></i>
                            %s
                        </h3><div class="country-info"><strong>Capital:</strong> <span class="country-capital">%s</span><br>
<strong>Population:</strong> <span class="country-population">%d</span><br><strong>Area (km<sup>2</sup>):</strong> <span class="country-area">%.1f</span><br></div></div>`,
			strings.ToLower(c.Name[:2]), html.EscapeString(c.Name), html.EscapeString(c.Capital), c.Population, c.Area)
	}
	b.WriteString(`</div>`)
	stsPage(w, "Countries of the World: A Simple Example", b.String())
}

func (s *scrapeThis) forms(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	search := strings.TrimSpace(q.Get("q"))
	per := 25
	if p, err := strconv.Atoi(q.Get("per_page")); err == nil && (p == 25 || p == 50 || p == 100) {
		per = p
	}
	var rows []HockeyTeam
	for _, t := range HockeyTeams {
		if search == "" || strings.Contains(strings.ToLower(t.Name), strings.ToLower(search)) {
			rows = append(rows, t)
		}
	}
	pages := max(1, (len(rows)+per-1)/per)
	page, err := strconv.Atoi(q.Get("page_num"))
	if err != nil || page < 1 {
		page = 1
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<h1>Hockey Teams: Forms, Searching and Pagination <small>%d items</small></h1>
<p class="lead">Browse through a database of NHL team stats since 1990. Practice building a scraper that handles common website interface components.</p>
<form class="form form-inline" method="GET" action="/pages/forms/"><label for="q">Search for Teams: </label>
<input type="text" class="form-control" placeholder="Search for Teams" id="q" name="q" value="%s">
<input type="submit" value="Search" class="btn btn-primary"></form>
<table class="table"><tr><th>Team Name</th><th>Year</th><th>Wins</th><th>Losses</th><th>OT Losses</th><th>Win %%</th><th>Goals For (GF)</th><th>Goals Against (GA)</th><th>+ / -</th></tr>`,
		len(HockeyTeams), html.EscapeString(search))
	lo := (page - 1) * per
	for i := lo; i < lo+per && i < len(rows); i++ {
		t := rows[i]
		pct := float64(t.Wins) / 82
		cls, diffCls := "text-success", "text-success"
		if pct < .5 {
			cls = "text-danger"
		}
		if t.GoalsFor < t.GoalsAgainst {
			diffCls = "text-danger"
		}
		fmt.Fprintf(&b, `<tr class="team">
                <td class="name">
                    %s
                </td>
                <td class="year">%d</td><td class="wins">%d</td><td class="losses">%d</td><td class="ot-losses">%d</td>
                <td class="pct %s">%.3f</td><td class="gf">%d</td><td class="ga">%d</td><td class="diff %s">%d</td></tr>`,
			html.EscapeString(t.Name), t.Year, t.Wins, t.Losses, t.OT, cls, pct, t.GoalsFor, t.GoalsAgainst, diffCls, t.GoalsFor-t.GoalsAgainst)
	}
	b.WriteString(`</table>`)
	if len(rows) == 0 {
		b.WriteString(`<p>No teams found.</p>`)
	}
	link := func(n int) string {
		v := url.Values{}
		v.Set("page_num", strconv.Itoa(n))
		if search != "" {
			v.Set("q", search)
		}
		if per != 25 {
			v.Set("per_page", strconv.Itoa(per))
		}
		return "/pages/forms/?" + v.Encode()
	}
	b.WriteString(`<div class="row pagination-area"><div class="col-md-10 text-center"><ul class="pagination">`)
	for i := 1; i <= pages; i++ {
		cls := ""
		if i == page {
			cls = ` class="active"`
		}
		fmt.Fprintf(&b, `<li%s><a href="%s">%d</a></li>`, cls, html.EscapeString(link(i)), i)
	}
	if page < pages {
		fmt.Fprintf(&b, `<li><a href="%s" aria-label="Next"><span aria-hidden="true">»</span></a></li>`, html.EscapeString(link(page+1)))
	}
	b.WriteString(`</ul></div><div class="col-md-2"><select class="form-control" name="per_page" id="per_page">`)
	for _, n := range []int{25, 50, 100} {
		sel := ""
		if n == per {
			sel = " selected"
		}
		fmt.Fprintf(&b, `<option value="%d"%s>%d</option>`, n, sel, n)
	}
	b.WriteString(`</select></div></div>
<script>document.getElementById('per_page').addEventListener('change', function () {
  var u = new URL(location.href); u.searchParams.set('per_page', this.value); u.searchParams.delete('page_num'); location.href = u.toString();
});</script>`)
	stsPage(w, "Hockey Teams: Forms, Searching and Pagination", b.String())
}

func (s *scrapeThis) ajax(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("ajax") == "true" {
		y, _ := strconv.Atoi(q.Get("year"))
		films, ok := OscarFilms[y]
		if !ok {
			films = []OscarFilm{}
		}
		delay := 600 * time.Millisecond
		if ms, err := strconv.Atoi(q.Get("delay")); err == nil && ms >= 0 && ms <= 30000 {
			delay = time.Duration(ms) * time.Millisecond
		}
		select {
		case <-r.Context().Done():
			return
		case <-time.After(delay):
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(films)
		return
	}
	var years strings.Builder
	for _, y := range OscarYears {
		fmt.Fprintf(&years, `<a href="#" class="year-link" id="%d">%d</a> `, y, y)
	}
	stsPage(w, "Oscar Winning Films: AJAX and Javascript", `<h1>Oscar Winning Films: AJAX and Javascript</h1>
<p class="lead">Click through a bunch of great films. Learn how content is added to the page asynchronously with Javascript and how you can scrape it.</p>
<div class="col-md-12 text-center"><h3>Choose a Year to View Films</h3>`+years.String()+`</div>
<div class="col-md-12 text-center" id="loading" style="display:none">⟳ Loading...</div>
<table class="table" style="display:none"><thead><tr><th>Title</th><th>Nominations</th><th>Awards</th><th>Best Picture</th></tr></thead><tbody id="table-body"></tbody></table>
<script>
var body = document.getElementById('table-body'), table = document.querySelector('table.table'), loading = document.getElementById('loading');
function esc(s) { var d = document.createElement('div'); d.textContent = s; return d.innerHTML; }
document.querySelectorAll('.year-link').forEach(function (a) {
  a.addEventListener('click', function (e) {
    e.preventDefault();
    body.innerHTML = ''; table.style.display = 'none'; loading.style.display = '';
    var extra = new URLSearchParams(location.search).get('delay');
    fetch('?ajax=true&year=' + a.id + (extra ? '&delay=' + extra : '')).then(function (r) { return r.json(); }).then(function (films) {
      body.innerHTML = films.map(function (f) {
        return '<tr class="film"><td class="film-title">' + esc(f.title) + '</td><td class="film-nominations">' + f.nominations +
          '</td><td class="film-awards">' + f.awards + '</td><td class="film-best-picture">' + (f.best_picture ? '<i class="glyphicon glyphicon-flag"></i>' : '') + '</td></tr>';
      }).join('');
      loading.style.display = 'none'; table.style.display = '';
    });
  });
});
</script>`)
}

func (s *scrapeThis) frames(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("frame") != "i" {
		stsPage(w, "Turtles All the Way Down: Frames & iFrames", `<h1>Turtles All the Way Down: Frames &amp; iFrames</h1>
<p class="lead">Some older sites might still use frames to break up thier pages. Modern ones might be using iFrames to expose data. Learn about turtles as you scrape content inside frames.</p>
<iframe src="/pages/frames/?frame=i" id="iframe" style="width: 100%; height: 1000px; border: 0"></iframe>`)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if fam := q.Get("family"); fam != "" {
		if !contains(TurtleFamilies, fam) {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>`)
			return
		}
		fmt.Fprintf(w, `<!DOCTYPE html><html><head><title>%s</title></head><body><div class="container"><h3 class="family-name">%s</h3>
<p class="lead">The %s family of turtles.</p><a href="/pages/frames/?frame=i">Back to all turtles</a></div></body></html>`, fam, fam, fam)
		return
	}
	var b strings.Builder
	for i, f := range TurtleFamilies {
		fmt.Fprintf(&b, `<div class="col-md-4 turtle-family-card"><img src="data:," class="turtle-image center-block" alt="%s">
<h3 class="family-name">%s</h3><p>Common name: turtle %d</p><a href="/pages/frames/?frame=i&family=%s" class="btn btn-default btn-xs">Learn more</a></div>`, f, f, i+1, f)
	}
	fmt.Fprint(w, `<!DOCTYPE html><html><head><title>Turtles</title><style>.row{display:flex;flex-wrap:wrap}.col-md-4{width:33%}</style></head><body><div class="container"><div class="row">`+b.String()+`</div></div></body></html>`)
}

func (s *scrapeThis) advanced(w http.ResponseWriter, r *http.Request) {
	title := "Advanced Topics: Real World Challenges You'll Encounter"
	switch r.URL.Query().Get("gotcha") {
	case "headers":
		ua, accept := r.Header.Get("User-Agent"), r.Header.Get("Accept")
		if !strings.HasPrefix(ua, "Mozilla/5.0") || !strings.Contains(accept, "text/html") {
			stsPage(w, title, `<div class="col-md-12"><p class="lead">Sorry, this page requires a web browser: your request's headers do not look like one. Check the User-Agent and Accept headers.</p></div>`)
			return
		}
		stsPage(w, title, `<div class="col-md-12"><h3>Headers</h3><p class="lead success">This page loaded because your request carried the headers a web browser sends.</p></div>`)
	case "login":
		if r.Method == http.MethodPost {
			if r.PostFormValue("user") == "" || r.PostFormValue("pass") == "" {
				stsPage(w, title, `<p class="lead error">Missing username or password.</p>`+stsLogin("login", ""))
				return
			}
			v := token()
			s.mu.Lock()
			s.logins[v] = true
			s.mu.Unlock()
			http.SetCookie(w, &http.Cookie{Name: "logged_in", Value: v, Path: "/", HttpOnly: true})
			http.Redirect(w, r, "/pages/advanced/?gotcha=login", http.StatusFound)
			return
		}
		if s.loggedIn(r) {
			stsPage(w, title, `<p class="lead success">Successfully logged in! Nice job :)</p>`)
			return
		}
		stsPage(w, title, stsLogin("login", ""))
	case "csrf":
		sid := ""
		if c, err := r.Cookie("sts_session"); err == nil {
			sid = c.Value
		}
		s.mu.Lock()
		tok, ok := s.sessions[sid]
		if !ok {
			sid, tok = token(), token()
			s.sessions[sid] = tok
			http.SetCookie(w, &http.Cookie{Name: "sts_session", Value: sid, Path: "/", HttpOnly: true})
		}
		s.mu.Unlock()
		if r.Method == http.MethodPost {
			got := r.PostFormValue("csrf")
			if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(tok)) != 1 {
				stsPage(w, title, `<p class="lead error">Missing or invalid CSRF token.</p>`+stsLogin("csrf", tok))
				return
			}
			stsPage(w, title, `<p class="lead success">Successfully logged in! Nice job :)</p>`)
			return
		}
		stsPage(w, title, stsLogin("csrf", tok))
	default:
		stsPage(w, title, `<h1>`+html.EscapeString(title)+`</h1><ul>
<li><a href="/pages/advanced/?gotcha=headers">Spoofing Headers</a></li>
<li><a href="/pages/advanced/?gotcha=login">Logging in to Sites</a></li>
<li><a href="/pages/advanced/?gotcha=csrf">Handling CSRF Tokens</a></li></ul>`)
	}
}

func (s *scrapeThis) loggedIn(r *http.Request) bool {
	c, err := r.Cookie("logged_in")
	if err != nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logins[c.Value]
}

func stsLogin(gotcha, csrf string) string {
	hidden := ""
	if csrf != "" {
		hidden = `<input type="hidden" name="csrf" value="` + csrf + `">`
	}
	return `<form method="POST" action="/pages/advanced/?gotcha=` + gotcha + `" class="form"><div class="form-group"><label for="user">Username</label>
<input type="text" class="form-control" name="user" id="user"></div><div class="form-group"><label for="pass">Password</label>
<input type="password" class="form-control" name="pass" id="pass"></div>` + hidden + `<input type="submit" value="Login" class="btn btn-primary"></form>`
}
