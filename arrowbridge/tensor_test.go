package arrowbridge

import (
	"errors"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/arrow/tensor"
	"github.com/ndview/ndview"
)

func TestToTensor(t *testing.T) {
	base := func() *ndview.View[float64] { return arange[float64](3, 4) }
	for _, tc := range []struct {
		name        string
		view        func() *ndview.View[float64]
		strides     []int64
		rowMajor    bool
		colMajor    bool
		zeroCopy    bool
		names       []string
		wantedNames []string
	}{
		{"C", base, []int64{32, 8}, true, false, true, nil, []string{"", ""}},
		{"transposed", func() *ndview.View[float64] { return base().Transpose() }, []int64{8, 32}, false, true, true, []string{"x", "y"}, []string{"x", "y"}},
		{"stepped", func() *ndview.View[float64] { return base().Slice(1, 0, 4, 2) }, []int64{32, 16}, false, false, true, nil, []string{"", ""}},
		{"one row", func() *ndview.View[float64] { return base().Slice(0, 1, 2, 1) }, []int64{32, 8}, true, false, true, nil, []string{"", ""}},
		{"reversed", func() *ndview.View[float64] { return base().Slice(1, 0, 4, -1) }, []int64{32, 8}, true, false, false, nil, []string{"", ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := tc.view()
			tn, err := ToTensor(v, tc.names...)
			if err != nil {
				t.Fatal(err)
			}
			defer tn.Release()
			f, ok := tn.(*tensor.Float64)
			if !ok {
				t.Fatalf("%T, want *tensor.Float64", tn)
			}
			shape := v.Shape()
			if !slices.Equal(f.Shape(), []int64{int64(shape[0]), int64(shape[1])}) || !slices.Equal(f.Strides(), tc.strides) {
				t.Fatalf("shape %v strides %v, want strides %v", f.Shape(), f.Strides(), tc.strides)
			}
			if f.IsRowMajor() != tc.rowMajor || f.IsColMajor() != tc.colMajor || !slices.Equal(f.DimNames(), tc.wantedNames) {
				t.Fatalf("row-major %v col-major %v names %q", f.IsRowMajor(), f.IsColMajor(), f.DimNames())
			}
			if (sliceAddr(f.Float64Values()) == addr(v)) != tc.zeroCopy {
				t.Fatalf("zero copy %v, want %v", !tc.zeroCopy, tc.zeroCopy)
			}
			for idx, x := range v.All() {
				if got := f.Value([]int64{int64(idx[0]), int64(idx[1])}); got != x {
					t.Fatalf("tensor%v = %v, view has %v", idx, got, x)
				}
			}
			back, err := FromTensor[float64](tn)
			if err != nil {
				t.Fatal(err)
			}
			defer back.Release()
			if !ndview.Equal(back, v) || !back.ReadOnly() {
				t.Fatalf("FromTensor gives %v, want %v", back, v)
			}
		})
	}
}

func TestFromTensorLayouts(t *testing.T) {
	mem := memory.NewGoAllocator()
	b := array.NewInt32Builder(mem)
	for i := range 24 {
		b.Append(int32(i))
	}
	arr := b.NewArray()
	defer arr.Release()
	for _, tc := range []struct {
		name     string
		shape    []int64
		strides  []int64
		want     *ndview.View[int32]
		zeroCopy bool
	}{
		{"row-major", []int64{2, 3, 4}, nil, arange[int32](2, 3, 4), true},
		{"col-major", []int64{4, 3, 2}, []int64{4, 16, 48}, arange[int32](2, 3, 4).Transpose(), true},
		{"any order", []int64{3, 2, 4}, []int64{16, 48, 4}, arange[int32](2, 3, 4).Transpose(1, 0, 2), true},
		{"stepped", []int64{2, 2}, []int64{48, 8}, arange[int32](2, 12).Slice(1, 0, 4, 2), false},
		{"broadcast", []int64{3, 2}, []int64{0, 4}, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tn := tensor.New(arr.Data(), tc.shape, tc.strides, nil)
			v, err := FromTensor[int32](tn)
			tn.Release() // the view retains it
			if err != nil {
				t.Fatal(err)
			}
			defer v.Release()
			if tc.want == nil {
				tc.want, _ = ndview.FromSlice([]int32{0, 1, 0, 1, 0, 1}, 3, 2)
			}
			if !ndview.Equal(v, tc.want) || !slices.Equal(v.Shape(), tc.want.Shape()) {
				t.Fatalf("got %v, want %v", v, tc.want)
			}
			if (addr(v) == sliceAddr(arr.(*array.Int32).Int32Values())) != tc.zeroCopy {
				t.Fatalf("zero copy: want %v", tc.zeroCopy)
			}
		})
	}
}

func TestTensorHolds(t *testing.T) {
	// The tensor holds the view's export...
	b := ndview.NewBuffer(6 * 8)
	v, _ := ndview.FromExporter[float64](b, 2, 3)
	vt := v.Transpose()
	tn, err := ToTensor(vt)
	if err != nil {
		t.Fatal(err)
	}
	v.Release()
	vt.Release()
	if err := b.Resize(0); !errors.Is(err, ndview.ErrExported) {
		t.Fatalf("Resize under a live tensor: %v", err)
	}
	tn.Release()
	if err := b.Resize(0); err != nil {
		t.Fatalf("Resize after the tensor is released: %v", err)
	}

	// ...and a view retains the tensor's memory.
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ib := array.NewInt64Builder(mem)
	ib.AppendValues([]int64{1, 2, 3, 4}, nil)
	arr := ib.NewArray()
	ib.Release()
	tn = tensor.New(arr.Data(), []int64{2, 2}, nil, nil)
	arr.Release()
	w, err := FromTensor[int64](tn)
	if err != nil {
		t.Fatal(err)
	}
	tn.Release()
	if mem.CurrentAlloc() == 0 || w.At(1, 1) != 4 {
		t.Fatal("tensor memory freed under a live view")
	}
	w.Release()
}

func TestTensorRefuses(t *testing.T) {
	_, err := ToTensor(arange[float32](2, 2), "one")
	wantErr(t, err, ndview.ErrShape, "ToTensor")
	_, err = ToTensor(ndview.New[complex128](2))
	wantErr(t, err, ndview.ErrFormat, "ToTensor")
	v := arange[float32](2)
	v.Release()
	_, err = ToTensor(v)
	wantErr(t, err, ndview.ErrReleased, "ToTensor")

	tn, _ := ToTensor(arange[float32](2, 2))
	defer tn.Release()
	_, err = FromTensor[float64](tn)
	wantErr(t, err, ndview.ErrFormat, "FromTensor")
	_, err = FromTensor[float32](nil)
	wantErr(t, err, ndview.ErrFormat, "FromTensor")

	// Strides that reach past the buffer.
	mem := memory.NewGoAllocator()
	fb := array.NewFloat32Builder(mem)
	fb.AppendValues([]float32{1, 2, 3, 4}, nil)
	arr := fb.NewArray()
	defer arr.Release()
	bad := tensor.New(arr.Data(), []int64{2, 2}, []int64{16, 4}, nil)
	defer bad.Release()
	_, err = FromTensor[float32](bad)
	wantErr(t, err, ndview.ErrStrides, "FromTensor")
	if !slices.Equal(bad.Shape(), []int64{2, 2}) || bad.DataType() != arrow.PrimitiveTypes.Float32 {
		t.Fatal("tensor changed")
	}
}

func TestTensorZeroD(t *testing.T) {
	v := ndview.New[int16]()
	v.Set(7)
	tn, err := ToTensor(v)
	if err != nil {
		t.Fatal(err)
	}
	defer tn.Release()
	if tn.Len() != 1 || tn.(*tensor.Int16).Int16Values()[0] != 7 {
		t.Fatalf("0-d tensor of %d elements", tn.Len())
	}
	back, err := FromTensor[int16](tn)
	if err != nil {
		t.Fatal(err)
	}
	if back.NDim() != 0 || back.At() != 7 {
		t.Fatalf("0-d view %v", back)
	}
}
