package arrowbridge

import (
	"encoding/binary"
	"errors"
	"math"
	"runtime"
	"runtime/debug"
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
		{"stepped", []int64{2, 2}, []int64{48, 8}, arange[int32](2, 12).Slice(1, 0, 4, 2), true},
		{"stepped inside", []int64{3, 2}, []int64{16, 8}, arange[int32](3, 4).Slice(1, 0, 4, 2), true},
		{"stepped, transposed", []int64{2, 3}, []int64{8, 16}, arange[int32](3, 4).Slice(1, 0, 4, 2).Transpose(), true},
		{"broadcast", []int64{3, 2}, []int64{0, 4}, nil, true},
		{"broadcast inside", []int64{2, 3, 2}, []int64{48, 0, 4}, broadcastRows(), true},
		{"one element", []int64{2, 1, 3}, []int64{0, 0, 0}, ndview.New[int32](2, 1, 3), true},
		{"overlapping", []int64{3, 2}, []int64{4, 4}, window(), false},
		{"block past the buffer", []int64{3, 2}, []int64{44, 4}, arange[int32](3, 11).Slice(1, 0, 2, 1), false},
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

// broadcastRows is rows 0 and 12 of 0, 1, ... (pairs) each repeated 3 times: (2, 3, 2).
func broadcastRows() *ndview.View[int32] {
	v, _ := ndview.FromSlice([]int32{0, 1, 0, 1, 0, 1, 12, 13, 12, 13, 12, 13}, 2, 3, 2)
	return v
}

// window is the sliding window of width 2 over 0, 1, 2, 3.
func window() *ndview.View[int32] {
	v, _ := ndview.FromSlice([]int32{0, 1, 1, 2, 2, 3}, 3, 2)
	return v
}

// TestFromTensorHugeBroadcast views tensors of far more elements than memory holds (zero
// strides over a few elements) without copying, and refuses to copy a huge layout it cannot
// view, with ErrOverflow rather than an allocation that kills the process.
func TestFromTensorHugeBroadcast(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(64 << 20))
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	b := array.NewFloat64Builder(mem)
	b.AppendValues([]float64{7, 8, 9}, nil)
	arr := b.NewArray()
	b.Release()
	values := arr.(*array.Float64).Float64Values()
	var views []*ndview.View[float64]
	for _, tc := range []struct {
		name           string
		shape, strides []int64
		at             [][]int
		want           []float64
	}{
		{"2^40 of one element", []int64{1 << 40}, []int64{0}, [][]int{{0}, {1<<40 - 1}, {123456789}}, []float64{7, 7, 7}},
		{"2^40 rows of one row", []int64{1 << 40, 3}, []int64{0, 8}, [][]int{{0, 0}, {1 << 39, 2}, {1<<40 - 1, 1}}, []float64{7, 9, 8}},
		{"2^20 x 2^30 columns", []int64{3, 1 << 20, 1 << 30}, []int64{8, 0, 0}, [][]int{{2, 1 << 19, 5}, {1, 0, 1<<30 - 1}}, []float64{9, 8}},
	} {
		tn := tensor.New(arr.Data(), tc.shape, tc.strides, nil)
		v, err := FromTensor[float64](tn)
		tn.Release() // the view retains it
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		views = append(views, v)
		if len(v.Shape()) != len(tc.shape) || !v.ReadOnly() || addr(v) != sliceAddr(values) {
			t.Fatalf("%s: shape %v, read-only %v, zero copy %v", tc.name, v.Shape(), v.ReadOnly(), addr(v) == sliceAddr(values))
		}
		for k, st := range v.Strides() {
			if v.Shape()[k] != int(tc.shape[k]) || int64(st) != tc.strides[k] {
				t.Fatalf("%s: shape %v strides %v, want %v %v", tc.name, v.Shape(), v.Strides(), tc.shape, tc.strides)
			}
		}
		for i, idx := range tc.at {
			if got := v.At(idx...); got != tc.want[i] {
				t.Fatalf("%s: v%v = %v, want %v", tc.name, idx, got, tc.want[i])
			}
		}
	}

	// Overlapping axes cannot be composed from a C-contiguous view: a copy, refused.
	tn := tensor.New(arr.Data(), []int64{1 << 30, 2, 2}, []int64{0, 8, 8}, nil)
	_, err := FromTensor[float64](tn)
	tn.Release()
	wantErr(t, err, ndview.ErrOverflow, "FromTensor")

	arr.Release()
	if mem.CurrentAlloc() == 0 {
		t.Fatal("the tensor's memory was freed under its views")
	}
	for _, v := range views {
		v.Release()
	}
	mem.AssertSize(t, 0)
}

// TestCopiesOverMemoryLimit asks the bridge for copies of views whose size is virtual (a
// broadcast row): they are refused with ErrOverflow before anything is allocated.
func TestCopiesOverMemoryLimit(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(64 << 20))
	row := arange[float32](4)
	huge, err := ndview.BroadcastTo(row, 1<<40, 4) // 16 TiB as a copy
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = ToColumn(huge)
	wantErr(t, err, ndview.ErrOverflow, "ToColumn")
	rows, err := ndview.BroadcastTo(row, 1<<20, 1<<20, 4) // rows of 2^22 elements
	if err != nil {
		t.Fatal(err)
	}
	_, err = ToColumn(rows)
	wantErr(t, err, ndview.ErrOverflow, "ToColumn")
	_, err = ToTensor(huge.Slice(1, 0, 4, -1)) // a negative stride: copied
	wantErr(t, err, ndview.ErrOverflow, "ToTensor")
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
		t.Fatalf("refusing the copies allocated %d bytes", grew)
	}

	// Zero strides need no copy for a tensor: the tensor is the broadcast.
	tn, err := ToTensor(huge)
	if err != nil {
		t.Fatal(err)
	}
	defer tn.Release()
	if f := tn.(*tensor.Float32); f.Len() != 1<<42 || f.Value([]int64{1 << 39, 3}) != 3 {
		t.Fatalf("tensor of %d elements", f.Len())
	}
	back, err := FromTensor[float32](tn)
	if err != nil {
		t.Fatal(err)
	}
	defer back.Release()
	if back.At(1<<40-1, 2) != 2 || !slices.Equal(back.Strides(), []int{0, 4}) {
		t.Fatalf("FromTensor of the broadcast: strides %v", back.Strides())
	}
}

// TestFromTensorMisaligned views a tensor over a buffer not aligned for its elements (which
// Arrow's allocators never give, other producers might): a copy, in any layout.
func TestFromTensorMisaligned(t *testing.T) {
	raw := make([]byte, 1+6*8)
	for i := range 6 {
		binary.LittleEndian.PutUint64(raw[1+8*i:], math.Float64bits(float64(i)))
	}
	buf := memory.NewBufferBytes(raw[1:]) // 8-byte elements at an odd address
	data := array.NewData(arrow.PrimitiveTypes.Float64, 6, []*memory.Buffer{nil, buf}, nil, 0, 0)
	defer data.Release()
	for _, tc := range []struct {
		name           string
		shape, strides []int64
		want           []float64
	}{
		{"C", []int64{2, 3}, nil, []float64{0, 1, 2, 3, 4, 5}},
		{"transposed", []int64{3, 2}, []int64{8, 24}, []float64{0, 3, 1, 4, 2, 5}},
		{"broadcast", []int64{2, 2}, []int64{0, 8}, []float64{0, 1, 0, 1}},
		{"0-d", nil, nil, []float64{0}},
	} {
		tn := tensor.New(data, tc.shape, tc.strides, nil)
		v, err := FromTensor[float64](tn)
		tn.Release()
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if v.NDim() != len(tc.shape) || !v.ReadOnly() {
			t.Fatalf("%s: shape %v, read-only %v", tc.name, v.Shape(), v.ReadOnly())
		}
		equalValues(t, v, tc.want)
		v.Release()
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
