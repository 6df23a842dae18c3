package arrowbridge

import (
	"errors"
	"runtime"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/extensions"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/ndview/ndview"
)

// values returns the primitive values of a tensor or FixedSizeList column.
func values(t *testing.T, col arrow.Array) arrow.Array {
	t.Helper()
	if ext, ok := col.(array.ExtensionArray); ok {
		col = ext.Storage()
	}
	fsl, ok := col.(*array.FixedSizeList)
	if !ok {
		t.Fatalf("%T is not a FixedSizeList", col)
	}
	return fsl.ListValues()
}

func TestToColumnLayouts(t *testing.T) {
	base := func() *ndview.View[float32] { return arange[float32](4, 3, 5) }
	for _, tc := range []struct {
		name     string
		view     func() *ndview.View[float32]
		shape    []int // the type's physical shape
		perm     []int
		zeroCopy bool
	}{
		{"C-contiguous", base, []int{3, 5}, nil, true},
		{"rows sliced", func() *ndview.View[float32] { return base().Slice(0, 1, 3, 1) }, []int{3, 5}, nil, true},
		{"permuted", func() *ndview.View[float32] { return base().Transpose(0, 2, 1) }, []int{3, 5}, []int{1, 0}, true},
		{"permuted rows sliced", func() *ndview.View[float32] { return base().Transpose(0, 2, 1).Slice(0, 2, 4, 1) }, []int{3, 5}, []int{1, 0}, true},
		{"rows stepped", func() *ndview.View[float32] { return base().Slice(0, 0, 4, 2) }, []int{3, 5}, nil, false},
		{"reversed", func() *ndview.View[float32] { return base().Slice(2, 0, 5, -1) }, []int{3, 5}, nil, false},
		{"rows not outermost", func() *ndview.View[float32] { return base().Transpose(1, 0, 2) }, []int{4, 5}, nil, false},
		{"inner sliced", func() *ndview.View[float32] { return base().Slice(2, 0, 4, 1) }, []int{3, 4}, nil, false},
		{"one row", func() *ndview.View[float32] { return base().Slice(0, 3, 4, 1).Transpose(0, 2, 1) }, []int{3, 5}, []int{1, 0}, true},
		{"no rows", func() *ndview.View[float32] { return base().Slice(0, 2, 2, 1) }, []int{3, 5}, nil, true},
		{"2-D", func() *ndview.View[float32] { return arange[float32](6, 7) }, []int{7}, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := tc.view()
			col, err := ToColumn(v)
			if err != nil {
				t.Fatal(err)
			}
			defer col.Release()
			tt := col.DataType().(*TensorType)
			if !slices.Equal(tt.Shape(), tc.shape) || !slices.Equal(tt.Permutation(), tc.perm) {
				t.Fatalf("shape %v permutation %v, want %v %v", tt.Shape(), tt.Permutation(), tc.shape, tc.perm)
			}
			if !slices.Equal(tt.LogicalShape(), v.Shape()[1:]) || col.Len() != v.Len() {
				t.Fatalf("logical shape %v and %d rows for a view of shape %v", tt.LogicalShape(), col.Len(), v.Shape())
			}
			vals := values(t, col).(*array.Float32).Float32Values()
			if len(vals) != v.Size() {
				t.Fatalf("%d values for %d elements", len(vals), v.Size())
			}
			if v.Size() > 0 && (sliceAddr(vals) == addr(v)) != tc.zeroCopy {
				t.Fatalf("zero copy: %v, want %v", sliceAddr(vals) == addr(v), tc.zeroCopy)
			}
			back, err := FromColumn[float32](col)
			if err != nil {
				t.Fatal(err)
			}
			defer back.Release()
			if !ndview.Equal(back, v) || !slices.Equal(back.Shape(), v.Shape()) || !back.ReadOnly() {
				t.Fatalf("FromColumn gives %v, want %v", back, v)
			}
			if v.Size() > 0 && addr(back) != sliceAddr(vals) {
				t.Fatal("FromColumn copied")
			}
		})
	}
}

func TestToColumnSpecExample(t *testing.T) {
	// The specification's permuted example in small: physical shape [2, 3, 4] with
	// permutation [2, 0, 1] is the logical shape [4, 2, 3].
	base := arange[int16](5, 2, 3, 4)
	v := base.Transpose(0, 3, 1, 2)
	col, err := ToColumn(v, "W", "C", "H")
	if err != nil {
		t.Fatal(err)
	}
	defer col.Release()
	tt := col.DataType().(*TensorType)
	if got := tt.Serialize(); got != `{"shape":[2,3,4],"permutation":[2,0,1],"dim_names":["C","H","W"]}` {
		t.Fatalf("metadata %s", got)
	}
	back, err := FromColumn[int16](col)
	if err != nil {
		t.Fatal(err)
	}
	defer back.Release()
	if !ndview.Equal(back, v) || !slices.Equal(back.Strides(), v.Strides()) {
		t.Fatalf("strides %v, want %v", back.Strides(), v.Strides())
	}
}

func TestToColumnElementTypes(t *testing.T) {
	check := func(t *testing.T, want arrow.DataType, got arrow.Array) {
		t.Helper()
		defer got.Release()
		if vt := got.DataType().(*TensorType).ValueType(); !arrow.TypeEqual(vt, want) {
			t.Fatalf("value type %s, want %s", vt, want)
		}
	}
	type celsius float64
	for name, f := range map[string]func(t *testing.T){
		"int8":    func(t *testing.T) { c, _ := ToColumn(arange[int8](2, 2)); check(t, arrow.PrimitiveTypes.Int8, c) },
		"int16":   func(t *testing.T) { c, _ := ToColumn(arange[int16](2, 2)); check(t, arrow.PrimitiveTypes.Int16, c) },
		"int32":   func(t *testing.T) { c, _ := ToColumn(arange[int32](2, 2)); check(t, arrow.PrimitiveTypes.Int32, c) },
		"int64":   func(t *testing.T) { c, _ := ToColumn(arange[int64](2, 2)); check(t, arrow.PrimitiveTypes.Int64, c) },
		"int":     func(t *testing.T) { c, _ := ToColumn(arange[int](2, 2)); check(t, arrow.PrimitiveTypes.Int64, c) },
		"uint8":   func(t *testing.T) { c, _ := ToColumn(arange[uint8](2, 2)); check(t, arrow.PrimitiveTypes.Uint8, c) },
		"uint16":  func(t *testing.T) { c, _ := ToColumn(arange[uint16](2, 2)); check(t, arrow.PrimitiveTypes.Uint16, c) },
		"uint32":  func(t *testing.T) { c, _ := ToColumn(arange[uint32](2, 2)); check(t, arrow.PrimitiveTypes.Uint32, c) },
		"uint64":  func(t *testing.T) { c, _ := ToColumn(arange[uint64](2, 2)); check(t, arrow.PrimitiveTypes.Uint64, c) },
		"uintptr": func(t *testing.T) { c, _ := ToColumn(arange[uintptr](2, 2)); check(t, arrow.PrimitiveTypes.Uint64, c) },
		"float32": func(t *testing.T) { c, _ := ToColumn(arange[float32](2, 2)); check(t, arrow.PrimitiveTypes.Float32, c) },
		"float64": func(t *testing.T) { c, _ := ToColumn(arange[float64](2, 2)); check(t, arrow.PrimitiveTypes.Float64, c) },
		"named":   func(t *testing.T) { c, _ := ToColumn(arange[celsius](2, 2)); check(t, arrow.PrimitiveTypes.Float64, c) },
	} {
		t.Run(name, f)
	}
}

func TestFloat16(t *testing.T) {
	v := ndview.New[ndview.Float16](3, 2, 2)
	i := 0
	for run := range v.Runs() {
		for k := range run {
			run[k] = ndview.ToFloat16(float32(i) - 2.5)
			i++
		}
	}
	col, err := ToColumn(v)
	if err != nil {
		t.Fatal(err)
	}
	defer col.Release()
	vals, ok := values(t, col).(*array.Float16)
	if !ok {
		t.Fatalf("values are %T, not Arrow float16", values(t, col))
	}
	if vals.Len() != 12 || vals.Value(5).Float32() != 2.5 {
		t.Fatalf("Arrow float16 values %v", vals)
	}
	back, err := FromColumn[ndview.Float16](col)
	if err != nil {
		t.Fatal(err)
	}
	if !ndview.Equal(back, v) {
		t.Fatalf("FromColumn: %v, want %v", back, v)
	}
	back.Release()
	if _, err := FromColumn[uint16](col); !errors.Is(err, ndview.ErrFormat) {
		t.Fatalf("FromColumn[uint16] of float16: %v", err)
	}
	if _, err := ToColumn(ndview.New[ndview.BFloat16](2, 2)); !errors.Is(err, ndview.ErrFormat) {
		t.Fatalf("ToColumn of BFloat16: %v", err)
	}
}

func TestToColumnRefuses(t *testing.T) {
	_, err := ToColumn(ndview.New[float32]()) // 0-d; 1-D views are primitive columns
	wantErr(t, err, ndview.ErrShape, "ToColumn")
	_, err = ToColumn(ndview.New[float32](3, 0, 2))
	wantErr(t, err, ndview.ErrShape, "ToColumn")
	_, err = ToColumn(arange[float32](2, 3), "a", "b")
	wantErr(t, err, ndview.ErrShape, "ToColumn")
	_, err = ToColumn(ndview.New[complex128](2, 3))
	wantErr(t, err, ndview.ErrFormat, "ToColumn")
	_, err = ToColumn(ndview.New[complex64](2, 3))
	wantErr(t, err, ndview.ErrFormat, "ToColumn")
	v := arange[float32](2, 3)
	v.Release()
	_, err = ToColumn(v)
	wantErr(t, err, ndview.ErrReleased, "ToColumn")
	// 1<<16 × 1<<15 elements per tensor: more than a FixedSizeList holds. The view is a
	// broadcast of one byte (zero strides), so nothing that large is allocated.
	big, err := ndview.NewStrided[uint8](make([]byte, 1), 0, []int{1, 1 << 16, 1 << 15}, []int{0, 0, 0})
	if err != nil {
		t.Fatal(err)
	}
	_, err = ToColumn(big)
	wantErr(t, err, ndview.ErrOverflow, "ToColumn")
}

// TestColumnHoldsExport is the contract of holds: memory handed to Arrow is never resized
// while Arrow references it, whatever becomes of the view.
func TestColumnHoldsExport(t *testing.T) {
	for name, derive := range map[string]func(*ndview.View[float32]) *ndview.View[float32]{
		"contiguous": func(v *ndview.View[float32]) *ndview.View[float32] { return v.AsReadOnly() },
		"permuted":   func(v *ndview.View[float32]) *ndview.View[float32] { return v.Transpose(0, 2, 1) },
	} {
		t.Run(name, func(t *testing.T) {
			b := ndview.NewBuffer(4 * 3 * 5 * 4)
			v, err := ndview.FromExporter[float32](b, 4, 3, 5)
			if err != nil {
				t.Fatal(err)
			}
			w := derive(v)
			v.Release()
			col, err := ToColumn(w)
			if err != nil {
				t.Fatal(err)
			}
			if sliceAddr(values(t, col).(*array.Float32).Float32Values()) != sliceAddr(b.Bytes()) {
				t.Fatal("not zero copy")
			}
			w.Release()
			if err := b.Resize(8); !errors.Is(err, ndview.ErrExported) {
				t.Fatalf("Resize while Arrow holds the column: %v", err)
			}
			// Arrow's own references count: a slice of the column, retained elsewhere.
			sl := array.NewSlice(col, 1, 3)
			col.Release()
			if err := b.Resize(8); !errors.Is(err, ndview.ErrExported) {
				t.Fatalf("Resize while Arrow holds a slice of the column: %v", err)
			}
			sl.Release()
			if err := b.Resize(8); err != nil {
				t.Fatalf("Resize after Arrow released the column: %v", err)
			}
		})
	}
}

func TestColumnDroppedGivesExportBack(t *testing.T) {
	b := ndview.NewBuffer(64)
	func() {
		v, _ := ndview.FromExporter[float32](b, 4, 4)
		defer v.Release()
		if _, err := ToColumn(v); err != nil { // dropped without Release
			t.Fatal(err)
		}
	}()
	eventually(t, "giving back the export of a dropped column", func() bool { return b.Exports() == 0 })
}

// TestFromColumnRetains checks that a view of Arrow memory keeps that memory allocated
// after the column is released, and gives it back when released itself.
func TestFromColumnRetains(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	lb := array.NewFixedSizeListBuilder(mem, 3, arrow.PrimitiveTypes.Int32)
	vb := lb.ValueBuilder().(*array.Int32Builder)
	for i := range 4 {
		lb.Append(true)
		vb.AppendValues([]int32{int32(3 * i), int32(3*i + 1), int32(3*i + 2)}, nil)
	}
	col := lb.NewArray()
	lb.Release()
	v, err := FromColumn[int32](col)
	if err != nil {
		t.Fatal(err)
	}
	col.Release()
	if mem.CurrentAlloc() == 0 {
		t.Fatal("the column's memory was freed under a live view")
	}
	w := v.Slice(0, 1, 3, 1) // derived views hold it too
	v.Release()
	if mem.CurrentAlloc() == 0 || w.At(1, 2) != 8 {
		t.Fatal("the column's memory was freed under a live derived view")
	}
	equalValues(t, w, []int32{3, 4, 5, 6, 7, 8})
	w.Release()
}

func TestFromColumnKinds(t *testing.T) {
	mem := memory.NewGoAllocator()
	t.Run("primitive", func(t *testing.T) {
		b := array.NewFloat64Builder(mem)
		b.AppendValues([]float64{1, 2, 3, 4}, nil)
		col := b.NewArray()
		defer col.Release()
		v, err := FromColumn[float64](array.NewSlice(col, 1, 4))
		if err != nil {
			t.Fatal(err)
		}
		defer v.Release()
		if !slices.Equal(v.Shape(), []int{3}) {
			t.Fatalf("shape %v", v.Shape())
		}
		equalValues(t, v, []float64{2, 3, 4})
	})
	t.Run("nested FixedSizeList", func(t *testing.T) {
		inner := arrow.FixedSizeListOf(2, arrow.PrimitiveTypes.Uint16)
		lb := array.NewFixedSizeListBuilder(mem, 3, inner)
		ib := lb.ValueBuilder().(*array.FixedSizeListBuilder)
		vb := ib.ValueBuilder().(*array.Uint16Builder)
		for i := range 4 {
			lb.Append(true)
			for j := range 3 {
				ib.Append(true)
				vb.AppendValues([]uint16{uint16(6*i + 2*j), uint16(6*i + 2*j + 1)}, nil)
			}
		}
		col := lb.NewArray()
		defer col.Release()
		sl := array.NewSlice(col, 1, 3)
		defer sl.Release()
		v, err := FromColumn[uint16](sl)
		if err != nil {
			t.Fatal(err)
		}
		defer v.Release()
		if !slices.Equal(v.Shape(), []int{2, 3, 2}) {
			t.Fatalf("shape %v", v.Shape())
		}
		equalValues(t, v, []uint16{6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17})
	})
	t.Run("tensor slice", func(t *testing.T) {
		base := arange[float64](5, 2, 3)
		col, _ := ToColumn(base.Transpose(0, 2, 1))
		defer col.Release()
		sl := array.NewSlice(col, 2, 4)
		defer sl.Release()
		v, err := FromColumn[float64](sl)
		if err != nil {
			t.Fatal(err)
		}
		defer v.Release()
		want := base.Slice(0, 2, 4, 1).Transpose(0, 2, 1)
		if !ndview.Equal(v, want) || !slices.Equal(v.Shape(), []int{2, 3, 2}) {
			t.Fatalf("got %v, want %v", v, want)
		}
	})
	t.Run("empty", func(t *testing.T) {
		b := array.NewInt8Builder(mem)
		col := b.NewArray()
		defer col.Release()
		v, err := FromColumn[int8](col)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(v.Shape(), []int{0}) {
			t.Fatalf("shape %v", v.Shape())
		}
	})
}

func TestFromColumnRefuses(t *testing.T) {
	mem := memory.NewGoAllocator()
	col, _ := ToColumn(arange[float32](3, 4))
	defer col.Release()
	_, err := FromColumn[float64](col)
	wantErr(t, err, ndview.ErrFormat, "FromColumn")
	_, err = FromColumn[int32](col)
	wantErr(t, err, ndview.ErrFormat, "FromColumn")
	_, err = FromColumn[complex64](col)
	wantErr(t, err, ndview.ErrFormat, "FromColumn")
	_, err = FromColumn[float32](nil)
	wantErr(t, err, ndview.ErrFormat, "FromColumn")

	sb := array.NewStringBuilder(mem)
	sb.AppendValues([]string{"a", "b"}, nil)
	strs := sb.NewArray()
	defer strs.Release()
	_, err = FromColumn[uint8](strs)
	wantErr(t, err, ndview.ErrFormat, "FromColumn")

	lb := array.NewListBuilder(mem, arrow.PrimitiveTypes.Float32)
	lb.Append(true)
	lb.ValueBuilder().(*array.Float32Builder).Append(1)
	lists := lb.NewArray()
	defer lists.Release()
	_, err = FromColumn[float32](lists)
	wantErr(t, err, ndview.ErrFormat, "FromColumn")

	ub := extensions.NewUUIDBuilder(mem)
	ub.AppendNull()
	uuids := ub.NewArray()
	defer uuids.Release()
	_, err = FromColumn[uint8](uuids)
	wantErr(t, err, ndview.ErrFormat, "FromColumn")
}

func TestFromColumnNulls(t *testing.T) {
	mem := memory.NewGoAllocator()
	build := func(rowValid []bool, valueValid []bool) arrow.Array {
		lb := array.NewFixedSizeListBuilder(mem, 2, arrow.PrimitiveTypes.Float32)
		defer lb.Release()
		vb := lb.ValueBuilder().(*array.Float32Builder)
		for i, ok := range rowValid {
			lb.Append(ok)
			vb.AppendValues([]float32{float32(2 * i), float32(2*i + 1)}, valueValid[2*i:2*i+2])
		}
		return lb.NewArray()
	}
	all := []bool{true, true, true, true, true, true}
	rowNull := build([]bool{true, false, true}, all)
	defer rowNull.Release()
	_, err := FromColumn[float32](rowNull)
	wantErr(t, err, ndview.ErrFormat, "FromColumn")
	// The rows around the null one are fine.
	sl := array.NewSlice(rowNull, 2, 3)
	defer sl.Release()
	if v, err := FromColumn[float32](sl); err != nil {
		t.Fatal(err)
	} else {
		equalValues(t, v, []float32{4, 5})
	}

	valueNull := build([]bool{true, true, true}, []bool{true, true, true, false, true, true})
	defer valueNull.Release()
	_, err = FromColumn[float32](valueNull)
	wantErr(t, err, ndview.ErrFormat, "FromColumn")
	sl2 := array.NewSlice(valueNull, 2, 3)
	defer sl2.Release()
	if _, err := FromColumn[float32](sl2); err != nil {
		t.Fatalf("a null outside the slice: %v", err)
	}

	fb := array.NewFloat64Builder(mem)
	fb.AppendValues([]float64{1, 2}, []bool{true, false})
	prim := fb.NewArray()
	defer prim.Release()
	_, err = FromColumn[float64](prim)
	wantErr(t, err, ndview.ErrFormat, "FromColumn")

	nulls := array.NewNull(3)
	defer nulls.Release()
	_, err = FromColumn[float64](nulls)
	wantErr(t, err, ndview.ErrFormat, "FromColumn")
}

// TestFromColumnShortBuffer feeds FromColumn array data whose buffers are shorter than its
// length says, as a damaged or hostile producer could.
func TestFromColumnShortBuffer(t *testing.T) {
	// (arrow-go itself panics on a primitive array whose buffer is short, so only lists
	// longer than their child can reach FromColumn.)
	buf := memory.NewBufferBytes(make([]byte, 40)) // 10 float32; the lists need 12
	short := array.NewData(arrow.PrimitiveTypes.Float32, 10, []*memory.Buffer{nil, buf}, nil, 0, 0)
	defer short.Release()
	lists := array.NewData(arrow.FixedSizeListOf(4, arrow.PrimitiveTypes.Float32), 3, []*memory.Buffer{nil}, []arrow.ArrayData{short}, 0, 0)
	defer lists.Release()
	col := array.NewFixedSizeListData(lists)
	defer col.Release()
	_, err := FromColumn[float32](col)
	wantErr(t, err, ndview.ErrFormat, "FromColumn")
}

// TestZeroCopyAllocs bounds what a round trip of an 8 MiB batch allocates: a copy would
// allocate 8 MiB per call.
func TestZeroCopyAllocs(t *testing.T) {
	for name, v := range map[string]*ndview.View[float32]{
		"C":        ndview.New[float32](128, 128, 128),
		"permuted": ndview.New[float32](128, 128, 128).Transpose(0, 2, 1),
	} {
		t.Run(name, func(t *testing.T) {
			roundTrip := func() {
				col, err := ToColumn(v)
				if err != nil {
					t.Fatal(err)
				}
				w, err := FromColumn[float32](col)
				if err != nil {
					t.Fatal(err)
				}
				col.Release()
				w.Release()
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			allocs := testing.AllocsPerRun(10, roundTrip)
			runtime.ReadMemStats(&after)
			perCall := (after.TotalAlloc - before.TotalAlloc) / 11 // AllocsPerRun runs once more to warm up
			if allocs > 100 || perCall > 64<<10 {
				t.Fatalf("%v allocations and %d bytes per round trip of an 8 MiB batch", allocs, perCall)
			}
		})
	}
}

func TestFromColumnDroppedViewReleases(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	b := array.NewFloat32Builder(mem)
	b.AppendValues([]float32{1, 2, 3}, nil)
	col := b.NewArray()
	b.Release()
	func() {
		v, err := FromColumn[float32](col)
		if err != nil {
			t.Fatal(err)
		}
		_ = v.Slice(0, 1, 3, 1) // derived and dropped too
	}()
	col.Release()
	eventually(t, "releasing the memory of a dropped view", func() bool { return mem.CurrentAlloc() == 0 })
}

// ToColumn of a 1-D view is a primitive array, zero copy when contiguous, that FromColumn
// reads back; a strided one is copied, a 0-d one refused.
func TestToColumnOneDimensional(t *testing.T) {
	ids := arange[int64](6)
	col, err := ToColumn(ids)
	if err != nil {
		t.Fatal(err)
	}
	defer col.Release()
	if col.DataType().ID() != arrow.INT64 || col.Len() != 6 {
		t.Fatalf("column %v of length %d", col.DataType(), col.Len())
	}
	if got := sliceAddr(col.(*array.Int64).Int64Values()); got != addr(ids) {
		t.Errorf("contiguous 1-D view copied: %#x, view at %#x", got, addr(ids))
	}
	back, err := FromColumn[int64](col)
	if err != nil || !ndview.Equal(back, ids) {
		t.Fatalf("FromColumn: %v, %v", back, err)
	}
	back.Release()
	odd := ids.Slice(0, 1, 6, 2)
	c2, err := ToColumn(odd)
	if err != nil {
		t.Fatal(err)
	}
	if got := c2.(*array.Int64).Int64Values(); !slices.Equal(got, []int64{1, 3, 5}) {
		t.Errorf("strided 1-D column %v", got)
	}
	c2.Release()
	_, err = ToColumn(ids, "x")
	wantErr(t, err, ndview.ErrShape, "ToColumn")
	_, err = ToColumn(ndview.New[int64]())
	wantErr(t, err, ndview.ErrShape, "ToColumn")
}
