package snapshot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/smartretry/smartretry/snapshot"
)

// benchPage has 200 interactive elements of every kind, nested in a realistic amount of markup.
func benchPage() string {
	var b strings.Builder
	b.WriteString(`<!doctype html><html><head><title>Catalog</title></head><body><nav id="nav">`)
	for i := 0; i < 18; i++ {
		fmt.Fprintf(&b, `<a href="/c/%d">Category %d</a>`, i, i)
	}
	b.WriteString(`</nav><main><ul class="products">`)
	for i := 0; i < 54; i++ {
		fmt.Fprintf(&b, `<li class="product"><div class="card"><h2 class="name">Product %d</h2><span class="price">$%d</span>
<a class="detail" href="/product/%d">Details</a><button data-testid="add-%d">Add to cart</button><input type="number" name="qty-%d" aria-label="Quantity"></div></li>`, i, i, i, i, i)
	}
	b.WriteString(`</ul><form id="f">`)
	for i := 0; i < 10; i++ {
		fmt.Fprintf(&b, `<label>Field %d <input name="f%d"></label><select><option>a</option></select>`, i, i)
	}
	b.WriteString(`</form></main></body></html>`)
	return b.String()
}

func BenchmarkTake(b *testing.B) {
	srv := serve(b, site{"/": benchPage()})
	p := open(b, srv.URL+"/")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	s, err := snapshot.Take(ctx, p)
	if err != nil {
		b.Fatal(err)
	}
	if len(s.Elements) != 200 {
		b.Fatalf("want 200 elements, got %d", len(s.Elements))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := snapshot.Take(ctx, p); err != nil {
			b.Fatal(err)
		}
	}
}
