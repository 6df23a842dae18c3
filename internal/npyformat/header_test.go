package npyformat

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/ndview/ndview"
)

// corpusEntry is one header of testdata/headers.json, with NumPy's verdict on it
// (npy/testdata/gen_headers.py).
type corpusEntry struct {
	Name       string  `json:"name"`
	Version    []int   `json:"version"`
	Header     *string `json:"header"`
	HeaderHex  string  `json:"header_hex"`
	Raw        string  `json:"raw"`
	Accepted   bool    `json:"accepted"`
	Descr      string  `json:"descr"`
	Shape      []int64 `json:"shape"`
	Fortran    bool    `json:"fortran"`
	Structured bool    `json:"structured"`
	LP64       bool    `json:"lp64"`
	Error      string  `json:"error"`
}

func corpus(t testing.TB) []corpusEntry {
	t.Helper()
	b, err := os.ReadFile("testdata/headers.json")
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Entries []corpusEntry `json:"entries"`
	}
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c.Entries
}

// prefix returns the bytes of the entry's file before its data.
func (e corpusEntry) prefix(t testing.TB) []byte {
	var version []byte
	for _, v := range e.Version {
		version = append(version, byte(v))
	}
	switch {
	case e.HeaderHex != "":
		b, err := hex.DecodeString(e.HeaderHex)
		if err != nil {
			t.Fatal(err)
		}
		return npyPrefix(version, b)
	case e.Header == nil:
		b, err := hex.DecodeString(e.Raw)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var h []byte
	if e.Version[0] == 3 {
		h = []byte(*e.Header)
	} else {
		for _, r := range *e.Header {
			if r > 0xff {
				t.Fatalf("%s: a latin-1 header holds %q", e.Name, r)
			}
			h = append(h, byte(r))
		}
	}
	return npyPrefix(version, h)
}

func npyPrefix(version []byte, header []byte) []byte {
	b := append([]byte(magic), version...)
	if version[0] == 1 {
		b = binary.LittleEndian.AppendUint16(b, uint16(len(header)))
	} else {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(header)))
	}
	return append(b, header...)
}

// goDescr reports whether a NumPy dtype.str is one the header parser returns: the types Go
// has, and bool and float16, which the typed functions refuse.
func goDescr(s string) bool {
	switch s[1:] {
	case "i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8", "f2", "f4", "f8", "c8", "c16", "b1":
		return true
	}
	return false
}

// TestHeaderCorpus checks the header parser against NumPy 1.24's verdicts on the corpus: it
// accepts exactly the headers np.load accepts with a dtype a Go element type may hold, with
// the same dtype, shape and order, and refuses every other with ErrFormat.
func TestHeaderCorpus(t *testing.T) {
	if !littleEndian {
		t.Skip("the verdicts were recorded on a little-endian machine")
	}
	lp64 := strconv.IntSize == 64 && runtime.GOOS != "windows"
	var accepted, refused, skipped, carved int
	for _, e := range corpus(t) {
		if e.LP64 && !lp64 {
			skipped++
			continue
		}
		if v, ok := numpy2Verdicts[e.Name]; ok {
			e.Accepted, e.Descr, e.Shape, e.Fortran = true, v.descr, v.shape, false
			carved++
		}
		pre := e.prefix(t)
		h, n, err := readHeader(bytes.NewReader(pre))
		if e.Accepted && !e.Structured && goDescr(e.Descr) {
			accepted++
			if err != nil {
				t.Errorf("%s: NumPy reads %s %v, ndview refuses: %v", e.Name, e.Descr, e.Shape, err)
				continue
			}
			if h.descr.String() != e.Descr || fmt.Sprint(h.shape) != fmt.Sprint(e.Shape) || h.fortran != e.Fortran || n != len(pre) {
				t.Errorf("%s: ndview reads %s %v fortran %v (%d bytes), NumPy %s %v fortran %v (%d bytes)",
					e.Name, h.descr, h.shape, h.fortran, n, e.Descr, e.Shape, e.Fortran, len(pre))
				continue
			}
			checkTyped(t, e, pre, h)
			continue
		}
		refused++
		if !errors.Is(err, ndview.ErrFormat) || !strings.HasPrefix(fmt.Sprint(err), "ndview: ") {
			what := "refuses: " + e.Error
			if e.Accepted {
				what = "reads " + e.Descr + ", which has no Go element type"
			}
			t.Errorf("%s: NumPy %s; ndview: %v %v", e.Name, what, h.descr, err)
		}
	}
	if carved != len(numpy2Verdicts) {
		t.Errorf("%d of the %d NumPy 2 carve-outs are in the corpus", carved, len(numpy2Verdicts))
	}
	t.Logf("%d headers read as NumPy reads them (%d of them as NumPy 2 does), %d refused, %d skipped on this platform", accepted, carved, refused, skipped)
}

// numpy2Verdicts carves out of the NumPy 1.24 corpus the headers on which NumPy 2 gives
// another verdict, with NumPy 2's. NumPy 1.24 refuses arrays of more than 32 dimensions
// (its NPY_MAXDIMS); NumPy 2 raised NPY_MAXDIMS to 64 (ndview.MaxDims), and so reads a shape
// of 33 dimensions, a subarray descr of 32 or 33 dimensions (it may have up to 64), and the
// array of (count,) + that subarray's shape that np.load makes first (up to 64 dimensions).
// These verdicts are derived from NumPy 2's rules (see TestNumPy2Dims), not recorded: only
// NumPy 1.24 is installed where the corpus was made.
var numpy2Verdicts = func() map[string]struct {
	descr string
	shape []int64
} {
	ones := func(n int) string { return "(" + strings.TrimSuffix(strings.Repeat("1, ", n), ", ") + ")" }
	shape := func(d ...int64) []int64 { return d }
	many := func(x int64, n int, last ...int64) []int64 {
		s := make([]int64, n)
		for i := range s {
			s[i] = x
		}
		return append(s, last...)
	}
	return map[string]struct {
		descr string
		shape []int64
	}{
		// NumPy 1.24: "number of dimensions must be within [0, 32]" (3,) + 32 dimensions.
		"descr value/('<f8', " + ones(32) + ") (3,)": {"<f8", shape(3)},
		// NumPy 1.24: "invalid shape in fixed-type tuple." (a subarray of 33 dimensions).
		"descr value/('<f8', " + ones(33) + ") (3,)": {"<f8", shape(3)},
		// NumPy 1.24: "maximum supported dimension for an ndarray is 32, found 33".
		"shape/(1, 1, 1, 1, 1, 1, 1...1, 1, 1, 1, 1, 1, 1) (99 characters)": {"<f8", many(1, 33)},
		"shape/(0, 0, 0, 0, 0, 0, 0...0, 0, 0, 0, 0, 0, 5) (99 characters)": {"<f8", many(0, 32, 5)},
	}
}()

// checkTyped reads an accepted entry's file through Read with the matching T, or checks that
// bool files are refused with a message saying why.
func checkTyped(t *testing.T, e corpusEntry, pre []byte, h header) {
	t.Helper()
	if h.nbytes > 1<<16 {
		return
	}
	file := append(append([]byte(nil), pre...), make([]byte, h.nbytes)...)
	file = append(file, "next"...)
	switch e.Descr[1:] {
	case "b1":
		_, err := Read[uint8](bytes.NewReader(file), "npy.Read")
		want := "no bool element type"
		if !errors.Is(err, ndview.ErrFormat) || !strings.Contains(fmt.Sprint(err), want) {
			t.Errorf("%s: Read of %s: %v, want ErrFormat saying %q", e.Name, e.Descr, err, want)
		}
		return
	}
	r := bytes.NewReader(file)
	shape, err := readers[e.Descr[1:]](r)
	if err != nil || fmt.Sprint(shape) != fmt.Sprint(e.Shape) {
		t.Errorf("%s: Read: %v %v", e.Name, shape, err)
	}
	if rest, _ := io.ReadAll(r); string(rest) != "next" {
		t.Errorf("%s: Read left %q", e.Name, rest)
	}
}

// readers read a file with the T of a descr's kind and size.
var readers = map[string]func(io.Reader) ([]int, error){
	"i1": readShape[int8], "u1": readShape[uint8], "i2": readShape[int16], "u2": readShape[uint16],
	"i4": readShape[int32], "u4": readShape[uint32], "i8": readShape[int64], "u8": readShape[uint64],
	"f4": readShape[float32], "f8": readShape[float64], "c8": readShape[complex64], "c16": readShape[complex128],
	"f2": readShape[ndview.Float16],
}

func readShape[T ndview.Elem](r io.Reader) ([]int, error) {
	v, err := Read[T](r, "npy.Read")
	if err != nil {
		return nil, err
	}
	return v.Shape(), nil
}

// FuzzHeader feeds header texts to the parser: it must not panic, must refuse with
// ErrFormat, and what it accepts must come back the same through headerBytes (the header
// Write writes) and, for small arrays, through Read and Write.
func FuzzHeader(f *testing.F) {
	for _, e := range corpus(f) {
		if e.Header != nil && len(*e.Header) < 300 {
			f.Add(*e.Header, byte(e.Version[0]))
		}
	}
	f.Fuzz(func(t *testing.T, text string, major byte) {
		major = major%3 + 1
		pre := npyPrefix([]byte{major, 0}, []byte(text))
		h, n, err := readHeader(bytes.NewReader(pre))
		if err != nil {
			if !errors.Is(err, ndview.ErrFormat) || !strings.HasPrefix(err.Error(), "ndview: ") {
				t.Fatalf("error %v", err)
			}
			return
		}
		if n != len(pre) || h.size < 0 || h.nbytes != h.size*h.descr.size {
			t.Fatalf("header %+v, %d bytes of %d", h, n, len(pre))
		}
		back, _, err := readHeader(bytes.NewReader(headerBytes(h.descr, h.fortran, h.shape)))
		if err != nil || back.descr != h.descr || back.fortran != h.fortran || fmt.Sprint(back.shape) != fmt.Sprint(h.shape) {
			t.Fatalf("headerBytes does not round-trip %+v: %+v %v", h, back, err)
		}
		read, ok := roundTrips[h.descr.String()[1:]]
		if !ok || h.nbytes > 1<<12 || !h.descr.native() {
			return
		}
		file := append(pre, make([]byte, h.nbytes)...)
		if err := read(file, h); err != nil {
			t.Fatal(err)
		}
	})
}

// roundTrips read a file with the T of a descr, write the view with Write and read that
// back: the same dtype, shape and memory order.
var roundTrips = map[string]func([]byte, header) error{
	"i1": roundTrip[int8], "u1": roundTrip[uint8], "i2": roundTrip[int16], "u2": roundTrip[uint16],
	"i4": roundTrip[int32], "u4": roundTrip[uint32], "i8": roundTrip[int64], "u8": roundTrip[uint64],
	"f4": roundTrip[float32], "f8": roundTrip[float64], "c8": roundTrip[complex64], "c16": roundTrip[complex128],
}

func roundTrip[T ndview.Elem](file []byte, h header) error {
	v, err := Read[T](bytes.NewReader(file), "npy.Read")
	if err != nil {
		return fmt.Errorf("Read of an accepted header %+v: %v", h, err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, v, "npy.Write"); err != nil {
		return err
	}
	w, n, err := readHeader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		return fmt.Errorf("Write wrote a header it cannot read: %v", err)
	}
	ambiguous := v.IsCContiguous() && v.IsFContiguous() // either order says the same
	if w.descr != h.descr || fmt.Sprint(w.shape) != fmt.Sprint(h.shape) || w.fortran != h.fortran && !ambiguous {
		return fmt.Errorf("Write wrote %s %v fortran %v for %s %v fortran %v", w.descr, w.shape, w.fortran, h.descr, h.shape, h.fortran)
	}
	if buf.Len()-n != h.nbytes {
		return fmt.Errorf("Write wrote %d data bytes, want %d", buf.Len()-n, h.nbytes)
	}
	back, err := Read[T](bytes.NewReader(buf.Bytes()), "npy.Read")
	if err != nil || !ndview.Equal(back, v) {
		return fmt.Errorf("Read of Write: %v", err)
	}
	return nil
}

func TestHeaderVariants(t *testing.T) {
	for _, s := range []string{
		"{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }",
		"{\"descr\": \"<f8\", \"fortran_order\": False, \"shape\": (2, 3)}",
		"{'shape': (2L, 3L), 'fortran_order': False, 'descr': '<f8'}",
		"  { 'descr' : '=f8' , 'fortran_order' : False , 'shape' : ( 2 , 3 , ) , }  \n",
	} {
		h, err := parseHeader(s, true)
		if err != nil || fmt.Sprint(h.shape) != "[2 3]" || h.descr.kind != 'f' || h.size != 6 {
			t.Errorf("%q: %+v %v", s, h, err)
		}
	}
	h, err := parseHeader("{'descr': '<f8', 'fortran_order': True, 'shape': (), }", false)
	if err != nil || len(h.shape) != 0 || h.size != 1 || !h.fortran {
		t.Errorf("0-d: %+v %v", h, err)
	}
}

// NumPy 2 raised NPY_MAXDIMS from 32 to 64 (numpy/_core/include/numpy/ndarraytypes.h:
// "As of NumPy 2.0 ... define it as 64"); the header grammar of lib/format.py did not change.
// NumPy 1.24, the one installed here, cannot make these arrays, so the verdicts below are
// derived from NumPy 2's rules, not recorded: np.load reads a shape of up to 64 dimensions;
// a subarray descr (base, shape) needs shape.len <= NPY_MAXDIMS (descriptor.c,
// _convert_from_tuple: "invalid shape in fixed-type tuple."), and read_array first makes an
// array of shape (count,) + subarray shape, which needs 1 + shape.len <= 64 dimensions.
func TestNumPy2Dims(t *testing.T) {
	ones := func(n int) string {
		if n == 1 {
			return "(1,)"
		}
		return "(" + strings.TrimSuffix(strings.Repeat("1, ", n), ", ") + ")"
	}
	zeros5 := "(" + strings.Repeat("0, ", 63) + "5)"
	for _, tt := range []struct {
		descr, shape string
		ok           bool
		wantShape    []int
	}{
		{"'<f8'", ones(33), true, repeat(1, 33)},
		{"'<f8'", ones(64), true, repeat(1, 64)},
		{"'<f8'", zeros5, true, append(repeat(0, 63), 5)},
		{"'<f8'", ones(65), false, nil},
		{"'<f8'", "(" + strings.Repeat("0, ", 65) + ")", false, nil},
		{"('<f8', " + ones(32) + ")", "(3,)", true, []int{3}},
		{"('<f8', " + ones(33) + ")", "(3,)", true, []int{3}},
		{"('<f8', " + ones(63) + ")", "(3,)", true, []int{3}},
		{"('<f8', " + ones(63) + ")", ones(64), true, repeat(1, 64)},
		{"('<f8', " + ones(64) + ")", "(3,)", false, nil}, // (3,) + 64 dimensions
		{"('<f8', " + ones(64) + ")", "()", false, nil},   // (1,) + 64 dimensions
		{"('<f8', " + ones(65) + ")", "(3,)", false, nil}, // not a dtype
	} {
		name := clip(tt.descr) + " " + clip(tt.shape)
		text := fmt.Sprintf("{'descr': %s, 'fortran_order': False, 'shape': %s, }\n", tt.descr, tt.shape)
		h, _, err := readHeader(bytes.NewReader(npyPrefix([]byte{1, 0}, []byte(text))))
		if !tt.ok {
			if !errors.Is(err, ndview.ErrFormat) {
				t.Errorf("%s: %v, want ErrFormat", name, err)
			}
			continue
		}
		if err != nil || fmt.Sprint(h.shape) != fmt.Sprint(tt.wantShape) || h.descr.String() != "<f8" {
			t.Errorf("%s: %s %v, %v; want <f8 %v", name, h.descr, h.shape, err, tt.wantShape)
			continue
		}
		file := npyFile(strings.TrimSuffix(text, "\n"), make([]byte, 8*h.size))
		v, err := Read[float64](bytes.NewReader(file), "npy.Read")
		if err != nil || fmt.Sprint(v.Shape()) != fmt.Sprint(tt.wantShape) {
			t.Errorf("%s: Read: %v, %v", name, v, err)
		}
	}
}

func repeat(x, n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = x
	}
	return s
}

// npyFile returns a format 1.0 file of the header dict text followed by data.
func npyFile(dict string, data []byte) []byte {
	return append(npyPrefix([]byte{1, 0}, []byte(dict+"\n")), data...)
}
