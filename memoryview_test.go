package ndview

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

// Replays testdata/cast.json, tobytes.json and equal.json, written from CPython's memoryview.

func buildView[T Elem](t *testing.T, baseHex string, baseShape []int, ops [][]json.RawMessage) *View[T] {
	t.Helper()
	v, err := FromBytes[T](alignedCopy(unhex(t, baseHex)), baseShape...)
	if err != nil {
		t.Fatal(err)
	}
	if len(baseShape) == 0 {
		if v, err = v.Reshape(); err != nil {
			t.Fatal(err)
		}
	}
	for _, op := range ops {
		v = applyOp(t, v, op)
	}
	return v
}

type castCase struct {
	Type      string              `json:"type"`
	To        string              `json:"to"`
	BaseShape []int               `json:"base_shape"`
	Base      string              `json:"base"`
	Ops       [][]json.RawMessage `json:"ops"`
	Shape     []int               `json:"shape"`
	Err       string              `json:"err"`
	WantShape []int               `json:"want_shape"`
	Want      string              `json:"want"`
}

func checkCast[U, T Elem](t *testing.T, v *View[T], c castCase) {
	w, err := Cast[U](v, c.Shape...)
	switch c.Err {
	case "contiguous":
		if !errors.Is(err, ErrNotContiguous) {
			t.Fatalf("Cast of shape %v strides %v: %v, memoryview refuses a non-C-contiguous view", v.Shape(), v.Strides(), err)
		}
		return
	case "shape":
		if !errors.Is(err, ErrShape) {
			t.Fatalf("Cast of %d bytes to %s%v: %v, memoryview says the sizes differ", v.NBytes(), c.To, c.Shape, err)
		}
		return
	}
	if err != nil {
		t.Fatalf("Cast of %d bytes to %s%v: %v", v.NBytes(), c.To, c.Shape, err)
	}
	if !equalInts(w.Shape(), c.WantShape) || !w.IsCContiguous() || w.ReadOnly() != v.ReadOnly() {
		t.Fatalf("Cast to %s%v: shape %v C %v ro %v, memoryview %v", c.To, c.Shape, w.Shape(), w.IsCContiguous(), w.ReadOnly(), c.WantShape)
	}
	if got := w.ToBytes(COrder); !bytes.Equal(got, unhex(t, c.Want)) {
		t.Fatalf("Cast to %s: bytes %x, memoryview %s", c.To, got, c.Want)
	}
	if w.base() != v.base() {
		t.Fatal("Cast copied")
	}
}

func castFrom[T Elem](t *testing.T, c castCase) {
	v := buildView[T](t, c.Base, c.BaseShape, c.Ops)
	switch c.To {
	case "int8":
		checkCast[int8](t, v, c)
	case "uint8":
		checkCast[uint8](t, v, c)
	case "int16":
		checkCast[int16](t, v, c)
	case "uint16":
		checkCast[uint16](t, v, c)
	case "int32":
		checkCast[int32](t, v, c)
	case "uint32":
		checkCast[uint32](t, v, c)
	case "int64":
		checkCast[int64](t, v, c)
	case "uint64":
		checkCast[uint64](t, v, c)
	case "float32":
		checkCast[float32](t, v, c)
	case "float64":
		checkCast[float64](t, v, c)
	case "complex64":
		checkCast[complex64](t, v, c)
	case "complex128":
		checkCast[complex128](t, v, c)
	default:
		t.Fatalf("no target %s", c.To)
	}
}

func TestMemoryviewCast(t *testing.T) {
	var cases []castCase
	loadJSON(t, "cast.json", &cases)
	for _, c := range cases {
		t.Run(c.Type+"_to_"+c.To, func(t *testing.T) { suiteFor(t, c.Type).castFrom(t, c) })
	}
	t.Logf("%d casts", len(cases))
}

type tobytesCase struct {
	Type      string              `json:"type"`
	BaseShape []int               `json:"base_shape"`
	Base      string              `json:"base"`
	Ops       [][]json.RawMessage `json:"ops"`
	C, F, A   string
	Hex       string `json:"hex"`
}

func runToBytes[T Elem](t *testing.T, c tobytesCase) {
	v := buildView[T](t, c.Base, c.BaseShape, c.Ops)
	for _, o := range []struct {
		order Order
		want  string
	}{{COrder, c.C}, {FOrder, c.F}, {AnyOrder, c.A}} {
		if got := v.ToBytes(o.order); !bytes.Equal(got, unhex(t, o.want)) {
			t.Fatalf("ToBytes(%c) of shape %v strides %v: %x, memoryview %s", o.order, v.Shape(), v.Strides(), got, o.want)
		}
	}
	if got := v.Hex(); got != c.Hex {
		t.Fatalf("Hex: %s, memoryview %s", got, c.Hex)
	}
	// ToSlice and Clone agree with ToBytes('C').
	if got := bytesOf(v.ToSlice()); !bytes.Equal(got, unhex(t, c.C)) && !(len(got) == 0 && c.C == "") {
		t.Fatalf("ToSlice: %x, want %s", got, c.C)
	}
	cl := v.Clone()
	if !equalInts(cl.Shape(), v.Shape()) || !cl.IsCContiguous() || cl.ReadOnly() || cl.Hex() != c.Hex {
		t.Fatalf("Clone: shape %v C %v ro %v hex %s", cl.Shape(), cl.IsCContiguous(), cl.ReadOnly(), cl.Hex())
	}
}

func TestMemoryviewToBytes(t *testing.T) {
	var cases []tobytesCase
	loadJSON(t, "tobytes.json", &cases)
	for _, c := range cases {
		t.Run(c.Type, func(t *testing.T) { suiteFor(t, c.Type).toBytes(t, c) })
	}
	t.Logf("%d views", len(cases))
}

type equalCase struct {
	Type      string `json:"type"`
	AShape    []int  `json:"a_shape"`
	A         string `json:"a"`
	BShape    []int  `json:"b_shape"`
	B         string `json:"b"`
	BReversed bool   `json:"b_reversed"`
	Equal     bool   `json:"equal"`
	SelfEqual bool   `json:"self_equal"`
}

func runEqual[T Elem](t *testing.T, c equalCase) {
	a := buildView[T](t, c.A, c.AShape, nil)
	b := buildView[T](t, c.B, c.BShape, nil)
	if c.BReversed {
		for k := range b.NDim() {
			b = b.Slice(k, 0, b.lay.shape[k], -1)
		}
	}
	if got := Equal(a, b); got != c.Equal {
		t.Fatalf("Equal(%v %s, %v %s reversed=%v) = %v, memoryview says %v", c.AShape, c.A, c.BShape, c.B, c.BReversed, got, c.Equal)
	}
	if got := Equal(a, a); got != c.SelfEqual {
		t.Fatalf("Equal(a, a) = %v, memoryview says %v for %s", got, c.SelfEqual, c.A)
	}
}

func TestMemoryviewEqual(t *testing.T) {
	var cases []equalCase
	loadJSON(t, "equal.json", &cases)
	for _, c := range cases {
		t.Run(c.Type, func(t *testing.T) { suiteFor(t, c.Type).equal(t, c) })
	}
	t.Logf("%d comparisons", len(cases))
}
