package ndview

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"testing"
	"unsafe"
)

// The vectors in testdata/elementwise.json are written by testdata/gen_elementwise.py from
// NumPy's broadcast_to, astype, copyto, ufunc arithmetic and array_equal over random layouts
// (negative, zero and overlapping strides among them); the tests here replay them.

type ewVectors struct {
	NumPy     string              `json:"numpy"`
	Checks    json.RawMessage     `json:"checks"`
	Broadcast [][]json.RawMessage `json:"broadcast"`
	Astype    [][]json.RawMessage `json:"astype"`
	Copyto    [][]json.RawMessage `json:"copyto"`
	Apply2    [][]json.RawMessage `json:"apply2"`
	Equal     [][]json.RawMessage `json:"equal"`
}

var ewCache *ewVectors

// loadEW reads the vectors once per test binary, skipping where they cannot apply.
func loadEW(t *testing.T) *ewVectors {
	t.Helper()
	if strconv.IntSize != 64 {
		t.Skip("the vectors hold 64-bit offsets and values")
	}
	var probe uint16 = 1
	if *(*byte)(unsafe.Pointer(&probe)) != 1 {
		t.Skip("the vectors hold little-endian bytes")
	}
	if ewCache == nil {
		var v ewVectors
		loadJSON(t, "elementwise.json", &v)
		ewCache = &v
	}
	return ewCache
}

// fields unmarshals the fields of one case into ps, in order.
func fields(t *testing.T, raw []json.RawMessage, ps ...any) {
	t.Helper()
	if len(raw) != len(ps) {
		t.Fatalf("a case of %d fields, want %d", len(raw), len(ps))
	}
	for i, p := range ps {
		if err := json.Unmarshal(raw[i], p); err != nil {
			t.Fatalf("field %d (%s): %v", i, raw[i], err)
		}
	}
}

// ewLayout is [offset, shape, strides], bytes.
type ewLayout struct {
	Offset  int
	Shape   []int
	Strides []int
}

func (l *ewLayout) UnmarshalJSON(b []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	if len(raw) != 3 {
		return fmt.Errorf("a layout of %d fields", len(raw))
	}
	for i, p := range []any{&l.Offset, &l.Shape, &l.Strides} {
		if err := json.Unmarshal(raw[i], p); err != nil {
			return err
		}
	}
	return nil
}

func (l ewLayout) String() string {
	return fmt.Sprintf("offset %d shape %v strides %v", l.Offset, l.Shape, l.Strides)
}

// wantErr reports whether a case's verdict is NumPy's ValueError.
func wantErr(raw json.RawMessage) bool {
	var s string
	return json.Unmarshal(raw, &s) == nil && s == "ValueError"
}

// fromInt converts k as Go's T(k) does (a complex gets imaginary part 0).
func fromInt[T Elem](k int64) T {
	var z T
	switch p := any(&z).(type) {
	case *int8:
		*p = int8(k)
	case *uint8:
		*p = uint8(k)
	case *int16:
		*p = int16(k)
	case *uint16:
		*p = uint16(k)
	case *int32:
		*p = int32(k)
	case *uint32:
		*p = uint32(k)
	case *int64:
		*p = k
	case *uint64:
		*p = uint64(k)
	case *int:
		*p = int(k)
	case *uint:
		*p = uint(k)
	case *uintptr:
		*p = uintptr(k)
	case *float32:
		*p = float32(k)
	case *float64:
		*p = float64(k)
	case *complex64:
		*p = complex(float32(k), 0)
	case *complex128:
		*p = complex(float64(k), 0)
	default:
		panic(fmt.Sprintf("fromInt: no case for %T", z))
	}
	return z
}

// kBuffer returns n elements, element k holding T(base + k).
func kBuffer[T Elem](n int, base int64) []T {
	s := make([]T, n)
	for k := range s {
		s[k] = fromInt[T](base + int64(k))
	}
	return s
}

// viewOf makes the view of layout l over buf, failing the test if ndview refuses it.
func viewOf[T Elem](t *testing.T, buf []byte, l ewLayout) *View[T] {
	t.Helper()
	v, err := NewStrided[T](buf, l.Offset, l.Shape, l.Strides)
	if err != nil {
		t.Fatalf("NewStrided(%v) over %d bytes: %v", l, len(buf), err)
	}
	return v
}

// elemOffsets returns the byte offsets of v's elements in C order, computed naively.
func elemOffsets(shape, strides []int, offset int) []int {
	var out []int
	for _, d := range shape {
		if d == 0 {
			return nil
		}
	}
	idx := make([]int, len(shape))
	for {
		off := offset
		for k, i := range idx {
			off += i * strides[k]
		}
		out = append(out, off)
		k := len(idx) - 1
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

// catch runs f and returns what it panicked with, or nil.
func catch(f func()) (r any) {
	defer func() { r = recover() }()
	f()
	return nil
}

// ---- broadcast_to ----------------------------------------------------------------------

var ewBroadcast = map[string]func(*testing.T, []json.RawMessage){
	"int8": runBroadcast[int8], "uint8": runBroadcast[uint8], "int16": runBroadcast[int16],
	"uint16": runBroadcast[uint16], "int32": runBroadcast[int32], "uint32": runBroadcast[uint32],
	"int64": runBroadcast[int64], "uint64": runBroadcast[uint64], "float32": runBroadcast[float32],
	"float64": runBroadcast[float64], "complex64": runBroadcast[complex64], "complex128": runBroadcast[complex128],
}

func runBroadcast[T Elem](t *testing.T, raw []json.RawMessage) {
	var (
		name                   string
		n, off                 int
		shape, strides, target []int
	)
	fields(t, raw[:6], &name, &n, &off, &shape, &strides, &target)
	buf := kBuffer[T](n, 0)
	src := viewOf[T](t, bytesOf(buf), ewLayout{off, shape, strides})
	desc := fmt.Sprintf("BroadcastTo(shape %v strides %v offset %d, %v)", shape, strides, off, target)
	w, err := BroadcastTo(src, target...)
	if wantErr(raw[6]) {
		if !errors.Is(err, ErrShape) {
			t.Fatalf("%s: got %v; NumPy raises ValueError, want ErrShape", desc, err)
		}
		return
	}
	if err != nil {
		t.Fatalf("%s: %v; NumPy broadcasts", desc, err)
	}
	var (
		wShape, wStrides []int
		wOff             int
		c, f, writeable  bool
		ks               []int64
	)
	var want []json.RawMessage
	if err := json.Unmarshal(raw[6], &want); err != nil {
		t.Fatal(err)
	}
	fields(t, want, &wShape, &wStrides, &wOff, &c, &f, &writeable, &ks)
	if !equalInts(w.Shape(), wShape) {
		t.Fatalf("%s: shape %v, NumPy %v", desc, w.Shape(), wShape)
	}
	// The strides and offset of an empty view are never used; NumPy's are arbitrary there.
	if w.Size() > 0 && (!equalInts(w.Strides(), wStrides) || w.Offset() != wOff) {
		t.Fatalf("%s: strides %v offset %d, NumPy %v %d", desc, w.Strides(), w.Offset(), wStrides, wOff)
	}
	if w.IsCContiguous() != c || w.IsFContiguous() != f {
		t.Fatalf("%s: C %v F %v, NumPy C %v F %v", desc, w.IsCContiguous(), w.IsFContiguous(), c, f)
	}
	if w.ReadOnly() == writeable {
		t.Fatalf("%s: read-only %v, NumPy writeable %v", desc, w.ReadOnly(), writeable)
	}
	got, slice := refC(w), w.ToSlice()
	if len(got) != len(ks) || len(slice) != len(ks) {
		t.Fatalf("%s: %d elements (ToSlice %d), NumPy %d", desc, len(got), len(slice), len(ks))
	}
	for i, k := range ks {
		if x := fromInt[T](k); got[i] != x || slice[i] != x {
			t.Fatalf("%s: element %d (C order) is %v (ToSlice %v), NumPy %v", desc, i, got[i], slice[i], x)
		}
	}
}

func TestElementwiseNumPyBroadcastTo(t *testing.T) {
	vec := loadEW(t)
	refused := 0
	for i, raw := range vec.Broadcast {
		var name string
		json.Unmarshal(raw[0], &name)
		run, ok := ewBroadcast[name]
		if !ok {
			t.Fatalf("case %d: no element type %q", i, name)
		}
		if wantErr(raw[6]) {
			refused++
		}
		t.Run(strconv.Itoa(i), func(t *testing.T) { run(t, raw) })
	}
	t.Logf("%d cases (%d NumPy refuses), against NumPy %s", len(vec.Broadcast), refused, vec.NumPy)
}

// ---- astype ------------------------------------------------------------------------------

// astypeFrom runs an astype case from S to the destination type the case names.
func astypeFrom[S Elem](t *testing.T, dst string, raw []json.RawMessage) {
	switch dst {
	case "int8":
		runAstype[int8, S](t, raw)
	case "uint8":
		runAstype[uint8, S](t, raw)
	case "int16":
		runAstype[int16, S](t, raw)
	case "uint16":
		runAstype[uint16, S](t, raw)
	case "int32":
		runAstype[int32, S](t, raw)
	case "uint32":
		runAstype[uint32, S](t, raw)
	case "int64":
		runAstype[int64, S](t, raw)
	case "uint64":
		runAstype[uint64, S](t, raw)
	case "float32":
		runAstype[float32, S](t, raw)
	case "float64":
		runAstype[float64, S](t, raw)
	case "complex64":
		runAstype[complex64, S](t, raw)
	case "complex128":
		runAstype[complex128, S](t, raw)
	default:
		t.Fatalf("no element type %q", dst)
	}
}

var ewAstype = map[string]func(*testing.T, string, []json.RawMessage){
	"int8": astypeFrom[int8], "uint8": astypeFrom[uint8], "int16": astypeFrom[int16],
	"uint16": astypeFrom[uint16], "int32": astypeFrom[int32], "uint32": astypeFrom[uint32],
	"int64": astypeFrom[int64], "uint64": astypeFrom[uint64], "float32": astypeFrom[float32],
	"float64": astypeFrom[float64], "complex64": astypeFrom[complex64], "complex128": astypeFrom[complex128],
}

func runAstype[D, S Elem](t *testing.T, raw []json.RawMessage) {
	var (
		sname, dname    string
		n, off          int
		shape, strides  []int
		bufHex, wantHex string
	)
	fields(t, raw, &sname, &dname, &n, &off, &shape, &strides, &bufHex, &wantHex)
	buf := alignedCopy(unhex(t, bufHex))
	src := viewOf[S](t, buf, ewLayout{off, shape, strides})
	want := unhex(t, wantHex)
	desc := fmt.Sprintf("%s→%s, shape %v strides %v offset %d", sname, dname, shape, strides, off)
	check := func(how string, got *View[D]) {
		t.Helper()
		b := got.ToBytes(COrder)
		if bytes.Equal(b, want) {
			return
		}
		wv, err := FromBytes[D](alignedCopy(want))
		if err != nil || len(b) != len(want) {
			t.Fatalf("%s, %s: %d bytes, NumPy %d", desc, how, len(b), len(want))
		}
		gs, ws, ss := got.ToSlice(), wv.ToSlice(), src.ToSlice()
		for i := range ws {
			if !sameBits(gs[i], ws[i]) {
				t.Fatalf("%s, %s: element %d: %v → %v, NumPy %v", desc, how, i, ss[i], gs[i], ws[i])
			}
		}
		t.Fatalf("%s, %s: bytes %x, NumPy %x", desc, how, b, want)
	}
	a := AsType[D](src)
	if a.ReadOnly() || !a.IsCContiguous() || !equalInts(a.Shape(), shape) {
		t.Fatalf("%s: AsType gave read-only %v, C-contiguous %v, shape %v", desc, a.ReadOnly(), a.IsCContiguous(), a.Shape())
	}
	check("AsType", a)
	// Convert into a destination laid out otherwise: Fortran order, first axis reversed.
	d := New[D](reverse(shape)...).Transpose()
	if len(shape) > 0 {
		d = d.Slice(0, 0, shape[0], -1)
	}
	Convert(d, src)
	check("Convert into strides "+fmt.Sprint(d.Strides()), d)
}

// sameBits reports whether x and y have the same bytes.
func sameBits[T Elem](x, y T) bool {
	bx := unsafe.Slice((*byte)(unsafe.Pointer(&x)), unsafe.Sizeof(x))
	by := unsafe.Slice((*byte)(unsafe.Pointer(&y)), unsafe.Sizeof(y))
	return bytes.Equal(bx, by)
}

func TestElementwiseNumPyAsType(t *testing.T) {
	vec := loadEW(t)
	pairs := map[[2]string]int{}
	for i, raw := range vec.Astype {
		var src, dst string
		json.Unmarshal(raw[0], &src)
		json.Unmarshal(raw[1], &dst)
		run, ok := ewAstype[src]
		if !ok {
			t.Fatalf("case %d: no element type %q", i, src)
		}
		pairs[[2]string{src, dst}]++
		t.Run(fmt.Sprintf("%d_%s_%s", i, src, dst), func(t *testing.T) { run(t, dst, raw) })
	}
	if len(pairs) != 144 {
		t.Fatalf("%d type pairs, want all 144", len(pairs))
	}
	t.Logf("%d cases over %d type pairs, against NumPy %s", len(vec.Astype), len(pairs), vec.NumPy)
}

// ---- copyto ------------------------------------------------------------------------------

// ewCopyto checks a copyto case for each element type of the vectors, returning what went
// wrong ("" if nothing).
var ewCopyto = map[string]func([]json.RawMessage) string{
	"int8": copytoCheck[int8], "int16": copytoCheck[int16], "int32": copytoCheck[int32],
	"int64": copytoCheck[int64], "uint16": copytoCheck[uint16], "float32": copytoCheck[float32],
	"float64": copytoCheck[float64], "complex128": copytoCheck[complex128],
}

// othersChanged checks that the elements of buf outside the byte offsets in written still
// hold T(base + k), returning a description of the first that does not ("" if none).
func othersChanged[T Elem](buf []T, base int64, written []int) string {
	isz, _ := itemInfo[T]()
	in := map[int]bool{}
	for _, off := range written {
		in[off/isz] = true
	}
	for k, x := range buf {
		if want := fromInt[T](base + int64(k)); !in[k] && x != want {
			return fmt.Sprintf("element %d of buffer %d, outside the destination, is %v; want %v", k, base/1000, x, want)
		}
	}
	return ""
}

func copytoCheck[T Elem](raw []json.RawMessage) string {
	var (
		name         string
		n0, n1, sbuf int
		dl, sl       ewLayout
	)
	if len(raw) != 7 {
		return fmt.Sprintf("a case of %d fields", len(raw))
	}
	for i, p := range []any{&name, &n0, &n1, &dl, &sbuf, &sl} {
		if err := json.Unmarshal(raw[i], p); err != nil {
			return err.Error()
		}
	}
	b0, b1 := kBuffer[T](n0, 0), kBuffer[T](n1, 1000)
	srcBuf := bytesOf(b1)
	if sbuf == 0 {
		srcBuf = bytesOf(b0)
	}
	dst, err := NewStrided[T](bytesOf(b0), dl.Offset, dl.Shape, dl.Strides)
	if err != nil {
		return fmt.Sprintf("NewStrided(%v): %v", dl, err)
	}
	src, err := NewStrided[T](srcBuf, sl.Offset, sl.Shape, sl.Strides)
	if err != nil {
		return fmt.Sprintf("NewStrided(%v): %v", sl, err)
	}
	desc := fmt.Sprintf("Copy(dst %v, src %v in buffer %d)", dl, sl, sbuf)
	if dst.ReadOnly() {
		return desc + ": the destination is read-only"
	}
	r := catch(func() { Copy(dst, src) })
	if wantErr(raw[6]) {
		if err, ok := r.(error); !ok || !errors.Is(err, ErrShape) {
			return fmt.Sprintf("%s: panicked with %v; NumPy raises ValueError, want ErrShape", desc, r)
		}
		return ""
	}
	if r != nil {
		return fmt.Sprintf("%s: panicked with %v; NumPy's np.copyto copies", desc, r)
	}
	var want []int64
	if err := json.Unmarshal(raw[6], &want); err != nil {
		return err.Error()
	}
	got := refC(dst)
	if len(got) != len(want) {
		return fmt.Sprintf("%s: %d elements, NumPy %d", desc, len(got), len(want))
	}
	for i, k := range want {
		if got[i] != fromInt[T](k) {
			return fmt.Sprintf("%s: element %d (C order) is %v, NumPy %v", desc, i, got[i], fromInt[T](k))
		}
	}
	if msg := othersChanged(b0, 0, elemOffsets(dl.Shape, dl.Strides, dl.Offset)); msg != "" {
		return desc + ": " + msg
	}
	if msg := othersChanged(b1, 1000, nil); msg != "" {
		return desc + ": " + msg
	}
	return ""
}

// TestElementwiseNumPyCopy replays np.copyto. Cases whose source has more axes than the
// destination (extra leading axes of length 1, which np.copyto strips, as `d[...] = s` does,
// though broadcast_to and ufuncs refuse them) are checked together in one subtest,
// LeadingUnitAxes.
func TestElementwiseNumPyCopy(t *testing.T) {
	vec := loadEW(t)
	refused, overlapping := 0, 0
	var leading []int
	for i, raw := range vec.Copyto {
		var name string
		var sbuf int
		var dl, sl ewLayout
		fields(t, raw[:6], &name, new(int), new(int), &dl, &sbuf, &sl)
		check, ok := ewCopyto[name]
		if !ok {
			t.Fatalf("case %d: no element type %q", i, name)
		}
		if wantErr(raw[6]) {
			refused++
		}
		if sbuf == 0 {
			overlapping++
		}
		if len(sl.Shape) > len(dl.Shape) && !wantErr(raw[6]) {
			leading = append(leading, i)
			continue
		}
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			if msg := check(raw); msg != "" {
				t.Fatal(msg)
			}
		})
	}
	t.Run("LeadingUnitAxes", func(t *testing.T) {
		var failed []string
		for _, i := range leading {
			raw := vec.Copyto[i]
			var name string
			json.Unmarshal(raw[0], &name)
			if msg := ewCopyto[name](raw); msg != "" {
				failed = append(failed, fmt.Sprintf("case %d: %s", i, msg))
			}
		}
		if len(failed) > 0 {
			t.Errorf("%d of %d cases whose source has extra leading axes of length 1 fail (np.copyto strips such axes); the first: %s",
				len(failed), len(leading), failed[0])
		}
	})
	t.Logf("%d cases (%d NumPy refuses, %d with src in dst's buffer, %d with extra leading unit axes), against NumPy %s; NumPy's own overlap record: %s",
		len(vec.Copyto), refused, overlapping, len(leading), vec.NumPy, vec.Checks)
}

// ---- apply2 ------------------------------------------------------------------------------

var ewApply2 = map[[3]string]func(*testing.T, []json.RawMessage){
	{"int64", "int64", "int64"}:       runApply2[int64, int64, int64],
	{"float64", "float64", "float64"}: runApply2[float64, float64, float64],
	{"float64", "int32", "int64"}:     runApply2[float64, int32, int64],
}

// apply2F is the kernel the vectors were computed with: d*2 + a - 3*b in d's type.
func apply2F[T, U, W realNum](d T, a U, b W) T { return d*2 + T(a) - 3*T(b) }

type ewOperand struct {
	Buf int
	Lay ewLayout
}

func (o *ewOperand) UnmarshalJSON(b []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	if len(raw) != 2 {
		return fmt.Errorf("an operand of %d fields", len(raw))
	}
	if err := json.Unmarshal(raw[0], &o.Buf); err != nil {
		return err
	}
	return json.Unmarshal(raw[1], &o.Lay)
}

func runApply2[T, U, W realNum](t *testing.T, raw []json.RawMessage) {
	var (
		types [3]string
		ns    [3]int
		dl    ewLayout
		a, b  ewOperand
	)
	fields(t, raw[:5], &types, &ns, &dl, &a, &b)
	b0, b1, b2 := kBuffer[T](ns[0], 0), kBuffer[U](ns[1], 1000), kBuffer[W](ns[2], 2000)
	bufs := [][]byte{bytesOf(b0), bytesOf(b1), bytesOf(b2)}
	dst := viewOf[T](t, bufs[0], dl)
	av := viewOf[U](t, bufs[a.Buf], a.Lay)
	bv := viewOf[W](t, bufs[b.Buf], b.Lay)
	desc := fmt.Sprintf("Apply2(dst %v, a %v in buffer %d, b %v in buffer %d)", dl, a.Lay, a.Buf, b.Lay, b.Buf)
	calls := 0
	r := catch(func() {
		Apply2(dst, av, bv, func(d T, x U, y W) T { calls++; return apply2F(d, x, y) })
	})
	if wantErr(raw[5]) {
		if err, ok := r.(error); !ok || !errors.Is(err, ErrShape) {
			t.Fatalf("%s: panicked with %v; the operands do not broadcast to dst in NumPy, want ErrShape", desc, r)
		}
		if calls != 0 {
			t.Fatalf("%s: f called %d times before the panic", desc, calls)
		}
		return
	}
	if r != nil {
		t.Fatalf("%s: panicked with %v", desc, r)
	}
	if calls != dst.Size() {
		t.Fatalf("%s: f called %d times for %d elements", desc, calls, dst.Size())
	}
	var want []int64
	if err := json.Unmarshal(raw[5], &want); err != nil {
		t.Fatal(err)
	}
	got := refC(dst)
	if len(got) != len(want) {
		t.Fatalf("%s: %d elements, NumPy %d", desc, len(got), len(want))
	}
	for i, k := range want {
		if got[i] != T(k) {
			t.Fatalf("%s: element %d (C order) is %v, NumPy %v", desc, i, got[i], k)
		}
	}
	for _, msg := range []string{
		othersChanged(b0, 0, elemOffsets(dl.Shape, dl.Strides, dl.Offset)),
		othersChanged(b1, 1000, nil),
		othersChanged(b2, 2000, nil),
	} {
		if msg != "" {
			t.Fatalf("%s: %s", desc, msg)
		}
	}
}

func TestElementwiseNumPyApply2(t *testing.T) {
	vec := loadEW(t)
	refused, overlapping := 0, 0
	for i, raw := range vec.Apply2 {
		var types [3]string
		var a, b ewOperand
		json.Unmarshal(raw[0], &types)
		json.Unmarshal(raw[3], &a)
		json.Unmarshal(raw[4], &b)
		run, ok := ewApply2[types]
		if !ok {
			t.Fatalf("case %d: no kernel for types %v", i, types)
		}
		if wantErr(raw[5]) {
			refused++
		}
		if a.Buf == 0 || b.Buf == 0 {
			overlapping++
		}
		t.Run(strconv.Itoa(i), func(t *testing.T) { run(t, raw) })
	}
	t.Logf("%d cases (%d refused, %d with a source in dst's buffer), against NumPy %s", len(vec.Apply2), refused, overlapping, vec.NumPy)
}

// ---- equal -------------------------------------------------------------------------------

var ewEqual = map[string]func(*testing.T, []json.RawMessage){
	"int8": runEWEqual[int8], "int64": runEWEqual[int64], "float32": runEWEqual[float32],
	"float64": runEWEqual[float64], "complex128": runEWEqual[complex128], "uint16": runEWEqual[uint16],
}

func runEWEqual[T Elem](t *testing.T, raw []json.RawMessage) {
	var (
		name, ahex string
		bhex       *string
		la, lb     ewLayout
		want       bool
	)
	fields(t, raw, &name, &ahex, &bhex, &la, &lb, &want)
	abuf := alignedCopy(unhex(t, ahex))
	bbuf := abuf
	if bhex != nil {
		bbuf = alignedCopy(unhex(t, *bhex))
	}
	a, b := viewOf[T](t, abuf, la), viewOf[T](t, bbuf, lb)
	if got := Equal(a, b); got != want {
		t.Fatalf("Equal(%v, %v) = %v, np.array_equal %v (a %v, b %v)", la, lb, got, want, refC(a), refC(b))
	}
	if got := Equal(b, a); got != want {
		t.Fatalf("Equal(%v, %v) = %v, np.array_equal %v", lb, la, got, want)
	}
}

func TestElementwiseNumPyEqual(t *testing.T) {
	vec := loadEW(t)
	equal, shared := 0, 0
	for i, raw := range vec.Equal {
		var name string
		var want bool
		json.Unmarshal(raw[0], &name)
		json.Unmarshal(raw[5], &want)
		run, ok := ewEqual[name]
		if !ok {
			t.Fatalf("case %d: no element type %q", i, name)
		}
		if want {
			equal++
		}
		if string(raw[2]) == "null" {
			shared++
		}
		t.Run(strconv.Itoa(i), func(t *testing.T) { run(t, raw) })
	}
	t.Logf("%d cases (%d equal, %d pairs sharing a buffer), against NumPy %s", len(vec.Equal), equal, shared, vec.NumPy)
}
