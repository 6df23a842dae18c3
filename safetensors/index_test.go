package safetensors

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ndview/ndview"
)

// shardedCheckpoint writes two shards (with the reference's file names) and returns the
// directory.
func shardedCheckpoint(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	a, _ := ndview.FromSlice([]float32{1, 2, 3, 4}, 2, 2)
	b, _ := ndview.FromSlice([]int64{5, 6})
	c, _ := ndview.FromSlice([]ndview.BFloat16{0x3F80, 0x4000, 0x4040})
	d, _ := ndview.FromSlice([]uint8{7})
	if err := Save(filepath.Join(dir, "model-00001-of-00002.safetensors"), []Tensor{{"layer.0.w", a}, {"layer.0.n", b}}, map[string]string{"format": "pt"}); err != nil {
		t.Fatal(err)
	}
	if err := Save(filepath.Join(dir, "model-00002-of-00002.safetensors"), []Tensor{{"layer.1.w", c}, {"embed", d}}, map[string]string{"format": "np", "shard": "2"}); err != nil {
		t.Fatal(err)
	}
	return dir
}

func writeIndex(t *testing.T, dir, text string) string {
	t.Helper()
	path := filepath.Join(dir, "model.safetensors.index.json")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

const goodIndex = `{
  "metadata": {"total_size": 36, "note": "two shards"},
  "weight_map": {
    "embed": "model-00002-of-00002.safetensors",
    "layer.0.n": "model-00001-of-00002.safetensors",
    "layer.0.w": "./model-00001-of-00002.safetensors",
    "layer.1.w": "model-00002-of-00002.safetensors"
  }
}`

func TestSharded(t *testing.T) {
	dir := shardedCheckpoint(t)
	f, err := Open(writeIndex(t, dir, goodIndex))
	if err != nil {
		t.Fatal(err)
	}
	// Shard order (file names), then data-offset order in each (I64 before F32; BF16 before U8).
	if got, want := f.Names(), []string{"layer.0.n", "layer.0.w", "layer.1.w", "embed"}; !slices.Equal(got, want) {
		t.Errorf("Names = %v, want %v", got, want)
	}
	md := f.Metadata()
	if want := map[string]string{"total_size": "36", "note": "two shards", "format": "pt", "shard": "2"}; !maps.Equal(md, want) {
		t.Errorf("Metadata = %v, want %v", md, want)
	}
	info, err := f.Info("layer.1.w")
	if err != nil || info.DType != "BF16" || info.Offsets != [2]int64{0, 6} {
		t.Errorf("Info = %+v, %v", info, err)
	}
	w, err := View[float32](f, "layer.0.w")
	if err != nil || !slices.Equal(w.ToSlice(), []float32{1, 2, 3, 4}) {
		t.Fatalf("View = %v, %v", w, err)
	}
	h, err := View[ndview.BFloat16](f, "layer.1.w")
	if err != nil || !slices.Equal(h.ToSlice(), []ndview.BFloat16{0x3F80, 0x4000, 0x4040}) {
		t.Fatalf("View = %v, %v", h, err)
	}
	e, err := Load[uint8](f, "embed")
	if err != nil || e.At(0) != 7 {
		t.Fatalf("Load = %v, %v", e, err)
	}
	// A view of the second shard alone keeps every shard open.
	w.Release()
	if err := f.Close(); !errors.Is(err, ndview.ErrExported) {
		t.Fatalf("Close with a view alive: %v", err)
	}
	n, err := View[int64](f, "layer.0.n") // the first shard was not closed either
	if err != nil || n.At(1) != 6 {
		t.Fatalf("View after a refused Close: %v, %v", n, err)
	}
	n.Release()
	h.Release()
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	for _, s := range f.shards {
		if _, _, err := s.m.Export(); !errors.Is(err, ndview.ErrReleased) {
			t.Errorf("shard %s still open", s.path)
		}
	}
}

func TestShardedRefused(t *testing.T) {
	dir := shardedCheckpoint(t)
	s1, s2 := "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"
	wm := func(pairs ...string) string {
		var b strings.Builder
		b.WriteString(`{"weight_map":{`)
		for i := 0; i < len(pairs); i += 2 {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(`"` + pairs[i] + `":"` + pairs[i+1] + `"`)
		}
		b.WriteString("}}")
		return b.String()
	}
	all := []string{"layer.0.w", s1, "layer.0.n", s1, "layer.1.w", s2, "embed", s2}
	cases := map[string]struct {
		index string
		want  error
	}{
		"escaping path":       {wm(append(all[:6:6], "embed", "../"+s2)...), ndview.ErrFormat},
		"absolute path":       {wm(append(all[:6:6], "embed", filepath.Join(dir, s2))...), ndview.ErrFormat},
		"empty path":          {wm(append(all[:6:6], "embed", "")...), ndview.ErrFormat},
		"missing from shard":  {wm(append(all, "ghost", s1)...), ndview.ErrFormat},
		"not in the index":    {wm(all[:6]...), ndview.ErrFormat},
		"in the wrong shard":  {wm(append(all[:6:6], "embed", s1)...), ndview.ErrFormat},
		"duplicate tensor":    {wm(append(all, "embed", s2)...), ndview.ErrFormat},
		"no weight_map":       {`{"metadata":{}}`, ndview.ErrFormat},
		"weight_map a list":   {`{"weight_map":["a"]}`, ndview.ErrFormat},
		"non-string shard":    {`{"weight_map":{"a":1}}`, ndview.ErrFormat},
		"duplicate key":       {`{"weight_map":{},"weight_map":{}}`, ndview.ErrFormat},
		"not JSON":            {`{"weight_map":`, ndview.ErrFormat},
		"not an object":       {`[]`, ndview.ErrFormat},
		"trailing garbage":    {`{"weight_map":{}} x`, ndview.ErrFormat},
		"invalid utf-8":       {"{\"weight_map\":{\"\xff\":\"a\"}}", ndview.ErrFormat},
		"missing shard":       {wm("a", "model-00003-of-00003.safetensors"), os.ErrNotExist},
		"shard not a tensor":  {wm("a", "model.safetensors.index.json"), ndview.ErrFormat},
		"metadata not object": {`{"metadata":1,"weight_map":{}}`, ndview.ErrFormat},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			f, err := Open(writeIndex(t, dir, c.index))
			if err == nil {
				f.Close()
				t.Fatalf("Open accepted %s", c.index)
			}
			if !errors.Is(err, c.want) || !strings.HasPrefix(err.Error(), "ndview: safetensors.Open") {
				t.Fatalf("Open: %v, want %v", err, c.want)
			}
		})
	}
	// An empty weight_map is an empty checkpoint.
	f, err := Open(writeIndex(t, dir, `{"weight_map":{}}`))
	if err != nil || len(f.Names()) != 0 {
		t.Fatalf("empty index: %v", err)
	}
	f.Close()
}
