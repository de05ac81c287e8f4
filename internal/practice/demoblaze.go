package practice

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"time"
)

// DemoBlazeProduct is one of the DemoBlaze replica's fifteen products.
type DemoBlazeProduct struct {
	ID       int    `json:"id"`
	Title    string `json:"title"`
	Price    int    `json:"price"` // whole dollars: the grid shows "$360", the cart "360"
	Category string `json:"cat"`   // "phone", "notebook", "monitor"
	Desc     string `json:"desc"`
	Img      string `json:"img"`
}

// DemoBlazeProducts are the replica's products by id, as the real store lists them: the home
// page shows the first DemoBlazePerPage, Next the rest.
var DemoBlazeProducts = []DemoBlazeProduct{
	{1, "Samsung galaxy s6", 360, "phone", "The Samsung Galaxy S6 is powered by 1.5GHz octa-core Samsung Exynos 7420 processor and it comes with 3GB of RAM.", "imgs/galaxy_s6.jpg"},
	{2, "Nokia lumia 1520", 820, "phone", "The Nokia Lumia 1520 is powered by 2.2GHz quad-core Qualcomm Snapdragon 800 processor and it comes with 2GB of RAM.", "imgs/Lumia_1520.jpg"},
	{3, "Nexus 6", 650, "phone", "The Motorola Google Nexus 6 is powered by 2.7GHz quad-core Qualcomm Snapdragon 805 processor and it comes with 3GB of RAM.", "imgs/Nexus_6.jpg"},
	{4, "Samsung galaxy s7", 800, "phone", "The Samsung Galaxy S7 is powered by 1.6GHz octa-core it comes with 4GB of RAM.", "imgs/galaxy_s7.jpg"},
	{5, "Iphone 6 32gb", 790, "phone", "It comes with 1GB of RAM. The phone packs 16GB of internal storage cannot be expanded.", "imgs/iphone_6.jpg"},
	{6, "Sony xperia z5", 320, "phone", "Sony xperia z5 is the latest Xperia phone from Sony that comes with a 5.2-inch display.", "imgs/xperia_z5.jpg"},
	{7, "HTC One M9", 700, "phone", "The HTC One M9 is powered by 1.5GHz octa-core Qualcomm Snapdragon 810 processor and it comes with 3GB of RAM.", "imgs/HTC_M9.jpg"},
	{8, "Sony vaio i5", 790, "notebook", "Sony is so confident that the VAIO S is a superior ultraportable laptop that the company proudly compares the notebook to Apple's 13-inch MacBook Pro.", "imgs/sony_vaio_5.jpg"},
	{9, "Sony vaio i7", 790, "notebook", "REVIEW Sony is so confident that the VAIO S is a superior ultraportable laptop that the company proudly compares the notebook to Apple's 13-inch MacBook Pro.", "imgs/sony_vaio_5.jpg"},
	{10, "Apple monitor 24", 400, "monitor", "LED Cinema Display features a 27-inch glossy LED-backlit TFT active-matrix LCD display with IPS technology.", "imgs/apple_cinema.jpg"},
	{11, "MacBook air", 700, "notebook", "1.6GHz dual-core Intel Core i5 (Turbo Boost up to 2.7GHz) with 3MB shared L3 cache.", "imgs/macbook_air.jpg"},
	{12, "Dell i7 8gb", 700, "notebook", "6th Generation Intel Core i7-6500U Dual-Core Processor 2.5 GHz (max boost speed up to 3.1GHz) 4MB L3 Cache.", "imgs/dell.jpg"},
	{13, "2017 Dell 15.6 Inch", 700, "notebook", "7th Gen Intel Core i7-7500U mobile processor 2.70 GHz with Turbo Boost Technology up to 3.50 GHz.", "imgs/dell2.jpg"},
	{14, "ASUS Full HD", 230, "monitor", "ASUS VS247H-P 23.6- Inch Full HD", "imgs/asusm.jpg"},
	{15, "MacBook Pro", 1100, "notebook", "Apple has introduced three new versions of its MacBook Pro line, including a 13-inch and 15-inch model with the Touch Bar.", "imgs/macbook_pro.jpg"},
}

// DemoBlazePerPage is how many products a page of the home grid shows.
const DemoBlazePerPage = 9

// DemoBlazeUser and DemoBlazePassword are a user the replica knows from the start (the real
// store's tutorials sign up their own; Sign up works here too). The password is not the name: a
// flow's secret is redacted wherever it appears, "Welcome test" included.
const (
	DemoBlazeUser     = "test"
	DemoBlazePassword = "test@123"
)

// DemoBlaze's answers are slow, as the real store's API (api.demoblaze.com) often is.
const (
	dbEntriesDelay = 700 * time.Millisecond  // the home grid, the pager's pages
	dbCatDelay     = 600 * time.Millisecond  // a category
	dbViewDelay    = 400 * time.Millisecond  // a product's details, each cart row's
	dbAddDelay     = 1200 * time.Millisecond // Add to cart, then the alert
	dbCartDelay    = 500 * time.Millisecond  // the cart's list, a Delete, the login, the sign up
)

type dbCartItem struct {
	ID     string `json:"id"`
	ProdID int    `json:"prod_id"`
	Cookie string `json:"cookie"`
}

type demoBlaze struct {
	mu     sync.Mutex
	users  map[string]string // name → password
	tokens map[string]string // token → name
	carts  map[string][]dbCartItem
}

// DemoBlaze serves a replica of www.demoblaze.com ("PRODUCT STORE", Blazemeter's shop), a
// jQuery and Bootstrap 4 site whose pages are filled by requests to its API after they load:
//
//	/, /index.html   the navbar (#nava "PRODUCT STORE"; Home, Contact, About us, Cart #cartur,
//	                 Log in #login2, Log out #logout2, #nameofuser "Welcome <user>", Sign up
//	                 #signin2), a carousel sliding by itself every 3 s (its controls' screen-reader
//	                 text says "Previous" and "Next"), CATEGORIES (Phones, Laptops, Monitors:
//	                 each empties and re-fills the grid when its request answers, the URL
//	                 unchanged), the grid #tbodyid (.card: an image link, .card-title a.hrefch
//	                 with the name, h5 "$360", p#article — the same id on every card) filled
//	                 0.7 s after the load, the pager's buttons #prev2 "Previous" and #next2 "Next"
//	/prod.html?idp_= a product: h2.name, h3.price-container "$360 *includes tax", #more-information,
//	                 "Add to cart" (a link to #) which posts the product and, 1.2 s later, opens
//	                 the JS alert "Product added."
//	/cart.html       "Products" table #tbodyid: its rows (tr.success: picture, title, price, a
//	                 Delete link) arrive one by one, each after its own request; Delete removes
//	                 the row after a request and the total #totalp is recomputed; "Place Order"
//	                 opens #orderModal (#name, #country, #city, #card, #month, #year, Purchase):
//	                 without a name or card number the alert "Please fill out Name and
//	                 Creditcard."; else a SweetAlert box (.sweet-alert, h2 "Thank you for your
//	                 purchase!", p.lead with Id, Amount, Card Number, Name, Date, button.confirm
//	                 "OK"); OK empties the cart and goes to index.html
//
// Every page has the Bootstrap modals, hidden until opened, with their fade (the backdrop 150 ms,
// then the dialog sliding in over 300 ms; closing takes as long): Log in (#logInModal:
// #loginusername and #loginpassword, whose labels name other ids; alerts "Wrong password." and
// "User does not exist."; a login reloads the page, which then shows "Welcome <user>" after a
// request), Sign up (#signInModal: #sign-username, #sign-password; alerts "Sign up
// successful." and "This user already exist."), Contact (#exampleModal: #recipient-email,
// #recipient-name, #message-text, "Send message": alert "Thanks for the message!!"), About us
// (#videoModal). Each has a × button and a "Close" button. "Log in" is the navbar link, the
// modal's title and its button; "Next" the pager's button and the carousel control's hidden text.
//
// The login is the cookie tokenp_, an anonymous visitor's cart is keyed by the cookie user (set
// by the page's script); both carts and users (DemoBlazeUser signed up at the start) are this
// server's. It serves loopback tests only and needs nothing from the network. Safe for
// concurrent use.
func DemoBlaze() http.Handler {
	d := &demoBlaze{users: map[string]string{DemoBlazeUser: DemoBlazePassword}, tokens: map[string]string{}, carts: map[string][]dbCartItem{}}
	mux := http.NewServeMux()
	page := func(body, script string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write([]byte(dbHead + dbNavbar + body + dbModals + `<script src="js/bootstrap-mini.js"></script><script src="js/index.js"></script><script>` + script + `</script></body></html>`))
		}
	}
	home := page(dbHome, "loadHome();")
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		home(w, r)
	})
	mux.HandleFunc("/index.html", home)
	mux.HandleFunc("/prod.html", page(dbProd, "loadProduct();"))
	mux.HandleFunc("/cart.html", page(dbCart, "showcart();"))
	static := func(path, ctype, body string) {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ctype)
			_, _ = w.Write([]byte(body))
		})
	}
	static("/js/index.js", "text/javascript; charset=utf-8", dbIndexJS)
	static("/js/bootstrap-mini.js", "text/javascript; charset=utf-8", dbBootstrapJS)
	static("/css/store.css", "text/css; charset=utf-8", dbCSS)
	mux.HandleFunc("/imgs/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/gif") // a picture's stand-in
		_, _ = w.Write(sauceDemoPicture)
	})

	api := func(path string, delay time.Duration, h func(r *http.Request, body map[string]any) (int, any)) {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			var body map[string]any
			if r.Method == http.MethodPost {
				_ = json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&body)
			}
			select {
			case <-time.After(delay):
			case <-r.Context().Done():
				return
			}
			code, out := h(r, body)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(code)
			_ = json.NewEncoder(w).Encode(out)
		})
	}
	str := func(body map[string]any, k string) string {
		switch v := body[k].(type) {
		case string:
			return v
		case float64:
			return strconv.Itoa(int(v))
		}
		return ""
	}
	api("/entries", dbEntriesDelay, func(*http.Request, map[string]any) (int, any) {
		return 200, map[string]any{"Items": DemoBlazeProducts[:DemoBlazePerPage], "LastEvaluatedKey": map[string]string{"id": strconv.Itoa(DemoBlazePerPage)}}
	})
	api("/pagination", dbEntriesDelay, func(_ *http.Request, body map[string]any) (int, any) {
		after, _ := strconv.Atoi(str(body, "id"))
		var items []DemoBlazeProduct
		for _, p := range DemoBlazeProducts {
			if p.ID > after && len(items) < DemoBlazePerPage {
				items = append(items, p)
			}
		}
		return 200, map[string]any{"Items": items}
	})
	api("/bycat", dbCatDelay, func(_ *http.Request, body map[string]any) (int, any) {
		items := []DemoBlazeProduct{}
		for _, p := range DemoBlazeProducts {
			if p.Category == str(body, "cat") {
				items = append(items, p)
			}
		}
		return 200, map[string]any{"Items": items}
	})
	api("/view", dbViewDelay, func(_ *http.Request, body map[string]any) (int, any) {
		id, _ := strconv.Atoi(str(body, "id"))
		if id < 1 || id > len(DemoBlazeProducts) {
			return 200, map[string]any{} // the real API answers an unknown id with {}
		}
		return 200, DemoBlazeProducts[id-1]
	})
	api("/check", dbViewDelay, func(_ *http.Request, body map[string]any) (int, any) {
		d.mu.Lock()
		defer d.mu.Unlock()
		if u, ok := d.tokens[str(body, "token")]; ok {
			return 200, map[string]any{"Item": map[string]string{"username": u}}
		}
		return 200, map[string]any{"errorMessage": "Token has expired."}
	})
	api("/login", dbCartDelay, func(_ *http.Request, body map[string]any) (int, any) {
		user := str(body, "username")
		pw, _ := base64.StdEncoding.DecodeString(str(body, "password"))
		d.mu.Lock()
		defer d.mu.Unlock()
		want, ok := d.users[user]
		switch {
		case !ok:
			return 200, map[string]any{"errorMessage": "User does not exist."}
		case want != string(pw):
			return 200, map[string]any{"errorMessage": "Wrong password."}
		}
		token := base64.StdEncoding.EncodeToString([]byte(user)) + dbID()
		d.tokens[token] = user
		return 200, "Auth_token: " + token
	})
	api("/signup", dbCartDelay, func(_ *http.Request, body map[string]any) (int, any) {
		user := str(body, "username")
		pw, _ := base64.StdEncoding.DecodeString(str(body, "password"))
		d.mu.Lock()
		defer d.mu.Unlock()
		if _, ok := d.users[user]; ok {
			return 200, map[string]any{"errorMessage": "This user already exist."}
		}
		d.users[user] = string(pw)
		return 200, ""
	})
	// owner is whose cart a request means: the logged-in user's (by the token) or the visitor's.
	owner := func(body map[string]any) string {
		d.mu.Lock()
		defer d.mu.Unlock()
		if f, _ := body["flag"].(bool); f {
			if u, ok := d.tokens[str(body, "cookie")]; ok {
				return "user:" + u
			}
		}
		return "visitor:" + str(body, "cookie")
	}
	api("/addtocart", dbAddDelay, func(_ *http.Request, body map[string]any) (int, any) {
		id, _ := strconv.Atoi(str(body, "prod_id"))
		if id < 1 || id > len(DemoBlazeProducts) || str(body, "id") == "" {
			return 400, map[string]string{"errorMessage": "Bad request."}
		}
		o := owner(body)
		d.mu.Lock()
		d.carts[o] = append(d.carts[o], dbCartItem{ID: str(body, "id"), ProdID: id, Cookie: str(body, "cookie")})
		d.mu.Unlock()
		return 200, ""
	})
	api("/viewcart", dbCartDelay, func(_ *http.Request, body map[string]any) (int, any) {
		o := owner(body)
		d.mu.Lock()
		defer d.mu.Unlock()
		items := append([]dbCartItem{}, d.carts[o]...)
		sort.SliceStable(items, func(i, j int) bool { return items[i].ProdID < items[j].ProdID })
		return 200, map[string]any{"Items": items}
	})
	api("/deleteitem", dbCartDelay, func(_ *http.Request, body map[string]any) (int, any) {
		id := str(body, "id")
		d.mu.Lock()
		defer d.mu.Unlock()
		for o, items := range d.carts {
			for i, it := range items {
				if it.ID == id {
					d.carts[o] = append(items[:i:i], items[i+1:]...)
					return 200, "Item deleted."
				}
			}
		}
		return 200, "Item deleted."
	})
	api("/deletecart", dbCartDelay, func(_ *http.Request, body map[string]any) (int, any) {
		o := owner(body)
		d.mu.Lock()
		delete(d.carts, o)
		d.mu.Unlock()
		return 200, "Item deleted."
	})
	return mux
}

// dbID is a random id: a token's tail, a cart row's id.
func dbID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// DemoBlazeCartTotal is what the cart's total shows for the products with these ids.
func DemoBlazeCartTotal(ids ...int) string {
	t := 0
	for _, id := range ids {
		t += DemoBlazeProducts[id-1].Price
	}
	return strconv.Itoa(t)
}

const dbHead = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, shrink-to-fit=no"><title>STORE</title>
<link href="css/store.css" rel="stylesheet"></head><body>
`

const dbNavbar = `<nav class="navbar navbar-toggleable-md bg-inverse" id="narvbarx">
<a class="navbar-brand" id="nava" href="index.html"><img src="imgs/bm.png" width="50" height="50" alt=""> PRODUCT STORE</a>
<ul class="navbar-nav ml-auto">
<li class="nav-item active"><a class="nav-link" href="index.html">Home <span class="sr-only">(current)</span></a></li>
<li class="nav-item"><a class="nav-link" href="#" data-toggle="modal" data-target="#exampleModal">Contact</a></li>
<li class="nav-item"><a class="nav-link" href="#" data-toggle="modal" data-target="#videoModal">About us</a></li>
<li class="nav-item"><a class="nav-link" href="cart.html" id="cartur">Cart</a></li>
<li class="nav-item"><a class="nav-link" href="#" id="login2" data-toggle="modal" data-target="#logInModal">Log in</a></li>
<li class="nav-item"><a class="nav-link" href="#" id="logout2" onclick="logOut()" style="display:none">Log out</a></li>
<li class="nav-item"><a class="nav-link" href="#" id="nameofuser"></a></li>
<li class="nav-item"><a class="nav-link" href="#" id="signin2" data-toggle="modal" data-target="#signInModal">Sign up</a></li>
</ul></nav>
`

const dbHome = `<div class="container">
<div id="contcar" class="carousel slide" data-ride="carousel">
<ol class="carousel-indicators"><li data-slide-to="0" class="active"></li><li data-slide-to="1"></li><li data-slide-to="2"></li></ol>
<div class="carousel-inner" role="listbox">
<div class="carousel-item active"><img class="d-block img-fluid" src="imgs/Samsung1.jpg" alt="First slide"></div>
<div class="carousel-item"><img class="d-block img-fluid" src="imgs/nexus1.jpg" alt="Second slide"></div>
<div class="carousel-item"><img class="d-block img-fluid" src="imgs/iphone1.jpg" alt="Third slide"></div>
</div>
<a class="carousel-control-prev" href="#contcar" role="button" data-slide="prev"><span class="carousel-control-prev-icon" aria-hidden="true"></span><span class="sr-only">Previous</span></a>
<a class="carousel-control-next" href="#contcar" role="button" data-slide="next"><span class="carousel-control-next-icon" aria-hidden="true"></span><span class="sr-only">Next</span></a>
</div>
<div class="row">
<div class="col-lg-3"><div class="list-group" id="contcont">
<a href="#" id="cat" class="list-group-item">CATEGORIES</a>
<a href="#" onclick="byCat('phone')" id="itemc" class="list-group-item">Phones</a>
<a href="#" onclick="byCat('notebook')" id="itemc" class="list-group-item">Laptops</a>
<a href="#" onclick="byCat('monitor')" id="itemc" class="list-group-item">Monitors</a>
</div></div>
<div class="col-lg-9"><div class="row" id="tbodyid"></div>
<ul class="pagination"><li class="page-item"><button class="page-link" id="prev2" style="display:none">Previous</button></li>
<li class="page-item"><button class="page-link" id="next2">Next</button></li></ul>
</div></div></div>
<footer class="py-5 bg-inverse" id="footc"><p class="m-0 text-center text-white">Copyright &copy; Product Store 2017</p></footer>
`

const dbProd = `<div class="container"><div class="row" id="tbodyid">
<div class="col-md-5 col-lg-5"><div class="product-image"><div class="item active" id="imgp"></div></div></div>
<div class="col-md-7 col-lg-7 product-content"><h2 class="name"></h2><h3 class="price-container"></h3><hr>
<div id="more-information"><strong>Product description</strong><p></p></div>
<div class="row"><div class="col-sm-12 col-md-6 col-lg-6"><a href="#" class="btn btn-success btn-lg" style="display:none">Add to cart</a></div></div>
</div></div></div>
`

const dbCart = `<div class="container"><div class="row">
<div class="col-lg-8"><h2>Products</h2><div class="table-responsive"><table class="table table-bordered table-hover table-striped">
<thead><tr><th>Pic</th><th>Title</th><th>Price</th><th>x</th></tr></thead><tbody id="tbodyid"></tbody></table></div></div>
<div class="col-lg-1"><h2>Total</h2><div class="panel panel-info"><div class="panel-heading"><h3 class="panel-title" id="totalp"></h3></div></div>
<button type="button" class="btn btn-success" data-toggle="modal" data-target="#orderModal">Place Order</button></div>
</div></div>
<div class="modal fade" id="orderModal" tabindex="-1" role="dialog" aria-labelledby="orderModalLabel" aria-hidden="true" style="display:none">
<div class="modal-dialog" role="document"><div class="modal-content">
<div class="modal-header"><h5 class="modal-title" id="orderModalLabel">Place order</h5><button type="button" class="close" data-dismiss="modal" aria-label="Close"><span aria-hidden="true">&times;</span></button></div>
<div class="modal-body"><form>
<div class="form-group"><label id="totalm">Total: </label></div>
<div class="form-group"><label for="name" class="form-control-label">Name:</label><input type="text" class="form-control" id="name"></div>
<div class="form-group"><label for="country" class="form-control-label">Country:</label><input type="text" class="form-control" id="country"></div>
<div class="form-group"><label for="city" class="form-control-label">City:</label><input type="text" class="form-control" id="city"></div>
<div class="form-group"><label for="card" class="form-control-label">Credit card:</label><input type="text" class="form-control" id="card"></div>
<div class="form-group"><label for="month" class="form-control-label">Month:</label><input type="text" class="form-control" id="month"></div>
<div class="form-group"><label for="year" class="form-control-label">Year:</label><input type="text" class="form-control" id="year"></div>
</form></div>
<div class="modal-footer"><button type="button" class="btn btn-secondary" data-dismiss="modal">Close</button><button type="button" class="btn btn-primary" onclick="purchaseOrder()">Purchase</button></div>
</div></div></div>
`

// dbModals are on every page, as on the real store (the login's labels name ids that do not
// exist, as there).
const dbModals = `
<div class="modal fade" id="exampleModal" tabindex="-1" role="dialog" aria-labelledby="exampleModalLabel" aria-hidden="true" style="display:none">
<div class="modal-dialog" role="document"><div class="modal-content">
<div class="modal-header"><h5 class="modal-title" id="exampleModalLabel">New message</h5><button type="button" class="close" data-dismiss="modal" aria-label="Close"><span aria-hidden="true">&times;</span></button></div>
<div class="modal-body"><form>
<div class="form-group"><label for="recipient-email" class="form-control-label">Contact Email:</label><input type="text" class="form-control" id="recipient-email"></div>
<div class="form-group"><label for="recipient-name" class="form-control-label">Contact Name:</label><input type="text" class="form-control" id="recipient-name"></div>
<div class="form-group"><label for="message-text" class="form-control-label">Message:</label><textarea class="form-control" id="message-text"></textarea></div>
</form></div>
<div class="modal-footer"><button type="button" class="btn btn-secondary" data-dismiss="modal">Close</button><button type="button" class="btn btn-primary" onclick="send()">Send message</button></div>
</div></div></div>
<div class="modal fade" id="logInModal" tabindex="-1" role="dialog" aria-labelledby="logInModalLabel" aria-hidden="true" style="display:none">
<div class="modal-dialog" role="document"><div class="modal-content">
<div class="modal-header"><h5 class="modal-title" id="logInModalLabel">Log in</h5><button type="button" class="close" data-dismiss="modal" aria-label="Close"><span aria-hidden="true">&times;</span></button></div>
<div class="modal-body"><form>
<div class="form-group"><label for="log-name" class="form-control-label">Username:</label><input type="text" class="form-control" id="loginusername"></div>
<div class="form-group"><label for="log-pass" class="form-control-label">Password:</label><input type="password" class="form-control" id="loginpassword"></div>
</form></div>
<div class="modal-footer"><button type="button" class="btn btn-secondary" data-dismiss="modal">Close</button><button type="button" class="btn btn-primary" onclick="logIn()">Log in</button></div>
</div></div></div>
<div class="modal fade" id="signInModal" tabindex="-1" role="dialog" aria-labelledby="signInModalLabel" aria-hidden="true" style="display:none">
<div class="modal-dialog" role="document"><div class="modal-content">
<div class="modal-header"><h5 class="modal-title" id="signInModalLabel">Sign up</h5><button type="button" class="close" data-dismiss="modal" aria-label="Close"><span aria-hidden="true">&times;</span></button></div>
<div class="modal-body"><form>
<div class="form-group"><label for="sign-username" class="form-control-label">Username:</label><input type="text" class="form-control" id="sign-username"></div>
<div class="form-group"><label for="sign-password" class="form-control-label">Password:</label><input type="password" class="form-control" id="sign-password"></div>
</form></div>
<div class="modal-footer"><button type="button" class="btn btn-secondary" data-dismiss="modal">Close</button><button type="button" class="btn btn-primary" onclick="register()">Sign up</button></div>
</div></div></div>
<div class="modal fade" id="videoModal" tabindex="-1" role="dialog" aria-labelledby="videoModalLabel" aria-hidden="true" style="display:none">
<div class="modal-dialog" role="document"><div class="modal-content">
<div class="modal-header"><h5 class="modal-title" id="videoModalLabel">About us</h5><button type="button" class="close" data-dismiss="modal" aria-label="Close"><span aria-hidden="true">&times;</span></button></div>
<div class="modal-body"><div class="video-stand-in">(a video)</div></div>
<div class="modal-footer"><button type="button" class="btn btn-secondary" data-dismiss="modal">Close</button></div>
</div></div></div>
`

const dbCSS = `*{box-sizing:border-box} body{margin:0;font-family:sans-serif;font-size:16px;line-height:1.5;color:#292b2c}
body.modal-open{overflow:hidden}
.bg-inverse{background:#292b2c;color:#fff} .text-white{color:#fff} .text-center{text-align:center} .py-5{padding:3rem 0} .m-0{margin:0}
.navbar{display:flex;align-items:center;padding:.5rem 1rem;position:relative} .navbar-brand{color:#fff;font-size:1.4rem;text-decoration:none;display:flex;align-items:center}
.navbar-brand img{background:#5bc0de;margin-right:.4rem}
.navbar-nav{display:flex;list-style:none;margin:0 0 0 auto;padding:0} .nav-link{display:block;padding:.5rem;color:rgba(255,255,255,.7);text-decoration:none}
.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);border:0}
.container{max-width:1140px;margin:0 auto;padding:0 15px} .row{display:flex;flex-wrap:wrap;margin:0 -15px}
.col-lg-3{flex:0 0 25%;padding:0 15px} .col-lg-9{flex:0 0 75%;padding:0 15px} .col-lg-4{flex:0 0 33.333%;padding:0 15px}
.col-lg-8{flex:0 0 66.666%;padding:0 15px} .col-lg-1{flex:0 0 20%;padding:0 15px} .col-md-5{flex:0 0 41%;padding:0 15px} .col-md-7{flex:0 0 58%;padding:0 15px}
.col-sm-12{padding:0} .mb-4{margin-bottom:1.5rem}
.carousel{position:relative;margin:1rem 0;overflow:hidden;height:220px;background:#eee}
.carousel-inner{position:relative;width:100%;height:100%;overflow:hidden}
.carousel-item{position:absolute;top:0;left:0;width:100%;height:100%;display:none;transition:transform .6s ease-in-out}
.carousel-item.active,.carousel-item-next,.carousel-item-prev{display:block}
.carousel-item img{width:100%;height:220px;background:#ccd}
.carousel-item-next{transform:translateX(100%)} .carousel-item-prev{transform:translateX(-100%)}
.carousel-item-next.carousel-item-left,.carousel-item-prev.carousel-item-right{transform:translateX(0)}
.active.carousel-item-left{transform:translateX(-100%)} .active.carousel-item-right{transform:translateX(100%)}
.carousel-control-prev,.carousel-control-next{position:absolute;top:0;bottom:0;width:15%;display:flex;align-items:center;justify-content:center;color:#fff;z-index:2}
.carousel-control-prev{left:0} .carousel-control-next{right:0}
.carousel-control-prev-icon,.carousel-control-next-icon{width:20px;height:20px;background:#555;display:inline-block}
.carousel-indicators{position:absolute;bottom:10px;left:0;right:0;display:flex;justify-content:center;list-style:none;margin:0;padding:0;z-index:2}
.carousel-indicators li{width:30px;height:3px;margin:0 3px;background:rgba(255,255,255,.5)} .carousel-indicators .active{background:#fff}
.list-group{display:flex;flex-direction:column} .list-group-item{display:block;padding:.75rem 1.25rem;border:1px solid #ddd;margin-bottom:-1px;color:#0275d8;text-decoration:none}
.card{border:1px solid rgba(0,0,0,.125);border-radius:.25rem;height:100%} .card-img-top{width:100%;height:150px;background:#dde;display:block}
.card-block{padding:1.25rem} .card-title a{color:#0275d8;text-decoration:none}
.pagination{display:flex;list-style:none;padding:0} .page-link{padding:.5rem .75rem;border:1px solid #ddd;background:#fff;color:#0275d8;cursor:pointer}
.btn{display:inline-block;padding:.5rem 1rem;border:1px solid transparent;border-radius:.25rem;cursor:pointer;text-decoration:none;font-size:1rem}
.btn-primary{background:#0275d8;color:#fff} .btn-secondary{background:#fff;color:#292b2c;border-color:#ccc} .btn-success{background:#5cb85c;color:#fff} .btn-lg{font-size:1.25rem}
.product-image #imgp img{width:100%;height:300px;background:#dde}
.table{width:100%;border-collapse:collapse} .table td,.table th{border:1px solid #ddd;padding:.5rem}
.fade{transition:opacity .15s linear;opacity:0} .fade.show{opacity:1}
.modal{position:fixed;top:0;left:0;right:0;bottom:0;z-index:1050;overflow-x:hidden;overflow-y:auto;outline:0}
.modal-dialog{position:relative;width:auto;max-width:500px;margin:30px auto}
.modal.fade .modal-dialog{transition:transform .3s ease-out;transform:translate(0,-25%)} .modal.show .modal-dialog{transform:translate(0,0)}
.modal-content{position:relative;display:flex;flex-direction:column;background:#fff;border:1px solid rgba(0,0,0,.2);border-radius:.3rem}
.modal-header,.modal-footer{display:flex;align-items:center;padding:15px} .modal-header{justify-content:space-between;border-bottom:1px solid #eceeef}
.modal-footer{justify-content:flex-end;border-top:1px solid #eceeef} .modal-footer>*{margin-left:.25rem} .modal-body{padding:15px}
.modal-title{margin:0;font-size:1.25rem} .close{background:transparent;border:0;font-size:1.5rem;font-weight:700;line-height:1;opacity:.5;cursor:pointer}
.modal-backdrop{position:fixed;top:0;right:0;bottom:0;left:0;z-index:1040;background:#000} .modal-backdrop.fade{opacity:0} .modal-backdrop.show{opacity:.5}
.form-group{margin-bottom:1rem} .form-control{display:block;width:100%;padding:.5rem .75rem;font-size:1rem;border:1px solid rgba(0,0,0,.15);border-radius:.25rem}
.form-control-label{display:block;margin-bottom:.5rem}
.sweet-overlay{background:rgba(0,0,0,.4);position:fixed;left:0;right:0;top:0;bottom:0;z-index:10000}
.sweet-alert{background:#fff;width:478px;padding:17px;border-radius:5px;text-align:center;position:fixed;left:50%;top:50%;margin-left:-256px;margin-top:-200px;z-index:99999;display:none}
.sweet-alert.showSweetAlert{animation:showSweetAlert .3s} @keyframes showSweetAlert{0%{transform:scale(.7)}45%{transform:scale(1.05)}80%{transform:scale(.95)}100%{transform:scale(1)}}
.sweet-alert h2{color:#575757;font-size:30px;margin:25px 0} .sweet-alert p{color:#797979;font-size:16px}
.sweet-alert button{background:#8CD4F5;color:#fff;border:0;border-radius:5px;font-size:17px;padding:10px 32px;margin:26px 5px 0;cursor:pointer}
.sa-icon.sa-success{width:80px;height:80px;border:4px solid #A5DC86;border-radius:50%;margin:20px auto}
`

// dbBootstrapJS is the part of Bootstrap 4's script the store uses: modals (data-toggle,
// data-dismiss, a click on the backdrop area, Escape) with their transitions, and the carousel
// sliding by itself.
const dbBootstrapJS = `(function () {
  const T_BACKDROP = 150, T_MODAL = 300;
  const state = {};
  function backdrop(show, done) {
    let bd = document.querySelector('.modal-backdrop');
    if (show) {
      if (!bd) { bd = document.createElement('div'); bd.className = 'modal-backdrop fade'; document.body.appendChild(bd); }
      void bd.offsetWidth; bd.classList.add('show'); setTimeout(done, T_BACKDROP);
    } else if (bd) {
      bd.classList.remove('show'); setTimeout(() => { bd.remove(); done && done(); }, T_BACKDROP);
    } else if (done) done();
  }
  window.$modal = function (id, action) {
    const m = document.getElementById(id);
    if (!m) return;
    if (action === 'show') {
      if (state[id] === 'shown' || state[id] === 'showing') return;
      state[id] = 'showing';
      document.body.classList.add('modal-open');
      backdrop(true, () => {
        m.style.display = 'block'; m.removeAttribute('aria-hidden'); m.setAttribute('aria-modal', 'true');
        void m.offsetWidth; m.classList.add('show');
        setTimeout(() => { state[id] = 'shown'; const f = m.querySelector('[autofocus]'); if (f) f.focus(); }, T_MODAL);
      });
    } else {
      if (state[id] !== 'shown' && state[id] !== 'showing') return;
      state[id] = 'hiding';
      m.classList.remove('show');
      setTimeout(() => {
        m.style.display = 'none'; m.setAttribute('aria-hidden', 'true'); m.removeAttribute('aria-modal');
        document.body.classList.remove('modal-open'); state[id] = 'hidden';
        backdrop(false);
      }, T_MODAL);
    }
  };
  document.addEventListener('click', (e) => {
    const t = e.target.closest('[data-toggle="modal"]');
    if (t) { e.preventDefault(); window.$modal(t.getAttribute('data-target').slice(1), 'show'); return; }
    const d = e.target.closest('[data-dismiss="modal"]');
    if (d) { window.$modal(d.closest('.modal').id, 'hide'); return; }
    if (e.target.classList && e.target.classList.contains('modal')) window.$modal(e.target.id, 'hide');
  });
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape') return;
    const m = document.querySelector('.modal.show'); if (m) window.$modal(m.id, 'hide');
  });
  // The carousel slides every 3 s by itself (Bootstrap's default is 5 s), 0.6 s a slide.
  function carousel(c) {
    const items = [...c.querySelectorAll('.carousel-item')], dots = [...c.querySelectorAll('.carousel-indicators li')];
    let i = 0, busy = false;
    function slide(dir) {
      if (busy) return; busy = true;
      const cur = items[i], n = (i + (dir === 'next' ? 1 : items.length - 1)) % items.length, nxt = items[n];
      const order = dir === 'next' ? 'carousel-item-next' : 'carousel-item-prev', side = dir === 'next' ? 'carousel-item-left' : 'carousel-item-right';
      nxt.classList.add(order); void nxt.offsetWidth;
      cur.classList.add(side); nxt.classList.add(side);
      dots[i].classList.remove('active'); dots[n].classList.add('active');
      setTimeout(() => {
        nxt.classList.remove(order, side); nxt.classList.add('active');
        cur.classList.remove('active', side); i = n; busy = false;
      }, 600);
    }
    c.querySelector('.carousel-control-next').addEventListener('click', (e) => { e.preventDefault(); slide('next'); });
    c.querySelector('.carousel-control-prev').addEventListener('click', (e) => { e.preventDefault(); slide('prev'); });
    setInterval(() => slide('next'), 3000);
  }
  document.querySelectorAll('[data-ride="carousel"]').forEach(carousel);
})();
`

// dbIndexJS is the store's own script (the real one is jQuery's $.ajax to api.demoblaze.com).
const dbIndexJS = `function api(path, body) {
  return fetch(path, { method: body === undefined ? 'GET' : 'POST', headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body) }).then((r) => r.json());
}
function getCookie(name) {
  const m = document.cookie.match(new RegExp('(?:^|; )' + name + '=([^;]*)'));
  return m ? decodeURIComponent(m[1]) : '';
}
function setCookie(name, v) { document.cookie = name + '=' + encodeURIComponent(v) + '; path=/'; }
function uuid() { return ([1e7]+-1e3+-4e3+-8e3+-1e11).replace(/[018]/g, (c) => (c ^ crypto.getRandomValues(new Uint8Array(1))[0] & 15 >> c / 4).toString(16)); }
if (!getCookie('user')) setCookie('user', uuid());
// cartOwner is what the API keys a cart by: the token when logged in, the visitor's cookie else.
function cartOwner() { const t = getCookie('tokenp_'); return t ? { cookie: t, flag: true } : { cookie: getCookie('user'), flag: false }; }
function esc(s) { const d = document.createElement('div'); d.textContent = String(s); return d.innerHTML; }

(function checkLogin() {
  const t = getCookie('tokenp_');
  if (!t) return;
  api('/check', { token: t }).then((d) => {
    if (!d.Item) return;
    document.getElementById('login2').style.display = 'none';
    document.getElementById('signin2').style.display = 'none';
    document.getElementById('logout2').style.display = 'block';
    const n = document.getElementById('nameofuser');
    n.textContent = 'Welcome ' + d.Item.username; n.style.display = 'block';
  });
})();

function fillGrid(items) {
  const g = document.getElementById('tbodyid');
  g.innerHTML = '';
  for (const p of items) {
    g.insertAdjacentHTML('beforeend', '<div class="col-lg-4 col-md-6 mb-4"><div class="card h-100">' +
      '<a href="prod.html?idp_=' + p.id + '" class="hrefch"><img class="card-img-top img-fluid" src="' + p.img + '" alt=""></a>' +
      '<div class="card-block"><h4 class="card-title"><a href="prod.html?idp_=' + p.id + '" class="hrefch">' + esc(p.title) + '</a></h4>' +
      '<h5>$' + p.price + '</h5><p class="card-text" id="article">' + esc(p.desc) + '</p></div></div></div>');
  }
}
let lastKey = '';
function loadHome() {
  api('/entries').then((d) => { fillGrid(d.Items); lastKey = d.LastEvaluatedKey.id; });
  document.getElementById('next2').addEventListener('click', () => {
    api('/pagination', { id: lastKey }).then((d) => {
      fillGrid(d.Items);
      document.getElementById('next2').style.display = 'none';
      document.getElementById('prev2').style.display = 'block';
    });
  });
  document.getElementById('prev2').addEventListener('click', () => {
    api('/entries').then((d) => {
      fillGrid(d.Items);
      document.getElementById('prev2').style.display = 'none';
      document.getElementById('next2').style.display = 'block';
    });
  });
}
function byCat(cat) { api('/bycat', { cat: cat }).then((d) => fillGrid(d.Items)); }

function loadProduct() {
  const id = new URLSearchParams(location.search).get('idp_');
  api('/view', { id: id }).then((p) => {
    if (!p.id) return;
    document.getElementById('imgp').innerHTML = '<img src="' + p.img + '" alt="">';
    document.querySelector('.name').textContent = p.title;
    document.querySelector('.price-container').innerHTML = '$' + p.price + ' <small>*includes tax</small>';
    document.querySelector('#more-information p').textContent = p.desc;
    const b = document.querySelector('.btn-success');
    b.setAttribute('onclick', 'addToCart(' + p.id + ')'); b.style.display = 'inline-block';
  });
}
function addToCart(id) {
  api('/addtocart', Object.assign({ id: uuid(), prod_id: id }, cartOwner())).then(() => alert('Product added.'));
}

function showcart() {
  const rows = document.getElementById('tbodyid');
  api('/viewcart', cartOwner()).then((d) => {
    rows.innerHTML = '';
    let total = 0;
    const totalp = document.getElementById('totalp');
    totalp.textContent = '';
    d.Items.forEach((it) => {
      api('/view', { id: it.prod_id }).then((p) => {
        rows.insertAdjacentHTML('beforeend', '<tr class="success"><td><img width="100" height="100" src="' + p.img + '"></td><td>' + esc(p.title) +
          '</td><td>' + p.price + '</td><td><a href="#" onclick="deleteItem(\'' + it.id + '\')">Delete</a></td></tr>');
        total += p.price;
        totalp.textContent = String(total);
      });
    });
  });
}
function deleteItem(id) { api('/deleteitem', { id: id }).then(() => showcart()); }

function logIn() {
  const u = document.getElementById('loginusername').value, pw = document.getElementById('loginpassword').value;
  api('/login', { username: u, password: btoa(pw) }).then((d) => {
    if (d.errorMessage) { alert(d.errorMessage); return; }
    setCookie('tokenp_', d.split('Auth_token: ')[1]);
    window.$modal('logInModal', 'hide');
    window.location.href = 'index.html';
  });
}
function logOut() { document.cookie = 'tokenp_=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT'; window.location.href = 'index.html'; }
function register() {
  const u = document.getElementById('sign-username').value, pw = document.getElementById('sign-password').value;
  api('/signup', { username: u, password: btoa(pw) }).then((d) => {
    if (d && d.errorMessage) { alert(d.errorMessage); return; }
    alert('Sign up successful.');
    window.$modal('signInModal', 'hide');
  });
}
function send() { alert('Thanks for the message!!'); window.$modal('exampleModal', 'hide'); }

function purchaseOrder() {
  const name = document.getElementById('name').value, card = document.getElementById('card').value;
  if (!name || !card) { alert('Please fill out Name and Creditcard.'); return; }
  const total = document.getElementById('totalp').textContent || '0', now = new Date();
  const text = 'Id: ' + Math.floor(Math.random() * 9000000 + 1000000) + '<br>Amount: ' + total + ' USD<br>Card Number: ' + esc(card) +
    '<br>Name: ' + esc(name) + '<br>Date: ' + now.getDate() + '/' + now.getMonth() + '/' + now.getFullYear();
  swal('Thank you for your purchase!', text, () => {
    api('/deletecart', cartOwner()).then(() => { window.location.href = 'index.html'; });
  });
}
// swal is the SweetAlert (v1) box: an overlay, the box growing in, an OK button.
function swal(title, html, then) {
  const o = document.createElement('div'); o.className = 'sweet-overlay'; o.tabIndex = -1;
  const a = document.createElement('div'); a.className = 'sweet-alert showSweetAlert visible'; a.setAttribute('data-animation', 'pop');
  a.innerHTML = '<div class="sa-icon sa-success"></div><h2>' + esc(title) + '</h2><p class="lead text-muted" style="display:block;">' + html + '</p>' +
    '<div class="sa-button-container"><button class="cancel" tabindex="2" style="display:none;">Cancel</button>' +
    '<div class="sa-confirm-button-container"><button class="confirm btn btn-lg btn-primary" tabindex="1" style="display:inline-block;">OK</button></div></div>';
  document.body.appendChild(o); document.body.appendChild(a);
  window.$modal('orderModal', 'hide');
  a.style.display = 'block';
  a.querySelector('.confirm').addEventListener('click', () => {
    a.classList.remove('showSweetAlert', 'visible'); a.style.display = 'none'; o.remove();
    then();
  });
}
`
