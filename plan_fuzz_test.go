package ndview

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"unsafe"
)

// This file checks the walk plan against a naive reference walker (every index in C order,
// offset + Σ idx·stride per operand), and Copy, Apply2 and Convert against naive per-index
// implementations, over random layouts: transposed, reversed, stepped, padded, zero and
// arbitrary strides, broadcast sources and sources overlapping the destination.

// picker hands out choices: from fuzz input or from a seeded generator.
type picker interface {
	intn(n int) int // in [0, n); n > 0
}

// bytePicker draws from fuzz input, then zeros.
type bytePicker struct{ b []byte }

func (p *bytePicker) intn(n int) int {
	if len(p.b) == 0 {
		return 0
	}
	x := int(p.b[0])
	p.b = p.b[1:]
	return x % n
}

type randPicker struct{ r *rand.Rand }

func (p randPicker) intn(n int) int { return p.r.IntN(n) }

// chance is true with probability about pct percent.
func chance(p picker, pct int) bool { return p.intn(100) < pct }

// genShape returns a random shape of 0-5 dims; with zeroOK an axis may have length 0.
func genShape(p picker, zeroOK bool) []int {
	nd := p.intn(6)
	maxd := [...]int{1, 20, 18, 6, 4, 3}[nd]
	shape := make([]int, nd)
	for k := range shape {
		switch r := p.intn(100); {
		case zeroOK && r < 4:
			shape[k] = 0
		case r < 20:
			shape[k] = 1
		default:
			shape[k] = 2 + p.intn(maxd-1)
		}
	}
	return shape
}

// genStrides returns the strides, in elements, of a random layout of shape: a C parent
// (with padding) cut with steps and reversals and permuted. With unique, no two elements
// share memory; otherwise axes may also get a zero stride, or the whole layout arbitrary
// strides (which may overlap themselves).
func genStrides(p picker, shape []int, unique bool) []int {
	nd := len(shape)
	strides := make([]int, nd)
	if nd == 0 {
		return strides
	}
	if !unique && chance(p, 8) {
		for k := range strides {
			strides[k] = p.intn(11) - 5
		}
		return strides
	}
	kind := p.intn(8) // 0, 1: C; 2: transposed; 3: reversed; 4: stepped; 5-7: mixed
	perm := make([]int, nd)
	for k := range perm {
		perm[k] = k
	}
	if kind == 2 || kind >= 5 {
		for i := nd - 1; i > 0; i-- {
			j := p.intn(i + 1)
			perm[i], perm[j] = perm[j], perm[i]
		}
	}
	steps, pads := make([]int, nd), make([]int, nd)
	for k := range steps {
		steps[k] = 1
		if (kind == 3 || kind >= 5) && chance(p, 50) {
			steps[k] = -1
		}
	}
	if kind == 4 || kind >= 5 {
		for range 1 + p.intn(2) {
			steps[p.intn(nd)] *= 2 + p.intn(2)
		}
		for k := range pads {
			pads[k] = [...]int{0, 0, 0, 1, 2}[p.intn(5)]
		}
	}
	s := 1
	for i := nd - 1; i >= 0; i-- {
		k := perm[i]
		strides[k] = s * steps[k]
		s *= max(shape[k]-1, 0)*absInt(steps[k]) + 1 + pads[k]
	}
	if !unique {
		for k := range strides {
			if chance(p, 15) {
				strides[k] = 0
			}
		}
	}
	return strides
}

// spanOf returns the lowest and highest element offsets, relative to element (0, …, 0), of
// a non-empty layout (strides in any unit).
func spanOf(shape, strides []int) (lo, hi int) {
	for k, d := range shape {
		if e := strides[k] * (d - 1); e < 0 {
			lo += e
		} else {
			hi += e
		}
	}
	return lo, hi
}

func numElems(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// placeOwn returns the length, in elements, of a buffer of its own for a layout, and the
// offset of element (0, …, 0) in it.
func placeOwn(p picker, shape, strides []int) (n, off int) {
	if numElems(shape) == 0 {
		n = p.intn(3)
		return n, p.intn(n + 1)
	}
	lo, hi := spanOf(shape, strides)
	lead, tail := p.intn(3), p.intn(3)
	return lead + hi - lo + 1 + tail, lead - lo
}

// placeIn returns an offset, in elements, for a layout inside a buffer of n elements.
func placeIn(p picker, n int, shape, strides []int) (int, bool) {
	if numElems(shape) == 0 {
		return p.intn(n + 1), true
	}
	lo, hi := spanOf(shape, strides)
	if hi-lo+1 > n {
		return 0, false
	}
	return -lo + p.intn(n-hi+lo), true
}

// srcShape returns a shape that broadcasts to shape by NumPy's rules, or (rarely) one that
// does not.
func srcShape(p picker, shape []int) []int {
	s := slices.Clone(shape)
	if len(s) > 0 && chance(p, 35) {
		s = s[p.intn(len(s)+1):]
	}
	for k := range s {
		if chance(p, 25) {
			s[k] = 1
		}
	}
	switch r := p.intn(100); {
	case r < 4 && len(s) > 0:
		k := p.intn(len(s))
		if s[k] == 1 {
			s[k] = 2
		} else {
			s[k]++
		}
	case r < 6:
		s = append([]int{2}, s...)
	case r < 8:
		s = append([]int{1}, s...) // NumPy's ufuncs refuse it; ndview too
	}
	return s
}

// broadcasts reports whether src broadcasts to dst by NumPy's rules.
// dropLeadingOnes drops leading axes of length 1 from a shape of more than n axes.
func dropLeadingOnes(shape, strides []int, n int) ([]int, []int) {
	for len(shape) > n && shape[0] == 1 {
		shape, strides = shape[1:], strides[1:]
	}
	return shape, strides
}

func broadcasts(src, dst []int) bool {
	if len(src) > len(dst) {
		return false
	}
	for j, d := range src {
		if e := dst[len(dst)-len(src)+j]; d != e && d != 1 {
			return false
		}
	}
	return true
}

// naiveOffsets returns, for each index of shape in C order, the byte offset of the element
// an operand (offset, shape, strides, broadcast to shape) reads there.
func naiveOffsets(shape []int, opShape, opStrides []int, offset int) []int {
	var out []int
	if numElems(shape) == 0 {
		return nil
	}
	n, m := len(shape), len(opShape)
	idx := make([]int, n)
	for {
		off := offset
		for j := range m {
			if opShape[j] != 1 {
				off += idx[n-m+j] * opStrides[j]
			}
		}
		out = append(out, off)
		k := n - 1
		for ; k >= 0; k-- {
			idx[k]++
			if idx[k] < shape[k] {
				break
			}
			idx[k] = 0
		}
		if k < 0 {
			return out
		}
	}
}

// checkPlan drives a plan over random operands of a random non-empty shape and compares
// the per-operand offsets it yields with the naive walker's: the same sequence in C order,
// the same multiset in memory order. For fewer than maxOps operands it adds an index
// operand (unique C strides) and checks that every index is visited exactly once with the
// naive offsets of every operand.
func checkPlan(t *testing.T, p picker) {
	shape := genShape(p, false)
	nops := 1 + p.intn(maxOps)
	memOrder := chance(p, 50)
	isz := make([]int, nops)
	ops := make([]operand, nops)
	for o := range ops {
		isz[o] = [...]int{1, 2, 4, 8, 16}[p.intn(5)]
		st := genStrides(p, shape, chance(p, 50))
		_, off := placeOwn(p, shape, st)
		for k := range st {
			st[k] *= isz[o]
		}
		ops[o] = operand{st, off * isz[o]}
	}
	desc := fmt.Sprintf("plan(shape %v, memOrder %v, operands %v)", shape, memOrder, ops)
	walk := func(ops []operand) [][]int {
		var w plan
		w.init(shape, memOrder, ops...)
		if w.n < 1 {
			t.Fatalf("%s: runs of length %d", desc, w.n)
		}
		var got [][]int
		runs := 0
		for w.next() {
			runs++
			if runs > numElems(shape) {
				t.Fatalf("%s: more runs than elements", desc)
			}
			for i := range w.n {
				tup := make([]int, len(ops))
				for o := range ops {
					tup[o] = w.off[o] + i*w.inner[o]
				}
				got = append(got, tup)
			}
		}
		if w.next() {
			t.Fatalf("%s: next is true again after the walk ended", desc)
		}
		if runs*w.n != numElems(shape) {
			t.Fatalf("%s: %d runs of %d for %d elements", desc, runs, w.n, numElems(shape))
		}
		return got
	}
	naive := func(ops []operand) [][]int {
		cols := make([][]int, len(ops))
		for o, op := range ops {
			cols[o] = naiveOffsets(shape, shape, op.strides, op.offset)
		}
		want := make([][]int, numElems(shape))
		for i := range want {
			want[i] = make([]int, len(ops))
			for o := range ops {
				want[i][o] = cols[o][i]
			}
		}
		return want
	}
	got, want := walk(ops), naive(ops)
	if !memOrder {
		if len(got) != len(want) {
			t.Fatalf("%s: %d visits, want %d", desc, len(got), len(want))
		}
		for i := range want {
			if !slices.Equal(got[i], want[i]) {
				t.Fatalf("%s: visit %d has offsets %v, C order gives %v", desc, i, got[i], want[i])
			}
		}
	} else {
		sortTuples(got)
		sortTuples(want)
		for i := range min(len(got), len(want)) {
			if !slices.Equal(got[i], want[i]) {
				t.Fatalf("%s: the walk's offsets differ from the naive walker's (as multisets) at %d: %v vs %v", desc, i, got[i], want[i])
			}
		}
		if len(got) != len(want) {
			t.Fatalf("%s: %d visits, want %d", desc, len(got), len(want))
		}
	}
	// contiguous(isz...) must only claim plain slices.
	var w plan
	w.init(shape, memOrder, ops...)
	if w.contiguous(isz...) && w.n > 1 {
		for o := range ops {
			if w.inner[o] != isz[o] {
				t.Fatalf("%s: contiguous() with inner strides %v, item sizes %v", desc, w.inner[:nops], isz)
			}
		}
	}
	if nops == maxOps {
		return
	}
	// With an index operand: every index exactly once, each with its naive offsets.
	cs := make([]int, len(shape))
	cStrides(shape, cs, 1)
	withIdx := append(slices.Clone(ops), operand{cs, 0})
	got = walk(withIdx)
	want = naive(withIdx)
	seen := make([]bool, len(want))
	for _, tup := range got {
		i := tup[nops]
		if i < 0 || i >= len(want) || seen[i] {
			t.Fatalf("%s: index %d visited twice or out of range", desc, i)
		}
		seen[i] = true
		if !slices.Equal(tup, want[i]) {
			t.Fatalf("%s: at C index %d the walk gives offsets %v, the naive walker %v", desc, i, tup[:nops], want[i][:nops])
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%s: %d of %d indices visited", desc, len(got), len(want))
	}
}

func sortTuples(s [][]int) { slices.SortFunc(s, slices.Compare) }

// ---- operations over real memory ------------------------------------------------------

// elemsOf returns the elements of T in b (aligned, a whole number of them).
func elemsOf[T Elem](b []byte) []T {
	isz, _ := itemInfo[T]()
	if len(b) < isz {
		return nil
	}
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/isz)
}

func loadAt[T Elem](b []byte, off int) T     { return *(*T)(unsafe.Pointer(&b[off])) }
func storeAt[T Elem](b []byte, off int, x T) { *(*T)(unsafe.Pointer(&b[off])) = x }

// opLayout is one operand of an operation test: a layout (bytes) over one of the buffers.
type opLayout struct {
	buf            int // index into the test's buffers
	offset         int
	shape, strides []int
}

func (l opLayout) String() string {
	return fmt.Sprintf("{buffer %d offset %d shape %v strides %v}", l.buf, l.offset, l.shape, l.strides)
}

// opFixture builds a destination layout of shape over buffer 0 and source layouts that
// broadcast to it (mostly), each over a buffer of its own or, now and then, over buffer 0:
// overlapping the destination (possibly as another element type).
type opFixture struct {
	shape []int
	bufs  [][]byte
	dst   opLayout
	srcs  []opLayout
}

// fuzzElem is an element type's size and how to fill a buffer of it: element k of buffer j
// holds T(1000*j + k).
type fuzzElem struct {
	size int
	fill func(b []byte, base int64)
}

func kindOf[T Elem]() fuzzElem {
	isz, _ := itemInfo[T]()
	return fuzzElem{isz, func(b []byte, base int64) {
		for k := range elemsOf[T](b) {
			elemsOf[T](b)[k] = fromInt[T](base + int64(k))
		}
	}}
}

func newFixture(p picker, dk fuzzElem, sks ...fuzzElem) *opFixture {
	f := &opFixture{shape: genShape(p, true)}
	dsz := dk.size
	st := genStrides(p, f.shape, true)
	n, off := placeOwn(p, f.shape, st)
	f.bufs = append(f.bufs, alignedBytes(n*dsz))
	dk.fill(f.bufs[0], 0)
	f.dst = opLayout{0, off * dsz, f.shape, scale(st, dsz)}
	for j, sk := range sks {
		sz := sk.size
		shape := srcShape(p, f.shape)
		if chance(p, 35) {
			// In dst's buffer: a layout that fits there, element-aligned for sz.
			nb := len(f.bufs[0]) / sz
			for range 8 {
				st := genStrides(p, shape, false)
				if off, ok := placeIn(p, nb, shape, st); ok {
					f.srcs = append(f.srcs, opLayout{0, off * sz, shape, scale(st, sz)})
					break
				}
			}
			if len(f.srcs) == j+1 {
				continue
			}
		}
		st := genStrides(p, shape, chance(p, 50))
		n, off := placeOwn(p, shape, st)
		b := alignedBytes(n * sz)
		sk.fill(b, int64(1000*len(f.bufs)))
		f.bufs = append(f.bufs, b)
		f.srcs = append(f.srcs, opLayout{len(f.bufs) - 1, off * sz, shape, scale(st, sz)})
	}
	return f
}

func scale(s []int, k int) []int {
	out := make([]int, len(s))
	for i, x := range s {
		out[i] = x * k
	}
	return out
}

func fixtureView[T Elem](t *testing.T, f *opFixture, l opLayout) *View[T] {
	t.Helper()
	v, err := NewStrided[T](f.bufs[l.buf], l.offset, l.shape, l.strides)
	if err != nil {
		t.Fatalf("NewStrided(%v over %d bytes): %v", l, len(f.bufs[l.buf]), err)
	}
	return v
}

func (f *opFixture) snapshot() [][]byte {
	out := make([][]byte, len(f.bufs))
	for i, b := range f.bufs {
		out[i] = slices.Clone(b)
	}
	return out
}

// compare checks every buffer against the expected bytes.
func (f *opFixture) compare(t *testing.T, desc string, want [][]byte) {
	t.Helper()
	for i := range f.bufs {
		if !bytes.Equal(f.bufs[i], want[i]) {
			for j := range want[i] {
				if f.bufs[i][j] != want[i][j] {
					t.Fatalf("%s: buffer %d differs from the naive result first at byte %d (%#x, want %#x)\ngot  %x\nwant %x",
						desc, i, j, f.bufs[i][j], want[i][j], f.bufs[i], want[i])
				}
			}
		}
	}
}

// expectShape runs op, which must panic with ErrShape and change nothing.
func (f *opFixture) expectShape(t *testing.T, desc string, op func()) {
	t.Helper()
	before := f.snapshot()
	r := catch(op)
	if err, ok := r.(error); !ok || !errors.Is(err, ErrShape) {
		t.Fatalf("%s: panicked with %v, want ErrShape (the sources do not broadcast)", desc, r)
	}
	f.compare(t, desc, before)
}

// checkCopy compares Copy with a naive copy that reads every source element first.
func checkCopy[T Elem](t *testing.T, p picker) {
	f := newFixture(p, kindOf[T](), kindOf[T]())
	dst, src := fixtureView[T](t, f, f.dst), fixtureView[T](t, f, f.srcs[0])
	desc := fmt.Sprintf("Copy[%T](dst %v, src %v)", *new(T), f.dst, f.srcs[0])
	// Assignment (np.copyto, d[...] = s) first drops the source's extra leading 1s.
	sShape, sStrides := dropLeadingOnes(f.srcs[0].shape, f.srcs[0].strides, len(f.shape))
	if !broadcasts(sShape, f.shape) {
		f.expectShape(t, desc, func() { Copy(dst, src) })
		return
	}
	want := f.snapshot()
	s := f.srcs[0]
	doffs := naiveOffsets(f.shape, f.shape, f.dst.strides, f.dst.offset)
	soffs := naiveOffsets(f.shape, sShape, sStrides, s.offset)
	vals := make([]T, len(doffs))
	for i, off := range soffs {
		vals[i] = loadAt[T](f.bufs[s.buf], off)
	}
	for i, off := range doffs {
		storeAt(want[0], off, vals[i])
	}
	Copy(dst, src)
	f.compare(t, desc, want)
}

// checkApply2 compares Apply2 with a naive loop that reads every source element first.
func checkApply2[T, U, W realNum](t *testing.T, p picker) {
	fx := newFixture(p, kindOf[T](), kindOf[U](), kindOf[W]())
	dst := fixtureView[T](t, fx, fx.dst)
	a, b := fixtureView[U](t, fx, fx.srcs[0]), fixtureView[W](t, fx, fx.srcs[1])
	desc := fmt.Sprintf("Apply2[%T, %T, %T](dst %v, a %v, b %v)", *new(T), *new(U), *new(W), fx.dst, fx.srcs[0], fx.srcs[1])
	f := func(d T, x U, y W) T { return d*3 + T(x) - 2*T(y) }
	if !broadcasts(fx.srcs[0].shape, fx.shape) || !broadcasts(fx.srcs[1].shape, fx.shape) {
		fx.expectShape(t, desc, func() { Apply2(dst, a, b, func(d T, x U, y W) T { t.Fatal("f called"); return d }) })
		return
	}
	want := fx.snapshot()
	sa, sb := fx.srcs[0], fx.srcs[1]
	doffs := naiveOffsets(fx.shape, fx.shape, fx.dst.strides, fx.dst.offset)
	aoffs := naiveOffsets(fx.shape, sa.shape, sa.strides, sa.offset)
	boffs := naiveOffsets(fx.shape, sb.shape, sb.strides, sb.offset)
	res := make([]T, len(doffs))
	for i := range doffs {
		res[i] = f(loadAt[T](fx.bufs[0], doffs[i]), loadAt[U](fx.bufs[sa.buf], aoffs[i]), loadAt[W](fx.bufs[sb.buf], boffs[i]))
	}
	for i, off := range doffs {
		storeAt(want[0], off, res[i])
	}
	calls := 0
	Apply2(dst, a, b, func(d T, x U, y W) T { calls++; return f(d, x, y) })
	if calls != len(doffs) {
		t.Fatalf("%s: f called %d times for %d elements", desc, calls, len(doffs))
	}
	fx.compare(t, desc, want)
}

// checkConvert compares Convert with a naive conversion (refConv) that reads every source
// element first.
func checkConvert[D, S Elem](t *testing.T, p picker) {
	f := newFixture(p, kindOf[D](), kindOf[S]())
	dst, src := fixtureView[D](t, f, f.dst), fixtureView[S](t, f, f.srcs[0])
	desc := fmt.Sprintf("Convert[%T, %T](dst %v, src %v)", *new(D), *new(S), f.dst, f.srcs[0])
	// Assignment (np.copyto, d[...] = s) first drops the source's extra leading 1s.
	sShape, sStrides := dropLeadingOnes(f.srcs[0].shape, f.srcs[0].strides, len(f.shape))
	if !broadcasts(sShape, f.shape) {
		f.expectShape(t, desc, func() { Convert(dst, src) })
		return
	}
	want := f.snapshot()
	s := f.srcs[0]
	doffs := naiveOffsets(f.shape, f.shape, f.dst.strides, f.dst.offset)
	soffs := naiveOffsets(f.shape, sShape, sStrides, s.offset)
	vals := make([]D, len(doffs))
	for i, off := range soffs {
		vals[i] = refConv[D](loadAt[S](f.bufs[s.buf], off))
	}
	for i, off := range doffs {
		storeAt(want[0], off, vals[i])
	}
	Convert(dst, src)
	f.compare(t, desc, want)
}

// checkPlanAndOps is the body of FuzzPlan and TestPlanRandomLayouts.
func checkPlanAndOps(t *testing.T, p picker) {
	checkPlan(t, p)
	switch p.intn(5) {
	case 0:
		checkCopy[int8](t, p)
	case 1:
		checkCopy[int16](t, p)
	case 2:
		checkCopy[int32](t, p)
	case 3:
		checkCopy[float64](t, p)
	case 4:
		checkCopy[complex128](t, p)
	}
	switch p.intn(3) {
	case 0:
		checkApply2[int32, int32, int32](t, p)
	case 1:
		checkApply2[float64, float64, float64](t, p)
	case 2:
		checkApply2[int64, int16, uint8](t, p)
	}
	switch p.intn(6) {
	case 0:
		checkConvert[float64, int32](t, p)
	case 1:
		checkConvert[float32, int32](t, p) // same size: in place when the layouts coincide
	case 2:
		checkConvert[int16, float64](t, p)
	case 3:
		checkConvert[uint8, float32](t, p)
	case 4:
		checkConvert[complex64, int64](t, p)
	case 5:
		checkConvert[int32, complex128](t, p)
	}
}

// FuzzPlan checks the walk plan against the naive walker, and Copy, Apply2 and Convert
// against naive per-index implementations, over layouts drawn from the input.
func FuzzPlan(f *testing.F) {
	f.Add([]byte{3, 4, 5, 6, 2, 1, 7, 9, 0, 1, 2, 3})
	f.Add([]byte{2, 200, 200, 1, 1, 2, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5})
	f.Add([]byte{5, 30, 40, 50, 60, 70, 3, 1, 7, 6, 5, 4, 3, 2, 1, 0, 9, 9, 9})
	f.Add([]byte{1, 60, 3, 1, 99, 99, 99, 99, 7, 7})
	f.Add([]byte{0})
	f.Fuzz(func(t *testing.T, data []byte) {
		checkPlanAndOps(t, &bytePicker{data})
	})
}

// TestPlanRandomLayouts runs FuzzPlan's checks on seeded random layouts.
func TestPlanRandomLayouts(t *testing.T) {
	n := 3000
	if testing.Short() {
		n = 300
	}
	for seed := range uint64(n) {
		checkPlanAndOps(t, randPicker{rand.New(rand.NewPCG(seed, 0x9e3779b9))})
		if t.Failed() {
			t.Fatalf("seed %d", seed)
		}
	}
}

// ---- a naive conversion --------------------------------------------------------------------

// refConv converts x to D by ndview's rules, written out case by case: integers wrap;
// floats truncate toward zero, NaN gives 0 and out-of-range values saturate; integers and
// floats round to nearest even when they become floats (Go's conversions, which the spec
// defines that way); complex to real drops the imaginary part; real to complex has
// imaginary part 0.
func refConv[D, S Elem](x S) D {
	var (
		isInt, signed bool
		bits          uint64  // an integer's two's-complement bits, sign-extended
		re, im        float64 // a float's value (exact for float32)
		re32, im32    float32 // and as float32, when it was one
		was32         bool
	)
	switch v := any(x).(type) {
	case int8:
		isInt, signed, bits = true, true, uint64(int64(v))
	case int16:
		isInt, signed, bits = true, true, uint64(int64(v))
	case int32:
		isInt, signed, bits = true, true, uint64(int64(v))
	case int64:
		isInt, signed, bits = true, true, uint64(v)
	case int:
		isInt, signed, bits = true, true, uint64(int64(v))
	case uint8:
		isInt, bits = true, uint64(v)
	case uint16:
		isInt, bits = true, uint64(v)
	case uint32:
		isInt, bits = true, uint64(v)
	case uint64:
		isInt, bits = true, v
	case uint:
		isInt, bits = true, uint64(v)
	case uintptr:
		isInt, bits = true, uint64(v)
	case float32:
		re, re32, was32 = float64(v), v, true
	case float64:
		re = v
	case complex64:
		re, im, re32, im32, was32 = float64(real(v)), float64(imag(v)), real(v), imag(v), true
	case complex128:
		re, im = real(v), imag(v)
	}
	// toInt converts the value to an integer of n bits.
	toInt := func(n int, dsigned bool) uint64 {
		if isInt {
			return bits // truncated by the caller: wrapping
		}
		if math.IsNaN(re) {
			return 0
		}
		tr := math.Trunc(re)
		if dsigned {
			lim := math.Ldexp(1, n-1)
			switch {
			case tr >= lim:
				return uint64(1)<<(n-1) - 1
			case tr < -lim:
				return uint64(1) << (n - 1) // the minimum, truncated by the caller
			}
			return uint64(int64(tr))
		}
		switch lim := math.Ldexp(1, n); {
		case tr >= lim:
			return math.MaxUint64
		case tr < 0:
			return 0
		}
		return uint64(tr)
	}
	to32 := func(f float64, f32 float32) float32 {
		if isInt {
			if signed {
				return float32(int64(bits))
			}
			return float32(bits)
		}
		if was32 {
			return f32
		}
		return float32(f)
	}
	to64 := func(f float64) float64 {
		if isInt {
			if signed {
				return float64(int64(bits))
			}
			return float64(bits)
		}
		return f
	}
	var out D
	switch p := any(&out).(type) {
	case *int8:
		*p = int8(toInt(8, true))
	case *int16:
		*p = int16(toInt(16, true))
	case *int32:
		*p = int32(toInt(32, true))
	case *int64:
		*p = int64(toInt(64, true))
	case *int:
		*p = int(toInt(strconv.IntSize, true))
	case *uint8:
		*p = uint8(toInt(8, false))
	case *uint16:
		*p = uint16(toInt(16, false))
	case *uint32:
		*p = uint32(toInt(32, false))
	case *uint64:
		*p = toInt(64, false)
	case *uint:
		*p = uint(toInt(strconv.IntSize, false))
	case *uintptr:
		*p = uintptr(toInt(8*int(unsafe.Sizeof(uintptr(0))), false))
	case *float32:
		*p = to32(re, re32)
	case *float64:
		*p = to64(re)
	case *complex64:
		var i32 float32
		if !isInt {
			i32 = to32(im, im32)
		}
		*p = complex(to32(re, re32), i32)
	case *complex128:
		*p = complex(to64(re), im)
	}
	return out
}
