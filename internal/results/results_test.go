package results

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func readLines(t *testing.T, path string) []Line {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var out []Line
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		var l Line
		require.NoError(t, json.Unmarshal(sc.Bytes(), &l), sc.Text())
		out = append(out, l)
	}
	return out
}

func TestWriteItemThenResume(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.jsonl")
	w, err := Create(path)
	require.NoError(t, err)
	require.NoError(t, w.WriteItem(Line{Item: "a", Status: StatusOK, URL: "http://h/a"}, []map[string]any{{"name": "x"}, {"name": "y"}}))
	require.NoError(t, w.WriteItem(Line{Item: "b", Status: StatusFail, ErrorType: "server_error", Attempts: 4, Reason: "exhausted"}, nil))
	require.NoError(t, w.Close())
	require.NoError(t, w.Close(), "idempotent")

	lines := readLines(t, path)
	require.Len(t, lines, 4)
	assert.Equal(t, Line{Kind: KindRecord, Item: "a", URL: "http://h/a", Data: map[string]any{"name": "x"}}, lines[0])
	assert.Equal(t, KindItem, lines[2].Kind)
	assert.Equal(t, 2, lines[2].Records)
	assert.Equal(t, "server_error", lines[3].ErrorType)

	w, st, err := Resume(path)
	require.NoError(t, err)
	assert.Equal(t, map[string]bool{"a": true}, st.Done)
	assert.Contains(t, st.Failed, "b")
	assert.Equal(t, 2, st.Records)
	assert.Zero(t, st.CutBytes)
	// b succeeds on the rerun: its last line is ok.
	require.NoError(t, w.WriteItem(Line{Item: "b", Status: StatusOK}, []map[string]any{{"name": "z"}}))
	require.NoError(t, w.Close())
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	st, err = ReadState(f)
	require.NoError(t, err)
	assert.Equal(t, map[string]bool{"a": true, "b": true}, st.Done)
	assert.Empty(t, st.Failed)
	assert.Equal(t, 3, st.Records)
}

// A kill -9 can leave any prefix of the last write on disk. Whatever prefix it is, resume keeps
// exactly the complete items and the rerun writes the rest once.
func TestResumeAfterTornWriteAtEveryByte(t *testing.T) {
	dir := t.TempDir()
	full := filepath.Join(dir, "full.jsonl")
	w, err := Create(full)
	require.NoError(t, err)
	require.NoError(t, w.WriteItem(Line{Item: "a", Status: StatusOK}, []map[string]any{{"n": 1.0}}))
	require.NoError(t, w.Close())
	head, err := os.ReadFile(full)
	require.NoError(t, err)

	var second bytes.Buffer
	require.NoError(t, NewWriter(&second).WriteItem(Line{Item: "b", Status: StatusOK}, []map[string]any{{"n": 2.0}, {"n": 3.0}}))
	tail := second.Bytes()

	for cut := 0; cut <= len(tail); cut++ {
		path := filepath.Join(dir, fmt.Sprintf("cut%d.jsonl", cut))
		require.NoError(t, os.WriteFile(path, append(append([]byte{}, head...), tail[:cut]...), 0o644))
		w, st, err := Resume(path)
		require.NoError(t, err)
		bDone := cut == len(tail)
		assert.Equal(t, bDone, st.Done["b"], "cut %d", cut)
		assert.True(t, st.Done["a"])
		if !bDone {
			assert.Equal(t, int64(cut), st.CutBytes, "cut %d", cut)
			require.NoError(t, w.WriteItem(Line{Item: "b", Status: StatusOK}, []map[string]any{{"n": 2.0}, {"n": 3.0}}))
		}
		require.NoError(t, w.Close())

		count := map[string]int{}
		var ns []float64
		for _, l := range readLines(t, path) {
			if l.Kind == KindItem {
				count[l.Item]++
			} else {
				ns = append(ns, l.Data["n"].(float64))
			}
		}
		assert.Equal(t, map[string]int{"a": 1, "b": 1}, count, "cut %d", cut)
		assert.Equal(t, []float64{1, 2, 3}, ns, "cut %d: every record exactly once", cut)
	}
}

func TestReadStateSkipsGarbageAndCutsOrphans(t *testing.T) {
	in := strings.Join([]string{
		`{"kind":"record","item":"a","data":{"x":1}}`,
		`{"kind":"item","item":"a","status":"ok"}`,
		`not json`,
		`{"kind":"item","item":"b","status":"failed","error_type":"rate_limit"}`,
		`{"kind":"record","item":"c","data":{"x":2}}`,
		`{"kind":"rec`,
	}, "\n")
	st, err := ReadState(strings.NewReader(in))
	require.NoError(t, err)
	assert.Equal(t, 1, st.Corrupt)
	assert.Equal(t, map[string]bool{"a": true}, st.Done)
	assert.Equal(t, "rate_limit", st.Failed["b"].ErrorType)
	assert.Equal(t, 1, st.Records)
	assert.Equal(t, int64(len(in)), st.ValidBytes+st.CutBytes)
	assert.Equal(t, int64(len(`{"kind":"record","item":"c","data":{"x":2}}`)+1+len(`{"kind":"rec`)), st.CutBytes)
}

func TestResumeMissingFileStartsEmpty(t *testing.T) {
	w, st, err := Resume(filepath.Join(t.TempDir(), "new.jsonl"))
	require.NoError(t, err)
	defer w.Close()
	assert.Empty(t, st.Done)
}

func TestRedactAndConcurrentWrites(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf, Redact(`hun"ter2`, ""))
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			assert.NoError(t, w.WriteItem(Line{Item: fmt.Sprint(i), Status: StatusFail, Error: `typed hun"ter2 into #x`},
				[]map[string]any{{"v": `hun"ter2`}}))
		}()
	}
	wg.Wait()
	assert.NotContains(t, buf.String(), "ter2")
	st, err := ReadState(&buf)
	require.NoError(t, err)
	assert.Len(t, st.Failed, 20)
	assert.Contains(t, st.Failed["3"].Error, "[redacted]")
	assert.Zero(t, st.CutBytes)
}
