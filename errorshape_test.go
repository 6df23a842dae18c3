package ndview_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/gonumbridge"
	"github.com/ndview/ndview/npy"
	"github.com/ndview/ndview/npz"
	"github.com/ndview/ndview/safetensors"
)

// Every package builds its errors the same way: an *ndview.Error whose Op is the call as a
// user writes it (no type parameters), and whose message reads "ndview: <Op>[ <path>]: ...".
func TestErrorShape(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing")
	v3 := ndview.New[float64](2, 2, 2)
	st := filepath.Join(dir, "a.safetensors")
	if err := safetensors.Save(st, []safetensors.Tensor{{Name: "a", Data: v3}}, nil); err != nil {
		t.Fatal(err)
	}
	f, _ := safetensors.Open(st)
	defer f.Close()
	zp := filepath.Join(dir, "a.npz")
	if err := npz.Save(zp, []string{"a"}, []ndview.Array{v3}); err != nil {
		t.Fatal(err)
	}
	z, _ := npz.Open(zp)
	defer z.Close()
	recovered := func(f func()) (err error) {
		defer func() { err, _ = recover().(error) }()
		f()
		return nil
	}
	for _, c := range []struct {
		op  string
		err error
	}{
		{"FromBytes", func() error { _, err := ndview.FromBytes[float64](make([]byte, 3)); return err }()},
		{"Cast", func() error { _, err := ndview.Cast[uint8](v3.Transpose()); return err }()},
		{"ParseFormat", func() error { _, err := ndview.ParseFormat("x"); return err }()},
		{"Buffer.Resize", ndview.NewBuffer(8).Resize(-1)},
		{"MapFile", func() error { _, err := ndview.MapFile(dir, false); return err }()},
		{"Slice", recovered(func() { v3.Slice(0, 0, 9, 1) })},
		{"Fill", recovered(func() { ndview.Fill(v3.AsReadOnly(), 1) })},
		{"Sum", recovered(func() { ndview.Sum(v3, 7) })},
		{"npy.Load", func() error { _, err := npy.Load[float64](missing); return err }()},
		{"npy.Map", func() error { _, err := npy.Map[float64](dir, false); return err }()},
		{"npz.Open", func() error { _, err := npz.Open(dir); return err }()},
		{"npz.Load", func() error { _, err := npz.Load[float64](z, "nope"); return err }()},
		{"npz.Map", func() error { _, err := npz.Map[int8](z, "a"); return err }()},
		{"safetensors.Open", func() error { _, err := safetensors.Open(dir); return err }()},
		{"safetensors.View", func() error { _, err := safetensors.View[float64](f, "nope"); return err }()},
		{"safetensors.Load", func() error { _, err := safetensors.Load[int8](f, "a"); return err }()},
		{"safetensors.File.Info", func() error { _, err := f.Info("nope"); return err }()},
		{"gonumbridge.Dense", func() error { _, err := gonumbridge.Dense(v3); return err }()},
	} {
		var e *ndview.Error
		if !errors.As(c.err, &e) {
			t.Errorf("%s: %T %v is not an *ndview.Error", c.op, c.err, c.err)
			continue
		}
		msg := c.err.Error()
		if e.Op != c.op || !strings.HasPrefix(msg, "ndview: "+c.op) || strings.ContainsAny(e.Op, "[]") {
			t.Errorf("%s: Op %q, message %q", c.op, e.Op, msg)
		}
		if rest := strings.TrimPrefix(msg, "ndview: "+c.op); !strings.HasPrefix(rest, ": ") && !strings.HasPrefix(rest, " ") {
			t.Errorf("%s: message %q does not read ndview: <Op>[ <path>]: ...", c.op, msg)
		}
	}
}
