package ndview

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// The code tables of gen_secondday.py.
var (
	argFloats = map[byte]float64{'a': math.NaN(), 'b': math.Inf(1), 'c': math.Inf(-1), 'd': 0,
		'e': math.Copysign(0, -1), 'f': 1, 'g': -1, 'h': 2.5, 'i': -2.5, 'j': 0.5, 'k': 1e300,
		'l': -1e-300, 'm': 3, 'n': -3}
	argInts = map[byte]int16{'a': -32768, 'b': 32767, 'c': 0, 'd': 1, 'e': -1, 'f': 2, 'g': -2,
		'h': 100, 'i': -100}
)

func runArgCase[T Real](t *testing.T, table map[byte]T, c []json.RawMessage) string {
	var op, typ, tr, codes string
	var bs, shape []int
	var axis int
	decode(t, c[0], &op)
	decode(t, c[1], &typ)
	decode(t, c[2], &bs)
	decode(t, c[3], &tr)
	decode(t, c[4], &shape)
	decode(t, c[5], &codes)
	decode(t, c[6], &axis)
	want := decodeWant[int](t, c[7])
	data := make([]T, len(codes))
	for i := range codes {
		x, ok := table[codes[i]]
		if !ok {
			t.Fatalf("unknown code %q", codes[i])
		}
		data[i] = x
	}
	v := transformed(t, data, bs, tr, shape)
	f, fn := ArgMaxAxis[T], "ArgMaxAxis"
	if op == "argmin" {
		f, fn = ArgMinAxis[T], "ArgMinAxis"
	}
	if want.err != nil {
		panicsOp(t, want.err, fn, func() { f(v, axis) })
		return op + " error"
	}
	got := f(v, axis)
	if !slices.Equal(got.Shape(), want.shape) || !slices.Equal(got.ToSlice(), want.values) {
		t.Fatalf("%s(%s %v %q, %d) over %q: got %v %v, want %v %v", fn, typ, shape, tr, axis, codes, got.Shape(), got.ToSlice(), want.shape, want.values)
	}
	if !got.IsCContiguous() || got.ReadOnly() {
		t.Fatalf("result is not a writable C-contiguous view")
	}
	return op
}

func TestArgMaxAxisNumPy(t *testing.T) {
	vec := loadSecondday(t)
	if len(vec.Arg) < 500 {
		t.Fatalf("only %d arg cases", len(vec.Arg))
	}
	counts := map[string]int{}
	for i, c := range vec.Arg {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			var typ string
			decode(t, c[1], &typ)
			switch typ {
			case "float64":
				counts[typ+" "+runArgCase(t, argFloats, c)]++
			case "int16":
				counts[typ+" "+runArgCase(t, argInts, c)]++
			default:
				t.Fatalf("unknown type %q", typ)
			}
		})
	}
	t.Logf("%d cases against NumPy %s: %v", len(vec.Arg), vec.NumPy, counts)
}

// argRef is ArgMaxAxis (isMax) or ArgMinAxis written plainly over float64 values with At:
// for each result cell, the first NaN along axis, else the first extreme.
func argRef(v *View[float64], axis int, isMax bool) *View[int] {
	shape := v.Shape()
	n := shape[axis]
	rest := slices.Delete(slices.Clone(shape), axis, axis+1)
	out := New[int](rest...)
	for idx := range out.All() {
		full := slices.Insert(slices.Clone(idx), axis, 0)
		best, bi := v.At(full...), 0
		for i := 1; i < n && best == best; i++ {
			full[axis] = i
			x := v.At(full...)
			if x != x || isMax && x > best || !isMax && x < best {
				best, bi = x, i
			}
		}
		out.Set(bi, idx...)
	}
	return out
}

// randValues returns n values drawn from small integers (exact in every Real type, many
// ties), with signed zeros and, if nan, NaNs and infinities.
func randValues(r *rand.Rand, n int, nan bool) []float64 {
	s := make([]float64, n)
	for i := range s {
		switch k := r.IntN(20); {
		case nan && k == 0:
			s[i] = math.NaN()
		case nan && k == 1:
			s[i] = math.Inf(1 - 2*r.IntN(2))
		case k == 2:
			s[i] = math.Copysign(0, -1)
		default:
			s[i] = float64(r.IntN(13) - 6)
		}
	}
	return s
}

// layouts returns views of the values in several layouts, all of shape (d0, d1, d2):
// C-contiguous, Fortran, reversed, strided and permuted.
func layouts[T Elem](vals []T, d0, d1, d2 int) map[string]*View[T] {
	n := d0 * d1 * d2
	m := map[string]*View[T]{}
	c := must(FromSlice(vals[:n], d0, d1, d2))
	m["C"] = c
	m["F"] = must(FromSlice(vals[:n], d2, d1, d0)).Transpose()
	m["reversed"] = c.Slice(0, 0, d0, -1).Slice(2, 0, d2, -1)
	m["strided"] = must(FromSlice(vals[:2*n], d0, d1, 2*d2)).Slice(2, 0, 2*d2, 2)
	m["permuted"] = must(FromSlice(vals[:n], d1, d0, d2)).Transpose(1, 0, 2).Slice(1, 0, d1, -1)
	return m
}

// argTypes checks ArgMaxAxis and ArgMinAxis for T against argRef, over every axis and layout.
func argTypes[T Real](t *testing.T, nan bool) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, sh := range [][3]int{{3, 4, 5}, {1, 7, 2}, {17, 2, 33}, {2, 40, 1}} {
		vals := AsType[T](must(FromSlice(randValues(r, 2*sh[0]*sh[1]*sh[2], nan)))).ToSlice()
		for name, v := range layouts(vals, sh[0], sh[1], sh[2]) {
			if !slices.Equal(v.Shape(), sh[:]) {
				t.Fatalf("layout %s has shape %v", name, v.Shape())
			}
			for axis := -3; axis < 3; axis++ {
				for _, isMax := range []bool{true, false} {
					f := ArgMinAxis[T]
					if isMax {
						f = ArgMaxAxis[T]
					}
					got := f(v, axis)
					want := argRef(AsType[float64](v), (axis+3)%3, isMax)
					if !Equal(got, want) {
						t.Fatalf("%v %s axis %d max %v: got %v, want %v", sh, name, axis, isMax, got, want)
					}
				}
			}
		}
	}
}

func TestArgMaxAxisTypes(t *testing.T) {
	t.Run("int8", func(t *testing.T) { argTypes[int8](t, false) })
	t.Run("uint8", func(t *testing.T) { argTypes[uint8](t, false) })
	t.Run("int16", func(t *testing.T) { argTypes[int16](t, false) })
	t.Run("uint16", func(t *testing.T) { argTypes[uint16](t, false) })
	t.Run("int32", func(t *testing.T) { argTypes[int32](t, false) })
	t.Run("uint32", func(t *testing.T) { argTypes[uint32](t, false) })
	t.Run("int64", func(t *testing.T) { argTypes[int64](t, false) })
	t.Run("uint64", func(t *testing.T) { argTypes[uint64](t, false) })
	t.Run("int", func(t *testing.T) { argTypes[int](t, false) })
	t.Run("uint", func(t *testing.T) { argTypes[uint](t, false) })
	t.Run("uintptr", func(t *testing.T) { argTypes[uintptr](t, false) })
	t.Run("float32", func(t *testing.T) { argTypes[float32](t, true) })
	t.Run("float64", func(t *testing.T) { argTypes[float64](t, true) })
	t.Run("Float16", func(t *testing.T) { argTypes[Float16](t, true) })
	t.Run("BFloat16", func(t *testing.T) { argTypes[BFloat16](t, true) })
	t.Run("Float8E4M3", func(t *testing.T) { argTypes[Float8E4M3](t, true) })
	t.Run("Float8E5M2", func(t *testing.T) { argTypes[Float8E5M2](t, true) })
}

// TestArgMaxAxisLarge covers the parallel paths (more than parallelBytes), tiles wider than
// chunkLen, and broadcast (zero-stride) axes.
func TestArgMaxAxisLarge(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	// 9.6 MB: split across 2 goroutines even with GOMAXPROCS=2; {2000, 600} along axis 0 is
	// one tile, cut smaller to share out.
	vals := randValues(r, 1200*1000, true)
	for _, sh := range [][2]int{{1200, 1000}, {2000, 600}, {3, 400000}, {400000, 3}} {
		v, _ := FromSlice(vals[:sh[0]*sh[1]], sh[0], sh[1])
		for name, w := range map[string]*View[float64]{"C": v, "T": v.Transpose(), "rev": v.Slice(1, 0, sh[1], -1)} {
			for axis := range 2 {
				for _, isMax := range []bool{true, false} {
					f := ArgMinAxis[float64]
					if isMax {
						f = ArgMaxAxis[float64]
					}
					if got, want := f(w, axis), argRef(w, axis, isMax); !Equal(got, want) {
						t.Fatalf("%v %s axis %d max %v: results differ", sh, name, axis, isMax)
					}
				}
			}
		}
	}
	// Long rows across argSlice's chunks: no NaN (ties and signed zeros in every chunk), a
	// NaN late in the row, the extreme in the last chunk.
	quiet := randValues(r, 3*5000, false)
	v := must(FromSlice(quiet, 3, 5000))
	quiet[1*5000+4321] = math.NaN()
	quiet[2*5000+4999] = 7
	quiet[0*5000+2000] = -7
	for axis := range 2 {
		for _, isMax := range []bool{true, false} {
			f := ArgMinAxis[float64]
			if isMax {
				f = ArgMaxAxis[float64]
			}
			if got, want := f(v, axis), argRef(v, axis, isMax); !Equal(got, want) {
				t.Fatalf("long rows axis %d max %v: got %v, want %v", axis, isMax, got, want)
			}
		}
	}
	if got := ArgMaxAxis(v, 1).ToSlice(); !slices.Equal(got, []int{ArgMax(v.Index(0, 0))[0], 4321, 4999}) {
		t.Fatalf("long rows: %v", got)
	}
	one, _ := FromSlice([]float64{1, 2, 3})
	b, _ := BroadcastTo(one, 4, 3)
	if got := ArgMaxAxis(b, 0).ToSlice(); !slices.Equal(got, []int{0, 0, 0}) {
		t.Fatalf("broadcast axis 0: %v", got)
	}
	if got := ArgMaxAxis(b, 1).ToSlice(); !slices.Equal(got, []int{2, 2, 2, 2}) {
		t.Fatalf("broadcast axis 1: %v", got)
	}
}

func TestArgMaxAxisSpecial(t *testing.T) {
	nz := math.Copysign(0, -1)
	nan := math.NaN()
	tests := []struct {
		vals     []float64
		max, min int
	}{
		{[]float64{nz, 0, nz}, 0, 0},
		{[]float64{0, nz}, 0, 0},
		{[]float64{1, nan, 5, nan}, 1, 1},
		{[]float64{math.Inf(-1), math.Inf(1), math.Inf(1), math.Inf(-1)}, 1, 0},
		{[]float64{2, 2, 2}, 0, 0},
	}
	for _, tt := range tests {
		v, _ := FromSlice(tt.vals)
		if got := ArgMaxAxis(v, 0); got.NDim() != 0 || got.At() != tt.max {
			t.Errorf("ArgMaxAxis(%v) = %v, want %d", tt.vals, got, tt.max)
		}
		if got := ArgMinAxis(v, -1).At(); got != tt.min {
			t.Errorf("ArgMinAxis(%v) = %d, want %d", tt.vals, got, tt.min)
		}
		h := AsType[Float16](v)
		if got := ArgMaxAxis(h, 0).At(); got != tt.max {
			t.Errorf("ArgMaxAxis(Float16 %v) = %d, want %d", tt.vals, got, tt.max)
		}
	}
	// Float16 compares values, not bits: -1 (0xbc00) is less than 0.5 (0x3800).
	h := AsType[Float16](must(FromSlice([]float64{-1, 0.5})))
	if got := ArgMaxAxis(h, 0).At(); got != 1 {
		t.Errorf("Float16 argmax by bits: %d", got)
	}
	// A 0-d view is one element, as NumPy takes it.
	z := New[float64]()
	if got := ArgMaxAxis(z, -1); got.NDim() != 0 || got.At() != 0 {
		t.Errorf("0-d: %v", got)
	}
	// Axis of length 0 and an empty result: NumPy raises.
	if got := ArgMaxAxis(New[float64](0, 3), 1); !slices.Equal(got.Shape(), []int{0}) {
		t.Errorf("shape %v", got.Shape())
	}
}

func must[T any](x T, err error) T {
	if err != nil {
		panic(err)
	}
	return x
}

func TestArgMaxAxisErrors(t *testing.T) {
	a := New[float64](2, 3)
	tests := []struct {
		name string
		want error
		f    func(*View[float64], int) *View[int]
		fn   string
		v    *View[float64]
		axis int
	}{
		{"axis", ErrIndex, ArgMaxAxis[float64], "ArgMaxAxis", a, 2},
		{"negative axis", ErrIndex, ArgMinAxis[float64], "ArgMinAxis", a, -3},
		{"0-d axis", ErrIndex, ArgMaxAxis[float64], "ArgMaxAxis", New[float64](), 1},
		{"empty axis", ErrShape, ArgMaxAxis[float64], "ArgMaxAxis", New[float64](2, 0), 1},
		{"empty axis, empty result", ErrShape, ArgMinAxis[float64], "ArgMinAxis", New[float64](0, 0), 0},
		{"empty 1-d", ErrShape, ArgMinAxis[float64], "ArgMinAxis", New[float64](0), 0},
		{"axis before empty", ErrIndex, ArgMaxAxis[float64], "ArgMaxAxis", New[float64](0), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			panicsOp(t, tt.want, tt.fn, func() { tt.f(tt.v, tt.axis) })
		})
	}
	r := New[float64](2, 3)
	r.Release()
	panics(t, ErrReleased, func() { ArgMaxAxis(r, 0) })
	panics(t, ErrReleased, func() { ArgMinAxis(r, 0) })
}

// TestArgQuads covers the four-stream paths: rows taken four at a time (argRuns' groups,
// row counts not a multiple of four, rows of one chunk and of several), a single NaN or a
// single extreme in one row, and ArgMax of one long run split in quarters (argChunks) with
// its NaN or extreme in each quarter or in the elements past them; float64 and float32.
func TestArgQuads(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	check := func(name string, vals []float64, rows, n int) {
		t.Helper()
		v := must(FromSlice(vals[:rows*n], rows, n))
		v32 := AsType[float32](v)
		for _, isMax := range []bool{true, false} {
			f, f32 := ArgMinAxis[float64], ArgMinAxis[float32]
			if isMax {
				f, f32 = ArgMaxAxis[float64], ArgMaxAxis[float32]
			}
			want := argRef(v, 1, isMax)
			if got := f(v, 1); !Equal(got, want) {
				t.Fatalf("%s rows=%d n=%d max %v: got %v, want %v", name, rows, n, isMax, got, want)
			}
			if got := f32(v32, 1); !Equal(got, argRef(AsType[float64](v32), 1, isMax)) {
				t.Fatalf("%s float32 rows=%d n=%d max %v: got %v", name, rows, n, isMax, got)
			}
		}
	}
	for _, rows := range []int{4, 7, 9, 13} {
		for _, n := range []int{16, 17, 100, 2048, 2053, 5000} {
			vals := randValues(r, rows*n, false)
			check("ties", vals, rows, n)
			row, col := r.IntN(rows), r.IntN(n)
			vals[row*n+col] = 100
			vals[((row+1)%rows)*n+n-1-col] = -100
			check("one extreme", vals, rows, n)
			vals[r.IntN(rows)*n+r.IntN(n)] = math.Float64frombits(0x7ff8000000000007)
			check("one NaN", vals, rows, n)
			check("NaNs", randValues(r, rows*n, true), rows, n)
		}
	}
	for _, n := range []int{quadBytes/8 - 1, quadBytes / 8, quadBytes/8 + 1, quadBytes/8 + 3, quadBytes/4 + 2, 50001} {
		per := n / 4
		for at := range 5 {
			if at == 4 && n == 4*per {
				continue
			}
			for kind := range 3 {
				vals := randValues(r, n, false)
				i := at*per + r.IntN(per)
				if at == 4 {
					i = 4*per + r.IntN(n-4*per)
				}
				switch kind {
				case 0:
					vals[i], vals[n-1-i] = 100, -100
				case 1:
					vals[i] = math.NaN()
				case 2:
					vals[i], vals[r.IntN(n)] = math.NaN(), math.NaN()
				}
				v := must(FromSlice(vals))
				for _, isMax := range []bool{true, false} {
					want := argRef(v, 0, isMax).At()
					f, f32 := ArgMin[float64], ArgMin[float32]
					if isMax {
						f, f32 = ArgMax[float64], ArgMax[float32]
					}
					if got := f(v)[0]; got != want {
						t.Fatalf("ArgMax n=%d at=%d kind=%d max %v: %d, want %d", n, at, kind, isMax, got, want)
					}
					if got := f32(AsType[float32](v))[0]; got != want {
						t.Fatalf("ArgMax float32 n=%d at=%d kind=%d max %v: %d, want %d", n, at, kind, isMax, got, want)
					}
				}
			}
		}
	}
}
