package actions_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/smartretry/smartretry/actions"
	"github.com/smartretry/smartretry/retry"
)

func TestWaitStateNames(t *testing.T) {
	for st, name := range map[actions.WaitState]string{actions.Visible: "visible", actions.Hidden: "hidden",
		actions.Attached: "attached", actions.Detached: "detached", actions.Enabled: "enabled"} {
		assert.Equal(t, name, st.String())
		got, err := actions.ParseWaitState(name)
		require.NoError(t, err)
		assert.Equal(t, st, got)
	}
	for in, want := range map[string]actions.WaitState{"gone": actions.Detached, " Hidden ": actions.Hidden, "VISIBLE": actions.Visible} {
		got, err := actions.ParseWaitState(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	_, err := actions.ParseWaitState("shown")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"shown"`)
	assert.Contains(t, err.Error(), "gone")
	assert.Equal(t, "WaitState(9)", actions.WaitState(9).String())
}

// The errors of the everyday actions know their retry type and say what happened.
func TestEverydayErrors(t *testing.T) {
	cases := []struct {
		err  error
		typ  retry.ErrorType
		text string
	}{
		{&actions.WaitError{Selector: "#toast", Want: "hidden", Seen: "visible (div#toast)", Waited: 1500e6}, retry.SelectorNotFound,
			`waited 1.5s for "#toast" to be hidden; last seen: visible (div#toast)`},
		{&actions.CheckError{Selector: "#agree", Want: true, Got: "false", Clicks: 3, Reverted: true}, retry.InvalidInput,
			`"#agree": the page reverted it to unchecked after each of 3 clicks`},
		{&actions.CheckError{Selector: "#agree", Want: false, Got: "true", Clicks: 3}, retry.InvalidInput,
			`"#agree" stayed checked after 3 clicks: the page ignores the click`},
		{&actions.ScrollError{Selector: ".item", Want: 100, Reached: 40, Waited: 9e9}, retry.SelectorNotFound,
			`".item": 40 of 100 elements after scrolling for 9s, and the list was still growing`},
		{&actions.ArgError{Action: "scroll", Detail: "give a distance"}, retry.InvalidInput, "give a distance"},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.typ, retry.Classify(tc.err), "%T", tc.err)
		assert.Equal(t, tc.text, tc.err.Error())
	}
	assert.True(t, errors.Is(&actions.ArgError{}, retry.ErrPermanent))
}

func TestWaitStateText(t *testing.T) {
	var v struct {
		State actions.WaitState `json:"state"`
	}
	require.NoError(t, json.Unmarshal([]byte(`{"state":"gone"}`), &v))
	assert.Equal(t, actions.Detached, v.State)
	out, err := json.Marshal(v)
	require.NoError(t, err)
	assert.JSONEq(t, `{"state":"detached"}`, string(out))
	assert.Error(t, json.Unmarshal([]byte(`{"state":"shown"}`), &v))
	_, err = json.Marshal(struct{ S actions.WaitState }{actions.WaitState(7)})
	assert.Error(t, err)
}
