package ndview

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"testing"
	"unsafe"
)

// The vectors in testdata/ are written by testdata/gen_vectors.py from NumPy and CPython's
// memoryview; these tests replay them.

type step struct {
	Op   []json.RawMessage `json:"op"`
	Want *struct {
		Shape   []int `json:"shape"`
		Strides []int `json:"strides"`
		Offset  int   `json:"offset"`
		C       bool  `json:"c"`
		F       bool  `json:"f"`
	} `json:"want"`
}

type viewCase struct {
	Type      string `json:"type"`
	BaseShape []int  `json:"base_shape"`
	Base      string `json:"base"`
	Steps     []step `json:"steps"`
	Data      string `json:"data"`
	Set       *struct {
		Idx    []int `json:"idx"`
		Offset int   `json:"offset"`
	} `json:"set"`
}

func loadJSON(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// alignedCopy returns b in memory aligned for every Elem.
func alignedCopy(b []byte) []byte {
	a := alignedBytes(len(b))
	copy(a, b)
	return a
}

func ints(t *testing.T, m json.RawMessage) []int {
	var v []int
	if err := json.Unmarshal(m, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func num(t *testing.T, m json.RawMessage) int {
	var v int
	if err := json.Unmarshal(m, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// applyOp applies one NumPy-recorded operation; for a reshape NumPy refused it checks the
// error and returns v unchanged.
func applyOp[T Elem](t *testing.T, v *View[T], op []json.RawMessage) *View[T] {
	t.Helper()
	var kind string
	json.Unmarshal(op[0], &kind)
	switch kind {
	case "slice":
		return v.Slice(num(t, op[1]), num(t, op[2]), num(t, op[3]), num(t, op[4]))
	case "index":
		return v.Index(num(t, op[1]), num(t, op[2]))
	case "transpose":
		return v.Transpose(ints(t, op[1])...)
	case "reshape":
		var refused string
		json.Unmarshal(op[2], &refused)
		shape := ints(t, op[1])
		w, err := v.Reshape(shape...)
		switch refused {
		case "":
			if err != nil {
				t.Fatalf("Reshape(%v) of shape %v strides %v: %v; NumPy reshapes without a copy", shape, v.lay.shape, v.lay.strides, err)
			}
			return w
		case "copy":
			if !errors.Is(err, ErrNotContiguous) {
				t.Fatalf("Reshape(%v) of shape %v strides %v: got %v, want ErrNotContiguous (NumPy needs a copy)", shape, v.lay.shape, v.lay.strides, err)
			}
		case "size":
			if !errors.Is(err, ErrShape) {
				t.Fatalf("Reshape(%v) of %d elements: got %v, want ErrShape", shape, v.size, err)
			}
		}
		return v
	}
	t.Fatalf("unknown op %s", kind)
	return nil
}

// elemBytes returns the bytes of the elements of v in C order, read through At.
func elemBytes[T Elem](v *View[T]) []byte {
	var out []byte
	for _, x := range v.All() {
		out = append(out, unsafe.Slice((*byte)(unsafe.Pointer(&x)), unsafe.Sizeof(x))...)
	}
	return out
}

func runViewCase[T Elem](t *testing.T, c viewCase) {
	base := alignedCopy(unhex(t, c.Base))
	v, err := FromBytes[T](base, c.BaseShape...)
	if err != nil {
		t.Fatalf("FromBytes: %v", err)
	}
	if len(c.BaseShape) == 0 {
		if v, err = v.Reshape(); err != nil {
			t.Fatal(err)
		}
	}
	for i, s := range c.Steps {
		v = applyOp(t, v, s.Op)
		if s.Want == nil {
			continue
		}
		w := s.Want
		if !equalInts(v.Shape(), w.Shape) || !equalInts(v.Strides(), w.Strides) {
			t.Fatalf("step %d %s: shape %v strides %v, NumPy %v %v", i, s.Op, v.Shape(), v.Strides(), w.Shape, w.Strides)
		}
		// NumPy's data pointer of an empty view is arbitrary; ndview's never dereferenced.
		if v.Size() > 0 && v.Offset() != w.Offset {
			t.Fatalf("step %d %s: offset %d, NumPy %d", i, s.Op, v.Offset(), w.Offset)
		}
		if v.IsCContiguous() != w.C || v.IsFContiguous() != w.F {
			t.Fatalf("step %d %s: C %v F %v, NumPy C %v F %v (shape %v strides %v)", i, s.Op, v.IsCContiguous(), v.IsFContiguous(), w.C, w.F, w.Shape, w.Strides)
		}
	}
	if got, want := elemBytes(v), unhex(t, c.Data); !bytes.Equal(got, want) {
		t.Fatalf("elements %x, NumPy %x", got, want)
	}
	if c.Set == nil {
		return
	}
	// Set writes exactly the bytes NumPy says the element occupies, and nothing else.
	before := append([]byte(nil), base...)
	old := v.At(c.Set.Idx...)
	nb := unsafe.Slice((*byte)(unsafe.Pointer(&old)), unsafe.Sizeof(old))
	var x T
	xb := unsafe.Slice((*byte)(unsafe.Pointer(&x)), unsafe.Sizeof(x))
	for i := range xb {
		xb[i] = ^nb[i]
	}
	v.Set(x, c.Set.Idx...)
	for i := range base {
		inElem := i >= c.Set.Offset && i < c.Set.Offset+len(xb)
		if inElem && base[i] != xb[i-c.Set.Offset] || !inElem && base[i] != before[i] {
			t.Fatalf("Set(%v) changed byte %d (%#x -> %#x); NumPy says the element is at %d", c.Set.Idx, i, before[i], base[i], c.Set.Offset)
		}
	}
}

// elemSuite runs the differential tests for one element type; suites maps the Go type names
// the vectors use to them.
type elemSuite interface {
	view(*testing.T, viewCase)
	toBytes(*testing.T, tobytesCase)
	equal(*testing.T, equalCase)
	castFrom(*testing.T, castCase)
}

type suite[T Elem] struct{}

func (suite[T]) view(t *testing.T, c viewCase)       { runViewCase[T](t, c) }
func (suite[T]) toBytes(t *testing.T, c tobytesCase) { runToBytes[T](t, c) }
func (suite[T]) equal(t *testing.T, c equalCase)     { runEqual[T](t, c) }
func (suite[T]) castFrom(t *testing.T, c castCase)   { castFrom[T](t, c) }

var suites = map[string]elemSuite{
	"int8": suite[int8]{}, "uint8": suite[uint8]{}, "int16": suite[int16]{}, "uint16": suite[uint16]{},
	"int32": suite[int32]{}, "uint32": suite[uint32]{}, "int64": suite[int64]{}, "uint64": suite[uint64]{},
	"int": suite[int]{}, "uint": suite[uint]{}, "uintptr": suite[uintptr]{}, "float32": suite[float32]{},
	"float64": suite[float64]{}, "complex64": suite[complex64]{}, "complex128": suite[complex128]{},
}

// suiteFor returns the suite of a type name, failing the test for an unknown one.
func suiteFor(t *testing.T, name string) elemSuite {
	t.Helper()
	s, ok := suites[name]
	if !ok {
		t.Fatalf("no element type %q", name)
	}
	if (name == "int" || name == "uint" || name == "uintptr") && strconv.IntSize != 64 {
		t.Skipf("the vectors hold 8-byte %s; it is %d bits here", name, strconv.IntSize)
	}
	return s
}

func TestNumPyViews(t *testing.T) {
	var vec struct {
		NumPy string     `json:"numpy"`
		Cases []viewCase `json:"cases"`
	}
	loadJSON(t, "views.json", &vec)
	if len(vec.Cases) < 1000 {
		t.Fatalf("only %d cases", len(vec.Cases))
	}
	steps := 0
	for i, c := range vec.Cases {
		s := suiteFor(t, c.Type)
		steps += len(c.Steps)
		t.Run(fmt.Sprint(i), func(t *testing.T) { s.view(t, c) })
	}
	t.Logf("%d cases, %d steps, against NumPy %s", len(vec.Cases), steps, vec.NumPy)
}
