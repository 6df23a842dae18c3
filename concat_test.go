package ndview

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"
)

// The vectors in testdata/secondday.json are written by testdata/gen_secondday.py from
// NumPy; TestConcatenateNumPy and TestArgMaxAxisNumPy replay them.

type seconddayVectors struct {
	NumPy string              `json:"numpy"`
	Join  [][]json.RawMessage `json:"join"`
	Arg   [][]json.RawMessage `json:"arg"`
}

func loadSecondday(t *testing.T) seconddayVectors {
	t.Helper()
	var vec seconddayVectors
	loadJSON(t, "secondday.json", &vec)
	return vec
}

// decode unmarshals m into p or fails the test.
func decode(t *testing.T, m json.RawMessage, p any) {
	t.Helper()
	if err := json.Unmarshal(m, p); err != nil {
		t.Fatalf("%s: %v", m, err)
	}
}

// caseWant is a case's want: an error kind (NumPy's exception) or a shape and values.
type caseWant[E any] struct {
	err    error
	shape  []int
	values []E
}

func decodeWant[E any](t *testing.T, m json.RawMessage) caseWant[E] {
	t.Helper()
	var s string
	if json.Unmarshal(m, &s) == nil {
		switch s {
		case "ValueError":
			return caseWant[E]{err: ErrShape}
		case "AxisError":
			return caseWant[E]{err: ErrIndex}
		}
		t.Fatalf("unknown outcome %q", s)
	}
	var r [2]json.RawMessage
	decode(t, m, &r)
	var w caseWant[E]
	decode(t, r[0], &w.shape)
	decode(t, r[1], &w.values)
	return w
}

// transformed builds the view a case describes from its base (see gen_secondday.py).
func transformed[T Elem](t *testing.T, data []T, bs []int, tr string, shape []int) *View[T] {
	t.Helper()
	src, err := FromSlice(data, len(data))
	if err != nil {
		t.Fatal(err)
	}
	b, err := src.Reshape(bs...)
	if err != nil {
		t.Fatal(err)
	}
	v := b
	switch tr {
	case "c":
	case "t":
		v = b.Transpose()
	case "r":
		for k, d := range bs {
			v = v.Slice(k, 0, d, -1)
		}
	case "s":
		for k, d := range bs {
			v = v.Slice(k, 0, d, 2)
		}
	case "b":
		if v, err = BroadcastTo(b, shape...); err != nil {
			t.Fatal(err)
		}
	default:
		t.Fatalf("unknown transform %q", tr)
	}
	if !slices.Equal(v.Shape(), shape) {
		t.Fatalf("transform %q of base %v gives %v, want %v", tr, bs, v.Shape(), shape)
	}
	return v
}

// panicsOp is panics that also checks the error's Op: the public call.
func panicsOp(t *testing.T, want error, op string, f func()) {
	t.Helper()
	panics(t, want, func() {
		defer func() {
			r := recover()
			if r == nil {
				return // panics reports it
			}
			var e *Error
			if err, ok := r.(error); !ok || !errors.As(err, &e) || e.Op != op {
				t.Errorf("panicked with %v, want an *Error of Op %q", r, op)
			}
			panic(r)
		}()
		f()
	})
}

func TestConcatenateNumPy(t *testing.T) {
	vec := loadSecondday(t)
	if len(vec.Join) < 400 {
		t.Fatalf("only %d join cases", len(vec.Join))
	}
	counts := map[string]int{}
	for i, c := range vec.Join {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			var op string
			var axis int
			var inputs [][]json.RawMessage
			decode(t, c[0], &op)
			decode(t, c[1], &axis)
			decode(t, c[2], &inputs)
			want := decodeWant[int32](t, c[3])
			vs := make([]*View[int32], len(inputs))
			for j, in := range inputs {
				var bs, shape []int
				var tr string
				decode(t, in[0], &bs)
				decode(t, in[1], &tr)
				decode(t, in[2], &shape)
				n := 1
				for _, d := range bs {
					n *= d
				}
				data := make([]int32, n)
				for e := range data {
					data[e] = int32(e + 1000*(j+1))
				}
				vs[j] = transformed(t, data, bs, tr, shape)
			}
			f, fn := Concatenate[int32], "Concatenate"
			if op == "stack" {
				f, fn = Stack[int32], "Stack"
			}
			if want.err != nil {
				counts[op+" error"]++
				panicsOp(t, want.err, fn, func() { f(axis, vs...) })
				return
			}
			counts[op]++
			got := f(axis, vs...)
			if !slices.Equal(got.Shape(), want.shape) || !slices.Equal(got.ToSlice(), want.values) {
				t.Fatalf("%s(%d) of %s: got %v %v, want %v %v", fn, axis, c[2], got.Shape(), got.ToSlice(), want.shape, want.values)
			}
			if !got.IsCContiguous() || got.ReadOnly() {
				t.Fatalf("result is not a writable C-contiguous view")
			}
		})
	}
	t.Logf("%d cases against NumPy %s: %v", len(vec.Join), vec.NumPy, counts)
}

// concatRef is Concatenate written with At and Set.
func concatRef[T Elem](axis int, vs ...*View[T]) *View[T] {
	shape := vs[0].Shape()
	shape[axis] = 0
	for _, v := range vs {
		shape[axis] += v.Shape()[axis]
	}
	out := New[T](shape...)
	pos := 0
	for _, v := range vs {
		for idx, x := range v.All() {
			j := slices.Clone(idx)
			j[axis] += pos
			out.Set(x, j...)
		}
		pos += v.Shape()[axis]
	}
	return out
}

// joinAllTypes checks Concatenate and Stack for T over mixed layouts.
func joinAllTypes[T Elem](t *testing.T) {
	mk := func(n int, shape ...int) *View[T] {
		isz, _ := itemInfo[T]()
		b := alignedBytes(n * isz)
		for i := range b {
			b[i] = byte(i%60 + 1) // no NaN in any type: Equal compares values
		}
		v, err := FromBytes[T](b, shape...)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	a := mk(6, 2, 3)
	b := mk(12, 3, 4).Transpose().Slice(0, 0, 4, -1) // 4×3, transposed and reversed
	c := mk(30, 5, 6).Slice(1, 0, 6, 2).AsReadOnly() // 5×3, strided, read-only
	got := Concatenate(0, a, b, c)
	if want := concatRef(0, a, b, c); !Equal(got, want) {
		t.Fatalf("Concatenate: got %v, want %v", got, want)
	}
	if !slices.Equal(got.Shape(), []int{11, 3}) {
		t.Fatalf("shape %v", got.Shape())
	}
	s := Stack(1, a, a.Slice(0, 0, 2, -1), c.Slice(0, 1, 3, 1))
	if !slices.Equal(s.Shape(), []int{2, 3, 3}) {
		t.Fatalf("Stack shape %v", s.Shape())
	}
	for i, v := range []*View[T]{a, a.Slice(0, 0, 2, -1), c.Slice(0, 1, 3, 1)} {
		if !Equal(s.Index(1, i), v) {
			t.Fatalf("Stack slot %d: %v, want %v", i, s.Index(1, i), v)
		}
	}
}

func TestConcatenateStackTypes(t *testing.T) {
	t.Run("int8", joinAllTypes[int8])
	t.Run("uint8", joinAllTypes[uint8])
	t.Run("int16", joinAllTypes[int16])
	t.Run("uint16", joinAllTypes[uint16])
	t.Run("int32", joinAllTypes[int32])
	t.Run("uint32", joinAllTypes[uint32])
	t.Run("int64", joinAllTypes[int64])
	t.Run("uint64", joinAllTypes[uint64])
	t.Run("int", joinAllTypes[int])
	t.Run("uint", joinAllTypes[uint])
	t.Run("uintptr", joinAllTypes[uintptr])
	t.Run("float32", joinAllTypes[float32])
	t.Run("float64", joinAllTypes[float64])
	t.Run("complex64", joinAllTypes[complex64])
	t.Run("complex128", joinAllTypes[complex128])
	t.Run("Float16", joinAllTypes[Float16])
	t.Run("BFloat16", joinAllTypes[BFloat16])
	t.Run("Float8E4M3", joinAllTypes[Float8E4M3])
	t.Run("Float8E5M2", joinAllTypes[Float8E5M2])
}

// TestConcatenateLarge joins views big enough for the tiled transposed copy, along every
// axis, against the At/Set reference.
func TestConcatenateLarge(t *testing.T) {
	base := New[float64](70, 90)
	for i := range 70 {
		for j := range 90 {
			base.Set(float64(i*1000+j), i, j)
		}
	}
	tr := base.Transpose()                              // 90×70, F-order
	rev := base.Slice(0, 0, 70, -1).Slice(1, 0, 90, -1) // 70×90, negative strides
	for axis := range 2 {
		a, b := tr.Slice(1-axis, 0, 70, 1), rev.Transpose().Slice(1-axis, 0, 70, 1)
		got := Concatenate(axis, a, b, a)
		if want := concatRef(axis, a, b, a); !Equal(got, want) {
			t.Fatalf("axis %d: results differ", axis)
		}
		for k := -3; k < 3; k++ {
			s := Stack(k, a, b)
			kk := (k + 3) % 3
			if !Equal(s.Index(kk, 0), a) || !Equal(s.Index(kk, 1), b) {
				t.Fatalf("Stack axis %d: results differ", k)
			}
		}
	}
	// NaN bits and signed zeros are moved, not compared.
	f := New[float64](2)
	f.Set(math.Copysign(0, -1), 0)
	f.Set(math.NaN(), 1)
	got := Concatenate(0, f, f).ToSlice()
	if !math.Signbit(got[2]) || !math.IsNaN(got[3]) {
		t.Fatalf("got %v", got)
	}
}

func TestConcatenateErrors(t *testing.T) {
	a := New[int32](2, 3)
	b := New[int32](2, 4)
	c := New[int32](2)
	z := New[int32]()
	tests := []struct {
		name string
		want error
		op   string
		f    func()
	}{
		{"no inputs", ErrShape, "Concatenate", func() { Concatenate[int32](0) }},
		{"0-d", ErrShape, "Concatenate", func() { Concatenate(0, z, z) }},
		{"0-d and a bad axis", ErrShape, "Concatenate", func() { Concatenate(3, z) }},
		{"axis", ErrIndex, "Concatenate", func() { Concatenate(2, a, a) }},
		{"negative axis", ErrIndex, "Concatenate", func() { Concatenate(-3, a, a) }},
		{"shapes", ErrShape, "Concatenate", func() { Concatenate(0, a, b) }},
		{"ranks", ErrShape, "Concatenate", func() { Concatenate(0, a, c) }},
		{"stack no inputs", ErrShape, "Stack", func() { Stack[int32](0) }},
		{"stack shapes", ErrShape, "Stack", func() { Stack(0, a, b) }},
		{"stack ranks", ErrShape, "Stack", func() { Stack(0, a, c) }},
		{"stack axis", ErrIndex, "Stack", func() { Stack(3, a, a) }},
		{"stack negative axis", ErrIndex, "Stack", func() { Stack(-4, a, a) }},
		{"stack 0-d axis", ErrIndex, "Stack", func() { Stack(1, z, z) }},
		{"stack too many dims", ErrShape, "Stack", func() {
			ones := make([]int, MaxDims)
			for i := range ones {
				ones[i] = 1
			}
			Stack(0, New[int32](ones...))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { panicsOp(t, tt.want, tt.op, tt.f) })
	}
	// The message names both shapes.
	func() {
		defer func() {
			msg := fmt.Sprint(recover())
			if want := "ndview: Concatenate: view 1 has shape [2 4] and view 0 has shape [2 3]"; len(msg) < len(want) || msg[:len(want)] != want {
				t.Errorf("message %q", msg)
			}
		}()
		Concatenate(0, a, b)
	}()
	// Released inputs.
	r := New[int32](2, 3)
	r.Release()
	panics(t, ErrReleased, func() { Concatenate(0, a, r) })
	panics(t, ErrReleased, func() { Stack(0, r, a) })
	// Too large: broadcast views reach 8 bytes, the result would not fit.
	one, _ := FromSlice([]float64{1})
	big, err := BroadcastTo(one, 1<<40)
	if err != nil {
		t.Fatal(err)
	}
	panicsOp(t, ErrOverflow, "Concatenate", func() { Concatenate(0, big, big) })
	panicsOp(t, ErrOverflow, "Stack", func() { Stack(0, big, big) })
	// Lengths that add up past MaxInt (1-byte elements: BroadcastTo of a float64 view to this
	// length panics with an internal error in the validator instead of ErrOverflow).
	byte1, _ := FromSlice([]uint8{1})
	half, err := BroadcastTo(byte1, math.MaxInt/2+1)
	if err != nil {
		t.Fatal(err)
	}
	panicsOp(t, ErrOverflow, "Concatenate", func() { Concatenate(0, half, half) })
	panicsOp(t, ErrOverflow, "Stack", func() { Stack(0, half, half, half) })
}

func TestConcatenateEmpty(t *testing.T) {
	a := New[float32](0, 3)
	b := New[float32](2, 3)
	Fill(b, 7)
	got := Concatenate(0, a, b, a)
	if !slices.Equal(got.Shape(), []int{2, 3}) || !Equal(got, b) {
		t.Fatalf("got %v", got)
	}
	if got := Concatenate(1, New[float32](0, 3), New[float32](0, 2)); !slices.Equal(got.Shape(), []int{0, 5}) {
		t.Fatalf("shape %v", got.Shape())
	}
	if got := Stack(2, a, a); !slices.Equal(got.Shape(), []int{0, 3, 2}) {
		t.Fatalf("shape %v", got.Shape())
	}
	z := New[float32]()
	z.Set(5)
	if got := Stack(0, z, z, z); !slices.Equal(got.ToSlice(), []float32{5, 5, 5}) {
		t.Fatalf("got %v", got)
	}
}

func TestConcatenateAllocs(t *testing.T) {
	a := New[float64](64, 32)
	b := New[float64](32, 64).Transpose()
	var out *View[float64]
	n := testing.AllocsPerRun(50, func() { out = Concatenate(0, a, b, a) })
	// As for New: the data is one allocation; the others are the View, its layout's shape
	// and strides, and the []T boxed as the view's Obj.
	if n != 4 {
		t.Fatalf("Concatenate: %v allocations, want 4", n)
	}
	n = testing.AllocsPerRun(50, func() { out = Stack(1, a, a) })
	if n != 4 {
		t.Fatalf("Stack: %v allocations, want 4", n)
	}

	_ = out
}

// Inputs that are C-contiguous from the joined axis on, in blocks of joinMinBytes or more,
// are joined by bytes.Join; the axes before it may have any strides (reversed, stepped,
// broadcast). The result must be what the copy kernel gives.
func TestConcatenateJoined(t *testing.T) {
	fill := func(v *View[float64], base float64) {
		i := 0.0
		for run := range v.Runs() {
			for j := range run {
				run[j] = base + i
				i++
			}
		}
	}
	big := New[float64](8, 5, 80)
	fill(big, 0)
	one := New[float64](1, 2, 80)
	fill(one, 1e6)
	bc, err := BroadcastTo(one, 4, 2, 80)
	if err != nil {
		t.Fatal(err)
	}
	layouts := map[string]*View[float64]{
		"C":         big.Slice(0, 0, 4, 1),
		"reversed":  big.Slice(0, 0, 8, -2),
		"stepped":   big.Slice(0, 1, 8, 2).Slice(1, 1, 4, 1),
		"broadcast": bc,
		"empty":     big.Slice(0, 0, 4, 1).Slice(1, 0, 0, 1),
	}
	for na, a := range layouts {
		for nb, b := range layouts {
			got := Concatenate(1, a, b, a)
			if want := concatRef(1, a, b, a); !Equal(got, want) {
				t.Errorf("Concatenate(1, %s, %s, %s) differs from the copy kernel's", na, nb, na)
			}
			if !got.IsCContiguous() || got.ReadOnly() {
				t.Errorf("Concatenate(1, %s, %s): not a writable C-contiguous view", na, nb)
			}
			if !equalInts(a.lay.shape, b.lay.shape) {
				continue
			}
			s := Stack(1, a, b)
			if !Equal(s.Index(1, 0), a) || !Equal(s.Index(1, 1), b) {
				t.Errorf("Stack(1, %s, %s) differs", na, nb)
			}
		}
	}
	// The joined path took these (a test that can fail: 4 allocations is the copy path's).
	a := big.Slice(0, 0, 4, 1)
	if n := testing.AllocsPerRun(10, func() { Concatenate(1, a, a) }); n == 4 {
		t.Errorf("Concatenate of C-contiguous blocks took the copy path")
	}
}
