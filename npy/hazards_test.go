package npy

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/ndview/ndview"
)

// npyFile returns a format 1.0 file of the header dict text followed by data.
func npyFile(dict string, data []byte) []byte {
	return append(npyPrefix([]byte{1, 0}, []byte(dict+"\n")), data...)
}

// npyPrefix returns the magic string, the version, the header length and the header.
func npyPrefix(version []byte, header []byte) []byte {
	b := append([]byte(magic), version...)
	if version[0] == 1 {
		b = binary.LittleEndian.AppendUint16(b, uint16(len(header)))
	} else {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(header)))
	}
	return append(b, header...)
}

const magic = "\x93NUMPY"

var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

func writeFile(t *testing.T, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "a.npy")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// allocated returns the bytes f allocates, the least of a few runs.
func allocated(f func()) uint64 {
	least := ^uint64(0)
	for range 3 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		f()
		runtime.ReadMemStats(&after)
		least = min(least, after.TotalAlloc-before.TotalAlloc)
	}
	return least
}

// onlyReader hides everything but Read, as a pipe or a network stream does.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// A file whose header claims 8 TiB costs what is in it, not what it claims: Load compares
// with the file's size; Read of a stream refuses a claim over ndview.MemoryLimit at once,
// and grows as data comes for a smaller one.
func TestLyingSizeAllocatesNothing(t *testing.T) {
	file := npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (1099511627776,), }", make([]byte, 24))
	p := writeFile(t, file)
	check := func(name string, err error, want ...error) {
		t.Helper()
		for _, w := range want {
			if !errors.Is(err, w) {
				t.Errorf("%s: %v, want %v", name, err, want)
			}
		}
	}
	eof := []error{ndview.ErrFormat, io.ErrUnexpectedEOF}
	for _, tt := range []struct {
		name  string
		read  func() error
		limit uint64
		want  []error
	}{
		{"Load", func() error { _, err := Load[float64](p); return err }, 64 << 10, eof},
		{"Read of a bytes.Reader", func() error { _, err := Read[float64](bytes.NewReader(file)); return err }, 64 << 10, eof},
		{"Read of a stream", func() error { _, err := Read[float64](onlyReader{bytes.NewReader(file)}); return err }, 64 << 10, []error{ndview.ErrOverflow}},
		{"Map", func() error { _, err := Map[float64](p, false); return err }, 64 << 10, eof},
	} {
		var err error
		n := allocated(func() { err = tt.read() })
		check(tt.name, err, tt.want...)
		if n > tt.limit {
			t.Errorf("%s of a %d-byte file claiming 8 TiB allocates %d bytes", tt.name, len(file), n)
		}
	}
	// A stream that claims 1 GiB, under the memory limit, costs what it holds: a few times
	// 8 MiB at most when it holds 8 MiB.
	if uint64(ndview.MemoryLimit()) < 2<<30 {
		t.Skip("ndview.MemoryLimit is under 2 GiB")
	}
	claim := "{'descr': '<f8', 'fortran_order': False, 'shape': (134217728,), }"
	var err error
	n := allocated(func() { _, err = Read[float64](onlyReader{bytes.NewReader(npyFile(claim, make([]byte, 24)))}) })
	check("Read of a 24-byte stream", err, eof...)
	if n > 256<<10 {
		t.Errorf("Read of a 24-byte stream claiming 1 GiB allocates %d bytes", n)
	}
	big := npyFile(claim, make([]byte, 8<<20))
	n = allocated(func() { _, err = Read[float64](onlyReader{bytes.NewReader(big)}) })
	check("Read of an 8 MiB stream", err, eof...)
	if n > 4*(8<<20) {
		t.Errorf("Read of an 8 MiB stream claiming 1 GiB allocates %d bytes", n)
	}
}

// Saving over the file a view is mapped from writes the new file whole, and the mapping
// keeps reading the old one (before, Save truncated the file under its own source).
func TestSaveOverMappedSource(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows refuses to replace a mapped file (Save then fails, leaving it as it was)")
	}
	p := filepath.Join(t.TempDir(), "m.npy")
	if err := Save(p, filled[float64]([]int{3, 4}, false)); err != nil {
		t.Fatal(err)
	}
	m, err := Map[float64](p, false)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Release()
	want := filled[float64]([]int{3, 4}, false)
	for _, v := range []*ndview.View[float64]{m, m.Transpose(), m.Slice(1, 0, 4, -1)} {
		if err := Save(p, v); err != nil {
			t.Fatal(err)
		}
		back, err := Load[float64](p)
		if err != nil || !ndview.Equal(back, v) {
			t.Fatalf("the saved file reads %v (%v), want %v", back, err, v)
		}
		if !ndview.Equal(m, want) {
			t.Fatal("the old mapping changed")
		}
	}
	if names, _ := filepath.Glob(filepath.Join(filepath.Dir(p), "*")); len(names) != 1 {
		t.Fatalf("files left: %v", names)
	}
}

// A Save that fails leaves the old file as it was, and no temporary file.
func TestSaveFailureKeepsOld(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.npy")
	if err := Save(p, filled[int16]([]int{5}, false)); err != nil {
		t.Fatal(err)
	}
	old, _ := os.ReadFile(p)
	released := filled[int16]([]int{7}, false)
	released.Release()
	for _, tt := range []struct {
		name string
		v    *ndview.View[int16]
		want error
	}{
		{"released view", released, ndview.ErrReleased},
	} {
		err := Save(p, tt.v)
		if !errors.Is(err, tt.want) || !strings.HasPrefix(err.Error(), "ndview: npy.Save "+p+": ") {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
		if b, _ := os.ReadFile(p); !bytes.Equal(b, old) {
			t.Errorf("%s: the old file changed", tt.name)
		}
		if es, _ := os.ReadDir(dir); len(es) != 1 {
			t.Errorf("%s: files left: %v", tt.name, es)
		}
	}
	var pe *fs.PathError
	if err := Save(filepath.Join(dir, "no", "a.npy"), filled[int16]([]int{5}, false)); !errors.As(err, &pe) || !strings.HasPrefix(err.Error(), "ndview: npy.Save: ") {
		t.Errorf("Save into a missing directory: %v", err)
	}
}

// Every error names the function called, never an internal one, wraps its sentinel, and
// says what to do where something can be done.
func TestErrorsNameTheFunction(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.npy")
	be := writeFile(t, npyFile("{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }", make([]byte, 16)))
	released := filled[float64]([]int{2}, false)
	released.Release()
	for _, tt := range []struct {
		err    error
		prefix string
		want   error
		says   string // what to do
	}{
		{second(Load[float64](missing)), "ndview: npy.Load: open ", fs.ErrNotExist, ""},
		{second(Map[float64](missing, false)), "ndview: npy.Map: stat ", fs.ErrNotExist, ""},
		{second(Map[float64](dir, false)), "ndview: npy.Map " + dir + ": a directory, not a .npy file", ndview.ErrFormat, ""},
		{second(Read[float64](strings.NewReader("garbage"))), "ndview: npy.Read: ", ndview.ErrFormat, ""},
		{second(Load[float32](be)), "ndview: npy.Load " + be + ": ", ndview.ErrFormat, "use npy.Load[float64]"},
		{second(Map[float32](be, false)), "ndview: npy.Map " + be + ": ", ndview.ErrFormat, "use npy.Map[float64]"},
		{second(Read[float32](bytes.NewReader(npyFile("{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }", nil)))), "ndview: npy.Read: ", ndview.ErrFormat, "use npy.Read[float64]"},
		{second(Map[float64](be, false)), "ndview: npy.Map " + be + ": ", ndview.ErrFormat, "use npy.Load, which converts"},
		{Write(io.Discard, released), "ndview: npy.Write: ", ndview.ErrReleased, ""},
		{Save(filepath.Join(dir, "x.npy"), released), "ndview: npy.Save " + filepath.Join(dir, "x.npy") + ": ", ndview.ErrReleased, ""},
		{Write(failingWriter{}, filled[float64]([]int{2}, false)), "ndview: npy.Write: ", errFailing, ""},
	} {
		msg := fmt.Sprint(tt.err)
		if !strings.HasPrefix(msg, tt.prefix) || !errors.Is(tt.err, tt.want) || !strings.Contains(msg, tt.says) {
			t.Errorf("%q: want the prefix %q, %v inside, and %q", msg, tt.prefix, tt.want, tt.says)
		}
		for _, internal := range []string{"readHeader", "parseHeader", "mapFile", "mapView", "readPayload", "ndview: npy:"} {
			if strings.Contains(msg, internal) {
				t.Errorf("%q names %s", msg, internal)
			}
		}
	}
	var pe *fs.PathError
	if _, err := Load[float64](missing); !errors.As(err, &pe) {
		t.Errorf("Load of a missing file: %v does not hold an *fs.PathError", err)
	}
	if runtime.GOOS == "linux" { // reading a directory fails with EISDIR: an I/O error, not a format one
		if _, err := Load[float64](dir); !errors.As(err, &pe) || errors.Is(err, ndview.ErrFormat) || !strings.HasPrefix(err.Error(), "ndview: npy.Load: read ") {
			t.Errorf("Load of a directory: %v", err)
		}
	}
}

func second[T any](_ T, err error) error { return err }

var errFailing = errors.New("disk full")

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errFailing }

// One-byte types have no byte order: Map takes '>i1' and '>u1', and every spelling of them.
func TestMapOneByteTypes(t *testing.T) {
	for _, d := range []string{"'>i1'", "'<i1'", "'=i1'", "'|i1'", "'i1'", "'b'", "'>b'", "'int8'"} {
		p := writeFile(t, npyFile("{'descr': "+d+", 'fortran_order': False, 'shape': (3,), }", []byte{1, 0xff, 3}))
		v, err := Map[int8](p, false)
		if err != nil || fmt.Sprint(v.ToSlice()) != "[1 -1 3]" {
			t.Errorf("Map[int8] of %s: %v %v", d, v, err)
			continue
		}
		v.Release()
	}
	for _, d := range []string{"'>u1'", "'|u1'", "'u1'", "'B'", "'>B'", "'uint8'", "'u1,'"} {
		p := writeFile(t, npyFile("{'descr': "+d+", 'fortran_order': False, 'shape': (3,), }", []byte{1, 0xff, 3}))
		v, err := Map[uint8](p, false)
		if err != nil || fmt.Sprint(v.ToSlice()) != "[1 255 3]" {
			t.Errorf("Map[uint8] of %s: %v %v", d, v, err)
			continue
		}
		v.Release()
	}
}

// Character codes and descrs without a byte order read as the types they name.
func TestDescrSpellings(t *testing.T) {
	le := []byte{0, 0, 0, 0, 0, 0, 0xf0, 0x3f} // 1.0 as a little-endian float64
	for _, d := range []string{"'<d'", "'d'", "'f8'", "'=f8'", "'<f8'", "'float64'", "'double'", "'float'", "'f8,'", "('<f8', ())", "'\\x0c'"} {
		v, err := Read[float64](bytes.NewReader(npyFile("{'descr': "+d+", 'fortran_order': False, 'shape': (1,), }", le)))
		if err != nil || v.At(0) != 1 {
			t.Errorf("Read[float64] of %s: %v %v", d, v, err)
		}
	}
	be := []byte{0x3f, 0xf0, 0, 0, 0, 0, 0, 0}
	for _, d := range []string{"'>d'", "'>f8'", "'>f8,'"} {
		v, err := Read[float64](bytes.NewReader(npyFile("{'descr': "+d+", 'fortran_order': False, 'shape': (1,), }", be)))
		if err != nil || v.At(0) != 1 {
			t.Errorf("Read[float64] of %s: %v %v", d, v, err)
		}
	}
	for d, read := range map[string]func([]byte) error{
		"'f'": readAs[float32], "'e'": readAs[ndview.Float16], "'B'": readAs[uint8], "'h'": readAs[int16], "'H'": readAs[uint16],
		"'i'": readAs[int32], "'I'": readAs[uint32], "'q'": readAs[int64], "'Q'": readAs[uint64],
		"'F'": readAs[complex64], "'D'": readAs[complex128], "'c8'": readAs[complex64], "'<c16'": readAs[complex128],
	} {
		file := npyFile("{'descr': "+d+", 'fortran_order': False, 'shape': (0,), }", nil)
		if err := read(file); err != nil {
			t.Errorf("%s: %v", d, err)
		}
	}
}

func readAs[T ndview.Elem](file []byte) error {
	_, err := Read[T](bytes.NewReader(file))
	return err
}

// Bool arrays have no Go element type: every function refuses them, saying so.
func TestBoolRefused(t *testing.T) {
	for _, d := range []string{"'|b1'", "'?'", "'bool'", "'b1'", "'<?'"} {
		file := npyFile("{'descr': "+d+", 'fortran_order': False, 'shape': (2,), }", []byte{0, 1})
		p := writeFile(t, file)
		for name, err := range map[string]error{
			"Read": second(Read[uint8](bytes.NewReader(file))),
			"Load": second(Load[uint8](p)),
			"Map":  second(Map[uint8](p, false)),
		} {
			if !errors.Is(err, ndview.ErrFormat) || !strings.Contains(fmt.Sprint(err), "ndview has no bool element type") {
				t.Errorf("%s of %s: %v", name, d, err)
			}
		}
	}
}

// A shape with a 0 hides no overflow: its byte size without the zeros must fit, as NumPy
// requires ("array is too big"); the error wraps ErrFormat and ErrOverflow.
func TestEmptyShapeOverflow(t *testing.T) {
	for _, tt := range []struct {
		shape string
		ok    bool
	}{
		{"(0, 4611686018427387904, 4)", false},    // 2**62 * 4 elements
		{"(4611686018427387904, 4, 0)", false},    // the zero last
		{"(0, 1152921504606846976)", false},       // 2**60 elements of 8 bytes: 2**63
		{"(0, 1152921504606846975)", strconvIs64}, // one fewer fits
		{"(0, 4294967296, 4294967296)", false},    // 2**64 elements
		{"(3, 3074457345618258603)", false},       // non-empty, over 2**63
		{"(0,)", true},                            // plainly empty
		{"(0, 9223372036854775807, 0)", false},    // 2**63-1 elements of 8 bytes
		{"(9223372036854775808, 0)", false},       // a dimension past int64
		{"(0, 99999999999999999999)", false},      // a dimension past 64 bits
	} {
		file := npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': "+tt.shape+", }", nil)
		v, err := Read[float64](bytes.NewReader(file))
		if tt.ok {
			if err != nil || v.Size() != 0 {
				t.Errorf("%s: %v", tt.shape, err)
			}
			continue
		}
		if !errors.Is(err, ndview.ErrFormat) || !errors.Is(err, ndview.ErrOverflow) {
			t.Errorf("%s: %v, want ErrFormat and ErrOverflow", tt.shape, err)
		}
	}
}

const strconvIs64 = ^uint(0)>>63 == 1
