package ndview

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"testing"
)

// The vectors in testdata/select.json are written by testdata/gen_select.py from NumPy's
// basic slicing; TestSelectNumPy replays them.

type selectWant struct {
	Shape, Strides []int
	Offset         int
	C, F           bool
	Elems          []int64
}

type selectCase struct {
	Type    string
	N       int
	Offset  int
	Shape   []int
	Strides []int
	Sel     []json.RawMessage
	Err     string // "IndexError", "ValueError" or "" when Want holds the result
	Want    selectWant
}

func (c *selectCase) UnmarshalJSON(b []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	if len(raw) != 7 {
		return fmt.Errorf("a case of %d fields", len(raw))
	}
	for i, p := range []any{&c.Type, &c.N, &c.Offset, &c.Shape, &c.Strides, &c.Sel} {
		if err := json.Unmarshal(raw[i], p); err != nil {
			return err
		}
	}
	if json.Unmarshal(raw[6], &c.Err) == nil {
		return nil
	}
	var w []json.RawMessage
	if err := json.Unmarshal(raw[6], &w); err != nil {
		return err
	}
	if len(w) != 6 {
		return fmt.Errorf("a result of %d fields", len(w))
	}
	for i, p := range []any{&c.Want.Shape, &c.Want.Strides, &c.Want.Offset, &c.Want.C, &c.Want.F, &c.Want.Elems} {
		if err := json.Unmarshal(w[i], p); err != nil {
			return err
		}
	}
	return nil
}

// ranges turns the JSON selection into Ranges; By may panic (a step of 0), as NumPy raises.
func (c *selectCase) ranges(t *testing.T) []Range {
	t.Helper()
	var rs []Range
	for _, m := range c.Sel {
		var x any
		if err := json.Unmarshal(m, &x); err != nil {
			t.Fatal(err)
		}
		switch x.(type) {
		case nil:
			rs = append(rs, NewAxis)
		case string:
			rs = append(rs, Ellipsis)
		case float64:
			rs = append(rs, I(num(t, m)))
		case []any:
			var p []*int
			if err := json.Unmarshal(m, &p); err != nil || len(p) != 3 {
				t.Fatalf("slice %s: %v", m, err)
			}
			r := Full
			switch {
			case p[0] != nil && p[1] != nil:
				r = R(*p[0], *p[1])
			case p[0] != nil:
				r = From(*p[0])
			case p[1] != nil:
				r = To(*p[1])
			}
			if p[2] != nil {
				r = r.By(*p[2])
			}
			rs = append(rs, r)
		default:
			t.Fatalf("selection item %s", m)
		}
	}
	return rs
}

// selectConv runs a case for each element type of the vectors, given the conversion from the
// k the generator stored in element k.
var selectConv = map[string]func(*testing.T, selectCase){
	"int8":       selectRun(func(k int64) int8 { return int8(k) }),
	"int16":      selectRun(func(k int64) int16 { return int16(k) }),
	"int32":      selectRun(func(k int64) int32 { return int32(k) }),
	"int64":      selectRun(func(k int64) int64 { return k }),
	"float32":    selectRun(func(k int64) float32 { return float32(k) }),
	"float64":    selectRun(func(k int64) float64 { return float64(k) }),
	"complex64":  selectRun(func(k int64) complex64 { return complex(float32(k), 0) }),
	"complex128": selectRun(func(k int64) complex128 { return complex(float64(k), 0) }),
}

func selectRun[T Elem](conv func(int64) T) func(*testing.T, selectCase) {
	return func(t *testing.T, c selectCase) { runSelectCase(t, c, conv) }
}

func runSelectCase[T Elem](t *testing.T, c selectCase, conv func(int64) T) {
	buf := make([]T, c.N)
	for k := range buf {
		buf[k] = conv(int64(k))
	}
	v, err := NewStrided[T](bytesOf(buf), c.Offset, c.Shape, c.Strides)
	if err != nil {
		t.Fatalf("base view: %v", err)
	}
	desc := fmt.Sprintf("shape %v strides %v offset %d, selection %s", c.Shape, c.Strides, c.Offset, c.Sel)
	if c.Err != "" {
		// NumPy's IndexError and ValueError (a step of 0) are both ErrIndex panics.
		defer func() {
			r := recover()
			if err, ok := r.(error); !ok || !errors.Is(err, ErrIndex) {
				t.Fatalf("%s: panicked with %v; NumPy raises %s, want ErrIndex", desc, r, c.Err)
			}
		}()
		w := v.Select(c.ranges(t)...)
		t.Fatalf("%s: got shape %v; NumPy raises %s", desc, w.Shape(), c.Err)
	}
	w := v.Select(c.ranges(t)...)
	want := c.Want
	if !equalInts(w.Shape(), want.Shape) || !equalInts(w.Strides(), want.Strides) {
		t.Fatalf("%s: shape %v strides %v, NumPy %v %v", desc, w.Shape(), w.Strides(), want.Shape, want.Strides)
	}
	// NumPy computes an offset for an empty result too; ndview clamps it (never used).
	if w.Size() > 0 && w.Offset() != want.Offset {
		t.Fatalf("%s: offset %d, NumPy %d", desc, w.Offset(), want.Offset)
	}
	if w.IsCContiguous() != want.C || w.IsFContiguous() != want.F {
		t.Fatalf("%s: C %v F %v, NumPy C %v F %v", desc, w.IsCContiguous(), w.IsFContiguous(), want.C, want.F)
	}
	got := refC(w)
	if len(got) != len(want.Elems) {
		t.Fatalf("%s: %d elements, NumPy %d", desc, len(got), len(want.Elems))
	}
	for i, x := range got {
		if x != conv(want.Elems[i]) {
			t.Fatalf("%s: element %d (C order) is %v, NumPy %v", desc, i, x, want.Elems[i])
		}
	}
}

func TestSelectNumPy(t *testing.T) {
	if strconv.IntSize != 64 {
		t.Skip("the vectors hold bounds beyond 32 bits")
	}
	var vec struct {
		NumPy string       `json:"numpy"`
		Cases []selectCase `json:"cases"`
	}
	loadJSON(t, "select.json", &vec)
	if len(vec.Cases) < 1000 {
		t.Fatalf("only %d cases", len(vec.Cases))
	}
	failures := 0
	for i, c := range vec.Cases {
		run, ok := selectConv[c.Type]
		if !ok {
			t.Fatalf("case %d: no element type %q", i, c.Type)
		}
		if c.Err != "" {
			failures++
		}
		t.Run(fmt.Sprint(i), func(t *testing.T) { run(t, c) })
	}
	t.Logf("%d cases (%d NumPy refuses), against NumPy %s", len(vec.Cases), failures, vec.NumPy)
}

func TestSelectSemantics(t *testing.T) {
	v, _ := FromSlice(iota64(10))
	for _, tt := range []struct {
		name string
		r    Range
		want []float64
	}{
		{"[:]", Full, iota64(10)},
		{"[2:5]", R(2, 5), []float64{2, 3, 4}},
		{"[-3:]", From(-3), []float64{7, 8, 9}},
		{"[:-8]", To(-8), []float64{0, 1}},
		{"[-100:100]", R(-100, 100), iota64(10)},
		{"[::-1]", Full.By(-1), []float64{9, 8, 7, 6, 5, 4, 3, 2, 1, 0}},
		{"[::3]", Full.By(3), []float64{0, 3, 6, 9}},
		{"[5::-2]", From(5).By(-2), []float64{5, 3, 1}},
		{"[:5:-2]", To(5).By(-2), []float64{9, 7}},
		{"[1:7:-2]", R(1, 7).By(-2), nil},
		{"[7:1:-2]", R(7, 1).By(-2), []float64{7, 5, 3}},
		{"[100:-100:-4]", R(100, -100).By(-4), []float64{9, 5, 1}},
		{"[-15::3]", From(-15).By(3), []float64{0, 3, 6, 9}},
		{"[8:2]", R(8, 2), nil},
		{"[::MaxInt]", Full.By(math.MaxInt), []float64{0}},
		{"[::MinInt]", Full.By(math.MinInt), []float64{9}}, // PySlice_Unpack clamps to -MaxInt
		{"[MinInt:MaxInt]", R(math.MinInt, math.MaxInt), iota64(10)},
		{"[MaxInt:MinInt:-1]", R(math.MaxInt, math.MinInt).By(-1), []float64{9, 8, 7, 6, 5, 4, 3, 2, 1, 0}},
		{"zero value", Range{}, iota64(10)},
	} {
		w := v.Select(tt.r)
		if got := w.ToSlice(); !slices.Equal(got, tt.want) && len(got)+len(tt.want) > 0 {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
	if x := v.Select(I(-1)); x.NDim() != 0 || x.At() != 9 {
		t.Errorf("I(-1): %v", x)
	}

	m := New[int32](2, 3, 4)
	for p := range m.Runs() {
		for i := range p {
			p[i] = int32(i)
		}
	}
	for _, tt := range []struct {
		name          string
		r             []Range
		shape         []int
		strides       []int
		offset, first int
	}{
		{"[...]", nil, []int{2, 3, 4}, []int{48, 16, 4}, 0, 0},
		{"[None]", []Range{NewAxis}, []int{1, 2, 3, 4}, []int{0, 48, 16, 4}, 0, 0},
		{"[..., None]", []Range{Ellipsis, NewAxis}, []int{2, 3, 4, 1}, []int{48, 16, 4, 0}, 0, 0},
		{"[1, ..., ::-1]", []Range{I(1), Ellipsis, Full.By(-1)}, []int{3, 4}, []int{16, -4}, 60, 15},
		{"[-1, None, :, 2]", []Range{I(-1), NewAxis, Full, I(2)}, []int{1, 3}, []int{0, 16}, 56, 14},
		{"[:, 5:]", []Range{Full, From(5)}, []int{2, 0, 4}, []int{48, 16, 4}, 0, 0},
		{"[1, 2, 3]", []Range{I(1), I(2), I(3)}, []int{}, []int{}, 92, 23},
		{"[1, 2, 3, ...]", []Range{I(1), I(2), I(3), Ellipsis}, []int{}, []int{}, 92, 23},
		{"[..., 1, 2, 3]", []Range{Ellipsis, I(1), I(2), I(3)}, []int{}, []int{}, 92, 23},
	} {
		w := m.Select(tt.r...)
		if !equalInts(w.Shape(), tt.shape) || !equalInts(w.Strides(), tt.strides) || w.Offset() != tt.offset {
			t.Errorf("%s: shape %v strides %v offset %d, want %v %v %d", tt.name, w.Shape(), w.Strides(), w.Offset(), tt.shape, tt.strides, tt.offset)
		}
		if w.Size() > 0 && refC(w)[0] != int32(tt.first) {
			t.Errorf("%s: first element %d, want %d", tt.name, refC(w)[0], tt.first)
		}
	}

	// A write through a selection lands in the source; read-only stays read-only.
	m.Select(I(-1), Full.By(-1), From(-1)).Set(-7, 0, 0)
	if m.At(1, 2, 3) != -7 {
		t.Errorf("write through Select landed elsewhere")
	}
	if !m.AsReadOnly().Select(I(0)).ReadOnly() || m.Select(I(0)).ReadOnly() {
		t.Errorf("read-only state not kept")
	}
}

func TestSelectPanics(t *testing.T) {
	v := New[int16](3, 4)
	panics(t, ErrIndex, func() { v.Select(I(3)) })
	panics(t, ErrIndex, func() { v.Select(I(-4)) })
	panics(t, ErrIndex, func() { v.Select(Full, I(4)) })
	panics(t, ErrIndex, func() { v.Select(Ellipsis, I(-5)) })
	panics(t, ErrIndex, func() { v.Select(I(math.MinInt)) })
	panics(t, ErrIndex, func() { v.Select(Full, Full, Full) })
	panics(t, ErrIndex, func() { v.Select(I(0), I(0), Ellipsis, I(0)) })
	panics(t, ErrIndex, func() { v.Select(Ellipsis, NewAxis, Ellipsis) })
	panics(t, ErrIndex, func() { New[int16](0, 2).Select(I(0)) })
	panics(t, ErrIndex, func() { New[int16]().Select(I(0)) })
	panics(t, ErrIndex, func() { Full.By(0) })
	panics(t, ErrIndex, func() { R(1, 2).By(0) })
	panics(t, ErrIndex, func() { I(1).By(1) })
	panics(t, ErrIndex, func() { NewAxis.By(1) })
	panics(t, ErrIndex, func() { Ellipsis.By(-1) })
	many := make([]Range, MaxDims-1)
	for k := range many {
		many[k] = NewAxis
	}
	panics(t, ErrIndex, func() { v.Select(many...) }) // 63 + 2 axes
	if w := v.Select(append(many[:MaxDims-3], I(0))...); w.NDim() != MaxDims-2 {
		t.Errorf("%d dimensions, want %d", w.NDim(), MaxDims-2)
	}
	v.Release()
	panics(t, ErrReleased, func() { v.Select() })
	panics(t, ErrReleased, func() { v.Select(I(0)) })
}

// Select makes one view: one allocation for a result of up to 4 dimensions over Go memory,
// and the caller's Ranges stay on its stack (the variadic argument does not escape).
func TestSelectAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates on its own")
	}
	v := New[float64](4, 5, 6, 7)
	for _, tt := range []struct {
		name string
		f    func()
	}{
		{"0-d", func() { v.Select(I(1), I(2), I(3), I(-1)) }},
		{"3 axes", func() { v.Select(I(1), R(1, 4), Full.By(-2)) }},
		{"4-d", func() { v.Select(R(-3, 100), Full, To(-2).By(-1), From(1).By(3)) }},
		{"NewAxis, Ellipsis", func() { v.Select(I(0), NewAxis, Ellipsis, To(-1)) }},
		{"empty", func() { v.Select(R(3, 1), I(0)) }},
	} {
		if n := testing.AllocsPerRun(100, tt.f); n != 1 {
			t.Errorf("%s: %v allocations, want 1", tt.name, n)
		}
	}
}

// selectRef computes Select's result by hand: the shape, and for each result element (C
// order) the index of the source element, or ok == false when NumPy raises.
func selectRef(shape []int, rs []Range) (outShape []int, src [][]int, ok bool) {
	nd := len(shape)
	used, ells := 0, 0
	for _, r := range rs {
		switch r.kind {
		case rangeSlice, rangeIndex:
			used++
		case rangeEllipsis:
			ells++
		}
	}
	if ells > 1 || used > nd {
		return nil, nil, false
	}
	// Expand the Ellipsis and the omitted trailing axes into Full, then list, per entry,
	// the source indices it takes (nil for NewAxis) and whether it keeps an axis.
	var full []Range
	for _, r := range rs {
		if r.kind == rangeEllipsis {
			for range nd - used {
				full = append(full, Full)
			}
			continue
		}
		full = append(full, r)
	}
	for range nd - used - (nd-used)*ells {
		full = append(full, Full)
	}
	type entry struct {
		axis int   // source axis, -1 for NewAxis
		idx  []int // the source indices it takes
		keep bool
	}
	var entries []entry
	axis := 0
	for _, r := range full {
		switch r.kind {
		case rangeNewAxis:
			entries = append(entries, entry{-1, []int{0}, true})
			outShape = append(outShape, 1)
			continue
		case rangeIndex:
			n, i := shape[axis], r.start
			if i < 0 {
				i += n
			}
			if i < 0 || i >= n {
				return nil, nil, false
			}
			entries = append(entries, entry{axis, []int{i}, false})
		case rangeSlice:
			idx := naiveSlice(shape[axis], r)
			entries = append(entries, entry{axis, idx, true})
			outShape = append(outShape, len(idx))
		}
		axis++
	}
	// Every combination, C order: the last entry varies fastest.
	cur := make([]int, nd)
	var rec func(e int)
	rec = func(e int) {
		if e == len(entries) {
			src = append(src, slices.Clone(cur))
			return
		}
		for _, i := range entries[e].idx {
			if entries[e].axis >= 0 {
				cur[entries[e].axis] = i
			}
			rec(e + 1)
		}
	}
	rec(0)
	if len(outShape) > MaxDims {
		return nil, nil, false
	}
	return outShape, src, true
}

// naiveSlice lists the indices of range(n)[r] in Python, one by one: the bounds are made
// absolute and clipped to the axis, then every index of the axis is tested.
func naiveSlice(n int, r Range) []int {
	step := r.step
	if step == 0 {
		step = 1
	}
	abs := func(b int) int {
		if b < 0 {
			return b + n
		}
		return b
	}
	var out []int
	if step > 0 {
		lo, hi := 0, n // [lo, hi)
		if r.has&hasStart != 0 {
			lo = min(max(abs(r.start), 0), n)
		}
		if r.has&hasStop != 0 {
			hi = min(max(abs(r.stop), 0), n)
		}
		for i := 0; i < n; i++ {
			if i >= lo && i < hi && (i-lo)%step == 0 {
				out = append(out, i)
			}
		}
		return out
	}
	hi, lo := n-1, -1 // (lo, hi], downwards
	if r.has&hasStart != 0 {
		hi = min(max(abs(r.start), -1), n-1)
	}
	if r.has&hasStop != 0 {
		lo = min(max(abs(r.stop), -1), n-1)
	}
	for i := n - 1; i >= 0; i-- {
		if i <= hi && i > lo && (hi-i)%step == 0 {
			out = append(out, i)
		}
	}
	return out
}

// fuzzReader hands out the fuzz input a byte at a time, then zeros.
type fuzzReader []byte

func (f *fuzzReader) next() int {
	if len(*f) == 0 {
		return 0
	}
	b := (*f)[0]
	*f = (*f)[1:]
	return int(b)
}

// bound is a small signed value, or now and then an extreme one.
func (f *fuzzReader) bound() int {
	switch b := f.next(); b {
	case 0x7f:
		return math.MaxInt
	case 0x80:
		return math.MinInt
	case 0x7e:
		return math.MaxInt / 3 // a step whose product with a stride overflows
	default:
		return int(int8(b)) % 9
	}
}

// FuzzSelect builds a strided view (a random shape, axis order, reversals, steps and
// sometimes a zero stride) and a selection from the input, and checks Select against
// selectRef element by element.
func FuzzSelect(f *testing.F) {
	f.Add([]byte{3, 2, 3, 4, 0, 0, 3, 2, 4, 0xff, 0x01, 0x03, 0xfe, 0x05})
	f.Add([]byte{2, 0, 3, 1, 1, 3, 7, 6, 0, 0x7f, 0x80, 0x80})
	f.Add([]byte{5, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 4, 6, 7, 2, 1, 0xfd, 0, 0xfe})
	f.Add([]byte{0, 0, 0, 2, 6, 7, 7})
	f.Add([]byte{1, 4, 0, 1, 3, 3, 0x7e, 0x7e, 0x7e})
	f.Add([]byte("90000000007&&&")) // an Ellipsis over three axes, behind a stride-0 axis
	f.Fuzz(func(t *testing.T, data []byte) {
		in := fuzzReader(data)
		nd := in.next() % 6
		shape := make([]int, nd)
		parent := make([]int, nd)
		steps := make([]int, nd)
		size := 1
		for k := range shape {
			shape[k] = in.next() % 5
			steps[k] = 1 + in.next()%3
			parent[k] = max(shape[k]*steps[k], 1)
			size *= parent[k]
		}
		if size > 1<<12 { // keep each run cheap: no steps then
			size = 1
			for k := range shape {
				steps[k], parent[k] = 1, max(shape[k], 1)
				size *= parent[k]
			}
		}
		data32 := make([]int32, size)
		for i := range data32 {
			data32[i] = int32(i)
		}
		v, err := FromSlice(data32, parent...)
		if err != nil {
			t.Fatal(err)
		}
		flags := in.next()
		for k := range nd {
			st := steps[k]
			if flags>>k&1 != 0 {
				st = -st
			}
			if shape[k] == 0 {
				v = v.Slice(k, 0, 0, st)
			} else {
				v = v.Slice(k, 0, (shape[k]-1)*steps[k]+1, st)
			}
		}
		if nd > 1 && flags&0x40 != 0 {
			perm := make([]int, nd)
			for k := range perm {
				perm[k] = (k + flags>>7 + 1) % nd
			}
			v = v.Transpose(perm...)
		}
		if flags&0x20 != 0 { // a broadcast axis in front: stride 0
			d := in.next() % 4
			v, err = NewStrided[int32](v.buf, v.Offset(), append([]int{d}, v.Shape()...), append([]int{0}, v.Strides()...))
			if err != nil {
				t.Fatal(err)
			}
		}
		var rs []Range
		for range in.next() % (v.NDim() + 3) {
			switch in.next() % 8 {
			case 0, 1:
				rs = append(rs, I(in.bound()))
			case 6:
				rs = append(rs, NewAxis)
			case 7:
				rs = append(rs, Ellipsis)
			default:
				r, has := Full, in.next()
				switch has & 3 {
				case 1:
					r = From(in.bound())
				case 2:
					r = To(in.bound())
				case 3:
					r = R(in.bound(), in.bound())
				}
				if has&4 != 0 {
					if step := in.bound(); step == 0 {
						panics(t, ErrIndex, func() { r.By(0) })
					} else {
						r = r.By(step)
					}
				}
				rs = append(rs, r)
			}
		}
		outShape, src, ok := selectRef(v.Shape(), rs)
		if !ok {
			panics(t, ErrIndex, func() { v.Select(rs...) })
			return
		}
		w := v.Select(rs...)
		if !equalInts(w.Shape(), outShape) {
			t.Fatalf("%v of shape %v strides %v: shape %v, want %v", rs, v.Shape(), v.Strides(), w.Shape(), outShape)
		}
		if w.ReadOnly() != v.ReadOnly() {
			t.Fatalf("read-only %v, source %v", w.ReadOnly(), v.ReadOnly())
		}
		got := refC(w)
		if len(got) != len(src) {
			t.Fatalf("%d elements, want %d", len(got), len(src))
		}
		for i, x := range got {
			if want := v.At(src[i]...); x != want {
				t.Fatalf("%v of shape %v strides %v: element %d is %d, want %d (source index %v)", rs, v.Shape(), v.Strides(), i, x, want, src[i])
			}
		}
	})
}
