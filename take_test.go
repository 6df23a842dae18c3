package ndview

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"testing"
)

// The vectors in testdata/take.json are written by testdata/gen_take.py from NumPy;
// TestTakeNumPy replays them. The data are not in the file: both sides compute each base's
// elements with the same formula (takeValue and the generator's value).

type takeCase struct {
	Type      string
	Base      []int
	Ops       [][]json.RawMessage
	Indices   []int
	Axis      int
	Err       string // "IndexError" or "AxisError" when NumPy raises
	WantShape []int
	WantVals  []float64
}

func (c *takeCase) UnmarshalJSON(b []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	if len(raw) != 6 {
		return fmt.Errorf("a case of %d fields", len(raw))
	}
	for i, p := range []any{&c.Type, &c.Base, &c.Ops, &c.Indices, &c.Axis} {
		if err := json.Unmarshal(raw[i], p); err != nil {
			return err
		}
	}
	if json.Unmarshal(raw[5], &c.Err) == nil {
		return nil
	}
	var w []json.RawMessage
	if err := json.Unmarshal(raw[5], &w); err != nil || len(w) != 2 {
		return fmt.Errorf("result %s: %v", raw[5], err)
	}
	if err := json.Unmarshal(w[0], &c.WantShape); err != nil {
		return err
	}
	return json.Unmarshal(w[1], &c.WantVals)
}

func (c *takeCase) String() string {
	return fmt.Sprintf("take(%v, axis %d) of a %s base %v after %s", c.Indices, c.Axis, c.Type, c.Base, c.opsString())
}

func (c *takeCase) opsString() string {
	s := ""
	for _, op := range c.Ops {
		for _, p := range op {
			s += string(p)
		}
		s += " "
	}
	return "[" + s + "]"
}

// takeValue is element k of a base, as gen_take.py's value.
func takeValue(k int) float64 { return float64((k*37+11)%201 - 100) }

// takeView builds a case's view over buf: the base, C-contiguous over buf from byte 0 and
// filled with its values, then the case's ops.
func takeView[T int32 | float64](t *testing.T, c *takeCase, buf []byte) *View[T] {
	t.Helper()
	size := 1
	for _, d := range c.Base {
		size *= d
	}
	flat, err := FromBytes[T](buf, size)
	if err != nil {
		t.Fatal(err)
	}
	for k := range size {
		x := takeValue(k)
		if c.Type == "float64" {
			x *= 0.25
		}
		flat.Set(T(x), k)
	}
	v, err := flat.Reshape(c.Base...)
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range c.Ops {
		var kind string
		json.Unmarshal(op[0], &kind)
		if kind == "T" {
			var perm []int
			json.Unmarshal(op[1], &perm)
			v = v.Transpose(perm...)
			continue
		}
		var a [4]int
		for i := range a {
			json.Unmarshal(op[i+1], &a[i])
		}
		v = v.Slice(a[0], a[1], a[2], a[3])
	}
	return v
}

// strictOutOfRange reports whether ndview refuses an index of the case where NumPy may not:
// NumPy checks no index when the axes before the taken one hold no element.
func strictOutOfRange(shape []int, indices []int, axis int) bool {
	nd := max(len(shape), 1)
	if axis < -nd || axis >= nd {
		return false
	}
	if axis < 0 {
		axis += nd
	}
	n := 1
	if len(shape) > 0 {
		n = shape[axis]
	}
	for _, i := range indices {
		if i < -n || i >= n {
			return true
		}
	}
	return false
}

type takeStats struct{ cases, raised, stricter, overlapped int }

func runTakeCase[T int32 | float64](t *testing.T, c *takeCase, st *takeStats) {
	isz, _ := itemInfo[T]()
	size := 1
	for _, d := range c.Base {
		size *= d
	}
	v := takeView[T](t, c, alignedBytes(size*isz))
	want := c.Err
	if want == "" && strictOutOfRange(v.Shape(), c.Indices, c.Axis) {
		// NumPy returned an empty result without checking the indices; ndview checks
		// every index (see Take).
		if size := shapeProduct(c.WantShape); size != 0 {
			t.Fatalf("NumPy took an out-of-range index into a non-empty result %v", c.WantShape)
		}
		want = "IndexError"
		st.stricter++
	}
	if want != "" {
		st.raised++
		takePanics(t, "Take", ErrIndex, func() { Take(v, c.Indices, c.Axis) })
		dst := New[float64](3)
		Fill(dst, 42)
		takePanics(t, "TakeInto", ErrIndex, func() { TakeInto(dst, v, c.Indices, c.Axis) })
		for _, x := range dst.ToSlice() {
			if x != 42 {
				t.Fatalf("a failed TakeInto wrote %v", dst.ToSlice())
			}
		}
		return
	}
	r := Take(v, c.Indices, c.Axis)
	checkTaken(t, "Take", r, c)
	if !r.IsCContiguous() || r.ReadOnly() || overlaps(r, v) {
		t.Fatalf("Take's result is not a new writable C-contiguous view: strides %v, read-only %v", r.Strides(), r.ReadOnly())
	}
	d := New[float64](c.WantShape...)
	TakeInto(d, v, c.Indices, c.Axis)
	checkTaken(t, "TakeInto", d, c)

	// TakeInto into a float64 destination over the second half of the base's bytes.
	n := shapeProduct(c.WantShape)
	if n == 0 || size == 0 {
		return
	}
	off := size * isz / 2 / 8 * 8
	buf := alignedBytes(max(size*isz, off+8*n))
	v = takeView[T](t, c, buf[:size*isz])
	d, err := FromBytes[float64](buf[off:off+8*n], c.WantShape...)
	if err != nil {
		t.Fatal(err)
	}
	if overlaps(d, v) {
		st.overlapped++
	}
	TakeInto(d, v, c.Indices, c.Axis)
	checkTaken(t, "TakeInto over v", d, c)
}

func shapeProduct(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

func checkTaken[T int32 | float64](t *testing.T, what string, r *View[T], c *takeCase) {
	t.Helper()
	if !equalInts(r.Shape(), c.WantShape) {
		t.Fatalf("%s: shape %v, NumPy %v", what, r.Shape(), c.WantShape)
	}
	got := r.ToSlice()
	for i, x := range got {
		if float64(x) != c.WantVals[i] {
			t.Fatalf("%s: %v, NumPy %v", what, got, c.WantVals)
		}
	}
}

func TestTakeNumPy(t *testing.T) {
	var vec struct {
		NumPy string
		Cases []takeCase
	}
	loadJSON(t, "take.json", &vec)
	if len(vec.Cases) < 300 {
		t.Fatalf("only %d cases", len(vec.Cases))
	}
	var st takeStats
	for i := range vec.Cases {
		c := &vec.Cases[i]
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			defer func() {
				if t.Failed() {
					t.Log(c)
				}
			}()
			st.cases++
			switch c.Type {
			case "int32":
				runTakeCase[int32](t, c, &st)
			case "float64":
				runTakeCase[float64](t, c, &st)
			default:
				t.Fatalf("no element type %q", c.Type)
			}
		})
	}
	t.Logf("%d cases against NumPy %s: %d raise (%d only in ndview, which checks indices NumPy skips), %d TakeInto with dst overlapping v",
		st.cases, vec.NumPy, st.raised, st.stricter, st.overlapped)
	if st.overlapped < 100 {
		t.Errorf("only %d cases overlap", st.overlapped)
	}
}

// takePanics runs f and checks that it panics with an *Error of kind want from the public
// call op.
func takePanics(t *testing.T, op string, want error, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Fatalf("did not panic, want %v", want)
		}
		err, ok := r.(error)
		var e *Error
		if !ok || !errors.Is(err, want) || !errors.As(err, &e) {
			t.Fatalf("panicked with %v, want %v", r, want)
		}
		if e.Op != op {
			t.Fatalf("%q names %q, want %q", err, e.Op, op)
		}
	}()
	f()
}

// testTakeType checks Take of every axis of a 3-d view of T against Index and Equal.
func testTakeType[T Elem](t *testing.T) {
	src := New[float64](3, 4, 5)
	for k := range 60 {
		src.Set(float64(k%17-5), k/20, k/5%4, k%5)
	}
	v := AsType[T](src)
	for _, w := range []*View[T]{v, v.Transpose(2, 0, 1), v.Slice(1, 0, 4, -1)} {
		for axis := range 3 {
			idx := []int{2, -1, 0, 2}
			r := Take(w, idx, axis-3)
			n := w.Shape()[axis]
			for j, i := range idx {
				if i < 0 {
					i += n
				}
				if !Equal(r.Index(axis, j), w.Index(axis, i)) {
					t.Fatalf("%T: Take(%v, axis %d) slab %d differs", *new(T), idx, axis, j)
				}
			}
		}
	}
	// A 1-d view: runs of one element.
	flat := v.Slice(0, 0, 3, 2).Index(1, 1).Index(1, 2)
	r := Take(flat, []int{1, 0, -1, 1}, 0)
	for j, i := range []int{1, 0, 1, 1} {
		if r.At(j) != flat.At(i) {
			t.Fatalf("%T: a 1-d take differs", *new(T))
		}
	}
}

func TestTakeElemTypes(t *testing.T) {
	t.Run("int8", testTakeType[int8])
	t.Run("int16", testTakeType[int16])
	t.Run("int32", testTakeType[int32])
	t.Run("int64", testTakeType[int64])
	t.Run("int", testTakeType[int])
	t.Run("uint8", testTakeType[uint8])
	t.Run("uint16", testTakeType[uint16])
	t.Run("uint32", testTakeType[uint32])
	t.Run("uint64", testTakeType[uint64])
	t.Run("uint", testTakeType[uint])
	t.Run("uintptr", testTakeType[uintptr])
	t.Run("float32", testTakeType[float32])
	t.Run("float64", testTakeType[float64])
	t.Run("complex64", testTakeType[complex64])
	t.Run("complex128", testTakeType[complex128])
	t.Run("Float16", testTakeType[Float16])
	t.Run("BFloat16", testTakeType[BFloat16])
	t.Run("Float8E4M3", testTakeType[Float8E4M3])
	t.Run("Float8E5M2", testTakeType[Float8E5M2])
}

// testTakeIntoConverts checks TakeInto[T] of a U table against AsType[T](Take(...)), on rows
// (one kernel call a row), columns and a 1-d view (elements gathered, then converted).
func testTakeIntoConverts[T, U Elem](t *testing.T) {
	src := New[float64](6, 7)
	for k := range 42 {
		src.Set(float64(k*k%97)/8-3, k/7, k%7)
	}
	src.Set(math.NaN(), 2, 3)
	src.Set(math.Inf(-1), 4, 0)
	tab := AsType[U](src)
	for _, c := range []struct {
		v    *View[U]
		axis int
	}{{tab, 0}, {tab, 1}, {tab, -1}, {tab.Transpose(), 0}, {tab.Index(1, 3), 0}} {
		idx := []int{4, 0, -2, 4, 2}
		want := AsType[T](Take(c.v, idx, c.axis))
		got := New[T](want.Shape()...)
		TakeInto(got, c.v, idx, c.axis)
		if fmt.Sprint(got.ToSlice()) != fmt.Sprint(want.ToSlice()) { // NaN prints alike
			t.Fatalf("TakeInto[%T] of %T: %v, want %v", *new(T), *new(U), got.ToSlice(), want.ToSlice())
		}
	}
}

func TestTakeIntoConverts(t *testing.T) {
	t.Run("BFloat16-float32", testTakeIntoConverts[float32, BFloat16])
	t.Run("Float16-float32", testTakeIntoConverts[float32, Float16])
	t.Run("BFloat16-float64", testTakeIntoConverts[float64, BFloat16])
	t.Run("float32-BFloat16", testTakeIntoConverts[BFloat16, float32])
	t.Run("Float8E4M3-float32", testTakeIntoConverts[float32, Float8E4M3])
	t.Run("float64-int16", testTakeIntoConverts[int16, float64])
	t.Run("int16-float32", testTakeIntoConverts[float32, int16])
	t.Run("complex64-float64", testTakeIntoConverts[float64, complex64])
	t.Run("float32-complex128", testTakeIntoConverts[complex128, float32])
	t.Run("float32-float32", testTakeIntoConverts[float32, float32])
}

func TestTakeErrors(t *testing.T) {
	m := New[float64](3, 4)
	empty := New[float64](2, 0)
	scalar := New[float64]()
	huge, err := BroadcastTo(New[float64](1, 1), 1<<40, 1)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		want error
		f    func()
	}{
		{"axis 2", ErrIndex, func() { Take(m, []int{0}, 2) }},
		{"axis -3", ErrIndex, func() { Take(m, []int{0}, -3) }},
		{"0-d axis 1", ErrIndex, func() { Take(scalar, []int{0}, 1) }},
		{"0-d axis -2", ErrIndex, func() { Take(scalar, []int{0}, -2) }},
		{"0-d index 1", ErrIndex, func() { Take(scalar, []int{1}, 0) }},
		{"index 3", ErrIndex, func() { Take(m, []int{0, 3}, 0) }},
		{"index -4", ErrIndex, func() { Take(m, []int{-4}, 0) }},
		{"index 4 of axis -1", ErrIndex, func() { Take(m, []int{4}, -1) }},
		{"empty axis", ErrIndex, func() { Take(empty, []int{0}, 1) }},
		{"empty axis, empty outer", ErrIndex, func() { Take(New[float64](0, 0), []int{0}, 1) }},
		{"overflow", ErrOverflow, func() { Take(huge, []int{0, 0}, 1) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { takePanics(t, "Take", tc.want, tc.f) })
	}
	into := []struct {
		name string
		want error
		f    func()
	}{
		{"axis", ErrIndex, func() { TakeInto(New[float64](1, 4), m, []int{0}, 5) }},
		{"index", ErrIndex, func() { TakeInto(New[float64](1, 4), m, []int{3}, 0) }},
		{"shape", ErrShape, func() { TakeInto(New[float64](2, 4), m, []int{0}, 0) }},
		{"rank", ErrShape, func() { TakeInto(New[float64](4), m, []int{0}, 0) }},
		{"read-only", ErrReadOnly, func() { TakeInto(New[float64](1, 4).AsReadOnly(), m, []int{0}, 0) }},
		{"read-only empty", ErrReadOnly, func() { TakeInto(New[float64](0, 4).AsReadOnly(), m, nil, 0) }},
	}
	for _, tc := range into {
		t.Run("TakeInto "+tc.name, func(t *testing.T) { takePanics(t, "TakeInto", tc.want, tc.f) })
	}
	// Nothing is out of range in an empty list, even on an empty axis.
	if r := Take(empty, nil, 1); !equalInts(r.Shape(), []int{2, 0}) {
		t.Fatalf("shape %v", r.Shape())
	}
	if r := Take(scalar, []int{0, -1}, -1); !equalInts(r.Shape(), []int{2}) {
		t.Fatalf("0-d: shape %v", r.Shape())
	}
}

func TestTakeReleased(t *testing.T) {
	rel := New[float64](2, 2)
	rel.Release()
	live := New[float64](2, 2)
	panics(t, ErrReleased, func() { Take(rel, []int{0}, 0) })
	panics(t, ErrReleased, func() { TakeInto(live, rel, []int{0, 1}, 0) })
	panics(t, ErrReleased, func() { TakeInto(rel, live, []int{0, 1}, 0) })
	panics(t, ErrReleased, func() { TakeInto[float32](New[float32](2, 2), rel, []int{0, 1}, 0) })
}

func TestTakeIntoBadIndexLeavesDst(t *testing.T) {
	v := New[int32](5, 3)
	for k := range 15 {
		v.Set(int32(k), k/3, k%3)
	}
	dst := New[float32](3, 3)
	Fill(dst, 7)
	for _, idx := range [][]int{{0, 1, 5}, {4, -6, 0}} {
		takePanics(t, "TakeInto", ErrIndex, func() { TakeInto(dst, v, idx, 0) })
		for _, x := range dst.ToSlice() {
			if x != 7 {
				t.Fatalf("%v: dst became %v", idx, dst.ToSlice())
			}
		}
	}
	// The same into v itself, of the same type: dst is v's first rows.
	d := v.Slice(0, 0, 3, 1)
	before := v.ToSlice()
	takePanics(t, "TakeInto", ErrIndex, func() { TakeInto(d, v, []int{4, 3, 9}, 0) })
	if fmt.Sprint(v.ToSlice()) != fmt.Sprint(before) {
		t.Fatalf("v became %v", v.ToSlice())
	}
	// And a good one into v itself reads v as it was.
	TakeInto(d, v, []int{4, 3, 0}, 0)
	want := []int32{12, 13, 14, 9, 10, 11, 0, 1, 2, 9, 10, 11, 12, 13, 14}
	if fmt.Sprint(v.ToSlice()) != fmt.Sprint(want) {
		t.Fatalf("in place: %v, want %v", v.ToSlice(), want)
	}
}

func TestTakeAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	tab := New[float32](8, 16)
	idx := []int{3, 1, -1}
	// Take makes its data (one allocation, through makeElems), the View, its layout's shape
	// and strides (makeLayout: one allocation) and the data's slice header boxed in the
	// view's Obj: four, measured (New makes a fifth: its variadic shape escapes).
	if n := testing.AllocsPerRun(100, func() { Take(tab, idx, 0) }); n != 4 {
		t.Errorf("Take: %v allocations, want 4", n)
	}
	// Rows of joinMinBytes or more are gathered by bytes.Join (the data, not zeroed first)
	// from a list of the rows: one allocation more, five.
	big := New[float32](8, joinMinBytes/4)
	if n := testing.AllocsPerRun(100, func() { Take(big, idx, 0) }); n != 5 {
		t.Errorf("Take of rows: %v allocations, want 5", n)
	}
	dst := New[float32](3, 16)
	if n := testing.AllocsPerRun(100, func() { TakeInto(dst, tab, idx, 0) }); n != 0 {
		t.Errorf("TakeInto of the same type: %v allocations, want 0", n)
	}
	// A conversion stages one-element runs in an array the kernel (a func value) reads: one
	// allocation.
	dst64 := New[float64](3, 16)
	if n := testing.AllocsPerRun(100, func() { TakeInto(dst64, tab, idx, 0) }); n != 1 {
		t.Errorf("TakeInto converting: %v allocations, want 1", n)
	}
}

// testTakeJoined checks Take where each slab is a C-contiguous run of at least joinMinBytes
// (gathered by bytes.Join) against TakeInto, which always gathers into dst, and against
// Index, over layouts that take either path.
func testTakeJoined[T Elem](t *testing.T) {
	isz, _ := itemInfo[T]()
	m := (joinMinBytes + isz - 1) / isz // elements in a slab of joinMinBytes
	src := New[float64](3, 4, m+3)
	k := 0
	for i := range 3 {
		for j := range 4 {
			for l := range m + 3 {
				src.Set(float64(k%113-50), i, j, l)
				k++
			}
		}
	}
	v := AsType[T](src)
	joined := 0
	for _, w := range []*View[T]{
		v,
		v.Slice(0, 0, 3, -1),
		v.Slice(1, 0, 4, -2),
		v.Slice(2, 3, m+3, 1),
		v.Slice(2, 0, m+3, 2),
		v.Transpose(1, 0, 2),
		v.Transpose(2, 1, 0),
	} {
		for axis := range 3 {
			for _, idx := range [][]int{{1}, {-1, 0, 1, 0}, {}} {
				n := w.Shape()[axis]
				r := Take(w, idx, axis)
				if takeJoined(w, axis, n, idx, r.Size()) != nil {
					joined++
				}
				d := New[T](r.Shape()...)
				TakeInto(d, w, idx, axis)
				if !Equal(r, d) {
					t.Fatalf("Take and TakeInto differ on shape %v strides %v, axis %d", w.Shape(), w.Strides(), axis)
				}
				for j, i := range idx {
					if i < 0 {
						i += n
					}
					if !Equal(r.Index(axis, j), w.Index(axis, i)) {
						t.Fatalf("shape %v strides %v, axis %d: slab %d differs", w.Shape(), w.Strides(), axis, j)
					}
				}
			}
		}
	}
	if joined < 10 { // 14 of the 42 non-empty takes above
		t.Fatalf("only %d takes were joined", joined)
	}
}

func TestTakeJoined(t *testing.T) {
	t.Run("int8", testTakeJoined[int8])
	t.Run("BFloat16", testTakeJoined[BFloat16])
	t.Run("float32", testTakeJoined[float32])
	t.Run("float64", testTakeJoined[float64])
	t.Run("complex128", testTakeJoined[complex128])
}
