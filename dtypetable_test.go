package ndview_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/internal/dtypes"
	"github.com/ndview/ndview/npy"
	"github.com/ndview/ndview/npz"
	"github.com/ndview/ndview/safetensors"
)

// rowWalks has one walk per typed row of the dtype table, keyed by the row's name. A row
// added without an entry here fails TestEveryRow.
var rowWalks = map[string]func(*testing.T, dtypes.Row){
	"int8": walkRow[int8], "uint8": walkRow[uint8], "int16": walkRow[int16], "uint16": walkRow[uint16],
	"int32": walkRow[int32], "uint32": walkRow[uint32], "int64": walkRow[int64], "uint64": walkRow[uint64],
	"float16": walkRow[ndview.Float16], "bfloat16": walkRow[ndview.BFloat16],
	"float8_e4m3fn": walkRow[ndview.Float8E4M3], "float8_e5m2": walkRow[ndview.Float8E5M2],
	"float32": walkRow[float32], "float64": walkRow[float64],
	"complex64": walkRow[complex64], "complex128": walkRow[complex128],
}

// TestEveryRow walks every element type of the table through the dtype API, Convert, Equal,
// String, the reductions, npy, npz and safetensors and back: each package decides by the
// row, so a new row works everywhere or fails here.
func TestEveryRow(t *testing.T) {
	for _, row := range dtypes.Rows {
		if !row.Class.Typed() {
			continue
		}
		walk, ok := rowWalks[row.Name]
		if !ok {
			t.Errorf("row %s has no walk in rowWalks", row.Name)
			continue
		}
		t.Run(row.Name, func(t *testing.T) { walk(t, row) })
	}
}

func walkRow[T ndview.Elem](t *testing.T, row dtypes.Row) {
	d := ndview.DTypeOf[T]()
	if d.String() != row.Name || d.Code() != row.Code || d.ItemSize() != row.Size() {
		t.Fatalf("DTypeOf: %v %q %d, row %+v", d, d.Code(), d.ItemSize(), row)
	}
	if p, err := ndview.ParseFormat(row.Code); err != nil || p != d {
		t.Errorf("ParseFormat(%q) = %v, %v; want %v", row.Code, p, err, d)
	}
	// The values 0, 1, 2, 3 are exact in every element type.
	src, _ := ndview.FromSlice([]float64{0, 1, 2, 3}, 2, 2)
	v := ndview.AsType[T](src)
	if back := ndview.AsType[float64](v); !ndview.Equal(back, src) {
		t.Errorf("AsType round trip: %v", back)
	}
	if !ndview.Equal(v, v.Clone()) {
		t.Error("Equal of a clone")
	}
	if s := v.String(); s != "[[0 1]\n [2 3]]" && !strings.Contains(s, "(2+0i)") {
		t.Errorf("String: %q", s)
	}
	if got := ndview.AsType[float64](ndview.Sum(v)).At(); got != 6 {
		t.Errorf("Sum = %v", got)
	}
	if d.Kind() != ndview.KindComplex {
		if got := ndview.AsType[float64](ndview.Sum(v, 1)).ToSlice(); got[0] != 1 || got[1] != 5 {
			t.Errorf("Sum along axis 1 = %v", got)
		}
	}
	dir := t.TempDir()
	// npy and npz: the types NumPy has; the others refused with the row's reason.
	p := filepath.Join(dir, "a.npy")
	err := npy.Save(p, v)
	if row.NPY == "" {
		if !errors.Is(err, ndview.ErrFormat) || !strings.Contains(err.Error(), row.NoNPY) {
			t.Errorf("npy.Save of %s: %v, want ErrFormat saying %q", row.Name, err, row.NoNPY)
		}
		if err := npz.Save(filepath.Join(dir, "a.npz"), []string{"a"}, []ndview.Array{v}); !errors.Is(err, ndview.ErrFormat) {
			t.Errorf("npz.Save of %s: %v, want ErrFormat", row.Name, err)
		}
	} else {
		if err != nil {
			t.Fatalf("npy.Save: %v", err)
		}
		w, err := npy.Load[T](p)
		if err != nil || !ndview.Equal(w, v) {
			t.Errorf("npy.Load: %v, %v", w, err)
		}
		zp := filepath.Join(dir, "a.npz")
		if err := npz.Save(zp, []string{"a"}, []ndview.Array{v}); err != nil {
			t.Fatalf("npz.Save: %v", err)
		}
		z, err := npz.Open(zp)
		if err != nil {
			t.Fatal(err)
		}
		if w, err := npz.Load[T](z, "a"); err != nil || !ndview.Equal(w, v) {
			t.Errorf("npz.Load: %v, %v", w, err)
		}
		if err := z.Close(); err != nil {
			t.Fatal(err)
		}
	}
	// safetensors: the types it has.
	sp := filepath.Join(dir, "a.safetensors")
	err = safetensors.Save(sp, []safetensors.Tensor{{Name: "a", Data: v}}, nil)
	if row.Safetensors == "" {
		if !errors.Is(err, ndview.ErrFormat) {
			t.Errorf("safetensors.Save of %s: %v, want ErrFormat", row.Name, err)
		}
		return
	}
	if err != nil {
		t.Fatalf("safetensors.Save: %v", err)
	}
	f, err := safetensors.Open(sp)
	if err != nil {
		t.Fatal(err)
	}
	if info, _ := f.Info("a"); info.DType != row.Safetensors {
		t.Errorf("saved as %s, want %s", info.DType, row.Safetensors)
	}
	w, err := safetensors.View[T](f, "a")
	if err != nil || !ndview.Equal(w, v) {
		t.Errorf("safetensors.View: %v, %v", w, err)
	}
	w.Release()
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
