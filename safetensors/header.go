package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ndview/ndview"
)

// maxHeaderSize is the reference implementation's limit on the JSON header, in bytes.
const maxHeaderSize = 100_000_000

// entry is one tensor of a header.
type entry struct {
	name string
	info Info
	// wide is the shape as written when one of its dimensions does not fit an int (the
	// reference reads dimensions as u64); info.Shape is then nil, and bad is set.
	wide []uint64
	// bad is set (by validate) for a tensor that the file may hold but no view can: an empty
	// tensor whose dimensions other than 0, times its element size, overflow an int. It wraps
	// ErrFormat and ErrOverflow, and every function that reaches the tensor returns it.
	bad error
}

// dims returns the entry's shape as written.
func (e *entry) dims() []uint64 {
	if e.wide != nil {
		return e.wide
	}
	d := make([]uint64, len(e.info.Shape))
	for i, x := range e.info.Shape {
		d[i] = uint64(x)
	}
	return d
}

// header is a parsed and validated safetensors header.
type header struct {
	dataStart int               // 8 + N: where the data section starts in the file
	entries   []entry           // in data-offset order (then by name, for empty tensors)
	metadata  map[string]string // nil when the file has no __metadata__
}

// parseHeader parses and validates the header of the safetensors file whose bytes are file.
// It reads nothing outside file, and allocates only in proportion to the header, after the
// header's size is checked against the limit and the file's length:
//
//   - u64 little-endian N <= 100,000,000, and 8+N <= len(file);
//   - N bytes of valid UTF-8 holding one JSON object (JSON whitespace around it allowed,
//     as the reference allows it), with no duplicate keys at any level;
//   - "__metadata__", if present, an object of strings (or null);
//   - every other key a tensor: an object with "dtype" (a string), "shape" (an array of
//     integers in [0, 2**64), whose product, taken from the first dimension with u64
//     overflow checked as the reference takes it, does not overflow: [0, 2**63, 4] passes,
//     [2**62, 4, 0] does not) and "data_offsets" (two integers, begin <= end <= the data
//     section's length); other keys are ignored, as the reference ignores them;
//   - for dtypes of the reference's enum, product(shape) × bits does not overflow a u64 and
//     is a whole number of bytes equal to end-begin; for dtypes it does not know, only the
//     byte range is checked;
//   - the tensors' ranges, in order, cover the data section exactly: no hole, no overlap,
//     nothing after the last one.
//
// Numbers that overflow give errors wrapping ErrOverflow as well as ErrFormat. A tensor the
// reference accepts but no ndview view can describe (an empty one whose dimensions other
// than 0, times its element size, overflow an int, as NumPy refuses too) does not fail the
// header: its entry's bad error is set, for every function that reaches it to return.
func parseHeader(file []byte) (*header, error) {
	if len(file) < 8 {
		return nil, errorf(ndview.ErrFormat, "the file is %d bytes, too short for the 8-byte header size", len(file))
	}
	n := binary.LittleEndian.Uint64(file)
	if n > maxHeaderSize {
		return nil, errorf(ndview.ErrFormat, "header size %d is over the limit of %d bytes", n, maxHeaderSize)
	}
	if n > uint64(len(file)-8) {
		return nil, errorf(ndview.ErrFormat, "header size %d runs past the end of the %d-byte file", n, len(file))
	}
	hdr := file[8 : 8+n]
	h := &header{dataStart: 8 + int(n)}
	if err := parseJSON(hdr, h); err != nil {
		return nil, err
	}
	if err := validate(h.entries, len(file)-h.dataStart); err != nil {
		return nil, err
	}
	return h, nil
}

// parseJSON walks the header's JSON object token by token: encoding/json would keep the last
// of duplicate keys silently, and replace invalid UTF-8 silently.
func parseJSON(hdr []byte, h *header) error {
	if !utf8.Valid(hdr) {
		return errorf(ndview.ErrFormat, "the header is not valid UTF-8")
	}
	lead := bytes.TrimLeft(hdr, " \t\n\r")
	if len(lead) == 0 || lead[0] != '{' {
		return errorf(ndview.ErrFormat, "the header is not a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(hdr))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil { // '{', as checked above
		return jsonError(err)
	}
	seen := map[string]bool{}
	for dec.More() {
		name, err := key(dec)
		if err != nil {
			return err
		}
		if seen[name] {
			return errorf(ndview.ErrFormat, "the header names %q twice", name)
		}
		seen[name] = true
		if name == "__metadata__" {
			if h.metadata, err = parseMetadata(dec); err != nil {
				return err
			}
			continue
		}
		e, err := parseEntry(dec, name)
		if err != nil {
			return err
		}
		h.entries = append(h.entries, e)
	}
	if _, err := dec.Token(); err != nil { // '}'
		return jsonError(err)
	}
	rest := hdr[dec.InputOffset():]
	if len(bytes.TrimLeft(rest, " \t\n\r")) != 0 {
		return errorf(ndview.ErrFormat, "the header has %d bytes after its JSON object that are not whitespace", len(rest))
	}
	return nil
}

func jsonError(err error) error {
	return errorf(ndview.ErrFormat, "the header is not valid JSON: %v", err)
}

// key reads an object key.
func key(dec *json.Decoder) (string, error) {
	tok, err := dec.Token()
	if err != nil {
		return "", jsonError(err)
	}
	s, ok := tok.(string)
	if !ok {
		return "", errorf(ndview.ErrFormat, "the header is not valid JSON: unexpected %v", tok)
	}
	return s, nil
}

// parseMetadata reads the value of "__metadata__": an object of strings, or null.
func parseMetadata(dec *json.Decoder) (map[string]string, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, jsonError(err)
	}
	if tok == nil {
		return nil, nil
	}
	if tok != json.Delim('{') {
		return nil, errorf(ndview.ErrFormat, "__metadata__ is not an object of strings")
	}
	md := map[string]string{}
	for dec.More() {
		k, err := key(dec)
		if err != nil {
			return nil, err
		}
		if _, dup := md[k]; dup {
			return nil, errorf(ndview.ErrFormat, "__metadata__ names %q twice", k)
		}
		tok, err := dec.Token()
		if err != nil {
			return nil, jsonError(err)
		}
		v, ok := tok.(string)
		if !ok {
			return nil, errorf(ndview.ErrFormat, "__metadata__[%q] is not a string; safetensors metadata maps strings to strings", k)
		}
		md[k] = v
	}
	if _, err := dec.Token(); err != nil {
		return nil, jsonError(err)
	}
	return md, nil
}

// parseEntry reads a tensor's object.
func parseEntry(dec *json.Decoder, name string) (entry, error) {
	e := entry{name: name}
	tok, err := dec.Token()
	if err != nil {
		return e, jsonError(err)
	}
	if tok != json.Delim('{') {
		return e, errorf(ndview.ErrFormat, "tensor %q: not a JSON object", name)
	}
	seen := map[string]bool{}
	for dec.More() {
		k, err := key(dec)
		if err != nil {
			return e, err
		}
		if seen[k] {
			return e, errorf(ndview.ErrFormat, "tensor %q: %q appears twice", name, k)
		}
		seen[k] = true
		switch k {
		case "dtype":
			tok, err := dec.Token()
			if err != nil {
				return e, jsonError(err)
			}
			s, ok := tok.(string)
			if !ok {
				return e, errorf(ndview.ErrFormat, "tensor %q: dtype is not a string", name)
			}
			e.info.DType = s
		case "shape":
			dims, err := uints(dec, name, "shape", -1)
			if err != nil {
				return e, err
			}
			e.info.Shape = make([]int, len(dims))
			for i, d := range dims {
				if d > uint64(maxInt) {
					e.info.Shape, e.wide = nil, dims
					break
				}
				e.info.Shape[i] = int(d)
			}
		case "data_offsets":
			off, err := uints(dec, name, "data_offsets", 2)
			if err != nil {
				return e, err
			}
			for _, o := range off {
				if o > uint64(maxInt) {
					return e, overflowf("tensor %q: data_offsets %v do not fit an int", name, off)
				}
			}
			e.info.Offsets = [2]int64{int64(off[0]), int64(off[1])}
		default: // ignored, as the reference ignores unknown fields; still valid JSON
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return e, jsonError(err)
			}
		}
	}
	if _, err := dec.Token(); err != nil {
		return e, jsonError(err)
	}
	for _, f := range []string{"dtype", "shape", "data_offsets"} {
		if !seen[f] {
			return e, errorf(ndview.ErrFormat, "tensor %q has no %s", name, f)
		}
	}
	return e, nil
}

// uints reads an array of integers in [0, 2**64), as the reference reads them (u64 on
// 64-bit platforms): of length want, or of any length if want < 0.
func uints(dec *json.Decoder, name, field string, want int) ([]uint64, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, jsonError(err)
	}
	if tok != json.Delim('[') {
		return nil, errorf(ndview.ErrFormat, "tensor %q: %s is not an array of integers", name, field)
	}
	out := []uint64{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, jsonError(err)
		}
		num, ok := tok.(json.Number)
		if !ok {
			return nil, errorf(ndview.ErrFormat, "tensor %q: %s holds %v, not an integer", name, field, tok)
		}
		// Digits only: no sign, fraction or exponent; a range error is all digits.
		x, err := strconv.ParseUint(string(num), 10, 64)
		if errors.Is(err, strconv.ErrRange) {
			return nil, overflowf("tensor %q: %s holds %.40s, past 2**64-1", name, field, num)
		}
		if err != nil {
			return nil, errorf(ndview.ErrFormat, "tensor %q: %s holds %s, not an integer in [0, 2**64)", name, field, num)
		}
		if want >= 0 && len(out) == want {
			return nil, errorf(ndview.ErrFormat, "tensor %q: %s has more than %d numbers", name, field, want)
		}
		out = append(out, x)
	}
	if _, err := dec.Token(); err != nil {
		return nil, jsonError(err)
	}
	if want >= 0 && len(out) != want {
		return nil, errorf(ndview.ErrFormat, "tensor %q: %s has %d numbers, not %d", name, field, len(out), want)
	}
	return out, nil
}

const maxInt = int(^uint(0) >> 1)

// refElems returns the number of elements of shape as the reference computes it (its
// Metadata::validate: try_fold(1, usize::checked_mul), dimension by dimension from the
// first); ok is false if a partial product overflows 64 bits, whatever comes after.
func refElems(shape []uint64) (n uint64, ok bool) {
	n = 1
	for _, d := range shape {
		hi, lo := bits.Mul64(n, d)
		if hi != 0 {
			return 0, false
		}
		n = lo
	}
	return n, true
}

// viewable reports whether ndview can describe a tensor of this shape and dtype size in
// bits (0 for a dtype the reference does not know): every dimension fits an int, and the
// product of the dimensions that are not 0, times the element size (at least a byte),
// fits an int, as ndview's views (and NumPy's arrays) require even of an empty array.
func viewable(shape []uint64, dtypeBits int) bool {
	n := uint64(max(1, dtypeBits/8))
	for _, d := range shape {
		if d == 0 {
			continue
		}
		hi, lo := bits.Mul64(n, d)
		if hi != 0 || lo > uint64(maxInt) {
			return false
		}
		n = lo
	}
	return true
}

// validate checks every tensor's byte range against its shape and dtype and the data
// section, then sorts entries into data-offset order and checks that they cover the data
// section exactly (the reference's Metadata::validate and its final length check).
func validate(entries []entry, dataLen int) error {
	for i := range entries {
		e := &entries[i]
		begin, end := e.info.Offsets[0], e.info.Offsets[1]
		if end < begin {
			return errorf(ndview.ErrFormat, "tensor %q: data_offsets [%d, %d] end before they begin", e.name, begin, end)
		}
		if end > int64(dataLen) {
			return errorf(ndview.ErrFormat, "tensor %q: data_offsets [%d, %d] run past the %d-byte data section", e.name, begin, end, dataLen)
		}
		dims := e.dims()
		n, ok := refElems(dims)
		if !ok {
			return overflowf("tensor %q: the product of shape %v overflows 64 bits", e.name, dims)
		}
		_, bitSize, _ := dtypeRank(e.info.DType)
		if bitSize > 0 {
			hi, nbits := bits.Mul64(n, uint64(bitSize))
			switch {
			case hi != 0:
				return overflowf("tensor %q: shape %v of %s overflows", e.name, dims, e.info.DType)
			case nbits%8 != 0:
				return errorf(ndview.ErrFormat, "tensor %q: %d %s elements are not a whole number of bytes", e.name, n, e.info.DType)
			case nbits/8 != uint64(end-begin):
				return errorf(ndview.ErrFormat, "tensor %q: shape %v of %s needs %d bytes, data_offsets [%d, %d] hold %d", e.name, dims, e.info.DType, nbits/8, begin, end, end-begin)
			}
		}
		if !viewable(dims, bitSize) {
			e.bad = overflowf("tensor %q: shape %v of %s: its dimensions other than 0, times the element size, overflow an int, so no view can describe it, empty as it is (NumPy refuses such arrays too); the file's other tensors can be read", e.name, dims, e.info.DType)
		}
	}
	slices.SortFunc(entries, func(a, b entry) int {
		if c := compareOffsets(a.info.Offsets, b.info.Offsets); c != 0 {
			return c
		}
		return strings.Compare(a.name, b.name)
	})
	var at int64
	for i, e := range entries {
		begin, end := e.info.Offsets[0], e.info.Offsets[1]
		switch {
		case begin > at:
			return errorf(ndview.ErrFormat, "the data section has a hole: bytes [%d, %d) belong to no tensor (before %q)", at, begin, e.name)
		case begin < at:
			return errorf(ndview.ErrFormat, "tensor %q: data_offsets [%d, %d] overlap tensor %q", e.name, begin, end, entries[i-1].name)
		}
		at = end
	}
	if at != int64(dataLen) {
		return errorf(ndview.ErrFormat, "the data section has %d bytes after the last tensor that belong to no tensor", int64(dataLen)-at)
	}
	return nil
}

func compareOffsets(a, b [2]int64) int {
	if a[0] != b[0] {
		return cmpInt(a[0], b[0])
	}
	return cmpInt(a[1], b[1])
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// encodeHeader returns the header the reference writer makes for entries (in the order
// given, with their offsets) and metadata: serde_json's compact output, "__metadata__" first
// when there is any (its keys sorted: the reference's HashMap has no order), each tensor as
// {"dtype","shape","data_offsets"}, padded with spaces to a multiple of 8 bytes.
func encodeHeader(entries []entry, metadata map[string]string) []byte {
	b := []byte{'{'}
	if len(metadata) > 0 {
		b = append(b, `"__metadata__":{`...)
		keys := make([]string, 0, len(metadata))
		for k := range metadata {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k)
			b = append(b, ':')
			b = appendString(b, metadata[k])
		}
		b = append(b, '}')
	}
	for i, e := range entries {
		if i > 0 || len(metadata) > 0 {
			b = append(b, ',')
		}
		b = appendString(b, e.name)
		b = append(b, `:{"dtype":`...)
		b = appendString(b, e.info.DType)
		b = append(b, `,"shape":[`...)
		for j, d := range e.dims() {
			if j > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendUint(b, d, 10)
		}
		b = append(b, `],"data_offsets":[`...)
		b = strconv.AppendInt(b, e.info.Offsets[0], 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, e.info.Offsets[1], 10)
		b = append(b, "]}"...)
	}
	b = append(b, '}')
	for len(b)%8 != 0 {
		b = append(b, ' ')
	}
	return b
}

// appendString appends s (valid UTF-8) as serde_json writes a string: '"' and '\\'
// escaped, control characters as \b \t \n \f \r or \u00xx (lowercase hex), everything else
// as it is (encoding/json would also escape <, > and &, and U+2028/U+2029).
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\b':
			b = append(b, `\b`...)
		case c == '\t':
			b = append(b, `\t`...)
		case c == '\n':
			b = append(b, `\n`...)
		case c == '\f':
			b = append(b, `\f`...)
		case c == '\r':
			b = append(b, `\r`...)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}
