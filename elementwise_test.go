package ndview

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// ---- conversions ndview defines and NumPy does not (or not portably) ----------------------

// convertsTo checks that x converts to want (bit for bit, or NaN when want is NaN) through
// every path Convert has: AsType of a contiguous run, of a strided view, of a 0-d view,
// and Convert into a reversed destination.
func convertsTo[D, S Elem](x S, want D) func(*testing.T) {
	return func(t *testing.T) {
		t.Helper()
		ok := func(got D) bool {
			if isNaNElem(want) {
				return isNaNElem(got)
			}
			return sameBits(got, want)
		}
		check := func(how string, got []D) {
			t.Helper()
			for i, g := range got {
				if !ok(g) {
					t.Fatalf("%T(%v) → %T via %s: element %d is %v, want %v", x, x, want, how, i, g, want)
				}
			}
		}
		v, _ := FromSlice([]S{x, x, x, x, x})
		check("AsType, contiguous", AsType[D](v).ToSlice())
		check("AsType, stride 2", AsType[D](v.Slice(0, 0, 5, 2)).ToSlice())
		z := New[S]()
		z.Set(x)
		check("AsType, 0-d", []D{AsType[D](z).At()})
		d := New[D](6)
		Convert(d.Slice(0, 0, 6, -2), v.Slice(0, 1, 4, 1))
		check("Convert into stride -2", []D{d.At(1), d.At(3), d.At(5)})
		if d.At(0) != 0 || d.At(2) != 0 || d.At(4) != 0 {
			t.Fatalf("Convert into stride -2 wrote outside the destination: %v", d.ToSlice())
		}
		b := New[D](2, 3)
		Convert(b, z) // a 0-d source broadcast
		check("Convert of a broadcast 0-d source", b.ToSlice())
	}
}

// isNaNElem reports whether x is a NaN (a complex one if either part is).
func isNaNElem[T Elem](x T) bool {
	switch v := any(x).(type) {
	case float32:
		return v != v
	case float64:
		return v != v
	case complex64:
		return real(v) != real(v) || imag(v) != imag(v)
	case complex128:
		return real(v) != real(v) || imag(v) != imag(v)
	}
	return false
}

func TestConvertDefinedByNdview(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	nan32, inf32 := float32(nan), float32(inf)
	negZero := math.Copysign(0, -1)
	two63 := math.Ldexp(1, 63)
	for _, tt := range []struct {
		name string
		run  func(*testing.T)
	}{
		// NaN gives 0, for every integer type and from every float type.
		{"NaN→int8", convertsTo(nan, int8(0))},
		{"NaN→uint8", convertsTo(nan, uint8(0))},
		{"NaN→int16", convertsTo(nan, int16(0))},
		{"NaN→uint16", convertsTo(nan, uint16(0))},
		{"NaN→int32", convertsTo(nan, int32(0))},
		{"NaN→uint32", convertsTo(nan, uint32(0))},
		{"NaN→int64", convertsTo(nan, int64(0))},
		{"NaN→uint64", convertsTo(nan, uint64(0))},
		{"NaN→int", convertsTo(nan, int(0))},
		{"NaN→uint", convertsTo(nan, uint(0))},
		{"NaN→uintptr", convertsTo(nan, uintptr(0))},
		{"NaN32→int32", convertsTo(nan32, int32(0))},
		{"NaN32→uint64", convertsTo(nan32, uint64(0))},
		{"complex NaN→int16", convertsTo(complex(nan, 1), int16(0))},
		{"complex64 NaN→int64", convertsTo(complex(nan32, 0), int64(0))},
		// NaN stays NaN between floats.
		{"NaN→float32", convertsTo(nan, nan32)},
		{"NaN32→complex128", convertsTo(nan32, complex(nan, 0))},
		// Out of range saturates; infinities too.
		{"+Inf→int8", convertsTo(inf, int8(math.MaxInt8))},
		{"-Inf→int8", convertsTo(-inf, int8(math.MinInt8))},
		{"+Inf→uint32", convertsTo(inf, uint32(math.MaxUint32))},
		{"-Inf→uint32", convertsTo(-inf, uint32(0))},
		{"+Inf32→int64", convertsTo(inf32, int64(math.MaxInt64))},
		{"-Inf32→int64", convertsTo(-inf32, int64(math.MinInt64))},
		{"1e300→int16", convertsTo(1e300, int16(math.MaxInt16))},
		{"-1e300→int16", convertsTo(-1e300, int16(math.MinInt16))},
		{"128→int8", convertsTo(128.0, int8(127))},
		{"127.99→int8", convertsTo(127.99, int8(127))},
		{"-128.99→int8", convertsTo(-128.99, int8(-128))},
		{"-129→int8", convertsTo(-129.0, int8(-128))},
		{"256→uint8", convertsTo(256.0, uint8(255))},
		{"255.9→uint8", convertsTo(255.9, uint8(255))},
		{"-1→uint8", convertsTo(-1.0, uint8(0))},
		{"-0.99→uint8", convertsTo(-0.99, uint8(0))},
		{"-1e20→uint64", convertsTo(-1e20, uint64(0))},
		{"2^63→int64", convertsTo(two63, int64(math.MaxInt64))},
		{"-2^63→int64", convertsTo(-two63, int64(math.MinInt64))},
		{"below -2^63→int64", convertsTo(math.Nextafter(-two63, -inf), int64(math.MinInt64))},
		{"below 2^63→int64", convertsTo(math.Nextafter(two63, 0), int64(1<<63-1024))},
		{"2^64→uint64", convertsTo(math.Ldexp(1, 64), uint64(math.MaxUint64))},
		{"below 2^64→uint64", convertsTo(math.Nextafter(math.Ldexp(1, 64), 0), uint64(1<<64-2048))},
		{"2^31 float32→int32", convertsTo(float32(1<<31), int32(math.MaxInt32))},
		{"-2^31 float32→int32", convertsTo(float32(-1<<31), int32(math.MinInt32))},
		{"below 2^31 float32→int32", convertsTo(float32(2147483520), int32(2147483520))},
		{"2^32 float32→uint32", convertsTo(float32(1<<32), uint32(math.MaxUint32))},
		{"2^63 float32→uint64", convertsTo(float32(two63), uint64(1<<63))},
		{"1e30 float32→uint64", convertsTo(float32(1e30), uint64(math.MaxUint64))},
		{"1e300→int", convertsTo(1e300, int(math.MaxInt))},
		{"-1e300→int", convertsTo(-1e300, int(math.MinInt))},
		{"1e300→uintptr", convertsTo(1e300, ^uintptr(0))},
		// Truncation toward zero.
		{"2.9→int32", convertsTo(2.9, int32(2))},
		{"-2.9→int32", convertsTo(-2.9, int32(-2))},
		{"-0.9→int8", convertsTo(-0.9, int8(0))},
		// -0.0 keeps its sign between floats, and is 0 as an integer.
		{"-0→float32", convertsTo(negZero, float32(math.Copysign(0, -1)))},
		{"-0 float32→float64", convertsTo(float32(math.Copysign(0, -1)), negZero)},
		{"-0→complex64", convertsTo(negZero, complex(float32(math.Copysign(0, -1)), 0))},
		{"-0→int64", convertsTo(negZero, int64(0))},
		{"-0→uint8", convertsTo(negZero, uint8(0))},
		// float64 to float32 rounds once, to nearest even.
		{"16777217→float32", convertsTo(16777217.0, float32(16777216))},
		{"16777219→float32", convertsTo(16777219.0, float32(16777220))},
		{"1+2^-24→float32", convertsTo(1+math.Ldexp(1, -24), float32(1))},
		{"1+3·2^-24→float32", convertsTo(1+3*math.Ldexp(1, -24), float32(1+math.Ldexp(1, -22)))},
		{"MaxFloat32→float32", convertsTo(float64(math.MaxFloat32), float32(math.MaxFloat32))},
		{"just above MaxFloat32→float32", convertsTo(math.Nextafter(math.MaxFloat32, inf), float32(math.MaxFloat32))},
		{"-MaxFloat32→float32", convertsTo(-float64(math.MaxFloat32), float32(-math.MaxFloat32))},
		{"2^-150→float32 (tie to 0)", convertsTo(math.Ldexp(1, -150), float32(0))},
		{"3·2^-151→float32", convertsTo(3*math.Ldexp(1, -151), float32(math.Ldexp(1, -149)))},
		{"1e-300→float32", convertsTo(1e-300, float32(0))},
		{"-1e-300→float32", convertsTo(-1e-300, float32(math.Copysign(0, -1)))},
		{"complex128→complex64 rounds both parts", convertsTo(complex(16777217.0, -16777219.0), complex64(complex(16777216, -16777220)))},
		// Integers to floats round to nearest even, once (no double rounding through float64).
		{"2^53+1→float64", convertsTo(int64(1<<53+1), float64(1<<53))},
		{"2^53+3→float64", convertsTo(int64(1<<53+3), float64(1<<53+4))},
		{"MaxInt64→float32", convertsTo(int64(math.MaxInt64), float32(two63))},
		{"MaxUint64→float64", convertsTo(uint64(math.MaxUint64), math.Ldexp(1, 64))},
		{"MaxUint64→float32", convertsTo(uint64(math.MaxUint64), float32(math.Ldexp(1, 64)))},
		{"2^63+2^39→float32 (tie to even)", convertsTo(uint64(1<<63+1<<39), float32(two63))},
		{"2^63+2^39+1→float32 (not a tie)", convertsTo(uint64(1<<63+1<<39+1), float32(two63+math.Ldexp(1, 40)))},
		{"2^62+2^38+1→float32", convertsTo(int64(1<<62+1<<38+1), float32(math.Ldexp(1, 62)+math.Ldexp(1, 39)))},
		{"-(2^62+2^38+1)→float32", convertsTo(int64(-(1<<62 + 1<<38 + 1)), float32(-(math.Ldexp(1, 62) + math.Ldexp(1, 39))))},
		{"16777217 int32→float32", convertsTo(int32(16777217), float32(16777216))},
		{"MaxUint32→float32", convertsTo(uint32(math.MaxUint32), float32(1<<32))},
		// Complex to real drops the imaginary part.
		{"complex128→float64", convertsTo(complex(3.5, 7), 3.5)},
		{"complex128→int8", convertsTo(complex(-3.99, 1e300), int8(-3))},
		{"complex64→uint8 saturates the real part", convertsTo(complex64(complex(-2.5, -1)), uint8(0))},
		{"complex64→float32", convertsTo(complex64(complex(1.25, nan)), float32(1.25))},
		{"complex128→float32", convertsTo(complex(16777217.0, 5), float32(16777216))},
		{"complex128→uint64", convertsTo(complex(1e19, -1), uint64(1e19))},
		{"complex128→uint64 saturates", convertsTo(complex(1e20, 0), uint64(math.MaxUint64))},
		// Real to complex: imaginary part +0.
		{"int8→complex64", convertsTo(int8(-5), complex64(complex(-5, 0)))},
		{"uint64→complex128", convertsTo(uint64(math.MaxUint64), complex(math.Ldexp(1, 64), 0))},
		{"float32→complex128", convertsTo(float32(-1.5), complex(-1.5, 0))},
		{"+Inf→complex64", convertsTo(inf, complex(inf32, 0))},
		// Integers to integers wrap.
		{"300 int64→int8", convertsTo(int64(300), int8(44))},
		{"-1 int64→uint64", convertsTo(int64(-1), uint64(math.MaxUint64))},
		{"MaxUint64→int64", convertsTo(uint64(math.MaxUint64), int64(-1))},
		{"2^31 uint32→int32", convertsTo(uint32(1<<31), int32(math.MinInt32))},
		{"-1 int16→uint8", convertsTo(int16(-1), uint8(255))},
		{"200 uint8→int8", convertsTo(uint8(200), int8(-56))},
		{"-1 int8→uint16 (sign-extends)", convertsTo(int8(-1), uint16(65535))},
		{"-1 int32→uint64 (sign-extends)", convertsTo(int32(-1), uint64(math.MaxUint64))},
		{"65536+7 int→uint16", convertsTo(int(65543), uint16(7))},
		{"MaxUint64 uintptr→int8", convertsTo(^uintptr(0), int8(-1))},
	} {
		t.Run(tt.name, tt.run)
	}
}

// A Convert in place (the same bytes, another type of the same size) converts each element
// from its old value.
func TestConvertInPlace(t *testing.T) {
	b := alignedBytes(8 * 6)
	ints, _ := FromBytes[int64](b)
	floats, _ := FromBytes[float64](b)
	for i := range 6 {
		ints.Set(int64(i*i)-7, i)
	}
	Convert(floats, ints)
	for i := range 6 {
		if got, want := floats.At(i), float64(i*i-7); got != want {
			t.Fatalf("element %d: %v, want %v", i, got, want)
		}
	}
	// Reversed over the same bytes: read in full first.
	Convert(ints, floats.Slice(0, 0, 6, -1))
	for i := range 6 {
		if got, want := ints.At(i), int64((5-i)*(5-i)-7); got != want {
			t.Fatalf("reversed, element %d: %v, want %v", i, got, want)
		}
	}
}

func TestConvertPanics(t *testing.T) {
	dst, src := New[float64](2, 3), New[int32](3)
	panics(t, ErrShape, func() { Convert(dst, New[int32](2)) })
	panics(t, ErrShape, func() { Convert(New[float64](3), New[int32](2, 3)) }) // dst never broadcasts
	panics(t, ErrShape, func() { Convert(New[float64](0, 3), New[int32](2)) }) // checked when empty too
	panics(t, ErrReadOnly, func() { Convert(dst.AsReadOnly(), src) })
	bd, _ := BroadcastTo(New[float64](3), 2, 3)
	panics(t, ErrReadOnly, func() { Convert(bd, src) })
	r := New[int32](3)
	r.Release()
	panics(t, ErrReleased, func() { Convert(dst, r) })
	rd := New[float64](2, 3)
	rd.Release()
	panics(t, ErrReleased, func() { Convert(rd, src) })
	panics(t, ErrReleased, func() { AsType[float64](r) })
	Convert(New[float64](0, 3), New[int32](3)) // empty: nothing to do
	if w := AsType[float32](New[int8](0, 2)); !equalInts(w.Shape(), []int{0, 2}) {
		t.Fatalf("AsType of an empty view: shape %v", w.Shape())
	}
}

// ---- BroadcastTo -------------------------------------------------------------------------

func TestBroadcastToErrors(t *testing.T) {
	v, _ := FromSlice([]float64{1, 2, 3})
	m := New[float64](2, 3)
	for _, tt := range []struct {
		name  string
		v     *View[float64]
		shape []int
		want  error
	}{
		{"fewer dims", v, nil, ErrShape},
		{"other length", v, []int{2}, ErrShape},
		{"other length behind", v, []int{4, 2}, ErrShape},
		{"more source dims", m, []int{3}, ErrShape},
		{"leading unit source dim", New[float64](1, 3), []int{3}, ErrShape},
		{"inner mismatch", m, []int{2, 2, 4}, ErrShape},
		{"0 to 1", New[float64](0), []int{1}, ErrShape},
		{"negative", v, []int{-1, 3}, ErrShape},
		{"negative and zero", v, []int{0, -2, 3}, ErrShape},
		{"too many dims", v, slices.Repeat([]int{1}, MaxDims+1), ErrShape},
		{"overflow", v, []int{1 << 40, 1 << 40, 3}, ErrOverflow},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w, err := BroadcastTo(tt.v, tt.shape...)
			if !errors.Is(err, tt.want) || w != nil {
				t.Fatalf("BroadcastTo(shape %v, %v) = %v, %v; want nil, %v", tt.v.Shape(), tt.shape, w, err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "ndview: ") {
				t.Fatalf("message %q does not start with ndview:", err)
			}
			// STYLE.md: a message names the public function that was called.
			if !strings.Contains(err.Error(), "BroadcastTo") {
				t.Errorf("message %q does not name BroadcastTo", err)
			}
		})
	}
	r := New[float64](3)
	r.Release()
	if w, err := BroadcastTo(r, 2, 3); !errors.Is(err, ErrReleased) || w != nil {
		t.Fatalf("BroadcastTo of a released view: %v, %v", w, err)
	}
}

func TestBroadcastToSemantics(t *testing.T) {
	v, _ := FromSlice([]float64{1, 2, 3})
	w, err := BroadcastTo(v, 4, 3)
	if err != nil {
		t.Fatal(err)
	}
	if !w.ReadOnly() || v.ReadOnly() || !equalInts(w.Strides(), []int{0, 8}) {
		t.Fatalf("read-only %v (source %v), strides %v", w.ReadOnly(), v.ReadOnly(), w.Strides())
	}
	v.Set(9, 1) // shared memory: seen through every row
	for i := range 4 {
		if w.At(i, 1) != 9 {
			t.Fatalf("row %d: %v", i, w.ToSlice())
		}
	}
	// The broadcast view outlives the source's Release, as every derived view does.
	v.Release()
	if w.At(3, 2) != 3 {
		t.Fatal("broadcast view lost its data when the source was released")
	}
	// Of a read-only source, to the same shape, to an empty shape, of a 0-d view, huge.
	s := FromString("ab")
	if x, err := BroadcastTo(s, 2); err != nil || !x.ReadOnly() || x.At(1) != 'b' {
		t.Fatalf("same shape: %v, %v", x, err)
	}
	if x, err := BroadcastTo(New[int8](3), 0, 3); err != nil || x.Size() != 0 || !equalInts(x.Shape(), []int{0, 3}) {
		t.Fatalf("to an empty shape: %v, %v", x, err)
	}
	z := New[int16]()
	z.Set(-4)
	if x, err := BroadcastTo(z); err != nil || x.NDim() != 0 || x.At() != -4 {
		t.Fatalf("0-d to 0-d: %v, %v", x, err)
	}
	x, err := BroadcastTo(z, 1<<30, 1<<30)
	if err != nil || x.Size() != 1<<60 || x.At(1<<30-1, 1<<30-1) != -4 {
		t.Fatalf("huge: %v, %v", x, err)
	}
	panics(t, ErrReadOnly, func() { x.Set(1, 0, 0) })
}

// ---- Fill --------------------------------------------------------------------------------

// checkFill fills a random layout of a fresh buffer and checks every element, and nothing
// else.
func checkFill[T Elem](t *testing.T, p picker) {
	k := kindOf[T]()
	shape := genShape(p, true)
	st := genStrides(p, shape, true)
	n, off := placeOwn(p, shape, st)
	buf := alignedBytes(n * k.size)
	k.fill(buf, 0)
	l := opLayout{0, off * k.size, shape, scale(st, k.size)}
	v, err := NewStrided[T](buf, l.offset, l.shape, l.strides)
	if err != nil {
		t.Fatalf("NewStrided(%v): %v", l, err)
	}
	x := fromInt[T](-7)
	Fill(v, x)
	in := map[int]bool{}
	for _, o := range elemOffsets(l.shape, l.strides, l.offset) {
		in[o/k.size] = true
	}
	for i, e := range elemsOf[T](buf) {
		want := fromInt[T](int64(i))
		if in[i] {
			want = x
		}
		if e != want {
			t.Fatalf("Fill[%T](%v): element %d of the buffer is %v, want %v", x, l, i, e, want)
		}
	}
}

func TestFillLayouts(t *testing.T) {
	for seed := range uint64(600) {
		p := randPicker{rand.New(rand.NewPCG(seed, 11))}
		switch seed % 5 {
		case 0:
			checkFill[int8](t, p)
		case 1:
			checkFill[uint16](t, p)
		case 2:
			checkFill[float32](t, p)
		case 3:
			checkFill[int64](t, p)
		case 4:
			checkFill[complex128](t, p)
		}
	}
	// Fixed layouts: C, F, reversed, stepped, 0-d, empty.
	base := New[int32](4, 6)
	for name, v := range map[string]*View[int32]{
		"C":        base,
		"F":        New[int32](6, 4).Transpose(),
		"reversed": base.Slice(1, 0, 6, -1).Slice(0, 0, 4, -1),
		"stepped":  base.Slice(1, 1, 6, 2),
		"column":   base.Index(1, 5),
		"0-d":      New[int32](),
		"empty":    base.Slice(0, 2, 2, 1),
	} {
		Fill(v, 5)
		for x := range v.Values() {
			if x != 5 {
				t.Fatalf("%s: %v", name, v)
			}
		}
	}
}

func TestFillPanics(t *testing.T) {
	s := FromString("abc")
	panics(t, ErrReadOnly, func() { Fill(s, 'x') })
	if s.At(0) != 'a' {
		t.Fatal("Fill wrote through a read-only view")
	}
	v, _ := FromSlice([]float64{1, 2, 3})
	panics(t, ErrReadOnly, func() { Fill(v.AsReadOnly(), 0) })
	b, _ := BroadcastTo(v, 2, 3)
	panics(t, ErrReadOnly, func() { Fill(b, 0) })
	z, err := NewStrided[float64](bytesOf([]float64{1, 2}), 0, []int{3}, []int{0}) // overlapping
	if err != nil {
		t.Fatal(err)
	}
	panics(t, ErrReadOnly, func() { Fill(z, 0) })
	if v.At(0) != 1 {
		t.Fatal("Fill wrote through a read-only view")
	}
	v.Release()
	panics(t, ErrReleased, func() { Fill(v, 0) })
}

// ---- Apply2 ------------------------------------------------------------------------------

func TestApply2Panics(t *testing.T) {
	never := func(d float64, a int32, b float32) float64 {
		t.Fatal("f called")
		return d
	}
	dst := New[float64](2, 3)
	a, b := New[int32](3), New[float32](2, 1)
	for _, tt := range []struct {
		name string
		want error
		dst  *View[float64]
		a    *View[int32]
		b    *View[float32]
	}{
		{"a does not broadcast", ErrShape, dst, New[int32](2), b},
		{"b does not broadcast", ErrShape, dst, a, New[float32](3, 1)},
		{"a has more dims", ErrShape, dst, New[int32](1, 2, 3), b},
		{"dst never broadcasts", ErrShape, New[float64](1, 3), New[int32](2, 3), New[float32](3)},
		{"empty dst, a does not broadcast", ErrShape, New[float64](0, 3), New[int32](2), New[float32](3)},
		{"read-only dst", ErrReadOnly, dst.AsReadOnly(), a, b},
		{"broadcast dst", ErrReadOnly, mustBroadcast(New[float64](3), 2, 3), a, b},
		{"released dst", ErrReleased, released(New[float64](2, 3)), a, b},
		{"released a", ErrReleased, dst, released(New[int32](3)), b},
		{"released b", ErrReleased, dst, a, released(New[float32](2, 1))},
	} {
		t.Run(tt.name, func(t *testing.T) {
			panics(t, tt.want, func() { Apply2(tt.dst, tt.a, tt.b, never) })
		})
	}
	// Empty and compatible: nothing to do, f never called.
	Apply2(New[float64](0, 3), a, New[float32](1), never)
	// Read-only sources are fine.
	Fill(a, 2)
	Fill(b, 0.5)
	Apply2(dst, a.AsReadOnly(), mustBroadcast(b, 2, 3), func(d float64, x int32, y float32) float64 { return d + float64(x)*float64(y) })
	for x := range dst.Values() {
		if x != 1 {
			t.Fatalf("Apply2 with read-only sources: %v", dst)
		}
	}
}

func mustBroadcast[T Elem](v *View[T], shape ...int) *View[T] {
	w, err := BroadcastTo(v, shape...)
	if err != nil {
		panic(err)
	}
	return w
}

func released[T Elem](v *View[T]) *View[T] {
	v.Release()
	return v
}

// Apply2 with dst also passed as a source (the same elements: in place) and with a source
// that is dst reversed (read in full first).
func TestApply2Aliasing(t *testing.T) {
	d, _ := FromSlice([]int64{1, 2, 3, 4, 5})
	Apply2(d, d, d, func(x, a, b int64) int64 { return x + 10*a + 100*b })
	if want := []int64{111, 222, 333, 444, 555}; !slices.Equal(d.ToSlice(), want) {
		t.Fatalf("in place: %v, want %v", d.ToSlice(), want)
	}
	r := d.Slice(0, 0, 5, -1)
	one := mustBroadcast(New[int64](), 5)
	Apply2(d, r, one, func(x, a, b int64) int64 { return a - b })
	if want := []int64{555, 444, 333, 222, 111}; !slices.Equal(d.ToSlice(), want) {
		t.Fatalf("reversed source: %v, want %v", d.ToSlice(), want)
	}
}

// An overlapping source is read in full first, even where NumPy 1.24's np.copyto is not
// (a 1-D source whose stride has dst's sign: it gives [0 1 1 3 1 5 3 7] here).
func TestCopyOverlapReadsSourceFirst(t *testing.T) {
	x, _ := FromSlice([]int64{0, 1, 2, 3, 4, 5, 6, 7})
	Copy(x.Slice(0, 0, 8, 2), x.Slice(0, 0, 4, 1))
	if want := []int64{0, 1, 1, 3, 2, 5, 3, 7}; !slices.Equal(x.ToSlice(), want) {
		t.Fatalf("got %v, want %v", x.ToSlice(), want)
	}
	y, _ := FromSlice([]float64{0, 1, 2, 3, 4, 5, 6, 7})
	Apply2(y.Slice(0, 0, 8, 2), y.Slice(0, 0, 4, 1), mustBroadcast(New[float64](), 4), func(d, a, b float64) float64 { return a })
	if want := []float64{0, 1, 1, 3, 2, 5, 3, 7}; !slices.Equal(y.ToSlice(), want) {
		t.Fatalf("Apply2: got %v, want %v", y.ToSlice(), want)
	}
}

// Releasing a view inside Apply2's f ends the loop with ErrReleased before another element
// is read (f runs once), and the memory stays mapped until Apply2 returns.
func TestApply2ReleaseInsideLoop(t *testing.T) {
	for _, which := range []string{"dst", "a", "b", "a overlapping dst"} {
		for _, layout := range []string{"contiguous", "strided"} {
			t.Run(which+"/"+layout, func(t *testing.T) {
				v, m := mappedView(t, layout == "strided")
				dst, a, b := New[float64](v.Shape()...), New[float64](v.Shape()...), New[float64](v.Shape()...)
				switch which {
				case "dst":
					dst = v
				case "a":
					a = v
				case "b":
					b = v
				case "a overlapping dst":
					// dst is half of v, a the same half with its columns reversed: the
					// caller's a is released in f, though Apply2 reads a copy of it.
					dst = v.Slice(0, 0, 4, 1)
					a = dst.Slice(1, 0, dst.Shape()[1], -1)
					v.Release()
					v = a
					b = mustBroadcast(New[float64](), dst.Shape()...)
				}
				calls := 0
				panics(t, ErrReleased, func() {
					Apply2(dst, a, b, func(d, x, y float64) float64 {
						calls++
						if calls > 1 {
							t.Fatalf("f ran again after Release")
						}
						v.Release()
						if m.Len() == 0 {
							t.Fatal("mapping closed inside the loop")
						}
						return d + x + y
					})
				})
				if calls != 1 {
					t.Fatalf("f ran %d times", calls)
				}
				if which == "a overlapping dst" {
					dst.Release()
				}
				if m.Len() != 0 {
					t.Fatal("mapping still open after Apply2 returned")
				}
			})
		}
	}
}

// The same over Go memory: a release in f ends Apply2 rather than letting it run on.
func TestApply2ReleaseInsideLoopGoMemory(t *testing.T) {
	for _, which := range []string{"dst", "a", "b"} {
		dst, a, b := New[float64](3, 3), New[float64](3, 3), New[float64](3)
		v := map[string]*View[float64]{"dst": dst, "a": a, "b": b}[which]
		calls := 0
		panics(t, ErrReleased, func() {
			Apply2(dst, a, b, func(d, x, y float64) float64 { calls++; v.Release(); return 1 })
		})
		if calls != 1 {
			t.Fatalf("%s: f ran %d times", which, calls)
		}
	}
}

// ---- the plan merges what is contiguous in every operand ------------------------------------

// In memory order, a view contiguous in C order, in F order, or reversed is one run, and
// so are operands that share one such layout; in C order an F view is not.
func TestPlanMergesContiguous(t *testing.T) {
	c := New[float64](4, 5, 6)
	f := New[float64](6, 5, 4).Transpose()
	r := c.Slice(0, 0, 4, -1).Slice(1, 0, 5, -1).Slice(2, 0, 6, -1)
	for _, tt := range []struct {
		name     string
		ops      []operand
		memOrder bool
		oneRun   bool
	}{
		{"C", []operand{c.lay.operand()}, true, true},
		{"C, C order", []operand{c.lay.operand()}, false, true},
		{"F", []operand{f.lay.operand()}, true, true},
		{"F, C order", []operand{f.lay.operand()}, false, false},
		{"reversed", []operand{r.lay.operand()}, true, true},
		{"F and F", []operand{f.lay.operand(), f.lay.operand()}, true, true},
		{"four C", []operand{c.lay.operand(), c.lay.operand(), c.lay.operand(), c.lay.operand()}, true, true},
		{"C and F", []operand{c.lay.operand(), f.lay.operand()}, true, false},
	} {
		var w plan
		w.init(c.Shape(), tt.memOrder, tt.ops...)
		if got := w.nd == 0 && w.n == 120; got != tt.oneRun {
			t.Errorf("%s: %d outer axes, runs of %d; one run: %v, want %v", tt.name, w.nd, w.n, got, tt.oneRun)
		}
	}
}

// The counts of elementwise.json are large enough to mean something.
func TestElementwiseVectorCounts(t *testing.T) {
	vec := loadEW(t)
	for name, n := range map[string]int{
		"broadcast": len(vec.Broadcast), "astype": len(vec.Astype), "copyto": len(vec.Copyto),
		"apply2": len(vec.Apply2), "equal": len(vec.Equal),
	} {
		if n < 500 {
			t.Errorf("%s: only %d cases", name, n)
		}
	}
	t.Logf("checks: %s", vec.Checks)
}

// TestFillRun: the Go fill (a loop, doubling copies, then a page-sized chunk copied over the
// rest) sets exactly the run's elements to x's bytes at every length around its steps, and
// touches nothing on either side.
func TestFillRun(t *testing.T) {
	testFillRun(t, int8(-3))
	testFillRun(t, Float16(0x7c01)) // a signalling NaN, kept
	testFillRun(t, math.Float32frombits(0x7f800123))
	testFillRun(t, math.Float64frombits(0xfff0000000000bad))
	testFillRun(t, complex(1.5, math.Copysign(0, -1)))
}

func testFillRun[T Elem](t *testing.T, x T) {
	t.Helper()
	k := fillChunk / sizeOf[T]()
	check := func(n int) { checkFillRun(t, fillRun[T], x, n, 1) }
	for n := range 300 {
		check(n)
	}
	for _, m := range []int{1, 2, 3, 7} {
		for d := -2; d <= 2; d++ {
			check(m*k + d)
		}
	}
}
