package npy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ndview/ndview"
)

type npyCase struct {
	File    string `json:"file"`
	Descr   string `json:"descr"`
	Shape   []int  `json:"shape"`
	Fortran bool   `json:"fortran"`
	Version []int  `json:"version"`
	View    *struct {
		Base []int               `json:"base"`
		Ops  [][]json.RawMessage `json:"ops"`
	} `json:"view"`
}

func manifest(t *testing.T) []npyCase {
	t.Helper()
	b, err := os.ReadFile("testdata/manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Cases []npyCase `json:"cases"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m.Cases
}

// value is element i (in C order) of every test array, as gen_npy.py makes it.
func value[T ndview.Elem](i int) T {
	var z T
	f := float64(i)/4 - 3
	n := i % 100
	switch p := any(&z).(type) {
	case *float32:
		*p = float32(f)
	case *float64:
		*p = f
	case *complex64:
		*p = complex(float32(f), float32(i%7))
	case *complex128:
		*p = complex(f, float64(i%7))
	case *int8:
		*p = int8(n)
	case *uint8:
		*p = uint8(n)
	case *int16:
		*p = int16(n)
	case *uint16:
		*p = uint16(n)
	case *int32:
		*p = int32(n)
	case *uint32:
		*p = uint32(n)
	case *int64:
		*p = int64(n)
	case *uint64:
		*p = uint64(n)
	case *int:
		*p = n
	case *uint:
		*p = uint(n)
	case *uintptr:
		*p = uintptr(n)
	}
	return z
}

// filled returns a view of the shape, C- or Fortran-contiguous, holding value(i) at C index i.
func filled[T ndview.Elem](shape []int, fortran bool) *ndview.View[T] {
	var v *ndview.View[T]
	if fortran && len(shape) > 1 {
		rev := make([]int, len(shape))
		for i, d := range shape {
			rev[len(rev)-1-i] = d
		}
		v = ndview.New[T](rev...).Transpose()
	} else {
		v = ndview.New[T](shape...)
	}
	i := 0
	for idx := range v.All() {
		v.Set(value[T](i), idx...)
		i++
	}
	return v
}

func checkView[T ndview.Elem](t *testing.T, how string, v *ndview.View[T], c npyCase) {
	t.Helper()
	if fmt.Sprint(v.Shape()) != fmt.Sprint(c.Shape) {
		t.Fatalf("%s: shape %v, NumPy %v", how, v.Shape(), c.Shape)
	}
	if c.Fortran && (!v.IsFContiguous() || v.IsCContiguous()) || !c.Fortran && !v.IsCContiguous() {
		t.Fatalf("%s: C %v F %v, file fortran_order %v", how, v.IsCContiguous(), v.IsFContiguous(), c.Fortran)
	}
	i := 0
	for x := range v.Values() {
		if want := expected[T](c, i); x != want {
			t.Fatalf("%s: element %d = %v, want %v", how, i, x, want)
		}
		i++
	}
	if i != v.Size() {
		t.Fatalf("%s: %d elements", how, i)
	}
}

// expected is element i of a case: value(i), or for a view, the view of such values.
func expected[T ndview.Elem](c npyCase, i int) T {
	if c.View == nil {
		return value[T](i)
	}
	return caseView[T](c).ToSlice()[i]
}

func caseView[T ndview.Elem](c npyCase) *ndview.View[T] {
	v := filled[T](c.View.Base, false)
	for _, op := range c.View.Ops {
		var kind string
		json.Unmarshal(op[0], &kind)
		if kind == "slice" {
			var a [4]int
			for k := range a {
				json.Unmarshal(op[k+1], &a[k])
			}
			v = v.Slice(a[0], a[1], a[2], a[3])
		} else {
			var axes []int
			json.Unmarshal(op[1], &axes)
			v = v.Transpose(axes...)
		}
	}
	return v
}

func runCase[T ndview.Elem](t *testing.T, c npyCase) {
	path := filepath.Join("testdata", c.File)
	v, err := Load[T](path)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	checkView(t, "Load", v, c)
	native := c.Descr[0] == '|' || (c.Descr[0] == '<') == littleEndian
	m, err := Map[T](path, false)
	if !native {
		if !errors.Is(err, ndview.ErrFormat) || !strings.Contains(err.Error(), "npy.Load") {
			t.Fatalf("Map of %s: %v, want ErrFormat that points to Load", c.Descr, err)
		}
	} else {
		if err != nil {
			t.Fatalf("Map: %v", err)
		}
		if !m.ReadOnly() {
			t.Fatal("Map(path, false) must be read-only")
		}
		checkView(t, "Map", m, c)
		m.Release()
	}
	// Byte-identical writing, for what ndview writes: native order.
	if native {
		var src *ndview.View[T]
		if c.View != nil {
			src = caseView[T](c).AsReadOnly()
		} else {
			src = filled[T](c.Shape, c.Fortran)
		}
		var buf bytes.Buffer
		if err := Write(&buf, src); err != nil {
			t.Fatal(err)
		}
		want, _ := os.ReadFile(path)
		if (c.Version[0] == 1) && !bytes.Equal(buf.Bytes(), want) {
			t.Fatalf("Write differs from np.save:\n got %q\nwant %q", head(buf.Bytes()), head(want))
		}
		back, err := Read[T](bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		checkView(t, "Read of Write", back, c)
	}
}

func head(b []byte) []byte { return b[:min(len(b), 160)] }

// runners lists the Go element types for each descr kind and size; int, uint and uintptr
// read the files of their size: 8 bytes on 64-bit platforms, 4 on 32-bit ones.
var runners = func() map[string][]func(*testing.T, npyCase) {
	r := map[string][]func(*testing.T, npyCase){
		"i1": {runCase[int8]}, "u1": {runCase[uint8]}, "i2": {runCase[int16]}, "u2": {runCase[uint16]},
		"i4": {runCase[int32]}, "u4": {runCase[uint32]}, "i8": {runCase[int64]}, "u8": {runCase[uint64]},
		"f4": {runCase[float32]}, "f8": {runCase[float64]}, "c8": {runCase[complex64]}, "c16": {runCase[complex128]},
	}
	n := strconv.Itoa(strconv.IntSize / 8)
	r["i"+n] = append(r["i"+n], runCase[int])
	r["u"+n] = append(r["u"+n], runCase[uint], runCase[uintptr])
	return r
}()

func TestNumPyFiles(t *testing.T) {
	cases := manifest(t)
	for _, c := range cases {
		t.Run(c.File, func(t *testing.T) {
			rs := runners[c.Descr[1:]]
			if len(rs) == 0 {
				t.Fatalf("no runner for %s", c.Descr)
			}
			for _, run := range rs {
				run(t, c)
			}
		})
	}
	t.Logf("%d NumPy files", len(cases))
}

func TestSaveFile(t *testing.T) {
	v := filled[float64]([]int{3, 4, 2}, true)
	p := filepath.Join(t.TempDir(), "x.npy")
	if err := Save(p, v); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(p)
	want, _ := os.ReadFile("testdata/f8_le_F.npy")
	if littleEndian && !bytes.Equal(got, want) {
		t.Fatal("Save differs from np.save")
	}
	v.Release()
	if err := Save(p, v); !errors.Is(err, ndview.ErrReleased) {
		t.Fatalf("Save of a released view: %v", err)
	}
	if err := Write(io.Discard, v); !errors.Is(err, ndview.ErrReleased) {
		t.Fatalf("Write of a released view: %v", err)
	}
}

func TestWrongType(t *testing.T) {
	if _, err := Load[float32]("testdata/f8_le_C.npy"); !errors.Is(err, ndview.ErrFormat) {
		t.Fatalf("Load[float32] of <f8: %v", err)
	}
	if _, err := Map[int64]("testdata/f8_le_C.npy", false); !errors.Is(err, ndview.ErrFormat) {
		t.Fatalf("Map[int64] of <f8: %v", err)
	}
	if _, err := Load[uint32]("testdata/i4_le_C.npy"); !errors.Is(err, ndview.ErrFormat) {
		t.Fatal("signedness must match")
	}
	if _, err := Load[float64]("testdata/nope.npy"); !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
}

func TestReadStream(t *testing.T) {
	var buf bytes.Buffer
	a := filled[int16]([]int{2, 3}, false)
	b := filled[int16]([]int{4}, false)
	Write(&buf, a)
	Write(&buf, b.Slice(0, 0, 4, -1))
	r := bytes.NewReader(buf.Bytes())
	x, err := Read[int16](r)
	if err != nil || !ndview.Equal(x, a) {
		t.Fatalf("first array: %v %v", x, err)
	}
	y, err := Read[int16](r)
	if err != nil || !ndview.Equal(y, b.Slice(0, 0, 4, -1)) {
		t.Fatalf("second array: %v %v", y, err)
	}
	if _, err := Read[int16](r); !errors.Is(err, ndview.ErrFormat) {
		t.Fatalf("end of stream: %v", err)
	}
	// A reader that cannot tell its length still stops at the array's end.
	pr, pw := io.Pipe()
	go func() { pw.Write(buf.Bytes()); pw.Close() }()
	if x, err := Read[int16](pr); err != nil || !ndview.Equal(x, a) {
		t.Fatalf("pipe: %v", err)
	}
	if y, err := Read[int16](pr); err != nil || y.Size() != 4 {
		t.Fatalf("pipe second: %v", err)
	}
}

func TestBadFiles(t *testing.T) {
	good, _ := os.ReadFile("testdata/f8_le_C.npy")
	hdr := func(s string) []byte {
		b := []byte(magic + "\x01\x00")
		b = append(b, byte(len(s)), byte(len(s)>>8))
		return append(b, s...)
	}
	tests := []struct {
		name string
		data []byte
		eof  bool // also io.ErrUnexpectedEOF
	}{
		{"empty", nil, false},
		{"wrong magic", append([]byte("\x93NUMPZ"), good[6:]...), false},
		{"truncated magic", good[:4], true},
		{"truncated length", good[:9], true},
		{"truncated header", good[:40], true},
		{"truncated data", good[:len(good)-1], true},
		{"lying shape", hdr("{'descr': '<f8', 'fortran_order': False, 'shape': (100000000,), }\n"), true},
		{"version 4", append([]byte(magic+"\x04\x00"), good[8:]...), false},
		{"unknown descr", hdr("{'descr': '<x8', 'fortran_order': False, 'shape': (1,), }\n"), false},
		{"bool descr", hdr("{'descr': '|b1', 'fortran_order': False, 'shape': (1,), }\n"), false},
		{"structured descr", hdr("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }\n"), false},
		{"bool descr ?", hdr("{'descr': '?', 'fortran_order': False, 'shape': (1,), }\n"), false},
		{"repeated key, the last bad", hdr("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'descr': '<x8'}\n"), false},
		{"leading zero", hdr("{'descr': '<f8', 'fortran_order': False, 'shape': (03, 4), }\n"), false},
		{"L suffix in 3.0", append([]byte(magic+"\x03\x00\x39\x00\x00\x00"), "{'descr': '<f8', 'fortran_order': False, 'shape': (3L,)}\n"...), false},
		{"empty but too big", hdr("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 2305843009213693952, 4), }\n"), false},
		{"overflowing shape", hdr("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }\n"), false},
		{"huge dim", hdr("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,), }\n"), false},
		{"negative dim", hdr("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }\n"), false},
		{"bare int shape", hdr("{'descr': '<f8', 'fortran_order': False, 'shape': (3), }\n"), false},
		{"missing key", hdr("{'descr': '<f8', 'shape': (3,), }\n"), false},
		{"extra key", hdr("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'x': 1}\n"), false},
		{"not a dict", hdr("['descr', '<f8']\n"), false},
		{"bad bool", hdr("{'descr': '<f8', 'fortran_order': 0, 'shape': (3,), }\n"), false},
		{"trailing text", hdr("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), } x\n"), false},
		{"header too big", hdr("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }" + strings.Repeat(" ", 10001) + "\n"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read[float64](bytes.NewReader(tt.data))
			if !errors.Is(err, ndview.ErrFormat) {
				t.Fatalf("Read: %v, want ErrFormat", err)
			}
			if tt.eof && !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("Read: %v, want io.ErrUnexpectedEOF too", err)
			}
			if !strings.HasPrefix(err.Error(), "ndview: ") {
				t.Fatalf("message %q", err)
			}
			p := filepath.Join(t.TempDir(), "bad.npy")
			os.WriteFile(p, tt.data, 0o644)
			if _, err := Map[float64](p, false); !errors.Is(err, ndview.ErrFormat) {
				t.Fatalf("Map: %v, want ErrFormat", err)
			}
		})
	}
}

func TestMapWritable(t *testing.T) {
	p := filepath.Join(t.TempDir(), "w.npy")
	if err := Save(p, filled[float32]([]int{4, 5}, true)); err != nil {
		t.Fatal(err)
	}
	v, err := Map[float32](p, true)
	if err != nil {
		t.Fatal(err)
	}
	if v.ReadOnly() || !v.IsFContiguous() {
		t.Fatal("writable Fortran map")
	}
	v.Slice(1, 1, 5, 2).Set(99, 3, 1) // element (3, 3)
	v.Release()
	back, err := Load[float32](p)
	if err != nil || back.At(3, 3) != 99 || back.At(3, 2) != value[float32](3*5+2) {
		t.Fatalf("write through a map did not reach the file: %v", err)
	}
}

// The mapping of Map closes itself once its last view is released or collected.
func TestMapClosesWithLastView(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc/self/maps")
	}
	p, _ := filepath.Abs(filepath.Join(t.TempDir(), "m.npy"))
	Save(p, filled[int64]([]int{100}, false))
	mapped := func() bool {
		b, _ := os.ReadFile("/proc/self/maps")
		return bytes.Contains(b, []byte(p))
	}
	v, err := Map[int64](p, false)
	if err != nil {
		t.Fatal(err)
	}
	w := v.Slice(0, 10, 20, 1)
	v.Release()
	if !mapped() {
		t.Fatal("unmapped while a derived view is alive")
	}
	w.Release()
	if mapped() {
		t.Fatal("still mapped after the last view was released")
	}
	func() {
		v, _ := Map[int64](p, false)
		_ = v.At(3)
	}()
	deadline := time.Now().Add(5 * time.Second)
	for mapped() && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
	if mapped() {
		t.Fatal("still mapped after the view was collected")
	}
}

func FuzzRead(f *testing.F) {
	for _, name := range []string{"f8_le_C.npy", "f8_0d.npy", "i4_empty.npy", "f4_v2.npy", "i2_v3.npy", "f8_be_F.npy"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, read := range []func([]byte) error{
			func(b []byte) error { _, err := Read[float64](bytes.NewReader(b)); return err },
			func(b []byte) error { _, err := Read[int16](bytes.NewReader(b)); return err },
			func(b []byte) error { _, err := Read[complex64](io.MultiReader(bytes.NewReader(b))); return err },
		} {
			if err := read(data); err != nil && !errors.Is(err, ndview.ErrFormat) {
				t.Fatalf("error %v does not wrap ErrFormat", err)
			}
		}
		v, err := Read[float64](bytes.NewReader(data))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := Write(&buf, v); err != nil {
			t.Fatal(err)
		}
		w, err := Read[float64](bytes.NewReader(buf.Bytes()))
		if err != nil || !bytes.Equal(w.ToBytes('C'), v.ToBytes('C')) || fmt.Sprint(w.Shape()) != fmt.Sprint(v.Shape()) {
			t.Fatalf("round trip: %v", err)
		}
	})
}
