package npy

import (
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/internal/dtypes"
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

// header is what a .npy header says.
type header struct {
	descr   descr
	fortran bool
	shape   []int
	size    int // elements
	nbytes  int // payload bytes
}

// descr is a parsed simple dtype descriptor such as '<f8'.
type descr struct {
	order byte // '<', '>', '|' or '='
	kind  byte // 'i', 'u', 'f', 'c', ...
	size  int
}

func (d descr) String() string { return fmt.Sprintf("%c%c%d", d.order, d.kind, d.size) }

// native reports whether values in this byte order are native on this machine.
func (d descr) native() bool {
	switch d.order {
	case '|', '=':
		return true
	case '<':
		return littleEndian
	}
	return !littleEndian
}

var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// errorf returns an error wrapping ndview.ErrFormat (and any further errors given with %w).
func errorf(format string, args ...any) error {
	return fmt.Errorf("ndview: npy: "+format+": %w", append(args, ndview.ErrFormat)...)
}

// descrOf returns the descr NumPy writes for T on this machine, and ok false for an element
// type NumPy has no dtype for (BFloat16).
func descrOf[T ndview.Elem]() (d descr, ok bool) {
	row, _ := dtypes.ByCode(ndview.DTypeOf[T]().Code())
	if row.NPY == "" {
		return descr{}, false
	}
	d = descr{order: '<', kind: row.NPY[0], size: row.Size()}
	if !littleEndian {
		d.order = '>'
	}
	if d.size == 1 {
		d.order = '|'
	}
	return d, true
}

// noDescr is the error of the public function fn (Write, Save) for a T NumPy has no dtype for.
func noDescr[T ndview.Elem](fn string) error {
	return errorf("%s of %s elements: NumPy has no %[2]s dtype (ml_dtypes saves it as an untyped '<V2'); convert to float32 first, or use safetensors, which keeps it", fn, ndview.DTypeOf[T]())
}

// matches reports whether a file's descr holds T's values, in either byte order.
func matches[T ndview.Elem](d descr) bool {
	want, ok := descrOf[T]()
	return ok && d.kind == want.kind && d.size == want.size
}

// readHeader reads the magic, version and header from r, consuming exactly the header.
func readHeader(r io.Reader) (header, int, error) {
	var pre [10]byte
	if n, err := io.ReadFull(r, pre[:8]); err != nil {
		if n == 0 && err == io.EOF {
			return header{}, 0, errorf("empty input, not a .npy file")
		}
		return header{}, 0, fmt.Errorf("ndview: npy: file ends in the magic string: %w (%w)", ndview.ErrFormat, io.ErrUnexpectedEOF)
	}
	if string(pre[:6]) != magic {
		return header{}, 0, errorf("not a .npy file: magic %q", pre[:6])
	}
	major, minor := pre[6], pre[7]
	var hlen, prefix int
	switch {
	case major == 1 && minor == 0:
		if _, err := io.ReadFull(r, pre[8:10]); err != nil {
			return header{}, 0, fmt.Errorf("ndview: npy: file ends in the header length: %w (%w)", ndview.ErrFormat, io.ErrUnexpectedEOF)
		}
		hlen, prefix = int(binary.LittleEndian.Uint16(pre[8:10])), 10
	case (major == 2 || major == 3) && minor == 0:
		var l [4]byte
		if _, err := io.ReadFull(r, l[:]); err != nil {
			return header{}, 0, fmt.Errorf("ndview: npy: file ends in the header length: %w (%w)", ndview.ErrFormat, io.ErrUnexpectedEOF)
		}
		n := binary.LittleEndian.Uint32(l[:])
		if n > 4*maxHeaderSize { // latin-1 or UTF-8: at most 4 bytes a character
			return header{}, 0, errorf("header of %d bytes is larger than %d characters; refused, as NumPy does", n, maxHeaderSize)
		}
		hlen, prefix = int(n), 12
	default:
		return header{}, 0, errorf("unsupported format version %d.%d", major, minor)
	}
	if hlen > 4*maxHeaderSize {
		return header{}, 0, errorf("header of %d bytes is larger than %d characters; refused, as NumPy does", hlen, maxHeaderSize)
	}
	buf := make([]byte, hlen)
	if _, err := io.ReadFull(r, buf); err != nil {
		return header{}, 0, fmt.Errorf("ndview: npy: file ends in the %d-byte header: %w (%w)", hlen, ndview.ErrFormat, io.ErrUnexpectedEOF)
	}
	var text string
	if major == 3 {
		if !utf8.Valid(buf) {
			return header{}, 0, errorf("version 3.0 header is not UTF-8")
		}
		text = string(buf)
	} else {
		text = latin1(buf)
	}
	if n := utf8.RuneCountInString(text); n > maxHeaderSize {
		return header{}, 0, errorf("header of %d characters is larger than %d; refused, as NumPy does", n, maxHeaderSize)
	}
	h, err := parseHeader(text)
	return h, prefix + hlen, err
}

func latin1(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		sb.WriteRune(rune(c))
	}
	return sb.String()
}

// parseHeader parses the header dict: a small, strict parser of the Python literal NumPy
// writes (and Python 2 NumPy wrote, with 'L' after integers), not a general evaluator.
func parseHeader(s string) (header, error) {
	p := &parser{s: s}
	var h header
	seen := map[string]bool{}
	p.ws()
	if !p.eat('{') {
		return h, errorf("header is not a dict: %q", clip(s))
	}
	for {
		p.ws()
		if p.eat('}') {
			break
		}
		key, ok := p.str()
		if !ok {
			return h, errorf("header dict key is not a string at %d: %q", p.i, clip(s))
		}
		if seen[key] {
			return h, errorf("header repeats key %q", key)
		}
		seen[key] = true
		p.ws()
		if !p.eat(':') {
			return h, errorf("header: no ':' after %q", key)
		}
		p.ws()
		switch key {
		case "descr":
			v, ok := p.str()
			if !ok {
				return h, errorf("descr is not a string (structured dtypes are not supported): %q", clip(s))
			}
			d, err := parseDescr(v)
			if err != nil {
				return h, err
			}
			h.descr = d
		case "fortran_order":
			switch {
			case p.word("True"):
				h.fortran = true
			case p.word("False"):
			default:
				return h, errorf("fortran_order is not a bool: %q", clip(s))
			}
		case "shape":
			shape, err := p.tuple()
			if err != nil {
				return h, err
			}
			h.shape = shape
		default:
			return h, errorf("header has an unexpected key %q", key)
		}
		p.ws()
		if p.eat('}') {
			break
		}
		if !p.eat(',') {
			return h, errorf("header: expected ',' or '}' at %d: %q", p.i, clip(s))
		}
	}
	p.ws()
	if p.i != len(s) {
		return h, errorf("header has text after the dict: %q", clip(s[p.i:]))
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return h, errorf("header lacks the key %q", k)
		}
	}
	if len(h.shape) > ndview.MaxDims {
		return h, errorf("shape has %d dimensions; at most %d are supported", len(h.shape), ndview.MaxDims)
	}
	size := 1
	for _, d := range h.shape {
		hi, lo := bits.Mul64(uint64(size), uint64(d))
		if hi != 0 || lo > uint64(maxInt) {
			return h, fmt.Errorf("ndview: npy: shape %v overflows: %w (%w)", h.shape, ndview.ErrFormat, ndview.ErrOverflow)
		}
		size = int(lo)
	}
	hi, lo := bits.Mul64(uint64(size), uint64(h.descr.size))
	if hi != 0 || lo > uint64(maxInt) {
		return h, fmt.Errorf("ndview: npy: shape %v of %s overflows: %w (%w)", h.shape, h.descr, ndview.ErrFormat, ndview.ErrOverflow)
	}
	h.size, h.nbytes = size, int(lo)
	return h, nil
}

const maxInt = int(^uint(0) >> 1)

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

type parser struct {
	s string
	i int
}

func (p *parser) ws() {
	for p.i < len(p.s) && strings.IndexByte(" \t\n\r", p.s[p.i]) >= 0 {
		p.i++
	}
}

func (p *parser) eat(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *parser) word(w string) bool {
	if strings.HasPrefix(p.s[p.i:], w) {
		p.i += len(w)
		return true
	}
	return false
}

// str parses a quoted string without escapes (NumPy's keys and descrs have none).
func (p *parser) str() (string, bool) {
	if p.i >= len(p.s) || (p.s[p.i] != '\'' && p.s[p.i] != '"') {
		return "", false
	}
	q := p.s[p.i]
	end := strings.IndexByte(p.s[p.i+1:], q)
	if end < 0 {
		return "", false
	}
	v := p.s[p.i+1 : p.i+1+end]
	if strings.IndexByte(v, '\\') >= 0 {
		return "", false
	}
	p.i += end + 2
	return v, true
}

// tuple parses a tuple of non-negative ints: (), (3,), (3, 4), (3, 4,). A bare (3) is an int
// in Python, not a tuple, and is refused as NumPy refuses it.
func (p *parser) tuple() ([]int, error) {
	if !p.eat('(') {
		return nil, errorf("shape is not a tuple: %q", clip(p.s[p.i:]))
	}
	shape := []int{}
	comma := false // whether the last dimension was followed by a comma
	for {
		p.ws()
		if p.eat(')') {
			if len(shape) == 1 && !comma {
				return nil, errorf("shape (%d) is not a tuple: a 1-tuple needs a trailing comma", shape[0])
			}
			return shape, nil
		}
		if len(shape) > 0 && !comma {
			return nil, errorf("shape: expected ',' or ')' at %d", p.i)
		}
		start := p.i
		for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
			p.i++
		}
		if start == p.i {
			return nil, errorf("shape has a non-integer or negative dimension: %q", clip(p.s[start:]))
		}
		d, err := strconv.ParseInt(p.s[start:p.i], 10, 64)
		if err != nil || d > int64(maxInt) {
			return nil, fmt.Errorf("ndview: npy: dimension %s overflows: %w (%w)", p.s[start:p.i], ndview.ErrFormat, ndview.ErrOverflow)
		}
		p.eat('L') // Python 2's long suffix, which NumPy's _filter_header removes
		shape = append(shape, int(d))
		p.ws()
		comma = p.eat(',')
	}
}

// parseDescr parses a simple dtype descriptor: a byte order '<', '>', '|' or '=', a kind
// and a size in bytes.
func parseDescr(s string) (descr, error) {
	if len(s) < 3 {
		return descr{}, errorf("unknown descr %q", s)
	}
	d := descr{order: s[0], kind: s[1]}
	if strings.IndexByte("<>|=", d.order) < 0 {
		return descr{}, errorf("descr %q has no byte order ('<', '>', '|' or '=')", s)
	}
	n, err := strconv.Atoi(s[2:])
	if err != nil || n <= 0 || s[2] == '+' || s[2] == '-' {
		return descr{}, errorf("unknown descr %q", s)
	}
	d.size = n
	switch {
	case d.kind == 'i' || d.kind == 'u':
		if n != 1 && n != 2 && n != 4 && n != 8 {
			return descr{}, errorf("unsupported descr %q", s)
		}
	case d.kind == 'f':
		if n != 2 && n != 4 && n != 8 && n != 16 {
			return descr{}, errorf("unsupported descr %q", s)
		}
	case d.kind == 'c':
		if n != 8 && n != 16 && n != 32 {
			return descr{}, errorf("unsupported descr %q", s)
		}
	default:
		return descr{}, errorf("unsupported descr %q: only integer, float and complex arrays have a Go element type", s)
	}
	return d, nil
}

// headerBytes returns the whole header (magic to newline) NumPy 1.24's np.save writes for an
// array of this descr, order and shape: keys sorted, the repr of each value, spare spaces
// for growing the first (or, in Fortran order, last) axis, then spaces and a newline up to
// a multiple of 64 bytes; version 1.0 unless the header needs 2.0's longer length field.
func headerBytes(d descr, fortran bool, shape []int) []byte {
	var sb strings.Builder
	fmt.Fprintf(&sb, "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }", d, pyBool(fortran), pyTuple(shape))
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

func pyBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

func pyTuple(shape []int) string {
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
