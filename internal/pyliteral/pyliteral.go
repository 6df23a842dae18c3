// Package pyliteral parses Python literals as Python 3.11's ast.literal_eval reads them, for
// the headers of NumPy's .npy files.
//
// A .npy header is the repr of a Python dict, which np.load reads back with
// ast.literal_eval (numpy/lib/format.py, _read_array_header), after _filter_header has
// removed Python 2's 'L' suffixes from the numbers of format 1.0 and 2.0 headers. To accept
// exactly the headers np.load accepts, whatever wrote them, ndview reads the same language,
// no more and no less: Parse is a strict parser of the literals literal_eval takes, strings
// and bytes (with prefixes, escapes and implicit concatenation), numbers (ints of any size
// and base, floats, imaginary numbers), True, False, None and ..., tuples, lists, sets,
// dicts and set(), a sign before a number and a complex number written as a sum, with
// comments, line breaks inside brackets and line continuations as Python's tokenizer reads
// them. It builds values and evaluates nothing; anything else (names, calls, operators,
// f-strings) is an error. Only what a header needs is kept of a value: ints exactly,
// strings and bytes, the items of containers; floats and complex numbers are recognized
// but carry no value.
//
// Limits are Python's: 200 nested brackets, 4300 digits in a decimal integer. One escape is
// not read: \N{name}, which would need the Unicode name table; a literal using it is refused.
package pyliteral

import (
	"fmt"
	"math"
	"math/bits"
	"strings"
	"unicode/utf8"
)

// SyntaxError is the error of Parse: what in the source is not a literal, and where.
type SyntaxError struct {
	Msg string
}

func (e *SyntaxError) Error() string { return "pyliteral: " + e.Msg }

func syntaxError(format string, args ...any) error {
	return &SyntaxError{Msg: fmt.Sprintf(format, args...)}
}

// Kind is the type of a Python value.
type Kind uint8

const (
	None Kind = iota + 1
	Ellipsis
	Bool
	Int
	Float
	Complex
	Str
	Bytes
	Tuple
	List
	Set
	Dict
)

var kindNames = [...]string{"", "None", "Ellipsis", "bool", "int", "float", "complex", "str", "bytes", "tuple", "list", "set", "dict"}

func (k Kind) String() string { return kindNames[k] }

// node is the syntax a value was written with, which decides what ast.literal_eval takes:
// a sign only before a number, a sum only of a real number and an imaginary one.
type node uint8

const (
	nodeConst   node = iota // a constant, parenthesized or not
	nodeSigned              // +x or -x of a numeric constant
	nodeSum                 // a complex number written as a sum or difference: 1+2j
	nodeDisplay             // a tuple, list, set or dict display, or set()
)

// Value is a Python value read by Parse.
type Value struct {
	Kind  Kind
	Truth bool    // Bool
	Str   string  // Str (UTF-8) and Bytes
	Items []Value // Tuple, List, Set; Dict: key, value, key, value, ... (a repeated key kept)

	node node
	mag  uint64 // Int: the magnitude
	neg  bool   // Int: negative (never with a zero magnitude)
	big  bool   // Int: the magnitude does not fit 64 bits
}

// Int64 returns an int's value if it fits an int64.
func (v Value) Int64() (int64, bool) {
	switch {
	case v.Kind != Int || v.big:
		return 0, false
	case v.neg && v.mag <= 1<<63:
		return -int64(v.mag-1) - 1, true
	case !v.neg && v.mag <= math.MaxInt64:
		return int64(v.mag), true
	}
	return 0, false
}

// hashable reports whether v can be a dict key or set element (Python raises TypeError
// otherwise).
func (v Value) hashable() bool {
	switch v.Kind {
	case List, Set, Dict:
		return false
	case Tuple:
		for _, x := range v.Items {
			if !x.hashable() {
				return false
			}
		}
	}
	return true
}

// String returns Python's repr of the value, for error messages (short values only).
func (v Value) String() string {
	switch v.Kind {
	case None, Ellipsis:
		return v.Kind.String()
	case Bool:
		return reprBool(v.Truth)
	case Int:
		if v.big {
			return "(an integer beyond 64 bits)"
		}
		if v.neg {
			return fmt.Sprintf("-%d", v.mag)
		}
		return fmt.Sprintf("%d", v.mag)
	case Float, Complex:
		return "(a " + v.Kind.String() + ")"
	case Str:
		return Quote(v.Str)
	case Bytes:
		return "b" + Quote(v.Str)
	}
	open, close := "(", ")"
	switch v.Kind {
	case List:
		open, close = "[", "]"
	case Set:
		if len(v.Items) == 0 {
			return "set()"
		}
		open, close = "{", "}"
	case Dict:
		open, close = "{", "}"
	}
	var b strings.Builder
	b.WriteString(open)
	for i, x := range v.Items {
		switch {
		case i == 0:
		case v.Kind == Dict && i%2 == 1:
			b.WriteString(": ")
		default:
			b.WriteString(", ")
		}
		b.WriteString(x.String())
	}
	if v.Kind == Tuple && len(v.Items) == 1 {
		b.WriteString(",")
	}
	b.WriteString(close)
	return clip(b.String())
}

// Quote quotes s as Python's repr does, near enough for messages.
func Quote(s string) string {
	q := fmt.Sprintf("%q", s)
	if !strings.Contains(s, "'") {
		q = "'" + strings.ReplaceAll(q[1:len(q)-1], `\"`, `"`) + "'"
	}
	return q
}

// Parse parses src as ast.literal_eval does: one expression, on one logical line. With
// filter set, it reads src as NumPy reads a format 1.0 or 2.0 .npy header, through
// _filter_header: 'L' after a number is dropped, and the first line may start with any
// blank characters.
//
// Parse returns a *SyntaxError for anything literal_eval refuses.
func Parse(src string, filter bool) (Value, error) {
	if strings.IndexByte(src, 0) >= 0 {
		return Value{}, syntaxError("the header holds a NUL character, which Python source cannot")
	}
	// Python reads "\r\n" and "\r" as "\n".
	src = strings.ReplaceAll(strings.ReplaceAll(src, "\r\n", "\n"), "\r", "\n")
	if !filter {
		src = strings.TrimLeft(src, " \t") // as literal_eval does
	}
	p := &parser{lx: lexer{src: src, filter: filter, bol: true, firstLine: true}}
	if err := p.advance(); err != nil {
		return Value{}, err
	}
	if p.tok.kind == tEOF {
		return Value{}, syntaxError("the header is empty")
	}
	v, err := p.expr()
	if err != nil {
		return Value{}, err
	}
	if p.isOp(",") { // a tuple without parentheses
		items := []Value{v}
		for p.isOp(",") {
			if err := p.advance(); err != nil {
				return Value{}, err
			}
			if p.tok.kind == tNewline || p.tok.kind == tEOF {
				break
			}
			x, err := p.expr()
			if err != nil {
				return Value{}, err
			}
			items = append(items, x)
		}
		v = Value{Kind: Tuple, node: nodeDisplay, Items: items}
	}
	if p.tok.kind == tNewline {
		if err := p.advance(); err != nil {
			return Value{}, err
		}
	}
	if p.tok.kind != tEOF {
		return Value{}, syntaxError("unexpected %s after the value at byte %d", p.tok, p.tok.pos)
	}
	return v, nil
}

type parser struct {
	lx  lexer
	tok token
}

func (p *parser) advance() error {
	t, err := p.lx.next()
	p.tok = t
	return err
}

func (p *parser) isOp(s string) bool { return p.tok.kind == tOp && p.tok.text == s }

// expect consumes the operator s.
func (p *parser) expect(s string) error {
	if !p.isOp(s) {
		return syntaxError("expected %q, found %s at byte %d", s, p.tok, p.tok.pos)
	}
	return p.advance()
}

// expr parses an expression: a signed value, or a complex number written as a sum.
func (p *parser) expr() (Value, error) {
	left, err := p.signed()
	if err != nil {
		return left, err
	}
	for p.isOp("+") || p.isOp("-") {
		pos := p.tok.pos
		if err := p.advance(); err != nil {
			return left, err
		}
		right, err := p.signed()
		if err != nil {
			return left, err
		}
		// literal_eval: a real number (signed or not) plus or minus an imaginary constant.
		if left.node == nodeSum || left.node == nodeDisplay || (left.Kind != Int && left.Kind != Float) ||
			right.node != nodeConst || right.Kind != Complex {
			return left, syntaxError("not a literal at byte %d: only a complex number may be written as a sum", pos)
		}
		left = Value{Kind: Complex, node: nodeSum}
	}
	return left, nil
}

// signed parses a value with an optional sign, which literal_eval takes before a number only.
func (p *parser) signed() (Value, error) {
	if !p.isOp("+") && !p.isOp("-") {
		return p.primary()
	}
	neg, pos := p.tok.text == "-", p.tok.pos
	if err := p.advance(); err != nil {
		return Value{}, err
	}
	if p.isOp("+") || p.isOp("-") {
		return Value{}, syntaxError("not a literal at byte %d: two signs", pos)
	}
	v, err := p.primary()
	if err != nil {
		return v, err
	}
	if v.node != nodeConst || (v.Kind != Int && v.Kind != Float && v.Kind != Complex) {
		return v, syntaxError("not a literal at byte %d: a sign before %s", pos, v.Kind)
	}
	v.node = nodeSigned
	if neg && v.mag != 0 {
		v.neg = true
	}
	return v, nil
}

// primary parses an atom, which no call, subscript or attribute may follow.
func (p *parser) primary() (Value, error) {
	v, err := p.atom()
	if err == nil && (p.isOp("(") || p.isOp("[")) {
		err = syntaxError("not a literal at byte %d: a call or subscript", p.tok.pos)
	}
	return v, err
}

func (p *parser) atom() (Value, error) {
	t := p.tok
	switch t.kind {
	case tNumber:
		return t.val, p.advance()
	case tString:
		v := t.val
		fstr := t.fstr
		if err := p.advance(); err != nil {
			return v, err
		}
		for p.tok.kind == tString { // implicit concatenation
			if p.tok.val.Kind != v.Kind {
				return v, syntaxError("cannot concatenate str and bytes at byte %d", p.tok.pos)
			}
			v.Str += p.tok.val.Str
			fstr = fstr || p.tok.fstr
			if err := p.advance(); err != nil {
				return v, err
			}
		}
		if fstr {
			return v, syntaxError("not a literal at byte %d: an f-string", t.pos)
		}
		return v, nil
	case tName:
		switch t.text {
		case "True", "False":
			return Value{Kind: Bool, Truth: t.text == "True"}, p.advance()
		case "None":
			return Value{Kind: None}, p.advance()
		case "set": // set() is the one call literal_eval reads
			if err := p.advance(); err != nil {
				return Value{}, err
			}
			if err := p.expect("("); err != nil {
				return Value{}, err
			}
			return Value{Kind: Set, node: nodeDisplay}, p.expect(")")
		}
		return Value{}, syntaxError("not a literal at byte %d: the name %q", t.pos, t.text)
	case tOp:
		switch t.text {
		case "...":
			return Value{Kind: Ellipsis}, p.advance()
		case "(":
			if err := p.advance(); err != nil {
				return Value{}, err
			}
			if p.isOp(")") {
				return Value{Kind: Tuple, node: nodeDisplay}, p.advance()
			}
			v, err := p.expr()
			if err != nil {
				return v, err
			}
			if p.isOp(")") { // parentheses around a value change nothing
				return v, p.advance()
			}
			if err := p.expect(","); err != nil {
				return v, err
			}
			items, err := p.items([]Value{v}, ")")
			return Value{Kind: Tuple, node: nodeDisplay, Items: items}, err
		case "[":
			if err := p.advance(); err != nil {
				return Value{}, err
			}
			items, err := p.items(nil, "]")
			return Value{Kind: List, node: nodeDisplay, Items: items}, err
		case "{":
			return p.braces()
		}
	case tNewline, tEOF:
		return Value{}, syntaxError("the header ends where a value should be")
	}
	return Value{}, syntaxError("unexpected %s at byte %d", t, t.pos)
}

// items parses comma-separated values up to the closing bracket, a trailing comma allowed,
// after the opening bracket (and any first items and their comma).
func (p *parser) items(items []Value, close string) ([]Value, error) {
	for !p.isOp(close) {
		v, err := p.expr()
		if err != nil {
			return nil, err
		}
		items = append(items, v)
		if p.isOp(close) {
			break
		}
		if err := p.expect(","); err != nil {
			return nil, err
		}
	}
	return items, p.advance()
}

// braces parses a dict or a set display.
func (p *parser) braces() (Value, error) {
	if err := p.advance(); err != nil {
		return Value{}, err
	}
	if p.isOp("}") {
		return Value{Kind: Dict, node: nodeDisplay}, p.advance()
	}
	first, err := p.expr()
	if err != nil {
		return first, err
	}
	if !p.isOp(":") {
		if p.isOp(",") {
			if err := p.advance(); err != nil {
				return first, err
			}
		} else if !p.isOp("}") {
			return first, p.expect("}")
		}
		items, err := p.items([]Value{first}, "}")
		if err != nil {
			return Value{}, err
		}
		for _, x := range items {
			if !x.hashable() {
				return Value{}, syntaxError("a set holds a %s, which is unhashable", x.Kind)
			}
		}
		return Value{Kind: Set, node: nodeDisplay, Items: items}, nil
	}
	items := []Value{first}
	for {
		if err := p.expect(":"); err != nil {
			return Value{}, err
		}
		v, err := p.expr()
		if err != nil {
			return Value{}, err
		}
		items = append(items, v)
		if p.isOp("}") {
			break
		}
		if err := p.expect(","); err != nil {
			return Value{}, err
		}
		if p.isOp("}") {
			break
		}
		k, err := p.expr()
		if err != nil {
			return Value{}, err
		}
		items = append(items, k)
	}
	for i := 0; i < len(items); i += 2 {
		if !items[i].hashable() {
			return Value{}, syntaxError("a dict key is a %s, which is unhashable", items[i].Kind)
		}
	}
	return Value{Kind: Dict, node: nodeDisplay, Items: items}, p.advance()
}

// Tokens.

type tokKind uint8

const (
	tEOF     tokKind = iota
	tNewline         // the end of the logical line
	tOp              // ( ) [ ] { } , : + - ...
	tName
	tNumber
	tString
)

type token struct {
	kind tokKind
	text string // tOp, tName
	val  Value  // tNumber, tString
	fstr bool   // tString: an f-string, which is not a literal
	pos  int
}

func (t token) String() string {
	switch t.kind {
	case tEOF:
		return "end of the header"
	case tNewline:
		return "line break"
	case tNumber:
		return "number " + t.val.String()
	case tString:
		return "string " + t.val.String()
	}
	return fmt.Sprintf("%q", t.text)
}

// lexer splits a literal into Python's tokens, as CPython's tokenizer does.
type lexer struct {
	src       string
	pos       int
	filter    bool   // a format 1.0 or 2.0 header, read through NumPy's _filter_header
	bol       bool   // at the beginning of a physical line
	firstLine bool   // no line break read yet
	onLine    bool   // a token was read on this logical line
	brackets  []byte // the open brackets
}

const (
	maxBrackets  = 200  // CPython's MAXLEVEL: "too many nested parentheses"
	maxIntDigits = 4300 // Python's default sys.get_int_max_str_digits()
)

func isDigit(c byte) bool      { return '0' <= c && c <= '9' }
func isIdentStart(c byte) bool { return c == '_' || 'a' <= c|0x20 && c|0x20 <= 'z' }

// isIdentChar reports whether c continues a name or number; bytes of non-ASCII characters
// count, as Python's names may hold letters of any script.
func isIdentChar(c byte) bool { return isIdentStart(c) || isDigit(c) || c >= 0x80 }

func (l *lexer) next() (token, error) {
	s := l.src
	for {
		if l.bol {
			l.bol = false
			start, col := l.pos, 0
		indent:
			for ; l.pos < len(s); l.pos++ {
				switch s[l.pos] {
				case ' ':
					col++
				case '\t':
					col = (col/8 + 1) * 8
				case '\f':
					col = 0
				default:
					break indent
				}
			}
			blank := l.pos == len(s) || s[l.pos] == '#' || s[l.pos] == '\n'
			if !blank && len(l.brackets) == 0 {
				// Python refuses an indented line. _filter_header rewrites a 1.0 or 2.0
				// header with tokenize.untokenize, which turns the first line's leading
				// blanks into spaces (removed by literal_eval) and keeps later lines' in a
				// form Python refuses.
				indented := col != 0
				if l.filter {
					indented = !l.firstLine && l.pos > start
				}
				if indented {
					return token{}, syntaxError("unexpected indentation at byte %d", l.pos)
				}
			}
		}
		if l.pos >= len(s) {
			if len(l.brackets) > 0 {
				return token{}, syntaxError("the header ends inside %q", l.brackets[len(l.brackets)-1])
			}
			return token{kind: tEOF, pos: l.pos}, nil
		}
		c := s[l.pos]
		switch c {
		case ' ', '\t', '\f':
			l.pos++
			continue
		case '#':
			for l.pos < len(s) && s[l.pos] != '\n' {
				l.pos++
			}
			continue
		case '\\':
			if l.pos+1 < len(s) && s[l.pos+1] == '\n' {
				l.pos += 2
				l.firstLine = false
				if l.pos == len(s) {
					return token{}, syntaxError("the header ends after a line continuation")
				}
				continue
			}
			return token{}, syntaxError("a backslash outside a string at byte %d", l.pos)
		case '\n':
			l.pos++
			l.firstLine, l.bol = false, true
			if len(l.brackets) == 0 && l.onLine {
				l.onLine = false
				return token{kind: tNewline, pos: l.pos - 1}, nil
			}
			continue
		}
		l.onLine = true
		pos := l.pos
		switch {
		case isDigit(c) || c == '.' && l.pos+1 < len(s) && isDigit(s[l.pos+1]):
			return l.number()
		case c == '.':
			if strings.HasPrefix(s[l.pos:], "...") {
				l.pos += 3
				return token{kind: tOp, text: "...", pos: pos}, nil
			}
		case c == '\'' || c == '"':
			return l.string("")
		case isIdentStart(c):
			for l.pos < len(s) && isIdentChar(s[l.pos]) {
				l.pos++
			}
			name := s[pos:l.pos]
			if l.pos < len(s) && (s[l.pos] == '\'' || s[l.pos] == '"') {
				switch strings.ToLower(name) {
				case "r", "u", "b", "br", "rb", "f", "fr", "rf":
					return l.string(name)
				}
			}
			return token{kind: tName, text: name, pos: pos}, nil
		case c == '(' || c == '[' || c == '{':
			if len(l.brackets) >= maxBrackets {
				return token{}, syntaxError("more than %d nested brackets, which Python refuses", maxBrackets)
			}
			l.brackets = append(l.brackets, c)
			l.pos++
			return token{kind: tOp, text: string(c), pos: pos}, nil
		case c == ')' || c == ']' || c == '}':
			open := byte('(')
			if c != ')' {
				open = c - 2 // '[' and '{' are two before ']' and '}'
			}
			if len(l.brackets) == 0 || l.brackets[len(l.brackets)-1] != open {
				return token{}, syntaxError("unmatched %q at byte %d", c, pos)
			}
			l.brackets = l.brackets[:len(l.brackets)-1]
			l.pos++
			return token{kind: tOp, text: string(c), pos: pos}, nil
		case c == ',' || c == ':' || c == '+' || c == '-':
			l.pos++
			return token{kind: tOp, text: string(c), pos: pos}, nil
		}
		r, _ := utf8.DecodeRuneInString(s[l.pos:])
		return token{}, syntaxError("unexpected character %q at byte %d", r, pos)
	}
}

// number reads a Python number: an int in any base, a float, or an imaginary number.
func (l *lexer) number() (token, error) {
	s, start := l.src, l.pos
	bad := func(what string) (token, error) {
		end := l.pos
		for end < len(s) && isIdentChar(s[end]) {
			end++
		}
		return token{}, syntaxError("invalid %s %q at byte %d", what, s[start:max(end, l.pos)], start)
	}
	v := Value{Kind: Int}
	// digits reads digits of a base, with single underscores between them, into v.
	digits := func(base uint64, underscoreFirst bool) (n int) {
		for {
			p := l.pos
			if p < len(s) && s[p] == '_' && (n > 0 || underscoreFirst) {
				p++
			}
			if p >= len(s) {
				return n
			}
			d := uint64(36)
			switch c := s[p]; {
			case isDigit(c):
				d = uint64(c - '0')
			case 'a' <= c|0x20 && c|0x20 <= 'f':
				d = uint64(c|0x20-'a') + 10
			}
			if d >= base {
				return n
			}
			hi, lo := mulAdd(v.mag, base, d)
			v.mag, v.big = lo, v.big || hi != 0
			l.pos = p + 1
			n++
		}
	}
	if s[l.pos] == '0' && l.pos+1 < len(s) && strings.IndexByte("xXoObB", s[l.pos+1]) >= 0 {
		base := map[byte]uint64{'x': 16, 'o': 8, 'b': 2}[s[l.pos+1]|0x20]
		l.pos += 2
		if digits(base, true) == 0 {
			return bad("number")
		}
	} else {
		intStart := l.pos
		n := digits(10, false)
		intEnd := l.pos
		float := false
		if l.pos < len(s) && s[l.pos] == '.' {
			l.pos++
			float = true
			digits(10, false)
		}
		if l.pos < len(s) && s[l.pos]|0x20 == 'e' {
			p := l.pos + 1
			if p < len(s) && (s[p] == '+' || s[p] == '-') {
				p++
			}
			if p >= len(s) || !isDigit(s[p]) {
				return bad("decimal literal")
			}
			l.pos = p
			digits(10, false)
			float = true
		}
		switch {
		case l.pos < len(s) && s[l.pos]|0x20 == 'j':
			l.pos++
			v = Value{Kind: Complex}
		case float:
			v = Value{Kind: Float}
		default:
			text := strings.ReplaceAll(s[intStart:intEnd], "_", "")
			if text[0] == '0' && strings.Trim(text, "0") != "" {
				return bad("decimal literal (leading zeros)")
			}
			if text[0] != '0' && n > maxIntDigits {
				return token{}, syntaxError("an integer of %d digits at byte %d: Python refuses more than %d", n, start, maxIntDigits)
			}
		}
	}
	end := l.pos
	if l.filter {
		// _filter_header drops the name L after a number (and after a dropped L).
		for {
			p := l.pos
			for p < len(s) {
				if s[p] == ' ' || s[p] == '\t' || s[p] == '\f' {
					p++
				} else if s[p] == '\\' && p+1 < len(s) && s[p+1] == '\n' {
					p += 2
				} else {
					break
				}
			}
			if p < len(s) && s[p] == 'L' && (p+1 == len(s) || !isIdentChar(s[p+1])) {
				if strings.Contains(s[l.pos:p], "\n") {
					l.firstLine = false
				}
				l.pos = p + 1
				continue
			}
			break
		}
	}
	if l.pos == end && l.pos < len(s) && isIdentChar(s[l.pos]) {
		return bad("number")
	}
	return token{kind: tNumber, val: v, pos: start}, nil
}

// mulAdd returns a*b+c as a 128-bit number (hi, lo).
func mulAdd(a, b, c uint64) (hi, lo uint64) {
	hi, lo = bits.Mul64(a, b)
	var carry uint64
	lo, carry = bits.Add64(lo, c, 0)
	return hi + carry, lo
}

// string reads a string or bytes literal after its prefix, and decodes its escapes.
func (l *lexer) string(prefix string) (token, error) {
	s, start := l.src, l.pos-len(prefix)
	p := strings.ToLower(prefix)
	raw, isBytes := strings.Contains(p, "r"), strings.Contains(p, "b")
	q := s[l.pos]
	triple := strings.HasPrefix(s[l.pos:], strings.Repeat(string(q), 3))
	if triple {
		l.pos += 3
	} else {
		l.pos++
	}
	body := l.pos
	var text string
	for {
		if l.pos >= len(s) {
			return token{}, syntaxError("a string at byte %d does not end", start)
		}
		c := s[l.pos]
		if c == '\\' {
			if l.pos+1 >= len(s) {
				return token{}, syntaxError("a string at byte %d does not end", start)
			}
			if s[l.pos+1] == '\n' {
				l.firstLine = false
			}
			l.pos += 2
			continue
		}
		if c == q && !triple {
			text = s[body:l.pos]
			l.pos++
			break
		}
		if c == q && strings.HasPrefix(s[l.pos:], strings.Repeat(string(q), 3)) {
			text = s[body:l.pos]
			l.pos += 3
			break
		}
		if c == '\n' {
			if !triple {
				return token{}, syntaxError("a line break inside the string at byte %d", start)
			}
			l.firstLine = false
		}
		if isBytes && c >= 0x80 {
			return token{}, syntaxError("a bytes literal at byte %d holds a non-ASCII character", start)
		}
		l.pos++
	}
	v := Value{Kind: Str, Str: text}
	if isBytes {
		v.Kind = Bytes
	}
	if !raw {
		var err error
		if v.Str, err = unescape(text, isBytes); err != nil {
			return token{}, withPos(err, start)
		}
	}
	return token{kind: tString, val: v, fstr: strings.Contains(p, "f"), pos: start}, nil
}

func withPos(err error, pos int) error {
	e := err.(*SyntaxError)
	e.Msg += fmt.Sprintf(" (in the string at byte %d)", pos)
	return e
}

// unescape decodes the backslash escapes of a Python string or bytes literal.
func unescape(s string, isBytes bool) (string, error) {
	if strings.IndexByte(s, '\\') < 0 {
		return s, nil
	}
	var b strings.Builder
	put := func(r rune) {
		if isBytes {
			b.WriteByte(byte(r))
		} else {
			b.WriteRune(r) // a lone surrogate becomes U+FFFD; no descr or key holds one
		}
	}
	hex := func(i, n int) (rune, bool) {
		if i+n > len(s) {
			return 0, false
		}
		var r rune
		for _, c := range []byte(s[i : i+n]) {
			switch {
			case isDigit(c):
				r = r<<4 | rune(c-'0')
			case 'a' <= c|0x20 && c|0x20 <= 'f':
				r = r<<4 | rune(c|0x20-'a'+10)
			default:
				return 0, false
			}
		}
		return r, true
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c != '\\' {
			b.WriteByte(c)
			i++
			continue
		}
		e := s[i+1] // the lexer saw to it that a character follows
		i += 2
		switch e {
		case '\n':
		case '\\', '\'', '"':
			b.WriteByte(e)
		case 'a':
			b.WriteByte(7)
		case 'b':
			b.WriteByte(8)
		case 'f':
			b.WriteByte(12)
		case 'n':
			b.WriteByte(10)
		case 'r':
			b.WriteByte(13)
		case 't':
			b.WriteByte(9)
		case 'v':
			b.WriteByte(11)
		case '0', '1', '2', '3', '4', '5', '6', '7':
			r := rune(e - '0')
			for k := 0; k < 2 && i < len(s) && '0' <= s[i] && s[i] <= '7'; k++ {
				r = r<<3 | rune(s[i]-'0')
				i++
			}
			put(r)
		case 'x':
			r, ok := hex(i, 2)
			if !ok {
				return "", syntaxError(`a truncated \x escape`)
			}
			put(r)
			i += 2
		case 'u', 'U', 'N':
			if isBytes { // not escapes in bytes
				b.WriteByte('\\')
				b.WriteByte(e)
				continue
			}
			if e == 'N' {
				return "", syntaxError(`a \N{...} escape, which ndview does not read`)
			}
			n := 4
			if e == 'U' {
				n = 8
			}
			r, ok := hex(i, n)
			if !ok || r > utf8.MaxRune {
				return "", syntaxError(`a bad \%c escape`, e)
			}
			put(r)
			i += n
		default: // not an escape: the backslash stays
			b.WriteByte('\\')
			b.WriteByte(e)
		}
	}
	return b.String(), nil
}

func reprBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}
