package npyformat

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/internal/pyliteral"
)

// A header's descr is read as NumPy 1.24 reads it (numpy/lib/format.py descr_to_dtype, then
// np.dtype: _convert_from_str, _convert_from_tuple and _commastring in numpy/core). A
// string is a type character ('d', 'B', ...), a kind and size ('f8', with C's strtol
// reading the size), a type name ('float64', ...), each behind an optional byte order, or
// a comma string ('f8,', '(1,)f8'); a tuple (descr, shape-or-descr) is a subarray or a
// synonym. np.load gives an array of the subarray's base type when the subarray holds one
// element (or the array none); other subarrays, lists and dicts (structured dtypes) and
// anything else have no Go element type.

// dtype is a NumPy dtype as far as ndview needs to know it.
type dtype struct {
	kind   byte   // NumPy's kind: 'b' (bool), 'i', 'u', 'f', 'c', 'S', 'U', 'V', 'O', 'M', 'm'
	size   int    // bytes of the base type
	order  byte   // '<', '>' or '|', as NumPy's dtype.str writes it
	sub    []int  // subarray shape, nil for none
	fields bool   // structured
	name   string // NumPy's name, for messages
}

const (
	longDoubleSize  = 16 // x86-64 and arm64 Linux; 'g' has no Go element type anyway
	maxDescrNesting = 64 // the depth of descr forms within descr forms
)

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

var nativeOrder = func() byte {
	if littleEndian {
		return '<'
	}
	return '>'
}()

// itemSize returns the size of one element, subarray included.
func (t dtype) itemSize() int {
	n := t.size
	for _, d := range t.sub {
		n *= d
	}
	return n
}

func numeric(kind byte, size int) dtype {
	names := map[byte]string{'b': "bool", 'i': "int", 'u': "uint", 'f': "float", 'c': "complex"}
	name := names[kind]
	if kind != 'b' {
		name += strconv.Itoa(8 * size)
	}
	order := nativeOrder
	if size == 1 {
		order = '|'
	}
	return dtype{kind: kind, size: size, order: order, name: name}
}

func other(kind byte, size int, name string) dtype {
	return dtype{kind: kind, size: size, order: '|', name: name}
}

var (
	cLong  = mustFormatSize("l") // C's long: 4 bytes on Windows, the pointer size elsewhere
	intptr = strconv.IntSize / 8
)

func mustFormatSize(code string) int {
	d, err := ndview.ParseFormat(code)
	if err != nil {
		panic(err)
	}
	return d.ItemSize()
}

// typeChar returns the dtype of a one-character descr: a type character, or a type number
// (NPY_BOOL is 0, ..., NPY_HALF is 23) in a control character, which NumPy takes too.
func typeChar(c byte) (dtype, bool) {
	switch c {
	case '?', 0:
		return numeric('b', 1), true
	case 'b', 1:
		return numeric('i', 1), true
	case 'B', 2:
		return numeric('u', 1), true
	case 'h', 3:
		return numeric('i', 2), true
	case 'H', 4:
		return numeric('u', 2), true
	case 'i', 5:
		return numeric('i', 4), true
	case 'I', 6:
		return numeric('u', 4), true
	case 'l', 7:
		return numeric('i', cLong), true
	case 'L', 8:
		return numeric('u', cLong), true
	case 'q', 9:
		return numeric('i', 8), true
	case 'Q', 10:
		return numeric('u', 8), true
	case 'f', 11:
		return numeric('f', 4), true
	case 'd', 12:
		return numeric('f', 8), true
	case 'g', 13:
		return numeric('f', longDoubleSize), true
	case 'F', 14:
		return numeric('c', 8), true
	case 'D', 15:
		return numeric('c', 16), true
	case 'G', 16:
		return numeric('c', 2*longDoubleSize), true
	case 'O', 17:
		return other('O', intptr, "object"), true
	case 'S', 'a', 18:
		return other('S', 0, "bytes"), true
	case 'U', 19:
		return other('U', 0, "str"), true
	case 'V', 20:
		return other('V', 0, "void"), true
	case 'M', 21:
		return other('M', 8, "datetime64"), true
	case 'm', 22:
		return other('m', 8, "timedelta64"), true
	case 'e', 23:
		return numeric('f', 2), true
	case 'p':
		return numeric('i', intptr), true
	case 'P':
		return numeric('u', intptr), true
	case 'c':
		return other('S', 1, "bytes8"), true
	}
	return dtype{}, false
}

// kindSize returns the dtype of a kind and size such as 'f8' (NumPy's
// PyArray_TypestrConvert, and the flexible kinds before it).
func kindSize(kind byte, size int) (dtype, bool) {
	switch kind {
	case 'S', 'a':
		return other('S', size, "bytes"), size >= 0
	case 'U':
		return other('U', 4*size, "str"), size >= 0
	case 'V':
		return other('V', size, "void"), size >= 0
	case 'b':
		return numeric('b', 1), size == 1
	case 'i', 'u':
		return numeric(kind, size), size == 1 || size == 2 || size == 4 || size == 8
	case 'f':
		return numeric('f', size), size == 2 || size == 4 || size == 8 || size == longDoubleSize
	case 'c':
		return numeric('c', size), size == 8 || size == 16 || size == 2*longDoubleSize
	case 'O':
		return other('O', size, "object"), size == intptr
	}
	return dtype{}, false
}

// typeNames are the names np.dtype looks up in np.sctypeDict when a descr is neither a type
// character nor a kind and size. They take no byte order.
var typeNames = map[string]func() dtype{
	"bool": b1, "bool8": b1, "bool_": b1,
	"byte": ik(1), "ubyte": uk(1), "short": ik(2), "ushort": uk(2), "intc": ik(4), "uintc": uk(4),
	"int": ik(cLong), "int_": ik(cLong), "long": ik(cLong), "uint": uk(cLong), "ulong": uk(cLong),
	"intp": ik(intptr), "int0": ik(intptr), "uintp": uk(intptr), "uint0": uk(intptr),
	"longlong": ik(8), "ulonglong": uk(8),
	"int8": ik(1), "int16": ik(2), "int32": ik(4), "int64": ik(8),
	"uint8": uk(1), "uint16": uk(2), "uint32": uk(4), "uint64": uk(8),
	"half": fk(2), "float16": fk(2), "single": fk(4), "float32": fk(4),
	"double": fk(8), "float": fk(8), "float_": fk(8), "float64": fk(8),
	"longdouble": fk(longDoubleSize), "longfloat": fk(longDoubleSize), "float128": fk(longDoubleSize),
	"csingle": ck(8), "singlecomplex": ck(8), "complex64": ck(8),
	"cdouble": ck(16), "cfloat": ck(16), "complex": ck(16), "complex_": ck(16), "complex128": ck(16),
	"clongdouble": ck(32), "clongfloat": ck(32), "longcomplex": ck(32), "complex256": ck(32),
	"object": obj, "object0": obj, "object_": obj,
	"bytes": flex('S'), "bytes0": flex('S'), "bytes_": flex('S'), "string_": flex('S'),
	"str": flex('U'), "str0": flex('U'), "str_": flex('U'), "unicode": flex('U'), "unicode_": flex('U'),
	"void": flex('V'), "void0": flex('V'),
}

func b1() dtype                { return numeric('b', 1) }
func ik(n int) func() dtype    { return func() dtype { return numeric('i', n) } }
func uk(n int) func() dtype    { return func() dtype { return numeric('u', n) } }
func fk(n int) func() dtype    { return func() dtype { return numeric('f', n) } }
func ck(n int) func() dtype    { return func() dtype { return numeric('c', n) } }
func obj() dtype               { return other('O', intptr, "object") }
func flex(k byte) func() dtype { return func() dtype { d, _ := typeChar(k); return d } }

// cSize reads a size as C's strtol does in NumPy's kind-and-size path: blanks, a sign,
// decimal digits, which must reach the end. Sizes past a C int are refused (NumPy truncates
// them, reading 'f4294967304' as 'f8').
func cSize(b string) (int, bool) {
	i := 0
	for i < len(b) && strings.IndexByte(" \t\n\v\f\r", b[i]) >= 0 {
		i++
	}
	neg := i < len(b) && b[i] == '-'
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		i++
	}
	start := i
	n := 0
	for ; i < len(b) && isDigit(b[i]); i++ {
		if n > math.MaxInt32/10 {
			return 0, false
		}
		n = n*10 + int(b[i]-'0')
	}
	if i == start || i != len(b) || n > math.MaxInt32 {
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}

// descrValue returns the dtype a header's descr value means, as descr_to_dtype reads it.
func descrValue(v pyliteral.Value, depth int) (dtype, error) {
	if depth > maxDescrNesting {
		return dtype{}, FormatError("descr is nested too deeply")
	}
	switch v.Kind {
	case pyliteral.Str:
		return descrString(v.Str, depth+1)
	case pyliteral.Tuple:
		if len(v.Items) < 2 {
			return dtype{}, FormatError("descr %s is a tuple of fewer than two items", v)
		}
		base, err := descrValue(v.Items[0], depth+1)
		if err != nil {
			return base, err
		}
		return subarray(base, v.Items[1], depth+1)
	case pyliteral.List, pyliteral.Dict:
		return dtype{kind: 'V', fields: true, name: "a structured dtype"}, nil
	}
	return dtype{}, FormatError("descr %s is not a dtype", v)
}

// anyDescr returns the dtype np.dtype makes of a value (_convert_from_any), for the second
// item of a tuple.
func anyDescr(v pyliteral.Value, depth int) (dtype, error) {
	switch v.Kind {
	case pyliteral.Str, pyliteral.Bytes:
		return descrString(v.Str, depth+1)
	case pyliteral.None:
		return numeric('f', 8), nil // np.dtype(None) is float64
	case pyliteral.Tuple:
		if len(v.Items) != 2 {
			return dtype{}, FormatError("a dtype tuple %s must have two items", v)
		}
		base, err := anyDescr(v.Items[0], depth+1)
		if err != nil {
			return base, err
		}
		return subarray(base, v.Items[1], depth+1)
	}
	return dtype{}, FormatError("%s is not a dtype", v)
}

// subarray returns np.dtype((base, v)) (_convert_from_tuple): base with a subarray shape
// when v is an int or a tuple of ints (or, failing all else, a list of ints), base itself for
// () and for 1 (a deprecated synonym), and base again when v is a dtype of the same size.
func subarray(base dtype, v pyliteral.Value, depth int) (dtype, error) {
	if base.fields {
		return base, nil
	}
	invalid := FormatError("invalid subarray shape %s in descr", v)
	var dims []pyliteral.Value
	switch v.Kind {
	case pyliteral.Int:
		dims = []pyliteral.Value{v}
	case pyliteral.Tuple:
		dims = v.Items
		for _, d := range v.Items {
			if d.Kind != pyliteral.Int {
				dims = nil // not a shape (bools are refused here, as a shape)
			}
		}
		if dims == nil && len(v.Items) > 0 && allOf(v.Items, pyliteral.Bool, pyliteral.Int) {
			return dtype{}, invalid
		}
	case pyliteral.Bool:
		return dtype{}, invalid
	}
	if dims == nil && !(v.Kind == pyliteral.Tuple && len(v.Items) == 0) {
		// (base, dtype): base again, if the sizes agree.
		if t, err := anyDescr(v, depth+1); err == nil {
			if t.itemSize() != base.itemSize() {
				return dtype{}, FormatError("descr (%s, %s): the sizes differ", base, v)
			}
			if t.fields {
				return t, nil
			}
			return base, nil
		}
		// Failing that, a list of ints is a shape too.
		if v.Kind != pyliteral.List || len(v.Items) == 0 || !allOf(v.Items, pyliteral.Int) {
			return dtype{}, invalid
		}
		dims = v.Items
	}
	if len(dims) > maxDims { // NumPy 2's NPY_MAXDIMS (32 in NumPy 1.x)
		return dtype{}, invalid
	}
	if v.Kind == pyliteral.Tuple && len(dims) == 0 {
		return base, nil
	}
	if n, _ := v.Int64(); v.Kind == pyliteral.Int && n == 1 {
		return base, nil // deprecated: (type, 1) is type
	}
	shape := make([]int, len(dims))
	items := 1
	for i, d := range dims {
		n, ok := d.Int64()
		if !ok || n < 0 || n > math.MaxInt32 {
			return dtype{}, invalid
		}
		shape[i] = int(n)
		if items *= shape[i]; items > math.MaxInt32 {
			return dtype{}, invalid
		}
	}
	if items*base.itemSize() > math.MaxInt32 {
		return dtype{}, invalid
	}
	base.sub = append(shape, base.sub...)
	return base, nil
}

func allOf(vs []pyliteral.Value, kinds ...pyliteral.Kind) bool {
	for _, v := range vs {
		ok := false
		for _, k := range kinds {
			ok = ok || v.Kind == k
		}
		if !ok {
			return false
		}
	}
	return true
}

// descrString returns the dtype a descr string means (np.dtype's _convert_from_str).
func descrString(s string, depth int) (dtype, error) {
	bad := FormatError("descr %s is not a NumPy dtype", pyliteral.Quote(s))
	if depth > maxDescrNesting {
		return dtype{}, bad
	}
	if s == "" {
		return dtype{}, bad
	}
	if commaString(s) {
		return descrCommaString(s, depth+1)
	}
	t := s
	endian := byte('=')
	switch t[0] {
	case '<', '>', '=':
		endian = t[0]
		t = t[1:]
	case '|':
		t = t[1:]
	}
	if t == "" {
		return dtype{}, bad
	}
	var d dtype
	ok := false
	switch {
	case len(t) >= 2 && t[:2] == "M8" || strings.HasPrefix(t, "datetime64"):
		d, ok = typeChar('M') // datetimes have no Go element type, whatever the unit
	case len(t) >= 2 && t[:2] == "m8" || strings.HasPrefix(t, "timedelta64"):
		d, ok = typeChar('m')
	case len(t) == 1:
		d, ok = typeChar(t[0])
	default:
		if n, sized := cSize(t[1:]); sized {
			if n != 0 || t[0] == 'S' || t[0] == 'a' || t[0] == 'U' || t[0] == 'V' {
				d, ok = kindSize(t[0], n)
			}
		}
	}
	if !ok {
		f, named := typeNames[s] // the whole string: names take no byte order
		if !named {
			return dtype{}, bad
		}
		d = f()
	}
	if d.order != '|' {
		switch endian {
		case '<', '>':
			d.order = endian
		default:
			d.order = nativeOrder
		}
	}
	return d, nil
}

// commaString reports whether np.dtype reads s as a comma string (_check_for_commastring):
// it starts with a digit, or with '()', or has a comma outside square brackets.
func commaString(s string) bool {
	isOrder := func(c byte) bool { return c == '<' || c == '>' || c == '|' || c == '=' }
	if isDigit(s[0]) || len(s) > 1 && isOrder(s[0]) && isDigit(s[1]) {
		return true
	}
	if strings.HasPrefix(s, "()") || len(s) > 3 && isOrder(s[0]) && s[1:3] == "()" {
		return true
	}
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ',':
			if depth == 0 {
				return true
			}
		case '[':
			depth++
		case ']':
			depth--
		}
	}
	return false
}

// descrCommaString reads a comma string as numpy.core._internal._commastring does, with its
// regular expression written out: items of an optional byte order, an optional repeat count
// or shape, another optional byte order and a type, separated by commas. One item is a
// dtype; more are a structured dtype.
func descrCommaString(s string, depth int) (dtype, error) {
	r := []rune(s)
	isOrder := func(c rune) bool { return c == '<' || c == '>' || c == '|' || c == '=' }
	isSpace := func(c rune) bool { return unicode.IsSpace(c) || 0x1c <= c && c <= 0x1f } // Python's \s
	isAlnum := func(c rune) bool { return c < 0x80 && (isDigit(byte(c)) || 'a' <= c|0x20 && c|0x20 <= 'z') }
	bad := FormatError("descr %s is not a NumPy dtype", pyliteral.Quote(s))
	var order1, repeats, order2, name string
	items := 0
	for i := 0; i < len(r); {
		j := i
		o1 := ""
		if j < len(r) && isOrder(r[j]) {
			o1 = string(r[j])
			j++
		}
		k := j // repeats: ' *[(]?[ ,0-9]*[)]? *'
		for k < len(r) && r[k] == ' ' {
			k++
		}
		if k < len(r) && r[k] == '(' {
			k++
		}
		for k < len(r) && (r[k] == ' ' || r[k] == ',' || r[k] < 0x80 && isDigit(byte(r[k]))) {
			k++
		}
		if k < len(r) && r[k] == ')' {
			k++
		}
		for k < len(r) && r[k] == ' ' {
			k++
		}
		rep := string(r[j:k])
		o2 := ""
		if k < len(r) && isOrder(r[k]) {
			o2 = string(r[k])
			k++
		}
		j = k // the type: '[A-Za-z0-9.?]*(?:\[[a-zA-Z0-9,.]+\])?'
		for k < len(r) && (isAlnum(r[k]) || r[k] == '.' || r[k] == '?') {
			k++
		}
		if k < len(r) && r[k] == '[' {
			m := k + 1
			for m < len(r) && (isAlnum(r[m]) || r[m] == ',' || r[m] == '.') {
				m++
			}
			if m > k+1 && m < len(r) && r[m] == ']' {
				k = m + 1
			}
		}
		typ := string(r[j:k])
		i = k
		if items++; items > 1 {
			// Several items are a structured dtype (or an error): no Go element type.
			return dtype{kind: 'V', fields: true, name: "a structured dtype"}, nil
		}
		order1, repeats, order2, name = o1, rep, o2, typ
		if i < len(r) { // the rest is blank, or a separator
			k = i
			for k < len(r) && isSpace(r[k]) {
				k++
			}
			if k == len(r) && k > i {
				i = k
				continue
			}
			if k == len(r) || r[k] != ',' {
				return dtype{}, bad
			}
			for k++; k < len(r) && isSpace(r[k]); k++ {
			}
			i = k
		}
	}
	order := order1
	if order2 != "" {
		if order1 == "" {
			order = order2
		} else {
			conv := func(o string) string {
				if o == "=" {
					return string(nativeOrder)
				}
				return o
			}
			if conv(order1) != conv(order2) {
				return dtype{}, FormatError("descr %s has inconsistent byte orders", pyliteral.Quote(s))
			}
			order = conv(order1)
		}
	}
	if order == "|" || order == "=" || order == string(nativeOrder) {
		order = ""
	}
	name = order + name
	if repeats == "" {
		return descrString(name, depth+1)
	}
	n, err := pyliteral.Parse(repeats, false)
	if err != nil {
		return dtype{}, bad
	}
	base, err := descrString(name, depth+1)
	if err != nil {
		return base, err
	}
	return subarray(base, n, depth+1)
}

// goType returns the descr of a dtype NumPy gives, if a Go element type may hold it: every
// integer, float and complex type Go has, and bool and float16, which Read, Load and Map
// refuse with messages of their own.
func goType(t dtype) (descr, error) {
	d := descr{order: t.order, kind: t.kind, size: t.size}
	ok := false
	switch t.kind {
	case 'b', 'i', 'u':
		ok = !t.fields
	case 'f':
		ok = t.size <= 8
	case 'c':
		ok = t.size <= 16
	}
	switch {
	case t.fields:
		return d, FormatError("the descr is %s (a record array), which has no Go element type: ndview reads arrays of one numeric type", t.name)
	case !ok:
		return d, FormatError("the descr is NumPy's %s, which has no Go element type", t.name)
	}
	return d, nil
}

func (t dtype) String() string {
	if t.fields {
		return t.name
	}
	return fmt.Sprintf("%c%c%d", t.order, t.kind, t.size)
}
