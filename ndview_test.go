package ndview

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
)

// panics runs f and checks that it panics with an error matching want whose message starts
// with "ndview:".
func panics(t *testing.T, want error, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Fatalf("did not panic, want %v", want)
		}
		err, ok := r.(error)
		if !ok || !errors.Is(err, want) {
			t.Fatalf("panicked with %v, want %v", r, want)
		}
		if !strings.HasPrefix(err.Error(), "ndview: ") {
			t.Fatalf("message %q does not start with ndview:", err)
		}
	}()
	f()
}

// huge is a dimension whose square overflows int, on any word size.
const huge = 1 << (strconv.IntSize - 2)

func iota64(n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = float64(i)
	}
	return s
}

func TestNewStridedAdversarial(t *testing.T) {
	buf := alignedBytes(64) // eight float64s
	tests := []struct {
		name           string
		off            int
		shape, strides []int
		want           error
	}{
		{"ok", 0, []int{2, 4}, []int{32, 8}, nil},
		{"ok reversed", 56, []int{8}, []int{-8}, nil},
		{"ok zero stride", 0, []int{3}, []int{0}, nil},
		{"0-d", 8, nil, nil, nil},
		{"0-d at end", 64, nil, nil, ErrStrides},
		{"empty at end", 64, []int{0}, []int{8}, nil},
		{"empty past end", 72, []int{0}, []int{8}, ErrStrides},
		{"negative offset", -8, []int{1}, []int{8}, ErrStrides},
		{"negative offset empty", -8, []int{0}, []int{8}, ErrStrides},
		{"past end", 8, []int{8}, []int{8}, ErrStrides},
		{"before start", 0, []int{2}, []int{-8}, ErrStrides},
		{"last byte past", 57, []int{1}, []int{8}, ErrStrides},
		{"negative dim", 0, []int{-1}, []int{8}, ErrShape},
		{"mismatched lengths", 0, []int{2, 2}, []int{8}, ErrStrides},
		{"overflowing shape", 0, []int{0, huge, huge}, []int{0, 0, 0}, ErrOverflow},
		{"overflowing stride", 0, []int{3}, []int{math.MaxInt / 2}, ErrOverflow},
		{"overflowing span", 0, []int{2, 2}, []int{math.MaxInt - 8, math.MaxInt - 8}, ErrOverflow},
		{"huge negative stride", 0, []int{2}, []int{math.MinInt}, ErrStrides},
		{"huge negative stride span", 0, []int{3}, []int{math.MinInt}, ErrOverflow},
		{"misaligned offset", 2, []int{2}, []int{8}, ErrMisaligned},
		{"misaligned stride", 0, []int{2}, []int{10}, ErrMisaligned},
		{"length-1 stride unaligned ok", 0, []int{1, 2}, []int{3, 8}, nil},
		{"65 dims", 0, make([]int, 65), make([]int, 65), ErrShape},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := NewStrided[float64](buf, tt.off, tt.shape, tt.strides)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("error %v", err)
				}
				for range v.Values() {
				}
				return
			}
			if !errors.Is(err, tt.want) || v != nil {
				t.Fatalf("got %v, %v; want %v", v, err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "ndview: ") {
				t.Fatalf("message %q", err)
			}
		})
	}
}

func TestOverlapIsReadOnly(t *testing.T) {
	buf := alignedBytes(64)
	for _, tt := range []struct {
		shape, strides []int
		ro             bool
	}{
		{[]int{3}, []int{0}, true},
		{[]int{1}, []int{0}, false},
		{[]int{2, 2}, []int{8, 8}, true},   // (0,1) and (1,0) meet
		{[]int{2, 2}, []int{16, 8}, false}, // C order
		{[]int{2, 3}, []int{8, 16}, false}, // F order
		{[]int{3, 2}, []int{8, 16}, true},
		{[]int{2, 2}, []int{-16, 8}, false},
	} {
		off := 0
		if tt.strides[0] < 0 {
			off = 16
		}
		v, err := NewStrided[float64](buf, off, tt.shape, tt.strides)
		if err != nil {
			t.Fatal(err)
		}
		if v.ReadOnly() != tt.ro {
			t.Errorf("shape %v strides %v: read-only %v, want %v", tt.shape, tt.strides, v.ReadOnly(), tt.ro)
		}
	}
}

func TestConstructors(t *testing.T) {
	if _, err := FromSlice([]float64{1, 2, 3}, 2, 2); !errors.Is(err, ErrShape) {
		t.Errorf("FromSlice too short: %v", err)
	}
	v, err := FromSlice(iota64(6), 2, 2) // a prefix is fine
	if err != nil || v.At(1, 1) != 3 {
		t.Fatalf("FromSlice prefix: %v", err)
	}
	if _, err := FromBytes[float32](make([]byte, 7)); !errors.Is(err, ErrShape) {
		t.Errorf("FromBytes remainder: %v", err)
	}
	if _, err := FromBytes[float32](make([]byte, 8), 3); !errors.Is(err, ErrShape) {
		t.Errorf("FromBytes short: %v", err)
	}
	b := alignedBytes(17)
	if _, err := FromBytes[float64](b[1:]); !errors.Is(err, ErrMisaligned) {
		t.Errorf("FromBytes misaligned: %v", err)
	}
	if _, err := FromBytes[uint8](b[1:]); err != nil {
		t.Errorf("FromBytes bytes at odd address: %v", err)
	}
	e, err := FromBytes[int32](nil)
	if err != nil || e.Size() != 0 || e.NDim() != 1 {
		t.Errorf("FromBytes(nil): %v %v", e, err)
	}
	z := New[complex128]()
	if z.NDim() != 0 || z.Size() != 1 || !z.IsCContiguous() || !z.IsFContiguous() {
		t.Errorf("0-d: ndim %d size %d", z.NDim(), z.Size())
	}
	z.Set(1i)
	if z.At() != 1i {
		t.Error("0-d Set/At")
	}
	if c := z.Clone(); c.NDim() != 0 || c.At() != 1i || c.ReadOnly() {
		t.Errorf("Clone of a 0-d view: ndim %d", c.NDim())
	}
	panics(t, ErrShape, func() { z.Len() })
	panics(t, ErrShape, func() { New[int8](2, -1) })
	panics(t, ErrOverflow, func() { New[int8](huge, huge) })

	s := FromString("hello")
	if !s.ReadOnly() || s.At(1) != 'e' || s.Obj() != "hello" {
		t.Error("FromString")
	}
	panics(t, ErrReadOnly, func() { s.Set('j', 0) })
	panics(t, ErrReadOnly, func() { s.Slice(0, 0, 5, -1).Set('j', 0) })
	c, err := Cast[uint8](s.Transpose())
	if err != nil || !c.ReadOnly() {
		t.Errorf("Cast of a string view must stay read-only: %v", err)
	}
	panics(t, ErrReadOnly, func() { Copy(s, FromString("world")) })
	panics(t, ErrReadOnly, func() { s.Runs() })
	if FromString("").Size() != 0 {
		t.Error("empty string")
	}
}

func TestAttributes(t *testing.T) {
	data := iota64(24)
	v, _ := FromSlice(data, 2, 3, 4)
	if v.NDim() != 3 || v.Len() != 2 || v.Size() != 24 || v.ItemSize() != 8 || v.NBytes() != 192 ||
		v.Format() != "d" || v.DType().String() != "float64" || v.ReadOnly() {
		t.Fatal("attributes")
	}
	if o, ok := v.Obj().([]float64); !ok || &o[0] != &data[0] {
		t.Fatal("Obj is not the slice")
	}
	sh := v.Shape()
	sh[0] = 99
	if v.Shape()[0] != 2 {
		t.Fatal("Shape is not a copy")
	}
	st := v.Strides()
	st[0] = 0
	if v.Strides()[0] != 96 {
		t.Fatal("Strides is not a copy")
	}
	if !v.IsCContiguous() || v.IsFContiguous() || !v.IsContiguous() {
		t.Fatal("C flags")
	}
	tr := v.Transpose()
	if tr.IsCContiguous() || !tr.IsFContiguous() || tr.At(3, 2, 1) != v.At(1, 2, 3) {
		t.Fatal("transpose")
	}
	// Writes through a derived view are seen by the source and the slice.
	v.Slice(2, 0, 4, -1).Index(0, 1).Set(-1, 2, 0)
	if data[12+8+3] != -1 {
		t.Fatalf("write through reversed slice landed elsewhere: %v", data)
	}
}

func TestIndexingPanics(t *testing.T) {
	v := New[int16](3, 4)
	panics(t, ErrIndex, func() { v.At(3, 0) })
	panics(t, ErrIndex, func() { v.At(0, -1) })
	panics(t, ErrIndex, func() { v.At(0) })
	panics(t, ErrIndex, func() { v.At(0, 0, 0) })
	panics(t, ErrIndex, func() { v.Set(1, 0, 4) })
	panics(t, ErrIndex, func() { v.Slice(2, 0, 1, 1) })
	panics(t, ErrIndex, func() { v.Slice(-1, 0, 1, 1) })
	panics(t, ErrIndex, func() { v.Slice(0, 2, 1, 1) })
	panics(t, ErrIndex, func() { v.Slice(0, 0, 4, 1) })
	panics(t, ErrIndex, func() { v.Slice(0, -1, 2, 1) })
	panics(t, ErrIndex, func() { v.Slice(0, 0, 3, 0) })
	panics(t, ErrIndex, func() { v.Index(0, 3) })
	panics(t, ErrIndex, func() { v.Index(2, 0) })
	panics(t, ErrIndex, func() { v.Transpose(0) })
	panics(t, ErrIndex, func() { v.Transpose(0, 0) })
	panics(t, ErrIndex, func() { v.Transpose(0, 2) })
	panics(t, ErrShape, func() { Copy(v, New[int16](4, 3)) })
	panics(t, ErrShape, func() { Apply(v, New[int8](4, 3), func(a int16, b int8) int16 { return a }) })
}

func TestSliceSemantics(t *testing.T) {
	v, _ := FromSlice(iota64(10))
	for _, tt := range []struct {
		start, stop, step int
		want              []float64
	}{
		{0, 10, -1, []float64{9, 8, 7, 6, 5, 4, 3, 2, 1, 0}},
		{1, 7, -2, []float64{6, 4, 2}},
		{1, 7, 2, []float64{1, 3, 5}},
		{2, 2, -3, nil},
		{0, 10, 4, []float64{0, 4, 8}},
		{3, 4, 100, []float64{3}},
		{3, 4, math.MinInt, []float64{3}},
	} {
		got := v.Slice(0, tt.start, tt.stop, tt.step).ToSlice()
		if len(got) != len(tt.want) {
			t.Fatalf("Slice(%d,%d,%d) = %v, want %v", tt.start, tt.stop, tt.step, got, tt.want)
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Fatalf("Slice(%d,%d,%d) = %v, want %v", tt.start, tt.stop, tt.step, got, tt.want)
			}
		}
	}
}

func TestReshapeErrors(t *testing.T) {
	v, _ := FromSlice(iota64(12), 3, 4)
	for _, tt := range []struct {
		shape []int
		want  error
	}{
		{[]int{5, -1}, ErrShape},
		{[]int{-1, -1}, ErrShape},
		{[]int{-2, 6}, ErrShape},
		{[]int{13}, ErrShape},
		{[]int{huge, huge}, ErrOverflow},
		{make([]int, 65), ErrShape},
	} {
		if _, err := v.Reshape(tt.shape...); !errors.Is(err, tt.want) {
			t.Errorf("Reshape(%v): %v, want %v", tt.shape, err, tt.want)
		}
	}
	if _, err := v.Transpose().Reshape(12); !errors.Is(err, ErrNotContiguous) {
		t.Errorf("Reshape of a transpose: %v", err)
	}
	e := New[int8](0, 3)
	if _, err := e.Reshape(-1, 0); !errors.Is(err, ErrShape) {
		t.Errorf("-1 with a zero dim: %v (NumPy refuses)", err)
	}
	r, err := v.Reshape(2, -1, 2)
	if err != nil || !equalInts(r.Shape(), []int{2, 3, 2}) || r.At(1, 2, 1) != 11 {
		t.Fatalf("Reshape(2,-1,2): %v %v", r, err)
	}
	one, _ := v.Slice(0, 1, 2, 1).Slice(1, 2, 3, 1).Reshape()
	if one.NDim() != 0 || one.At() != 6 {
		t.Fatal("Reshape() to 0-d")
	}
}

func TestRelease(t *testing.T) {
	v := New[float32](4, 4)
	d := v.Slice(0, 0, 2, 1)
	v.Release()
	v.Release() // idempotent
	if !v.Released() {
		t.Fatal("Released")
	}
	for name, f := range map[string]func(){
		"At": func() { v.At(0, 0) }, "Set": func() { v.Set(1, 0, 0) }, "Shape": func() { v.Shape() },
		"Slice": func() { v.Slice(0, 0, 1, 1) }, "Values": func() { v.Values() }, "ToBytes": func() { v.ToBytes('C') },
		"Size": func() { v.Size() }, "Transpose": func() { v.Transpose() }, "Equal": func() { Equal(v, d) },
		"Copy": func() { Copy(d, v) }, "Obj": func() { v.Obj() }, "Clone": func() { v.Clone() },
	} {
		t.Run(name, func(t *testing.T) { panics(t, ErrReleased, f) })
	}
	// An iterator made before the release panics when it is used.
	w := New[int8](3)
	it := w.Values()
	w.Release()
	panics(t, ErrReleased, func() {
		for range it {
		}
	})
	if _, err := Cast[uint8](v); !errors.Is(err, ErrReleased) {
		t.Errorf("Cast of a released view: %v", err)
	}
	panics(t, ErrReleased, func() { v.Reshape(16) })
	d.Set(3, 1, 1) // derived before Release: still alive
	if d.At(1, 1) != 3 || v.String() != "<released view>" {
		t.Fatal("derived view")
	}
}
