package ndview

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// refC lists v's elements in C order through At, the reference for the traversal engine.
func refC[T Elem](v *View[T]) []T {
	var out []T
	idx := make([]int, v.NDim())
	var rec func(k int)
	rec = func(k int) {
		if k == len(idx) {
			out = append(out, v.At(idx...))
			return
		}
		for i := range v.lay.shape[k] {
			idx[k] = i
			rec(k + 1)
		}
	}
	if v.Size() > 0 {
		rec(0)
	}
	return out
}

// randomView makes a random strided view of a fresh buffer: a random shape, permutation,
// reversals and steps.
func randomView(r *rand.Rand) *View[int32] {
	nd := 1 + r.IntN(4)
	shape := make([]int, nd)
	for k := range shape {
		shape[k] = 1 + r.IntN(40)
	}
	if nd >= 3 {
		shape[0], shape[1] = 1+r.IntN(5), 1+r.IntN(5)
	}
	size := 1
	for _, d := range shape {
		size *= d
	}
	data := make([]int32, size)
	for i := range data {
		data[i] = int32(i)
	}
	v, _ := FromSlice(data, shape...)
	v = v.Transpose(r.Perm(nd)...)
	for k := range nd {
		n := v.lay.shape[k]
		start := r.IntN(n/3 + 1)
		step := []int{1, 1, 2, -1, -3}[r.IntN(5)]
		v = v.Slice(k, start, n, step)
	}
	return v
}

func TestCopyEngine(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 300 {
		src := randomView(r)
		want := refC(src)
		if got := src.ToSlice(); !slices.Equal(got, want) {
			t.Fatalf("case %d shape %v strides %v: ToSlice %v, want %v", i, src.Shape(), src.Strides(), got, want)
		}
		// Copy into a destination of another random layout of the same shape.
		dst := New[int32](src.Shape()...)
		if r.IntN(2) == 0 {
			dst = New[int32](reverse(src.Shape())...).Transpose()
		}
		Copy(dst, src)
		if got := refC(dst); !slices.Equal(got, want) {
			t.Fatalf("case %d: Copy into strides %v gave %v", i, dst.Strides(), got)
		}
		var vals []int32
		for x := range src.Values() {
			vals = append(vals, x)
		}
		if !slices.Equal(vals, want) {
			t.Fatalf("case %d: Values %v", i, vals)
		}
		var runs []int32
		for run := range src.UnsafeRuns() {
			runs = append(runs, run...)
		}
		if !slices.Equal(runs, want) {
			t.Fatalf("case %d: Runs %v", i, runs)
		}
		if !Equal(src, dst) || !Equal(dst, src.Clone()) {
			t.Fatalf("case %d: Equal", i)
		}
	}
}

func reverse(s []int) []int {
	s = slices.Clone(s)
	slices.Reverse(s)
	return s
}

func TestCopyTransposedLarge(t *testing.T) {
	// Big enough for the tiled kernel, with sizes that are not multiples of the tile.
	for _, n := range [][2]int{{100, 67}, {33, 129}, {64, 64}} {
		s := make([]float64, n[0]*n[1])
		for i := range s {
			s[i] = float64(i)
		}
		src, _ := FromSlice(s, n[0], n[1])
		dst := New[float64](n[1], n[0])
		Copy(dst, src.Transpose())
		for i := range n[1] {
			for j := range n[0] {
				if dst.At(i, j) != src.At(j, i) {
					t.Fatalf("%v: dst[%d,%d] = %v, want %v", n, i, j, dst.At(i, j), src.At(j, i))
				}
			}
		}
		if got, want := src.Transpose().ToBytes(COrder), dst.ToBytes(COrder); string(got) != string(want) {
			t.Fatalf("%v: ToBytes of the transpose differs from Copy", n)
		}
	}
}

func TestCopyOverlapping(t *testing.T) {
	for _, tt := range []struct {
		name     string
		dst, src func(v *View[int]) *View[int]
		want     []int
	}{
		{"reverse in place", func(v *View[int]) *View[int] { return v }, func(v *View[int]) *View[int] { return v.Slice(0, 0, 6, -1) }, []int{5, 4, 3, 2, 1, 0}},
		{"shift right", func(v *View[int]) *View[int] { return v.Slice(0, 1, 6, 1) }, func(v *View[int]) *View[int] { return v.Slice(0, 0, 5, 1) }, []int{0, 0, 1, 2, 3, 4}},
		{"shift left", func(v *View[int]) *View[int] { return v.Slice(0, 0, 5, 1) }, func(v *View[int]) *View[int] { return v.Slice(0, 1, 6, 1) }, []int{1, 2, 3, 4, 5, 5}},
		{"same", func(v *View[int]) *View[int] { return v }, func(v *View[int]) *View[int] { return v }, []int{0, 1, 2, 3, 4, 5}},
		{"transpose in place", func(v *View[int]) *View[int] { w, _ := v.Reshape(2, 3); return w.Slice(1, 0, 2, 1) },
			func(v *View[int]) *View[int] { w, _ := v.Reshape(3, 2); return w.Slice(0, 0, 2, 1).Transpose() }, []int{0, 2, 2, 1, 3, 5}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v, _ := FromSlice([]int{0, 1, 2, 3, 4, 5})
			d, s := tt.dst(v), tt.src(v)
			want := s.ToSlice()
			Copy(d, s)
			if !slices.Equal(d.ToSlice(), want) || !slices.Equal(v.ToSlice(), tt.want) {
				t.Fatalf("got %v (dst %v), want %v", v.ToSlice(), d.ToSlice(), tt.want)
			}
		})
	}
}

func TestZipApply(t *testing.T) {
	a, _ := FromSlice([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	b, _ := FromSlice([]int8{10, 20, 30, 40, 50, 60}, 3, 2)
	var got []string
	for x, y := range Zip(a, b.Transpose()) {
		got = append(got, fmt.Sprint(x, y))
	}
	if fmt.Sprint(got) != "[1 10 2 30 3 50 4 20 5 40 6 60]" {
		t.Fatalf("Zip: %v", got)
	}
	Apply(a, b.Transpose(), func(x float64, y int8) float64 { return x * float64(y) })
	if fmt.Sprint(a.ToSlice()) != "[10 60 150 80 200 360]" {
		t.Fatalf("Apply: %v", a.ToSlice())
	}
	// In place against a reversed view of itself: all of src is read first.
	v, _ := FromSlice([]int{1, 2, 3, 4})
	Apply(v, v.Slice(0, 0, 4, -1), func(x, y int) int { return x*10 + y })
	if fmt.Sprint(v.ToSlice()) != "[14 23 32 41]" {
		t.Fatalf("Apply overlapping: %v", v.ToSlice())
	}
	panics(t, ErrReadOnly, func() { Apply(a.AsReadOnly(), a, func(x, y float64) float64 { return x }) })
	// Early exit from the iterators.
	n := 0
	for range a.Values() {
		n++
		if n == 2 {
			break
		}
	}
	for range a.All() {
		n++
		break
	}
	for range a.Runs() {
		n++
		break
	}
	if n != 4 {
		t.Fatalf("early exit: %d", n)
	}
}

func TestEqualShapes(t *testing.T) {
	a := New[int8](2, 0, 3)
	b := New[int8](2, 0, 5) // CPython compares shapes only up to the first 0
	if !Equal(a, b) {
		t.Error("Equal(2x0x3, 2x0x5) must be true, as memoryview ==")
	}
	if Equal(New[int8](0, 2), New[int8](1, 2)) || Equal(New[int8](2), New[int8](2, 1)) {
		t.Error("different shapes compare unequal")
	}
	x, _ := FromSlice([]float64{math.NaN(), 1})
	if Equal(x, x) {
		t.Error("NaN == NaN")
	}
	if !Equal(x.Slice(0, 1, 2, 1), x.Slice(0, 1, 2, 1)) {
		t.Error("equal values")
	}
	c, _ := FromSlice([]complex64{1 + 2i})
	if !Equal(c, c.Clone()) {
		t.Error("complex values compare by value")
	}
}

func TestToBytesOrders(t *testing.T) {
	m, _ := FromSlice([]uint8{1, 2, 3, 4, 5, 6}, 2, 3)
	panics(t, ErrFormat, func() { m.ToBytes('X') })
	if e := New[int16](0, 4).ToBytes(COrder); e == nil || len(e) != 0 {
		t.Errorf("empty ToBytes: %v", e)
	}
	if h := New[uint16](2).Hex(); h != "00000000" {
		t.Errorf("Hex %q", h)
	}
}

func TestString(t *testing.T) {
	v, _ := FromSlice([]float64{1.5, -2, 100}, 3)
	if s := v.String(); s != "[1.5  -2 100]" {
		t.Errorf("String: %q", s)
	}
	big := New[int8](2000)
	if s := big.String(); s != "[0 0 0 ... 0 0 0]" {
		t.Errorf("summarized: %q", s)
	}
	if s := New[int8](0, 2).String(); s != "[]" {
		t.Errorf("empty: %q", s)
	}
	c, _ := FromSlice([]complex128{1 + 2i})
	if s := c.String(); s != "[(1+2i)]" {
		t.Errorf("complex: %q", s)
	}
}

// allocs returns the allocations and bytes allocated per call of f, averaged over runs. The
// counters are process-wide, so other goroutines (the collector's cleanups, the test
// runner) can only add to them, never take away: allocs measures up to 20 times, on one P,
// and returns the smallest figures, stopping early once they are within want and maxBytes.
// A regression that allocates more on every call fails every attempt.
func allocs(runs int, want, maxBytes float64, f func()) (count, bytes float64) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	f() // warm up
	count, bytes = math.Inf(1), math.Inf(1)
	for range 20 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		for range runs {
			f()
		}
		runtime.ReadMemStats(&after)
		count = min(count, float64(after.Mallocs-before.Mallocs)/float64(runs))
		bytes = min(bytes, float64(after.TotalAlloc-before.TotalAlloc)/float64(runs))
		if count <= want && bytes <= maxBytes {
			break
		}
	}
	return count, bytes
}

// Derived views, iteration and Copy promise zero copies: on an 8 MiB view each allocates a
// fixed, small number of objects and bytes, whatever the size (a copy of the elements
// would show as megabytes).
func TestAllocs(t *testing.T) {
	const n = 1024
	v := New[float64](n, n)
	d := New[float64](n, n)
	tr := v.Transpose()
	s := v.Slice(1, 0, n, 3)
	for _, tt := range []struct {
		name   string
		allocs float64 // exactly
		f      func()
	}{
		{"Slice", 1, func() { v.Slice(1, 1, n/2, 2) }},
		{"Index", 1, func() { v.Index(0, 1) }},
		{"Transpose", 1, func() { v.Transpose() }},
		{"Reshape", 1, func() { v.Reshape(-1) }},
		{"AsReadOnly", 1, func() { v.AsReadOnly() }},
		{"Cast", 3, func() { Cast[uint8](v) }}, // the view, its layout, the inferred shape
		{"Values", 0, func() {
			for x := range s.Values() {
				_ = x
			}
		}},
		{"Copy", 0, func() { Copy(d, tr) }},
	} {
		count, bytes := allocs(20, tt.allocs, 512, tt.f)
		if raceEnabled {
			// The race detector allocates on its own; only the bytes are meaningful.
			count = tt.allocs
		}
		if count != tt.allocs || bytes > 512 {
			t.Errorf("%s of a %d×%d view: %v allocations, %v bytes per call; want %v and no copy", tt.name, n, n, count, bytes, tt.allocs)
		}
	}
}
