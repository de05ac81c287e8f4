package actions_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
)

// Input masks format what is typed as it comes. The field holds the value a person meant, so
// Fill succeeds; a page that drops part of it still fails, saying so.
func TestFillIntoInputMasks(t *testing.T) {
	srv := servePages(t, map[string]string{"/": `<input id="phone"><input id="card"><input id="code"><input id="short">
<script>
phone.addEventListener('input', () => {
  const d = phone.value.replace(/\D/g, '').slice(0, 10);
  phone.value = d.length > 6 ? '(' + d.slice(0, 3) + ') ' + d.slice(3, 6) + '-' + d.slice(6) : d.length > 3 ? '(' + d.slice(0, 3) + ') ' + d.slice(3) : d;
});
card.addEventListener('input', () => { card.value = card.value.replace(/\D/g, '').replace(/(\d{4})(?=\d)/g, '$1 '); });
code.addEventListener('input', () => { code.value = code.value.toUpperCase(); });
short.addEventListener('input', () => { short.value = short.value.replace(/\D/g, '').slice(0, 4); });
</script>`})
	s, _ := newSession(t, actions.WithTimeout(attemptUnderLoad))
	ctx := ctxT(t)
	_, err := s.Navigate(ctx, srv.URL+"/")
	require.NoError(t, err)
	for _, c := range []struct{ sel, typed, held string }{
		{"#phone", "5551234567", "(555) 123-4567"},
		{"#card", "4111111111111111", "4111 1111 1111 1111"},
		{"#code", "ab-12cd", "AB-12CD"},
	} {
		require.NoError(t, s.Fill(ctx, c.sel, c.typed), c.sel)
		v, err := s.Value(ctx, c.sel)
		require.NoError(t, err)
		assert.Equal(t, c.held, v, c.sel)
	}
	err = s.Fill(ctx, "#short", "123456")
	var fe *actions.FillError
	require.True(t, errors.As(err, &fe), "%T: %v", err, err)
	assert.Equal(t, 4, fe.GotLen)
}
