package gguf_test

import (
	"errors"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/gguf"
)

// gguf builds its errors as every package of the module does: an *ndview.Error whose Op is
// the call as a user writes it (no type parameters; methods as gguf.File.X), and whose
// message reads "ndview: <Op>[ <path>]: ...".
func TestErrorShape(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.gguf")
	v := ndview.New[float32](2, 2)
	if err := gguf.Save(path, []gguf.KV{{Key: "k", Value: uint32(1)}}, []gguf.Tensor{{Name: "a", Data: v}}); err != nil {
		t.Fatal(err)
	}
	f, err := gguf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	kept, _ := gguf.View[float32](f, "a")
	closeErr := f.Close()
	runtime.KeepAlive(kept)
	kept.Release()
	defer f.Close()
	for _, c := range []struct {
		op   string
		path string
		err  error
	}{
		{"gguf.Open", dir, func() error { _, err := gguf.Open(dir); return err }()},
		{"gguf.Open", filepath.Join("testdata", "hostile", "magic_bad.gguf"), func() error { _, err := gguf.Open(filepath.Join("testdata", "hostile", "magic_bad.gguf")); return err }()},
		{"gguf.Open", "", func() error { _, err := gguf.Open(filepath.Join(dir, "missing")); return err }()},
		{"gguf.File.Close", "", closeErr},
		{"gguf.File.Info", "", func() error { _, err := f.Info("nope"); return err }()},
		{"gguf.File.Kind", "", func() error { _, err := f.Kind("nope"); return err }()},
		{"gguf.File.ArrayOf", "", func() error { _, _, err := f.ArrayOf("k"); return err }()},
		{"gguf.Meta", "", func() error { _, err := gguf.Meta[string](f, "k"); return err }()},
		{"gguf.View", "", func() error { _, err := gguf.View[int8](f, "a"); return err }()},
		{"gguf.Blocks", "", func() error { _, err := gguf.Blocks(f, "nope"); return err }()},
		{"gguf.Dequantize", "", func() error { _, err := gguf.Dequantize(f, "nope"); return err }()},
		{"gguf.DequantizeRows", "", gguf.DequantizeRows(ndview.New[float32](3, 3), f, "a", []int{0})},
		{"gguf.Save", path, gguf.Save(path, []gguf.KV{{Key: "k", Value: 1}}, nil)},
		{"gguf.Save", "", gguf.Save(filepath.Join(dir, "no", "x.gguf"), nil, nil)},
	} {
		var e *ndview.Error
		if !errors.As(c.err, &e) {
			t.Errorf("%s: %T %v is not an *ndview.Error", c.op, c.err, c.err)
			continue
		}
		msg := c.err.Error()
		prefix := "ndview: " + c.op
		if c.path != "" {
			prefix += " " + c.path
		}
		if e.Op != c.op || e.Path != c.path || !strings.HasPrefix(msg, prefix+": ") || strings.ContainsAny(e.Op, "[]") {
			t.Errorf("%s: Op %q, Path %q, message %q", c.op, e.Op, e.Path, msg)
		}
		if strings.Count(msg, "ndview:") != 1 {
			t.Errorf("%s: message %q repeats ndview:", c.op, msg)
		}
	}
}
