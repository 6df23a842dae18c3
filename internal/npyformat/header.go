package npyformat

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/internal/dtypes"
	"github.com/ndview/ndview/internal/pyliteral"
)

// The .npy format (NumPy's numpy/lib/format.py): the magic "\x93NUMPY", a major and minor
// version byte, the header length (uint16 LE for 1.0, uint32 LE for 2.0 and 3.0), and a
// header that is the repr of a Python dict with the keys 'descr', 'fortran_order' and
// 'shape', padded with spaces and a newline so that the data starts on a 64-byte boundary.

const (
	magic         = "\x93NUMPY"
	maxHeaderSize = 10000 // NumPy's _MAX_HEADER_SIZE: longer headers are refused
	arrayAlign    = 64    // NumPy's ARRAY_ALIGN
	growthDigits  = 21    // NumPy's GROWTH_AXIS_MAX_DIGITS
)

// header is what a .npy header says, as np.load reads it.
type header struct {
	descr   descr
	fortran bool
	shape   []int
	size    int // elements
	nbytes  int // payload bytes
}

// descr is the dtype of a header that a Go element type may hold: an integer, float or
// complex type, bool or float16.
type descr struct {
	order byte // '<', '>' or '|' (one-byte types), as NumPy's dtype.str writes it
	kind  byte // 'i', 'u', 'f', 'c' or 'b'
	size  int
}

func (d descr) String() string { return fmt.Sprintf("%c%c%d", d.order, d.kind, d.size) }

// native reports whether values in this byte order are native on this machine.
func (d descr) native() bool { return d.order == '|' || d.order == nativeOrder }

// goName returns the Go type that holds the descr's values, or "" if there is none: the
// Go name of its row of the dtype table.
func (d descr) goName() string {
	row, _ := dtypes.ByNPY(d.kind, d.size)
	return row.Go
}

var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// descrOf returns the descr NumPy writes for T on this machine, and ok false for an element
// type NumPy has no dtype for (BFloat16).
func descrOf[T ndview.Elem]() (d descr, ok bool) {
	row, _ := dtypes.ByCode(ndview.DTypeOf[T]().Code())
	if row.NPY == "" {
		return descr{}, false
	}
	d = descr{order: nativeOrder, kind: row.NPY[0], size: row.Size()}
	if d.size == 1 {
		d.order = '|'
	}
	return d, true
}

// noDescr is the error of the public function op (npy.Write, npy.Save, npz.Load, ...) for a
// T NumPy has no dtype for.
func noDescr[T ndview.Elem](op string) error {
	d := ndview.DTypeOf[T]()
	row, _ := dtypes.ByFormat(d.Code(), d.ItemSize())
	return FormatError("%s of %s elements: NumPy has no %[2]s dtype (%s); convert to float32 first (ndview.AsType[float32]), or use safetensors, which keeps it", op, d, row.NoNPY)
}

// matches reports whether a file's descr holds T's values, in either byte order.
func matches[T ndview.Elem](d descr) bool {
	want, ok := descrOf[T]()
	return ok && d.kind == want.kind && d.size == want.size
}

// mismatch is the error for a file whose elements T cannot hold; op is the public function
// called, which the remedy names.
func mismatch[T ndview.Elem](op string, d descr) error {
	if _, ok := descrOf[T](); !ok {
		return noDescr[T](op)
	}
	switch {
	case d.kind == 'b':
		return FormatError("the file holds bools (%s), and ndview has no bool element type: save the array from NumPy as uint8 (a.astype(np.uint8)) and read it as uint8", d)
	}
	return FormatError("the file holds %s values (%s), not %s: use %s[%s]", d.goName(), d, ndview.DTypeOf[T](), op, d.goName())
}

// readHeader reads the magic, version and header from r, consuming exactly the header, and
// returns the header and its length in bytes (where the data starts).
func readHeader(r io.Reader) (header, int, error) {
	var pre [12]byte
	if n, err := io.ReadFull(r, pre[:8]); err != nil {
		switch {
		case n == 0 && err == io.EOF:
			return header{}, 0, FormatError("the input is empty, not a .npy file")
		case err == io.ErrUnexpectedEOF:
			return header{}, 0, truncated("the input ends in the magic string")
		}
		return header{}, 0, err
	}
	if string(pre[:6]) != magic {
		return header{}, 0, FormatError("not a .npy file: the magic string is %q, not %q", pre[:6], magic)
	}
	major, minor := pre[6], pre[7]
	lenLen := 4
	switch {
	case major == 1 && minor == 0:
		lenLen = 2
	case (major == 2 || major == 3) && minor == 0:
	default:
		return header{}, 0, FormatError("format version %d.%d; NumPy writes 1.0, 2.0 and 3.0", major, minor)
	}
	if _, err := io.ReadFull(r, pre[8:8+lenLen]); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return header{}, 0, truncated("the input ends in the header length")
		}
		return header{}, 0, err
	}
	n := uint64(binary.LittleEndian.Uint16(pre[8:10]))
	if lenLen == 4 {
		n = uint64(binary.LittleEndian.Uint32(pre[8:12]))
	}
	// Characters, not bytes, are limited: 1.0 and 2.0 headers are latin-1, 3.0 ones UTF-8.
	limit := uint64(maxHeaderSize)
	if major == 3 {
		limit *= utf8.UTFMax
	}
	if n > limit {
		return header{}, 0, FormatError("a header of %d bytes, over NumPy's limit of %d characters", n, maxHeaderSize)
	}
	// Read the header without trusting its length: it costs memory only as it arrives.
	var buf bytes.Buffer
	if m, err := buf.ReadFrom(io.LimitReader(r, int64(n))); err != nil {
		return header{}, 0, err
	} else if uint64(m) < n {
		return header{}, 0, truncated("the input ends in the %d-byte header", n)
	}
	var text string
	if major == 3 {
		if !utf8.Valid(buf.Bytes()) {
			return header{}, 0, FormatError("the version 3.0 header is not UTF-8")
		}
		text = buf.String()
	} else {
		text = latin1(buf.Bytes())
	}
	if c := utf8.RuneCountInString(text); c > maxHeaderSize {
		return header{}, 0, FormatError("a header of %d characters, over NumPy's limit of %d", c, maxHeaderSize)
	}
	h, err := parseHeader(text, major < 3)
	return h, 8 + lenLen + int(n), err
}

func latin1(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		sb.WriteRune(rune(c))
	}
	return sb.String()
}

// parseHeader reads a header's text as NumPy 1.24's _read_array_header and np.load do: a
// dict of exactly the keys 'descr', 'fortran_order' and 'shape' (the last of a repeated key
// counts), a shape of non-negative ints, a bool, and a descr with a Go element type, whose
// array np.load can make. v12 is set for format 1.0 and 2.0 headers, from which NumPy
// removes Python 2's 'L' suffixes.
func parseHeader(text string, v12 bool) (header, error) {
	var h header
	v, err := pyliteral.Parse(text, v12)
	if err != nil {
		return h, withHeader(err, text)
	}
	if v.Kind != pyliteral.Dict {
		return h, FormatError("the header is a %s, not a dict: %q", v.Kind, clip(text))
	}
	var shape, fortran, desc *pyliteral.Value
	for i := 0; i < len(v.Items); i += 2 {
		k := v.Items[i]
		switch {
		case k.Kind == pyliteral.Str && k.Str == "descr":
			desc = &v.Items[i+1]
		case k.Kind == pyliteral.Str && k.Str == "fortran_order":
			fortran = &v.Items[i+1]
		case k.Kind == pyliteral.Str && k.Str == "shape":
			shape = &v.Items[i+1]
		default:
			return h, FormatError("the header has the key %s; it must have exactly 'descr', 'fortran_order' and 'shape'", k)
		}
	}
	for _, k := range []struct {
		v    *pyliteral.Value
		name string
	}{{desc, "descr"}, {fortran, "fortran_order"}, {shape, "shape"}} {
		if k.v == nil {
			return h, FormatError("the header lacks the key '%s': %q", k.name, clip(text))
		}
	}
	if shape.Kind != pyliteral.Tuple {
		return h, FormatError("the shape %s is not a tuple", shape)
	}
	if fortran.Kind != pyliteral.Bool {
		return h, FormatError("fortran_order %s is not True or False", fortran)
	}
	h.fortran = fortran.Truth
	if len(shape.Items) > maxDims {
		return h, FormatError("the shape has %d dimensions; NumPy 2 and ndview arrays have at most %d", len(shape.Items), maxDims)
	}
	h.shape = make([]int, len(shape.Items))
	for i, d := range shape.Items {
		if d.Kind != pyliteral.Int {
			return h, FormatError("the shape %s holds a %s, not an int", shape, d.Kind)
		}
		n, ok := d.Int64()
		switch {
		case !ok || n > int64(maxInt):
			return h, ErrorOf([]error{ndview.ErrFormat, ndview.ErrOverflow}, "dimension %s of the shape does not fit an int", d)
		case n < 0:
			return h, FormatError("dimension %s of the shape is negative", d)
		}
		h.shape[i] = int(n)
	}
	t, err := descrValue(*desc, 0)
	if err != nil {
		return h, err
	}
	if h.descr, err = goType(t); err != nil {
		return h, err
	}
	// np.load makes the array: its byte size, with zero dimensions left out, must fit (NumPy:
	// "array is too big"), even when the array is empty.
	size, nonzero := 1, 1
	for _, d := range h.shape {
		if d == 0 {
			size = 0
			continue
		}
		hi, lo := bits.Mul64(uint64(nonzero), uint64(d))
		if hi != 0 || lo > uint64(maxInt) {
			return h, ErrorOf([]error{ndview.ErrFormat, ndview.ErrOverflow}, "the shape %v of %s overflows: NumPy refuses it as too big", h.shape, h.descr)
		}
		nonzero = int(lo)
	}
	if hi, lo := bits.Mul64(uint64(nonzero), uint64(h.descr.size)); hi != 0 || lo > uint64(maxInt) {
		return h, ErrorOf([]error{ndview.ErrFormat, ndview.ErrOverflow}, "the shape %v of %s overflows: NumPy refuses it as too big", h.shape, h.descr)
	}
	if size != 0 {
		size = nonzero
	}
	// A subarray descr such as ('<f8', (1,)) reads as its base type when it holds one element
	// (np.load reshapes (n, 1) to (n,)), or when the array is empty. np.load first makes an
	// array of shape (count,) + the subarray's shape, which must have at most maxDims.
	sub := 1
	for _, d := range t.sub {
		sub *= d
	}
	if len(t.sub) > 0 && (len(t.sub) >= maxDims || sub != 1 && size != 0) {
		return h, FormatError("the descr has a subarray of shape %v, which does not fit the shape %v", t.sub, h.shape)
	}
	h.size, h.nbytes = size, size*h.descr.size
	return h, nil
}

// withHeader is the error of a header that is not a Python literal: the syntax error, and
// the header's text.
func withHeader(err error, text string) error {
	msg := err.Error()
	if e, ok := err.(*pyliteral.SyntaxError); ok {
		msg = e.Msg
	}
	return FormatError("cannot parse the header: %s: %s", msg, strconv.Quote(clip(text)))
}

const (
	maxInt = int(^uint(0) >> 1)
	// maxDims is NumPy 2's NPY_MAXDIMS, 64 (NumPy 1.x stops at 32), which is ndview's too.
	maxDims = ndview.MaxDims
)

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// headerBytes returns the whole header (magic to newline) np.save writes for an array of
// this descr, order and shape (NumPy 1.24 and NumPy 2 write it alike; only NumPy 2 writes
// more than 32 dimensions): keys sorted, the repr of each value, spare spaces for growing
// the first (or, in Fortran order, last) axis, then spaces and a newline up to a multiple
// of 64 bytes; version 1.0 unless the header needs 2.0's longer length field (which these
// dicts never do: 64 dimensions of 19 digits take about 1,400 bytes).
func headerBytes(d descr, fortran bool, shape []int) []byte {
	var sb strings.Builder
	fmt.Fprintf(&sb, "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }", d, reprBool(fortran), reprShape(shape))
	if len(shape) > 0 {
		axis := 0
		if fortran {
			axis = len(shape) - 1
		}
		sb.WriteString(strings.Repeat(" ", max(0, growthDigits-len(strconv.Itoa(shape[axis])))))
	}
	h := sb.String()
	for _, v := range []struct {
		major  byte
		lenLen int
	}{{1, 2}, {2, 4}} {
		hlen := len(h) + 1
		pad := arrayAlign - (len(magic)+2+v.lenLen+hlen)%arrayAlign
		total := hlen + pad
		if v.lenLen == 2 && total > 0xffff {
			continue
		}
		out := make([]byte, 0, len(magic)+2+v.lenLen+total)
		out = append(out, magic...)
		out = append(out, v.major, 0)
		if v.lenLen == 2 {
			out = binary.LittleEndian.AppendUint16(out, uint16(total))
		} else {
			out = binary.LittleEndian.AppendUint32(out, uint32(total))
		}
		out = append(out, h...)
		out = append(out, strings.Repeat(" ", pad)...)
		return append(out, '\n')
	}
	panic("unreachable")
}

func reprBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

func reprShape(shape []int) string {
	switch len(shape) {
	case 0:
		return "()"
	case 1:
		return "(" + strconv.Itoa(shape[0]) + ",)"
	}
	parts := make([]string, len(shape))
	for i, d := range shape {
		parts[i] = strconv.Itoa(d)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}
