package ndview

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"math/cmplx"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"golang.org/x/exp/constraints"
)

// The vectors in testdata/reduce.json are written by testdata/gen_reduce.py from NumPy;
// TestReduceNumPy replays them. The data are not in the file: both sides compute them from
// a seed (mix64 and the value functions below mirror the generator's).

type reduceCase struct {
	Type      string
	Seed      uint64
	Mode      string
	N         int
	Offset    int
	Shape     []int
	Strides   []int
	Op        string
	Axes      []int // nil: all axes (no axes passed)
	Err       string
	WantShape []int
	WantHex   string
	WantIdx   []int
}

func (c *reduceCase) UnmarshalJSON(b []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	if len(raw) != 10 {
		return fmt.Errorf("a case of %d fields", len(raw))
	}
	for i, p := range []any{&c.Type, &c.Seed, &c.Mode, &c.N, &c.Offset, &c.Shape, &c.Strides, &c.Op, &c.Axes} {
		if err := json.Unmarshal(raw[i], p); err != nil {
			return err
		}
	}
	if json.Unmarshal(raw[9], &c.Err) == nil {
		return nil
	}
	var w []json.RawMessage
	if err := json.Unmarshal(raw[9], &w); err != nil || len(w) != 2 {
		return fmt.Errorf("result %s: %v", raw[9], err)
	}
	if err := json.Unmarshal(w[0], &c.WantShape); err != nil {
		return err
	}
	if c.Op == "argmax" || c.Op == "argmin" {
		return json.Unmarshal(w[1], &c.WantIdx)
	}
	return json.Unmarshal(w[1], &c.WantHex)
}

func (c *reduceCase) String() string {
	return fmt.Sprintf("%s(axes %v) of a %s view, shape %v strides %v offset %d over %d elements (seed %d, %s)",
		c.Op, c.Axes, c.Type, c.Shape, c.Strides, c.Offset, c.N, c.Seed, c.Mode)
}

// mix64 is splitmix64's output function of z + the golden gamma, as gen_reduce.py's mix.
func mix64(z uint64) uint64 {
	z += 0x9E3779B97F4A7C15
	z = (z ^ z>>30) * 0xBF58476D1CE4E5B9
	z = (z ^ z>>27) * 0x94D049BB133111EB
	return z ^ z>>31
}

var negZero = math.Copysign(0, -1)

// realValue is gen_reduce.py's real().
func realValue(seed uint64, mode string, i int) float64 {
	r := mix64(seed<<32 ^ uint64(i))
	m := float64(r>>11) * 0x1p-53
	switch mode {
	case "unit":
		return m - 0.5
	case "near1":
		return 0.75 + m/2
	case "special":
		if (r>>5)%8 == 0 {
			return [...]float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, negZero}[(r>>9)%5]
		}
	case "nan":
		if (r>>5)%64 == 0 {
			return math.NaN()
		}
	case "zmax":
		return [...]float64{0, negZero, -(1 + m)}[(r>>5)%3]
	case "zmin":
		return [...]float64{0, negZero, 1 + m}[(r>>5)%3]
	}
	return (m - 0.5) * math.Ldexp(1, int(r&31)-16)
}

// intValue is gen_reduce.py's integer(), converted to T as NumPy stores it (wrapping).
func intValue[T constraints.Integer](seed uint64, mode string, i int) T {
	r := mix64(seed<<32 ^ uint64(i))
	if mode == "small" {
		return T(int64((r>>7)%7) - 3)
	}
	return T(r)
}

func floatValue[T constraints.Float](seed uint64, mode string, i int) T {
	return T(realValue(seed, mode, i))
}

func complex64Value(seed uint64, mode string, i int) complex64 {
	return complex(float32(realValue(seed, mode, 2*i)), float32(realValue(seed, mode, 2*i+1)))
}

func complex128Value(seed uint64, mode string, i int) complex128 {
	return complex(realValue(seed, mode, 2*i), realValue(seed, mode, 2*i+1))
}

// reduceStats counts what the vectors checked.
type reduceStats struct {
	exact, bounded, sameAsNumPy, total int
}

var reduceRunners = map[string]func(*testing.T, reduceCase, *reduceStats){
	"int8":       realRunner(intValue[int8]),
	"int16":      realRunner(intValue[int16]),
	"int32":      realRunner(intValue[int32]),
	"int64":      realRunner(intValue[int64]),
	"uint8":      realRunner(intValue[uint8]),
	"uint16":     realRunner(intValue[uint16]),
	"uint32":     realRunner(intValue[uint32]),
	"uint64":     realRunner(intValue[uint64]),
	"float32":    realRunner(floatValue[float32]),
	"float64":    realRunner(floatValue[float64]),
	"complex64":  complexRunner(complex64Value),
	"complex128": complexRunner(complex128Value),
}

func caseView[T Elem](t *testing.T, c reduceCase, val func(uint64, string, int) T) *View[T] {
	t.Helper()
	buf := make([]T, c.N)
	for i := range buf {
		buf[i] = val(c.Seed, c.Mode, i)
	}
	v, err := NewStrided[T](bytesOf(buf), c.Offset, c.Shape, c.Strides)
	if err != nil {
		t.Fatalf("%v: %v", &c, err)
	}
	return v
}

func realRunner[T Real](val func(uint64, string, int) T) func(*testing.T, reduceCase, *reduceStats) {
	return func(t *testing.T, c reduceCase, st *reduceStats) {
		v := caseView(t, c, val)
		switch c.Op {
		case "sum", "prod":
			checkSumProd(t, c, v, st)
		case "min", "max":
			f := Max[T]
			if c.Op == "min" {
				f = Min[T]
			}
			got, ok := runReduce(t, c, func() *View[T] { return f(v, c.Axes...) })
			if !ok {
				return
			}
			want := wantView[T](t, c)
			for i, x := range got {
				if y := want[i]; x != y && (x == x || y == y) {
					t.Fatalf("%v: element %d is %v, NumPy %v", &c, i, x, y)
				}
			}
			st.exact++
		case "mean":
			got, ok := runReduce(t, c, func() *View[float64] { return Mean(v, c.Axes...) })
			if !ok {
				return
			}
			checkSums(t, c, v, got, wantView[float64](t, c), st, true)
		case "argmin", "argmax":
			f := ArgMax[T]
			if c.Op == "argmin" {
				f = ArgMin[T]
			}
			if c.Err != "" {
				panics(t, ErrShape, func() { f(v) })
				return
			}
			if got := f(v); !slices.Equal(got, c.WantIdx) {
				t.Fatalf("%v: %v, NumPy %v", &c, got, c.WantIdx)
			}
			st.exact++
		default:
			t.Fatalf("unknown op %q", c.Op)
		}
	}
}

func complexRunner[T complex64 | complex128](val func(uint64, string, int) T) func(*testing.T, reduceCase, *reduceStats) {
	return func(t *testing.T, c reduceCase, st *reduceStats) {
		checkSumProd(t, c, caseView(t, c, val), st)
	}
}

// runReduce runs f, checking a NumPy ValueError as an ErrShape panic; it returns the result's
// elements in C order and whether there was a result.
func runReduce[T Elem](t *testing.T, c reduceCase, f func() *View[T]) ([]T, bool) {
	t.Helper()
	if c.Err != "" {
		panics(t, ErrShape, func() { f() })
		return nil, false
	}
	w := f()
	if !slices.Equal(w.Shape(), c.WantShape) {
		t.Fatalf("%v: shape %v, NumPy %v", &c, w.Shape(), c.WantShape)
	}
	if !w.IsCContiguous() {
		t.Fatalf("%v: result of strides %v is not C-contiguous", &c, w.Strides())
	}
	return refC(w), true
}

func wantView[T Elem](t *testing.T, c reduceCase) []T {
	t.Helper()
	w, err := FromBytes[T](alignedCopy(unhex(t, c.WantHex)), c.WantShape...)
	if err != nil {
		t.Fatalf("%v: NumPy's result: %v", &c, err)
	}
	return refC(w)
}

// exactWhole reports whether c is a reduction over all axes of a C-contiguous view: where Sum
// promises np.sum's bits.
func exactWhole(c reduceCase, contiguous bool) bool {
	return contiguous && (c.Axes == nil || len(c.Axes) == len(c.Shape))
}

func checkSumProd[T Elem](t *testing.T, c reduceCase, v *View[T], st *reduceStats) {
	f := Sum[T]
	if c.Op == "prod" {
		f = Prod[T]
	}
	got, ok := runReduce(t, c, func() *View[T] { return f(v, c.Axes...) })
	if !ok {
		return
	}
	want := wantView[T](t, c)
	acc := accumOf[T]()
	if acc == accInt {
		if !slices.Equal(got, want) {
			t.Fatalf("%v: %v, NumPy (wrapping in the type) %v", &c, got, want)
		}
		st.exact++
		return
	}
	if c.Op == "prod" {
		checkProds(t, c, v, got, want, st)
		return
	}
	checkSums(t, c, v, got, want, st, false)
}

// cellRef is the exact reference of one result cell of a sum or mean: the exact sum of each
// part, the sum of the magnitudes, the count and whether a NaN or infinity is among them.
type cellRef struct {
	sum    [2]*big.Float
	abs    [2]float64
	prodAb float64 // product of magnitudes, for products
	n      int
	finite bool
}

// parts returns the real and imaginary parts of x as float64 (exact for every type here but
// integers beyond 2^53, which convert as NumPy converts them).
func parts[T Elem](x T) (re, im float64) {
	switch y := any(x).(type) {
	case complex64:
		return float64(real(y)), float64(imag(y))
	case complex128:
		return real(y), imag(y)
	case float32:
		return float64(y), 0
	case float64:
		return y, 0
	case int8:
		return float64(y), 0
	case int16:
		return float64(y), 0
	case int32:
		return float64(y), 0
	case int64:
		return float64(y), 0
	case uint8:
		return float64(y), 0
	case uint16:
		return float64(y), 0
	case uint32:
		return float64(y), 0
	case uint64:
		return float64(y), 0
	}
	panic(fmt.Sprintf("parts of %T", x))
}

// references computes the exact sum of each result cell of a reduction of v over axes.
func references[T Elem](v *View[T], axes []int) []cellRef {
	nd := v.NDim()
	mask := make([]bool, nd)
	if len(axes) == 0 {
		for k := range mask {
			mask[k] = true
		}
	}
	for _, a := range axes {
		mask[(a+nd)%nd] = true
	}
	var kept []int
	for k, d := range v.Shape() {
		if !mask[k] {
			kept = append(kept, d)
		}
	}
	size := 1
	for _, d := range kept {
		size *= d
	}
	refs := make([]cellRef, size)
	for i := range refs {
		refs[i] = cellRef{sum: [2]*big.Float{new(big.Float).SetPrec(512), new(big.Float).SetPrec(512)}, prodAb: 1, finite: true}
	}
	for idx, x := range v.All() {
		c := 0
		j := 0
		for k, i := range idx {
			if !mask[k] {
				c = c*kept[j] + i
				j++
			}
		}
		r := &refs[c]
		re, im := parts(x)
		for p, y := range [2]float64{re, im} {
			if math.IsInf(y, 0) || math.IsNaN(y) {
				r.finite = false
				continue
			}
			r.sum[p].Add(r.sum[p], new(big.Float).SetFloat64(y))
			r.abs[p] += math.Abs(y)
		}
		r.prodAb *= math.Hypot(re, im)
		r.n++
	}
	return refs
}

// sumBound is Sum's documented bound on the error of a sum of n elements, in units of u·Σ|x|:
// 34 + 2⌈log₂n⌉ + ⌈n/8192⌉.
func sumBound(n int) float64 {
	ceilLog2 := bits.Len(uint(max(n, 1) - 1))
	return 34 + 2*float64(ceilLog2) + float64((n+8191)/8192)
}

// checkSums checks sums (or, with mean, means accumulated in float64): bit for bit against
// NumPy where promised, else within the bound of the exact sum.
func checkSums[T, A Elem](t *testing.T, c reduceCase, v *View[T], got, want []A, st *reduceStats, mean bool) {
	t.Helper()
	if len(got) == 0 {
		return
	}
	st.total++
	// Promised: whole C-contiguous float sums (and means of float64, Sum divided by N).
	promised := exactWhole(c, v.IsCContiguous()) && (!mean || c.Type == "float64")
	same := true
	for i := range got {
		gr, gi := parts(got[i])
		wr, wi := parts(want[i])
		same = same && sameBitsOrNaN(gr, wr) && sameBitsOrNaN(gi, wi)
	}
	if same {
		st.sameAsNumPy++
	}
	if promised {
		if !same {
			t.Fatalf("%v: %v, NumPy %v: not bit for bit", &c, got, want)
		}
		st.exact++
		return
	}
	st.bounded++
	u := 0x1p-53
	if _, ok := any(got[0]).(float32); ok {
		u = 0x1p-24
	} else if _, ok := any(got[0]).(complex64); ok {
		u = 0x1p-24
	}
	nparts := 1
	if accumOf[A]() == accComplex {
		nparts = 2
	}
	refs := references(v, c.Axes)
	for i, r := range refs {
		g := [2]float64{}
		w := [2]float64{}
		g[0], g[1] = parts(got[i])
		w[0], w[1] = parts(want[i])
		for p := range nparts {
			if !r.finite || math.IsNaN(w[p]) || math.IsInf(w[p], 0) {
				if math.IsNaN(w[p]) != math.IsNaN(g[p]) || (!math.IsNaN(w[p]) && math.IsInf(w[p], 0) && w[p] != g[p]) {
					t.Fatalf("%v: cell %d part %d is %v, NumPy %v", &c, i, p, g[p], w[p])
				}
				continue
			}
			exact, _ := r.sum[p].Float64()
			bound := sumBound(r.n) * u * r.abs[p] * 1.01
			npBound := float64(r.n+2) * u * r.abs[p] * 1.01 // NumPy adds rows one by one at worst
			if mean {
				if r.n == 0 {
					if !math.IsNaN(g[p]) {
						t.Fatalf("%v: mean of nothing is %v, want NaN", &c, g[p])
					}
					continue
				}
				n := float64(r.n)
				exact /= n
				bound = bound/n + 2*0x1p-53*math.Abs(exact)
				npBound = npBound/n + 2*0x1p-53*math.Abs(exact)
			}
			if d := math.Abs(g[p] - exact); d > bound {
				t.Fatalf("%v: cell %d part %d is %v, exact %v: error %g above the bound %g (%d elements)", &c, i, p, g[p], exact, d, bound, r.n)
			}
			if d := math.Abs(w[p] - exact); d > npBound {
				t.Fatalf("%v: NumPy's cell %d part %d is %v, exact %v: the data differ?", &c, i, p, w[p], exact)
			}
		}
	}
}

// checkProds checks floating-point products against NumPy's within a relative bound (both
// multiply one element after another, perhaps in different orders).
func checkProds[T Elem](t *testing.T, c reduceCase, v *View[T], got, want []T, st *reduceStats) {
	t.Helper()
	if len(got) == 0 {
		return
	}
	st.total++
	same := true
	for i := range got {
		gr, gi := parts(got[i])
		wr, wi := parts(want[i])
		same = same && sameBitsOrNaN(gr, wr) && sameBitsOrNaN(gi, wi)
	}
	if same {
		st.sameAsNumPy++
	}
	// Products of a whole contiguous view multiply in NumPy's order, so they agree bit for
	// bit, but for complex64: Go multiplies complex64 values in float64 and rounds once.
	if exactWhole(c, v.IsCContiguous()) && c.Type != "complex64" {
		if !same {
			t.Fatalf("%v: %v, NumPy %v: not bit for bit", &c, got, want)
		}
		st.exact++
		return
	}
	st.bounded++
	refs := references(v, c.Axes)
	u := 0x1p-53
	if _, ok := any(got[0]).(float32); ok {
		u = 0x1p-24
	} else if _, ok := any(got[0]).(complex64); ok {
		u = 0x1p-24
	}
	for i, r := range refs {
		g, w := complex128(complexOf(got[i])), complex128(complexOf(want[i]))
		if !r.finite || cmplx.IsNaN(w) || cmplx.IsInf(w) {
			if cmplx.IsNaN(w) != cmplx.IsNaN(g) {
				t.Fatalf("%v: cell %d is %v, NumPy %v", &c, i, g, w)
			}
			continue
		}
		if d := cmplx.Abs(g - w); d > 8*float64(r.n+1)*u*r.prodAb+1e-300 {
			t.Fatalf("%v: cell %d is %v, NumPy %v (%d elements)", &c, i, g, w, r.n)
		}
	}
}

func complexOf[T Elem](x T) complex128 {
	re, im := parts(x)
	return complex(re, im)
}

func TestReduceNumPy(t *testing.T) {
	if binary.NativeEndian.Uint16([]byte{1, 0}) != 1 {
		t.Skip("the vectors are little-endian")
	}
	var vec struct {
		NumPy string       `json:"numpy"`
		Cases []reduceCase `json:"cases"`
	}
	loadJSON(t, "reduce.json", &vec)
	if len(vec.Cases) < 3000 {
		t.Fatalf("only %d cases", len(vec.Cases))
	}
	var st reduceStats
	ops := map[string]int{}
	for i, c := range vec.Cases {
		run, ok := reduceRunners[c.Type]
		if !ok {
			t.Fatalf("case %d: no element type %q", i, c.Type)
		}
		ops[c.Op]++
		t.Run(fmt.Sprint(i), func(t *testing.T) { run(t, c, &st) })
	}
	t.Logf("%d cases against NumPy %s %v: %d compared exactly, %d float sums, means and products within the bound (%d of %d also bit for bit as NumPy's)",
		len(vec.Cases), vec.NumPy, ops, st.exact, st.bounded, st.sameAsNumPy, st.total)
}

// numpySum is NumPy 1.24's whole-array sum written plainly, after the C source: chunks of
// 8192 elements, each summed pairwise, added in order from 0.
func numpySum(a []float64) float64 {
	var pw func(a []float64) float64
	pw = func(a []float64) float64 {
		n := len(a)
		if n < 8 {
			res := 0.0
			for _, x := range a {
				res += x
			}
			return res
		}
		if n <= 128 {
			var r [8]float64
			copy(r[:], a[:8])
			i := 8
			for ; i < n-n%8; i += 8 {
				for j := range 8 {
					r[j] += a[i+j]
				}
			}
			res := ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
			for ; i < n; i++ {
				res += a[i]
			}
			return res
		}
		n2 := n / 2
		n2 -= n2 % 8
		return pw(a[:n2]) + pw(a[n2:])
	}
	acc := 0.0
	for i := 0; i < len(a); i += 8192 {
		acc += pw(a[i:min(i+8192, len(a))])
	}
	return acc
}

func TestSumMatchesNumPyAlgorithm(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 7, 8, 9, 127, 128, 129, 1000, 8191, 8192, 8193, 20000, 100000} {
		a := make([]float64, n)
		for i := range a {
			a[i] = r.NormFloat64() * math.Ldexp(1, r.IntN(40)-20)
		}
		v, _ := FromSlice(a)
		if got, want := Sum(v).At(), numpySum(a); math.Float64bits(got) != math.Float64bits(want) {
			t.Errorf("n=%d: Sum %v, NumPy's algorithm %v", n, got, want)
		}
		// Reversed and 2-D layouts of one contiguous block follow NumPy's iteration order,
		// which does not flip axes: a reversed view sums in C order.
		rev := v.Slice(0, 0, n, -1)
		if got, want := Sum(rev).At(), numpySum(rev.ToSlice()); math.Float64bits(got) != math.Float64bits(want) {
			t.Errorf("n=%d reversed: Sum %v, NumPy's algorithm %v", n, got, want)
		}
	}
}

func f64s(xs ...float64) *View[float64] {
	v, _ := FromSlice(xs)
	return v
}

func signbits(v *View[float64]) []bool {
	var s []bool
	for x := range v.Values() {
		s = append(s, math.Signbit(x))
	}
	return s
}

func TestReduceSemantics(t *testing.T) {
	m, _ := FromSlice(iota64(24), 2, 3, 4)
	check := func(name string, got *View[float64], shape []int, want ...float64) {
		t.Helper()
		if !slices.Equal(got.Shape(), shape) || !slices.Equal(got.ToSlice(), want) || !got.IsCContiguous() {
			t.Errorf("%s: shape %v %v, want %v %v", name, got.Shape(), got.ToSlice(), shape, want)
		}
	}
	check("Sum()", Sum(m), []int{}, 276)
	check("Sum(0)", Sum(m, 0), []int{3, 4}, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34)
	check("Sum(-1)", Sum(m, -1), []int{2, 3}, 6, 22, 38, 54, 70, 86)
	check("Sum(2, 0)", Sum(m, 2, 0), []int{3}, 60, 92, 124)
	check("Sum(0, 1, 2)", Sum(m, 0, 1, 2), []int{}, 276)
	check("Sum of .T along 0", Sum(m.Transpose(), 0), []int{3, 2}, 6, 54, 22, 70, 38, 86)
	check("Prod(1)", Prod(m.Slice(2, 1, 3, 1), 1), []int{2, 2}, 1*5*9, 2*6*10, 13*17*21, 14*18*22)
	check("Max(1)", Max(m, 1), []int{2, 4}, 8, 9, 10, 11, 20, 21, 22, 23)
	check("Min(-3)", Min(m, -3), []int{3, 4}, iota64(12)...)
	check("Mean(2)", Mean(m, 2), []int{2, 3}, 1.5, 5.5, 9.5, 13.5, 17.5, 21.5)
	check("Mean()", Mean(m), []int{}, 11.5)
	if got := ArgMax(m.Slice(1, 0, 3, -1)); !slices.Equal(got, []int{1, 0, 3}) {
		t.Errorf("ArgMax of m[:, ::-1]: %v", got)
	}
	if got := ArgMin(m.Transpose()); !slices.Equal(got, []int{0, 0, 0}) {
		t.Errorf("ArgMin of m.T: %v", got)
	}

	// A 0-d view reduces to itself; its ArgMax is the empty index.
	z := New[float64]()
	z.Set(3)
	check("Sum of 0-d", Sum(z), []int{}, 3)
	check("Max of 0-d", Max(z), []int{}, 3)
	if got := ArgMax(z); got == nil || len(got) != 0 {
		t.Errorf("ArgMax of 0-d: %#v", got)
	}

	// Empty reductions: identities, NaN means, and empty results.
	e := New[float64](0, 3)
	check("Sum(0) of (0,3)", Sum(e, 0), []int{3}, 0, 0, 0)
	check("Prod(0) of (0,3)", Prod(e, 0), []int{3}, 1, 1, 1)
	check("Max(1) of (0,3)", Max(e, 1), []int{0})
	check("Sum() of (0,3)", Sum(e), []int{}, 0)
	if got := Mean(e, 0).ToSlice(); len(got) != 3 || !math.IsNaN(got[0]) {
		t.Errorf("Mean(0) of (0,3): %v, want NaN", got)
	}
	if got := Mean(e).At(); !math.IsNaN(got) {
		t.Errorf("Mean() of (0,3): %v, want NaN", got)
	}

	// NaN propagates; ArgMax points at the first NaN; signed zeros: the last in C order.
	nan := math.NaN()
	if got := Max(f64s(1, nan, 3, nan)).At(); !math.IsNaN(got) {
		t.Errorf("Max with NaN: %v", got)
	}
	if got := Min(f64s(1, 2, nan)).At(); !math.IsNaN(got) {
		t.Errorf("Min with NaN: %v", got)
	}
	if got := ArgMax(f64s(1, 5, nan, 7, nan)); !slices.Equal(got, []int{2}) {
		t.Errorf("ArgMax with NaN: %v", got)
	}
	if got := ArgMin(f64s(3, 1, 2, 1)); !slices.Equal(got, []int{1}) {
		t.Errorf("ArgMin with ties: %v", got)
	}
	for _, tt := range []struct {
		xs       []float64
		max, min bool // sign bits of the results
	}{
		{[]float64{negZero, 0}, false, false},
		{[]float64{0, negZero}, true, true},
		{[]float64{negZero, -1, 0, -2, negZero}, true, true},
		{[]float64{1, negZero, 0, 2, 0}, false, false},
		{[]float64{1, 0, 2, negZero, 3}, false, true},
	} {
		v := f64s(tt.xs...)
		if got := math.Signbit(Max(v).At()); got != tt.max {
			t.Errorf("Max%v has sign bit %v", tt.xs, got)
		}
		if got := math.Signbit(Min(v).At()); got != tt.min {
			t.Errorf("Min%v has sign bit %v", tt.xs, got)
		}
	}
	// -0 sums to +0, along axes too, as in NumPy.
	nz := f64s(negZero, negZero, negZero, negZero, negZero, negZero)
	if slices.Contains(signbits(Sum(nz)), true) {
		t.Errorf("Sum of -0s is -0")
	}
	nz2, _ := nz.Reshape(3, 2)
	if slices.Contains(signbits(Sum(nz2, 0)), true) || slices.Contains(signbits(Sum(nz2, 1)), true) {
		t.Errorf("Sum of -0s along an axis is -0")
	}

	// Broadcast (stride 0) and read-only views reduce as any other.
	b, _ := BroadcastTo(f64s(1, 3, 2), 4, 3)
	check("Sum(0) of a broadcast", Sum(b, 0), []int{3}, 4, 12, 8)
	check("Sum(1) of a broadcast", Sum(b, 1), []int{4}, 6, 6, 6, 6)
	check("Max(0) of a broadcast", Max(b, 0), []int{3}, 1, 3, 2)
	check("Mean() of a broadcast", Mean(b), []int{}, 2)
	if got := ArgMax(b); !slices.Equal(got, []int{0, 1}) {
		t.Errorf("ArgMax of a broadcast: %v", got)
	}
	if got := Sum(FromString("abc")).At(); got != uint8(294-256) {
		t.Errorf("Sum of a read-only uint8 view: %v", got)
	}

	// Integers wrap in their type.
	i8, _ := FromSlice([]int8{100, 100, 100})
	if got := Sum(i8).At(); got != 44 {
		t.Errorf("Sum of int8 %v, want 44 (wrapped)", got)
	}
	if got := Prod(i8).At(); got != int8(64) {
		t.Errorf("Prod of int8 %v, want 64 (wrapped)", got)
	}
	// Complex sums add the parts.
	c, _ := FromSlice([]complex128{1 + 2i, 3 - 1i, -0.5i})
	if got := Sum(c).At(); got != 4+0.5i {
		t.Errorf("Sum of complex %v", got)
	}
	// Means of integers and float32 are float64.
	u8, _ := FromSlice([]uint8{255, 255, 1})
	if got := Mean(u8).At(); got != 511.0/3 {
		t.Errorf("Mean of uint8 %v", got)
	}
	f32, _ := FromSlice([]float32{1, 2, 4})
	if got := Mean(f32).At(); got != 7.0/3 {
		t.Errorf("Mean of float32 %v", got)
	}
}

func TestReduceOrder(t *testing.T) {
	// Reduce folds each cell's elements in C order, whatever the layout: an order-sensitive
	// hash tells.
	base, _ := FromSlice(iota64(60), 3, 4, 5)
	hash := func(a uint64, x float64) uint64 { return a*1000003 + uint64(x) }
	for _, v := range []*View[float64]{base, base.Transpose(), base.Transpose(2, 0, 1).Slice(0, 0, 5, -2), base.Slice(1, 0, 4, -1)} {
		for _, axes := range [][]int{nil, {0}, {1}, {2}, {0, 2}, {1, 2}, {0, 1}, {-1, 0}} {
			got := Reduce(v, 7, hash, axes...).ToSlice()
			cells, _ := naiveCells(v, axes)
			for c, xs := range cells {
				want := uint64(7)
				for _, x := range xs {
					want = hash(want, x)
				}
				if got[c] != want {
					t.Fatalf("Reduce over %v of shape %v strides %v: cell %d is %d, want %d", axes, v.Shape(), v.Strides(), c, got[c], want)
				}
			}
		}
	}
	// A cell with nothing to fold holds init.
	if got := Reduce(New[int32](2, 0), 5, func(a int64, x int32) int64 { return 0 }, 1).ToSlice(); !slices.Equal(got, []int64{5, 5}) {
		t.Errorf("Reduce of nothing: %v", got)
	}
}

func TestReducePanics(t *testing.T) {
	v, _ := FromSlice(iota64(6), 2, 3)
	for _, axes := range [][]int{{2}, {-3}, {0, 0}, {1, -1}, {0, 1, 0}} {
		panics(t, ErrIndex, func() { Sum(v, axes...) })
		panics(t, ErrIndex, func() { Max(v, axes...) })
		panics(t, ErrIndex, func() { Mean(v, axes...) })
		panics(t, ErrIndex, func() { Reduce(v, 0.0, func(a, x float64) float64 { return a + x }, axes...) })
	}
	panics(t, ErrIndex, func() { Sum(New[float64](), 0) })
	e := New[float64](0, 3)
	panics(t, ErrShape, func() { Max(e, 0) })
	panics(t, ErrShape, func() { Min(e) })
	panics(t, ErrShape, func() { ArgMax(e) })
	panics(t, ErrShape, func() { ArgMin(New[int16](4, 0)) })
	Max(e, 1) // an empty result: fine
	Max(New[float64](0, 0), 0)

	r, _ := FromSlice(iota64(4))
	r.Release()
	for name, f := range map[string]func(){
		"Sum":    func() { Sum(r) },
		"Prod":   func() { Prod(r) },
		"Max":    func() { Max(r) },
		"Min":    func() { Min(r) },
		"Mean":   func() { Mean(r) },
		"ArgMax": func() { ArgMax(r) },
		"ArgMin": func() { ArgMin(r) },
		"Reduce": func() { Reduce(r, 0.0, func(a, x float64) float64 { return a + x }) },
	} {
		t.Run(name, func(t *testing.T) { panics(t, ErrReleased, f) })
	}
	// A view released by Reduce's own function ends the loop.
	w, _ := FromSlice(iota64(10))
	panics(t, ErrReleased, func() {
		Reduce(w, 0.0, func(a, x float64) float64 { w.Release(); return a + x })
	})
	// Messages name the function called.
	defer func() {
		if err := recover().(error); !strings.Contains(err.Error(), "Mean: axis 5") {
			t.Errorf("message %q", err)
		}
	}()
	Mean(v, 5)
}

// TestSumBoundAlongAxes sums data that a row-by-row sum gets badly wrong: 1 then many halves
// of an ulp of 1, which round away one by one. Pairwise sums keep them.
func TestSumBoundAlongAxes(t *testing.T) {
	const n = 100000
	half := float32(0x1p-24)
	data := make([]float32, 3*n)
	for i := range data {
		data[i] = half
	}
	data[0], data[1], data[2] = 1, 1, 1
	v, _ := FromSlice(data, n, 3)
	exact := 1 + float64(n-1)*float64(half)
	bound := sumBound(n) * 0x1p-24 * exact
	naive := float32(0)
	for i := range n {
		naive += data[3*i]
	}
	if math.Abs(float64(naive)-exact) <= bound {
		t.Fatalf("the naive sum %v is within the bound: the test cannot fail", naive)
	}
	for name, got := range map[string]*View[float32]{
		"Sum(v, 0)":       Sum(v, 0),
		"Sum(v.T, 1)":     Sum(v.Transpose(), 1),
		"Sum(v[::-1], 0)": Sum(v.Slice(0, 0, n, -1), 0),
		"Sum(v[:, :2])":   Sum(v.Slice(1, 0, 2, 1)),
	} {
		for x := range got.Values() {
			want := exact
			if got.NDim() == 0 {
				want = 2 * exact
			}
			if d := math.Abs(float64(x) - want); d > bound*2 {
				t.Errorf("%s: %v, exact %v: error %g above the bound %g", name, x, want, d, bound)
			}
		}
	}
	m := Mean(v, 0)
	for x := range m.Values() {
		if d := math.Abs(x - exact/n); d > 1e-12 {
			t.Errorf("Mean(v, 0): %v, exact %v", x, exact/n)
		}
	}
}

// FuzzReduce checks the reductions over random layouts and axes against naive ones: sums
// within the bound of the exact sum, Min, Max, ArgMin, ArgMax, integer sums and Reduce
// exactly.
func FuzzReduce(f *testing.F) {
	f.Add([]byte{3, 4, 5, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add([]byte{2, 200, 3, 7, 1, 0, 0, 255, 254, 0, 7, 7, 7})
	f.Add([]byte{4, 2, 3, 2, 2, 9, 9, 1, 128, 0, 0, 0, 1, 250, 251, 252, 253})
	f.Fuzz(func(t *testing.T, data []byte) {
		next := func() byte {
			if len(data) == 0 {
				return 0
			}
			b := data[0]
			data = data[1:]
			return b
		}
		nd := int(next() % 5)
		shape := make([]int, nd)
		for k := range shape {
			shape[k] = int(next() % 7)
			if next()%8 == 0 && k == 0 {
				shape[k] = 300 + int(next())*4 // a long axis now and then
			}
		}
		// A parent of the shape with steps, permuted and flipped.
		steps := make([]int, nd)
		pshape := make([]int, nd)
		for k := range steps {
			steps[k] = 1 + int(next()%3)
			pshape[k] = max(shape[k]*steps[k], 1)
		}
		size := 1
		for _, d := range pshape {
			size *= d
		}
		if size > 1<<16 {
			return
		}
		buf := make([]float64, size)
		for i := range buf {
			buf[i] = fuzzValue(next())
		}
		parent, _ := FromSlice(buf, pshape...)
		v := parent
		for k := range nd {
			if shape[k] == 0 {
				v = v.Slice(k, 0, 0, 1)
				continue
			}
			step := steps[k]
			if next()%3 == 0 {
				step = -step
			}
			v = v.Slice(k, 0, shape[k]*steps[k], step)
		}
		perm := make([]int, nd)
		for k := range perm {
			perm[k] = k
		}
		for k := nd - 1; k > 0; k-- {
			j := int(next()) % (k + 1)
			perm[k], perm[j] = perm[j], perm[k]
		}
		if nd > 0 {
			v = v.Transpose(perm...)
		}
		var axes []int
		for k := range nd {
			if next()%2 == 0 {
				axes = append(axes, k-nd*int(next()%2))
			}
		}
		fuzzCheck(t, v, axes)
		ints := New[int32](v.Shape()...)
		Apply(ints, v, func(_ int32, x float64) int32 {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return 7
			}
			return int32(x * 1e6)
		})
		fuzzCheckInts(t, ints, axes)
	})
}

// fuzzValue maps a byte to a value: small integers, scaled fractions, and now and then ±0,
// infinities and NaN.
func fuzzValue(b byte) float64 {
	switch b {
	case 250:
		return math.NaN()
	case 251:
		return math.Inf(1)
	case 252:
		return math.Inf(-1)
	case 253:
		return negZero
	case 254:
		return 0
	}
	return math.Ldexp(float64(int(b%32)-16), int(b/32)*6-20)
}

// naiveCells groups v's elements by result cell (C order of the kept axes), each in C order.
func naiveCells[T Elem](v *View[T], axes []int) (cells [][]T, idxs [][][]int) {
	nd := v.NDim()
	mask := make([]bool, nd)
	if len(axes) == 0 {
		for k := range mask {
			mask[k] = true
		}
	}
	for _, a := range axes {
		mask[(a+nd)%nd] = true
	}
	size := 1
	var kept []int
	for k, d := range v.Shape() {
		if !mask[k] {
			kept = append(kept, d)
			size *= d
		}
	}
	cells = make([][]T, size)
	idxs = make([][][]int, size)
	for idx, x := range v.All() {
		c, j := 0, 0
		for k, i := range idx {
			if !mask[k] {
				c = c*kept[j] + i
				j++
			}
		}
		cells[c] = append(cells[c], x)
		idxs[c] = append(idxs[c], slices.Clone(idx))
	}
	return cells, idxs
}

func fuzzCheck(t *testing.T, v *View[float64], axes []int) {
	cells, _ := naiveCells(v, axes)
	desc := fmt.Sprintf("shape %v strides %v axes %v", v.Shape(), v.Strides(), axes)
	sum := Sum(v, axes...).ToSlice()
	mean := Mean(v, axes...).ToSlice()
	for c, xs := range cells {
		exact := new(big.Float).SetPrec(512)
		abs := 0.0
		bad := false
		var naive float64
		for _, x := range xs {
			naive += x
			if math.IsNaN(x) || math.IsInf(x, 0) {
				bad = true
				continue
			}
			exact.Add(exact, new(big.Float).SetFloat64(x))
			abs += math.Abs(x)
		}
		if bad {
			// NaN, or infinities of both signs, give NaN in any order; one sign gives it.
			if math.IsNaN(naive) != math.IsNaN(sum[c]) || !math.IsNaN(naive) && naive != sum[c] {
				t.Fatalf("%s: cell %d sums to %v, naively %v", desc, c, sum[c], naive)
			}
			continue
		}
		e, _ := exact.Float64()
		if d := math.Abs(sum[c] - e); d > sumBound(len(xs))*0x1p-53*abs {
			t.Fatalf("%s: cell %d sums to %v, exactly %v", desc, c, sum[c], e)
		}
		if math.Signbit(sum[c]) && sum[c] == 0 {
			t.Fatalf("%s: cell %d sums to -0", desc, c)
		}
		if len(xs) == 0 {
			if !math.IsNaN(mean[c]) {
				t.Fatalf("%s: cell %d: mean of nothing %v", desc, c, mean[c])
			}
		} else if d := math.Abs(mean[c] - e/float64(len(xs))); d > (sumBound(len(xs))*0x1p-53*abs)/float64(len(xs))+0x1p-52*math.Abs(e/float64(len(xs))) {
			t.Fatalf("%s: cell %d: mean %v, exactly %v", desc, c, mean[c], e/float64(len(xs)))
		}
	}
	empty := slices.ContainsFunc(cells, func(xs []float64) bool { return len(xs) == 0 })
	if empty {
		panics(t, ErrShape, func() { Max(v, axes...) })
		panics(t, ErrShape, func() { Min(v, axes...) })
	} else {
		mx := Max(v, axes...).ToSlice()
		mn := Min(v, axes...).ToSlice()
		for c, xs := range cells {
			// NumPy's scalar rule: a NaN stays, else a later element replaces an equal one.
			wmax, wmin := xs[0], xs[0]
			for _, x := range xs[1:] {
				if wmax == wmax && (x != x || x >= wmax) {
					wmax = x
				}
				if wmin == wmin && (x != x || x <= wmin) {
					wmin = x
				}
			}
			if !sameFloat(mx[c], wmax) || !sameFloat(mn[c], wmin) {
				t.Fatalf("%s: cell %d: Max %v Min %v, naively %v %v", desc, c, mx[c], mn[c], wmax, wmin)
			}
		}
	}
	if v.Size() == 0 {
		panics(t, ErrShape, func() { ArgMax(v) })
		return
	}
	all, idxs := naiveCells(v, nil)
	am, an := 0, 0
	for i, x := range all[0] {
		if y := all[0][am]; y == y && (x != x || x > y) {
			am = i
		}
		if y := all[0][an]; y == y && (x != x || x < y) {
			an = i
		}
	}
	if got := ArgMax(v); !slices.Equal(got, idxs[0][am]) {
		t.Fatalf("%s: ArgMax %v, naively %v", desc, got, idxs[0][am])
	}
	if got := ArgMin(v); !slices.Equal(got, idxs[0][an]) {
		t.Fatalf("%s: ArgMin %v, naively %v", desc, got, idxs[0][an])
	}
}

// sameBitsOrNaN reports whether x and y have the same bits, or are both NaN (whose payloads
// differ between NumPy and Go).
func sameBitsOrNaN(x, y float64) bool {
	return math.Float64bits(x) == math.Float64bits(y) || x != x && y != y
}

// sameFloat reports whether x and y are the same value: both NaN, or equal with the same sign.
func sameFloat(x, y float64) bool {
	if x != x || y != y {
		return x != x && y != y
	}
	return x == y && math.Signbit(x) == math.Signbit(y)
}

func fuzzCheckInts(t *testing.T, v *View[int32], axes []int) {
	cells, _ := naiveCells(v, axes)
	desc := fmt.Sprintf("int32 shape %v strides %v axes %v", v.Shape(), v.Strides(), axes)
	sum, prod := Sum(v, axes...).ToSlice(), Prod(v, axes...).ToSlice()
	order := Reduce(v, uint64(1), func(a uint64, x int32) uint64 { return a*1000003 + uint64(x) }, axes...).ToSlice()
	for c, xs := range cells {
		var s, p int32 = 0, 1
		h := uint64(1)
		for _, x := range xs {
			s += x
			p *= x
			h = h*1000003 + uint64(x)
		}
		if sum[c] != s || prod[c] != p || order[c] != h {
			t.Fatalf("%s: cell %d: Sum %d Prod %d Reduce %d, naively %d %d %d", desc, c, sum[c], prod[c], order[c], s, p, h)
		}
	}
	if !slices.ContainsFunc(cells, func(xs []int32) bool { return len(xs) == 0 }) {
		mx := Max(v, axes...).ToSlice()
		for c, xs := range cells {
			if mx[c] != slices.Max(xs) {
				t.Fatalf("%s: cell %d: Max %d, naively %d", desc, c, mx[c], slices.Max(xs))
			}
		}
	}
}

// Sums of large contiguous views run their chunks on several goroutines; the result is the
// sequential one, bit for bit, on any number of them.
func TestSumChunksParallelExact(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 9))
	for _, n := range []int{2 * chunkLen, 2*chunkLen + 1, 1<<20 + 12345} {
		a := make([]float64, n)
		b := make([]float32, n)
		for i := range a {
			a[i] = r.NormFloat64() * math.Exp(r.Float64()*20-10)
			b[i] = float32(a[i])
		}
		var seq64 float64
		var seq32 float32
		for k := 0; k < n; k += chunkLen {
			seq64 += pairwise(a[k:min(k+chunkLen, n)])
			seq32 += pairwise(b[k:min(k+chunkLen, n)])
		}
		for w := 2; w <= 5; w++ {
			if got := sumChunks(a, w); math.Float64bits(got) != math.Float64bits(seq64) {
				t.Fatalf("float64, n %d, %d workers: %v, sequentially %v", n, w, got, seq64)
			}
			if got := sumChunks(b, w); math.Float32bits(got) != math.Float32bits(seq32) {
				t.Fatalf("float32, n %d, %d workers: %v, sequentially %v", n, w, got, seq32)
			}
		}
		v, _ := FromSlice(a)
		if got := Sum(v).At(); math.Float64bits(got) != math.Float64bits(seq64) {
			t.Fatalf("Sum of %d float64: %v, sequentially %v", n, got, seq64)
		}
	}
}

// Max, Min, ArgMax and ArgMin of runs long enough to be split across goroutines give what one
// goroutine gives: NaNs in any part, signed zeros across the parts.
func TestExtremeParallelParts(t *testing.T) {
	n := 1<<20 + 3 // 8 MiB of float64: split in two on two or more cores
	r := rand.New(rand.NewPCG(3, 4))
	a := make([]float64, n)
	for i := range a {
		a[i] = r.NormFloat64()
	}
	v, _ := FromSlice(a)
	if got, want := Max(v).At(), maxSlice(a); got != want {
		t.Fatalf("Max %v, one goroutine %v", got, want)
	}
	if got, want := Min(v).At(), minSlice(a); got != want {
		t.Fatalf("Min %v, one goroutine %v", got, want)
	}
	big := 0
	for i, x := range a {
		if x > a[big] {
			big = i
		}
	}
	if got := ArgMax(v); got[0] != big {
		t.Fatalf("ArgMax %v, want %d", got, big)
	}
	a[n-5] = math.NaN() // in the last part
	if !math.IsNaN(Max(v).At()) || !math.IsNaN(Min(v).At()) || ArgMax(v)[0] != n-5 || ArgMin(v)[0] != n-5 {
		t.Fatal("a NaN in the last part must win")
	}
	for i := range a {
		a[i] = 0
	}
	a[n-1] = math.Copysign(0, -1) // the last zero in C order decides, as NumPy's scalar loop
	if m := Max(v).At(); !math.Signbit(m) {
		t.Fatalf("Max of zeros ending in -0: %v", m)
	}
}

// The reductions' allocations do not grow with the input below parallelBytes (one
// goroutine): the four-stream paths keep their lanes and block sums on the stack (a kernel
// called through a func value once moved them to the heap, one allocation per chunk).
func TestReductionAllocsFlat(t *testing.T) {
	allocs := func(n int, f32 bool) map[string]float64 {
		s := make([]float64, n)
		for i := range s {
			s[i] = float64(i % 1000)
		}
		v := must(FromSlice(s))
		m := must(FromSlice(s, n/1024, 1024))
		ops := map[string]func(){
			"Sum": func() { Sum(v) }, "Max": func() { Max(v) }, "Min": func() { Min(v) },
			"ArgMax": func() { ArgMax(v) }, "ArgMin": func() { ArgMin(v) },
			"ArgMaxAxis": func() { ArgMaxAxis(m, 1) },
			"Sum axis 0": func() { Sum(m, 0) }, "Sum axis 1": func() { Sum(m, 1) },
			"Mean axis 0": func() { Mean(m, 0) }, "Mean axis 1": func() { Mean(m, 1) },
		}
		if f32 {
			v, m := AsType[float32](v), AsType[float32](m)
			ops = map[string]func(){
				"Sum": func() { Sum(v) }, "Max": func() { Max(v) }, "Min": func() { Min(v) },
				"ArgMax": func() { ArgMax(v) }, "ArgMin": func() { ArgMin(v) },
				"ArgMaxAxis": func() { ArgMaxAxis(m, 1) },
				"Sum axis 0": func() { Sum(m, 0) }, "Sum axis 1": func() { Sum(m, 1) },
			}
		}
		out := map[string]float64{}
		for name, f := range ops {
			out[name] = testing.AllocsPerRun(10, f)
		}
		return out
	}
	for _, f32 := range []bool{false, true} {
		small, large := allocs(64<<10, f32), allocs(256<<10, f32) // 512 KiB and 2 MiB of float64
		for name, a := range small {
			if large[name] > a+1 { // +1: a stray allocation of the runtime's, averaged over 10 runs
				t.Errorf("%s (float32 %v): %v allocations for 64K elements, %v for 256K", name, f32, a, large[name])
			}
		}
	}
}

// Sums along either axis give the same bits whether four rows are added (axis 0) or summed
// (axis 1) at a time, as contiguous rows are, or one by one, as rows with a stride are: every
// count of rows around the cascade's blocks of 16 and the groups of four, rows of every
// width around the kernels' step of 8, the pairwise block of 128 and the chunk of 8192, a
// row and a column of -0, Mean's float64 path too.
func TestSumRowsFourAtATime(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	for _, n := range []int{1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 19, 31, 32, 33, 63, 64, 65, 100, 257} {
		for _, m := range []int{1, 3, 7, 8, 9, 17, 100, 127, 128, 129, 1001, 2048, 8193} {
			if n*m > 1<<17 {
				continue
			}
			data := make([]float64, 3*n*m)
			for i := range data {
				data[i] = r.NormFloat64() * math.Ldexp(1, r.IntN(40)-20)
			}
			c := must(FromSlice(data[:n*m], n, m))
			strided := must(FromSlice(data[n*m:], n, 2*m)).Slice(1, 0, 2*m, 2)
			Copy(strided, c)
			if got, want := Sum(c, 0), Sum(strided, 0); !slices.EqualFunc(got.ToSlice(), want.ToSlice(), func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }) {
				t.Fatalf("float64 %d×%d: rows four at a time %v, one by one %v", n, m, got, want)
			}
			if n > 2 {
				for j := range m { // a column, and a row, of negative zeros: 0 + -0 is +0
					c.Set(math.Copysign(0, -1), 1, j)
					strided.Set(math.Copysign(0, -1), 1, j)
				}
			}
			for axis := range 2 {
				if got, want := Sum(c, axis), Sum(strided, axis); !slices.EqualFunc(got.ToSlice(), want.ToSlice(), func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }) {
					t.Fatalf("float64 %d×%d axis %d: four at a time %v, one by one %v", n, m, axis, got, want)
				}
				c32, s32 := AsType[float32](c), AsType[float32](strided)
				if got, want := Sum(c32, axis), Sum(s32, axis); !slices.EqualFunc(got.ToSlice(), want.ToSlice(), func(a, b float32) bool { return math.Float32bits(a) == math.Float32bits(b) }) {
					t.Fatalf("float32 %d×%d axis %d: four at a time %v, one by one %v", n, m, axis, got, want)
				}
				if got, want := Mean(c, axis), Mean(strided, axis); !slices.EqualFunc(got.ToSlice(), want.ToSlice(), func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }) {
					t.Fatalf("Mean %d×%d axis %d: four at a time %v, one by one %v", n, m, axis, got, want)
				}
			}
		}
	}
}
