package npy

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/internal/npyformat"
)

// noPanic runs f and turns a panic into a test failure, so that one hostile file that
// panics does not hide the verdicts on the others.
func noPanic(t *testing.T, what string, f func() error) (err error) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%s panics: %v", what, r)
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return f()
}

// everyPath reads file through every function that reads an array: this package's Read,
// Load and Map (read-only and writable), and the readers of embedded arrays that npz.Load
// and npz.Map are made of (npyformat.ReadSized, npyformat.MapAt). It returns each one's
// error.
func everyPath[T ndview.Elem](t *testing.T, file []byte) map[string]error {
	t.Helper()
	p := writeFile(t, file)
	errs := map[string]error{}
	keep := func(v *ndview.View[T], err error) error {
		if err == nil {
			v.Release()
		}
		return err
	}
	errs["npy.Read"] = noPanic(t, "Read", func() error { return keep(Read[T](bytes.NewReader(file))) })
	errs["npy.Read (stream)"] = noPanic(t, "Read", func() error { return keep(Read[T](onlyReader{bytes.NewReader(file)})) })
	errs["npyformat.ReadSized"] = noPanic(t, "ReadSized", func() error {
		return keep(npyformat.ReadSized[T](bytes.NewReader(file), int64(len(file)), "npz.Load"))
	})
	errs["npy.Load"] = noPanic(t, "Load", func() error { return keep(Load[T](p)) })
	errs["npy.Map"] = noPanic(t, "Map", func() error { return keep(Map[T](p, false)) })
	errs["npy.Map (writable)"] = noPanic(t, "Map", func() error { return keep(Map[T](p, true)) })
	m, err := ndview.MapFile(p, false)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	errs["npyformat.MapAt"] = noPanic(t, "MapAt", func() error { return keep(npyformat.MapAt[T](m, 0, int64(len(file)), false, "npz.Map")) })
	return errs
}

// A shape whose dimensions other than 0, times the item size, overflow an int describes no
// array ndview (or NumPy: "array is too big") can make, even an empty one: every function
// refuses the file with an error wrapping both ErrFormat and ErrOverflow, and nothing
// panics. Dimensions past 64 bits are written as Python literals, in decimal and hex.
func TestHostileShapesEveryPath(t *testing.T) {
	twos := func(n int) string { return strings.Repeat("2, ", n) }
	for _, tt := range []struct {
		descr, shape string
	}{
		{"<f4", "(0, 2305843009213693952, 2)"}, // 2**62 elements of 4 bytes: the safetensors issue's shape
		{"<f4", "(4611686018427387904, 0)"},    // 2**62, 0
		{"<f4", "(0, 9223372036854775807)"},    // 0, 2**63-1
		{"|u1", "(0, 9223372036854775808)"},    // 2**63: past int64
		{"|u1", "(0, 18446744073709551615)"},   // 2**64-1
		{"|u1", "(18446744073709551615, 0)"},   // the zero last
		{"|u1", "(0, 0xFFFFFFFFFFFFFFFF)"},     // 2**64-1 in hex
		{"|u1", "(0, 18446744073709551616)"},   // 2**64
		{"<f8", "(0, 1180591620717411303424)"}, // 2**70
		{"<f8", "(0, 4294967296, 4294967296)"}, // 2**64 elements
		{"|u1", "(0, " + twos(63) + ")"},       // 64 dimensions: 2**63 one-byte elements
		{"<f8", "(" + twos(62) + "0, 4)"},      // 64 dimensions: 2**64 elements of 8 bytes
		{"<f8", "(" + twos(61) + "1, 0, 1)"},   // 64 dimensions: 2**61 elements of 8 bytes
	} {
		name := tt.descr + " " + clip(tt.shape)
		file := npyFile(fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", tt.descr, tt.shape), nil)
		var errs map[string]error
		switch tt.descr {
		case "<f4":
			errs = everyPath[float32](t, file)
		case "<f8":
			errs = everyPath[float64](t, file)
		case "|u1":
			errs = everyPath[uint8](t, file)
		}
		for fn, err := range errs {
			if !errors.Is(err, ndview.ErrFormat) || !errors.Is(err, ndview.ErrOverflow) {
				t.Errorf("%s: %s: %v, want ErrFormat and ErrOverflow", name, fn, err)
				continue
			}
			want := "ndview: " + strings.TrimSuffix(strings.TrimSuffix(fn, " (stream)"), " (writable)")
			if strings.HasPrefix(fn, "npyformat.") {
				want = "ndview: " // their errors name no function: npz.Load and npz.Map add their own
			}
			if !strings.HasPrefix(err.Error(), want) {
				t.Errorf("%s: %s: message %q does not start with %q", name, fn, err, want)
			}
		}
	}
}

// sparseNPY writes a .npy file of float32 with the given shape whose data is a hole: the
// file takes no disk and costs nothing to create, whatever its size.
func sparseNPY(t *testing.T, shape []int) (string, int64) {
	t.Helper()
	hdr, _, err := npyformat.ArrayHeader(shapeOnly{shape})
	if err != nil {
		t.Fatal(err)
	}
	n := int64(4)
	for _, d := range shape {
		n *= int64(d)
	}
	p := filepath.Join(t.TempDir(), "big.npy")
	if err := os.WriteFile(p, hdr, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(p, int64(len(hdr))+n); err != nil {
		t.Fatal(err)
	}
	return p, int64(len(hdr)) + n
}

// withMemoryLimit runs f with the Go memory limit set to limit, and restores it.
func withMemoryLimit(limit int64, f func()) {
	old := debug.SetMemoryLimit(limit)
	defer debug.SetMemoryLimit(old)
	f()
}

// A legitimate file whose copy would exceed ndview.MemoryLimit is refused by every function
// that copies (Load, Read, and npyformat.ReadSized, which npz.Load is made of) with an error
// wrapping ErrOverflow, before anything of its size is allocated; Map, which copies nothing,
// still views it.
func TestLoadOverMemoryLimit(t *testing.T) {
	if !littleEndian {
		t.Skip("the sparse file is little-endian float32")
	}
	const size = 100 << 20
	p, total := sparseNPY(t, []int{size / 4 / 1024, 1024})
	withMemoryLimit(32<<20, func() {
		if lim := ndview.MemoryLimit(); lim > 32<<20 {
			t.Fatalf("MemoryLimit() = %d with a Go memory limit of 32 MiB", lim)
		}
		open := func() *os.File {
			f, err := os.Open(p)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { f.Close() })
			return f
		}
		errs := map[string]error{}
		grew := allocatedOnce(func() {
			errs["Load"] = noPanic(t, "Load", func() error { _, err := Load[float32](p); return err })
			errs["Read of the file"] = noPanic(t, "Read", func() error { _, err := Read[float32](open()); return err })
			errs["Read of a stream"] = noPanic(t, "Read", func() error { _, err := Read[float32](onlyReader{open()}); return err })
			errs["npyformat.ReadSized"] = noPanic(t, "ReadSized", func() error {
				_, err := npyformat.ReadSized[float32](onlyReader{open()}, total, "npz.Load")
				return err
			})
		})
		for fn, err := range errs {
			if !errors.Is(err, ndview.ErrOverflow) || errors.Is(err, ndview.ErrFormat) || !strings.Contains(fmt.Sprint(err), "MemoryLimit") {
				t.Errorf("%s of %d bytes with a memory limit of 32 MiB: %v, want ErrOverflow (and not ErrFormat: the file is fine) naming ndview.MemoryLimit", fn, size, err)
			}
		}
		if grew > 16<<20 {
			t.Errorf("the refusals allocated %d bytes", grew)
		}
		v, err := Map[float32](p, false)
		if err != nil {
			t.Fatalf("Map: %v", err)
		}
		if v.NBytes() != size {
			t.Errorf("Map: %d bytes", v.NBytes())
		}
		v.Release()
	})
}

// shapeOnly is a float32 Array of a shape, for npyformat.ArrayHeader.
type shapeOnly struct{ shape []int }

func (s shapeOnly) DType() ndview.DType { return ndview.DTypeOf[float32]() }
func (s shapeOnly) Shape() []int        { return s.shape }
func (s shapeOnly) Strides() []int {
	st := make([]int, len(s.shape))
	n := 4
	for i := len(st) - 1; i >= 0; i-- {
		st[i] = n
		n *= s.shape[i]
	}
	return st
}
func (s shapeOnly) ReadOnly() bool              { return true }
func (s shapeOnly) ToBytes(ndview.Order) []byte { panic("not written") }

// allocatedOnce returns the bytes f allocates.
func allocatedOnce(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func repeat(x, n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = x
	}
	return s
}

// A 64-dimensional view is written, saved and read back with the header np.save writes
// (format 1.0: its header is far under 65,535 bytes); its dimensions survive, in C and
// Fortran order, and the files written match NumPy's bytes (testdata/*_64d_*.npy, checked
// in TestNumPyFiles).
func TestWrite64Dims(t *testing.T) {
	shape := append(append([]int{2}, repeat(1, 62)...), 3)
	for _, fortran := range []bool{false, true} {
		v := filled[float64](shape, fortran)
		var buf bytes.Buffer
		if err := Write(&buf, v); err != nil {
			t.Fatalf("Write of 64 dimensions (fortran %v): %v", fortran, err)
		}
		if buf.Bytes()[6] != 1 || int(binary.LittleEndian.Uint16(buf.Bytes()[8:]))+10 != buf.Len()-8*6 {
			t.Errorf("Write of 64 dimensions: not a format 1.0 header: %q", head(buf.Bytes()))
		}
		back, err := Read[float64](bytes.NewReader(buf.Bytes()))
		if err != nil || !ndview.Equal(back, v) || back.NDim() != 64 || back.IsFContiguous() != v.IsFContiguous() {
			t.Errorf("Read of Write of 64 dimensions (fortran %v): %v, %v", fortran, back, err)
		}
		p := filepath.Join(t.TempDir(), "a.npy")
		if err := Save(p, v); err != nil {
			t.Fatal(err)
		}
		m, err := Map[float64](p, false)
		if err != nil || !ndview.Equal(m, v) {
			t.Errorf("Map of Save of 64 dimensions: %v, %v", m, err)
		}
		if err == nil {
			m.Release()
		}
	}
}
