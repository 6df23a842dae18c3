package npyformat

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/ndview/ndview"
)

func mustView[T ndview.Elem](s []T, shape ...int) *ndview.View[T] {
	v, err := ndview.FromSlice(s, shape...)
	if err != nil {
		panic(err)
	}
	return v
}

// TestArrayHeaderIsWrite: for a *View[T], ArrayHeader's header, then ToBytes in its order,
// is what Write writes, in every layout (npz.Save writes members so).
func TestArrayHeaderIsWrite(t *testing.T) {
	f := []float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
	scalar, _ := mustView([]int64{7}).Reshape()
	views := map[string]ndview.Array{
		"C":          mustView(f, 3, 4),
		"F":          mustView(f, 3, 4).Transpose(),
		"strided":    mustView(f).Slice(0, 1, 12, 5),
		"transposed": mustView(f, 2, 3, 2).Transpose(1, 2, 0),
		"reversed":   mustView(f, 3, 4).Slice(1, 0, 4, -1),
		"0-d":        scalar,
		"empty":      ndview.New[float32](0, 5),
		"int8":       mustView([]int8{-1, 2, -3}),
		"complex64":  mustView([]complex64{1 + 2i, 3}, 2, 1),
		"uint16 F":   mustView([]uint16{1, 2, 3, 4, 5, 6}, 2, 3).Transpose(),
	}
	for name, a := range views {
		t.Run(name, func(t *testing.T) {
			h, order, err := ArrayHeader(a)
			if err != nil {
				t.Fatal(err)
			}
			got := append(h, a.ToBytes(order)...)
			var want bytes.Buffer
			switch v := a.(type) {
			case *ndview.View[float64]:
				err = Write(&want, v, "npy.Write")
			case *ndview.View[float32]:
				err = Write(&want, v, "npy.Write")
			case *ndview.View[int64]:
				err = Write(&want, v, "npy.Write")
			case *ndview.View[int8]:
				err = Write(&want, v, "npy.Write")
			case *ndview.View[complex64]:
				err = Write(&want, v, "npy.Write")
			case *ndview.View[uint16]:
				err = Write(&want, v, "npy.Write")
			default:
				t.Fatalf("no case for %T", a)
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want.Bytes()) {
				t.Errorf("ArrayHeader and ToBytes:\n%q\nWrite:\n%q", got, want.Bytes())
			}
			if len(h)%64 != 0 {
				t.Errorf("ArrayHeader = %q: not %d-byte-aligned", h, 64)
			}
		})
	}
}

// fake is an Array of a given struct format over bytes that lie as the format says.
type fake struct {
	format string
	shape  []int
	data   []byte // C order
}

func (f fake) DType() ndview.DType {
	d, err := ndview.ParseFormat(f.format)
	if err != nil {
		panic(err)
	}
	return d
}
func (f fake) Shape() []int { return f.shape }
func (f fake) Strides() []int {
	s := make([]int, len(f.shape))
	n := f.DType().ItemSize()
	for i := len(s) - 1; i >= 0; i-- {
		s[i] = n
		n *= f.shape[i]
	}
	return s
}
func (f fake) ReadOnly() bool              { return true }
func (f fake) ToBytes(ndview.Order) []byte { return f.data }

// TestArrayHeader: the descr comes from the DType (byte order included); DTypes NumPy has
// no dtype for, released views and bad shapes are refused.
func TestArrayHeader(t *testing.T) {
	be := make([]byte, 16)
	binary.BigEndian.PutUint64(be, 0x3ff0000000000000)     // 1.0
	binary.BigEndian.PutUint64(be[8:], 0xc000000000000000) // -2.0
	for _, c := range []struct {
		format, descr string
	}{{">d", "'>f8'"}, {"<d", "'<f8'"}, {"<e", "'<f2'"}, {"e", "'<f2'"}, {">i", "'>i4'"}, {"B", "'|u1'"}, {">b", "'|i1'"}, {">Zd", "'>c16'"}} {
		h, order, err := ArrayHeader(fake{format: c.format, shape: []int{2}})
		if err != nil {
			t.Errorf("%s: %v", c.format, err)
			continue
		}
		if !strings.Contains(string(h), "'descr': "+c.descr) || order != ndview.COrder {
			t.Errorf("%s: header %q, order %c; want descr %s", c.format, h, order, c.descr)
		}
	}
	// A big-endian Array is written as '>f8' and read back as native values.
	a := fake{format: ">d", shape: []int{2}, data: be}
	h, order, err := ArrayHeader(a)
	if err != nil {
		t.Fatal(err)
	}
	v, err := Read[float64](bytes.NewReader(append(h, a.ToBytes(order)...)), "npy.Read")
	if err != nil || !slices.Equal(v.ToSlice(), []float64{1, -2}) {
		t.Fatalf("big-endian Array read back as %v, %v", v, err)
	}

	released := mustView([]float64{1})
	released.Release()
	for _, c := range []struct {
		what string
		a    ndview.Array
		want error
	}{
		{"bool", fake{format: "?", shape: []int{1}}, ndview.ErrFormat},
		{"char", fake{format: "c", shape: []int{1}}, ndview.ErrFormat},
		{"released", released, ndview.ErrReleased},
		{"negative dim", fake{format: "d", shape: []int{-1}}, ndview.ErrShape},
		{"overflow", fake{format: "d", shape: []int{1 << 40, 1 << 40}}, ndview.ErrOverflow},
		{"65 dimensions", fake{format: "d", shape: make([]int, ndview.MaxDims+1)}, ndview.ErrShape}, // NumPy 2 reads at most 64
	} {
		if _, _, err := ArrayHeader(c.a); !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.what, err, c.want)
		}
	}
}

func npyBytes[T ndview.Elem](t testing.TB, v *ndview.View[T]) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, v, "npy.Write"); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// plain hides a reader's Len method.
type plain struct{ r io.Reader }

func (p plain) Read(b []byte) (int, error) { return p.r.Read(b) }

// TestReadSized: exactly size bytes are read; a size other than the header's is refused
// before anything is allocated.
func TestReadSized(t *testing.T) {
	x := mustView([]float64{1, 2, 3, 4, 5, 6}, 2, 3).Transpose()
	one := npyBytes(t, x)
	two := append(append([]byte{}, one...), npyBytes(t, mustView([]int8{9}))...)
	for _, wrap := range []func(io.Reader) io.Reader{
		func(r io.Reader) io.Reader { return r },                 // *bytes.Reader: one allocation
		func(r io.Reader) io.Reader { return plain{r} },          // allocated as it arrives
		func(r io.Reader) io.Reader { return io.MultiReader(r) }, // the same, another way
	} {
		r := wrap(bytes.NewReader(two))
		v, err := ReadSized[float64](r, int64(len(one)), "npz.Load")
		if err != nil {
			t.Fatal(err)
		}
		if !ndview.Equal(v, x) || !v.IsFContiguous() {
			t.Errorf("ReadSized = %v, want %v in Fortran order", v, x)
		}
		w, err := Read[int8](r, "npy.Read") // the next array starts where ReadSized stopped
		if err != nil || w.At(0) != 9 {
			t.Errorf("the array after: %v, %v", w, err)
		}
		for _, c := range []struct {
			size int64
			eof  bool
		}{{int64(len(one)) - 1, false}, {int64(len(one)) + 1, false}, {0, false}, {10, true}, {-1, false}} {
			_, err := ReadSized[float64](wrap(bytes.NewReader(one)), c.size, "npz.Load")
			if !errors.Is(err, ndview.ErrFormat) || c.eof != errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("size %d of %d: err = %v, want ErrFormat (unexpected EOF: %v)", c.size, len(one), err, c.eof)
			}
		}
		// Data ending early: the size is honest about the header, the data is cut.
		_, err = ReadSized[float64](wrap(bytes.NewReader(one[:len(one)-8])), int64(len(one)), "npz.Load")
		if !errors.Is(err, ndview.ErrFormat) || !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("cut data: err = %v, want ErrFormat and io.ErrUnexpectedEOF", err)
		}
		if _, err := ReadSized[float32](wrap(bytes.NewReader(one)), int64(len(one)), "npz.Load"); !errors.Is(err, ndview.ErrFormat) {
			t.Errorf("wrong element type: err = %v, want ErrFormat", err)
		}
	}
	// A header claiming 8 TiB in a container that says 200 bytes: refused, nothing allocated.
	dict := "{'descr': '<f8', 'fortran_order': False, 'shape': (1099511627776,), }"
	dict += strings.Repeat(" ", 128-10-len(dict)-1) + "\n"
	huge := append([]byte("\x93NUMPY\x01\x00"), byte(len(dict)), 0)
	huge = append(huge, dict...)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := ReadSized[float64](plain{bytes.NewReader(huge)}, 200, "npz.Load")
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ndview.ErrFormat) {
		t.Errorf("huge shape: err = %v, want ErrFormat", err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 64<<10 {
		t.Errorf("huge shape: %d bytes allocated", n)
	}
}

// TestMapAt views arrays stored at byte ranges of a mapped file.
func TestMapAt(t *testing.T) {
	x := mustView([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	arr := npyBytes(t, x)
	be := npyBytes(t, mustView([]float64{1}))
	be = bytes.Replace(be, []byte("'<f8'"), []byte("'>f8'"), 1)
	// 64 bytes of junk, the array (data 64-byte aligned), one byte, the array again
	// (misaligned), the big-endian one, junk.
	file := append(bytes.Repeat([]byte{0xee}, 64), arr...)
	mis := int64(len(file) + 1)
	file = append(append(file, 0), arr...)
	beAt := int64(len(file))
	file = append(append(file, be...), 1, 2, 3)
	path := filepath.Join(t.TempDir(), "f.bin")
	if err := os.WriteFile(path, file, 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := ndview.MapFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	v, err := MapAt[float64](m, 64, int64(len(arr)), false, "npz.Map")
	if err != nil {
		t.Fatal(err)
	}
	if !ndview.Equal(v, x) || !v.ReadOnly() {
		t.Errorf("MapAt = %v (read-only %v), want %v", v, v.ReadOnly(), x)
	}
	if err := m.Close(); !errors.Is(err, ndview.ErrExported) {
		t.Errorf("Close with a view alive: err = %v, want ErrExported", err)
	}
	v.Release()
	n := int64(len(file))
	for _, c := range []struct {
		what         string
		off, size    int64
		writable     bool
		want         error
		unexpctedEOF bool
	}{
		{"misaligned", mis, int64(len(arr)), false, ndview.ErrMisaligned, false},
		{"big-endian", beAt, int64(len(be)), false, ndview.ErrFormat, false},
		{"range too long", 64, int64(len(arr)) + 1, false, ndview.ErrFormat, false},
		{"range too short", 64, int64(len(arr)) - 1, false, ndview.ErrFormat, false},
		{"header cut", 64, 20, false, ndview.ErrFormat, true},
		{"not npy", 0, 64, false, ndview.ErrFormat, false},
		{"past the end", n - 10, 20, false, ndview.ErrFormat, true},
		{"negative offset", -1, 10, false, ndview.ErrFormat, true},
		{"huge size", 64, 1 << 62, false, ndview.ErrFormat, true},
		{"writable of read-only", 64, int64(len(arr)), true, ndview.ErrReadOnly, false},
	} {
		v, err := MapAt[float64](m, c.off, c.size, c.writable, "npz.Map")
		if err == nil {
			v.Release()
		}
		if !errors.Is(err, c.want) || (c.unexpctedEOF && !errors.Is(err, io.ErrUnexpectedEOF)) {
			t.Errorf("%s: err = %v, want %v (unexpected EOF: %v)", c.what, err, c.want, c.unexpctedEOF)
		}
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := MapAt[float64](m, 64, int64(len(arr)), false, "npz.Map"); !errors.Is(err, ndview.ErrReleased) && !errors.Is(err, ndview.ErrFormat) {
		t.Errorf("MapAt of a closed mapping: err = %v", err)
	}

	// A writable mapping: writable views write through; the others are read-only.
	w, err := ndview.MapFile(path, true)
	if err != nil {
		t.Fatal(err)
	}
	ro, err := MapAt[float64](w, 64, int64(len(arr)), false, "npz.Map")
	if err != nil || !ro.ReadOnly() {
		t.Fatalf("read-only view of a writable mapping: %v, %v", ro, err)
	}
	ro.Release()
	rw, err := MapAt[float64](w, 64, int64(len(arr)), true, "npz.Map")
	if err != nil || rw.ReadOnly() {
		t.Fatalf("writable view: %v, %v", rw, err)
	}
	rw.Set(42, 1, 2)
	rw.Release()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	y, err := Read[float64](bytes.NewReader(b[64:]), "npy.Read")
	if err != nil || y.At(1, 2) != 42 {
		t.Errorf("after a write through MapAt's view: %v, %v", y, err)
	}
}
