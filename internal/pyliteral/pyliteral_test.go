package pyliteral

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

// The parser on its own: what it reads, and how it refuses.
func TestParse(t *testing.T) {
	for _, tt := range parseCases {
		v, err := Parse(tt.src, tt.filter)
		got := "error"
		if err == nil {
			got = v.String()
		} else if se := (*SyntaxError)(nil); !errors.As(err, &se) {
			t.Errorf("%q: %v is not a *SyntaxError", tt.src, err)
		}
		if got != tt.want {
			t.Errorf("Parse(%q, %v) = %s (%v), want %s", clip(tt.src), tt.filter, got, err, tt.want)
		}
	}
}

var parseCases = []struct {
	src    string
	filter bool
	want   string // the value's repr, or "error"
}{
	{"{'a': (1, 2), 'b': [True, None], 'c': {1, 2}}", false, "{'a': (1, 2), 'b': [True, None], 'c': {1, 2}}"},
	{"('a' \"b\" '''c''')", false, "'abc'"},
	{`'\x41\101\u0041\U00000041\n\'\q'`, false, `"AAAA\n'\\q"`},
	{"r'\\x41'", false, `'\\x41'`},
	{"b'\\x41\\u0041'", false, `b'A\\u0041'`},
	{"(0x_F, 0o17, 0b1111, 1_5, +15, -15, 00)", false, "(15, 15, 15, 15, 15, -15, 0)"},
	{"99999999999999999999", false, "(an integer beyond 64 bits)"},
	{"(3L, 4 L)", true, "(3, 4)"},
	{"(3L,)", false, "error"},
	{"1+2j", false, "(a complex)"},
	{"1+2", false, "error"},
	{"--1", false, "error"},
	{"-(1)", false, "-1"},
	{"set()", false, "set()"},
	{"set(())", false, "error"},
	{"{[1]: 2}", false, "error"},
	{"{(1, [2])}", false, "error"},
	{"f'a'", false, "error"},
	{"'a' b'b'", false, "error"},
	{"x", false, "error"},
	{"1,", false, "(1,)"},
	{"(1,,)", false, "error"},
	{"'\\N{BULLET}'", false, "error"},
	{"  1 # c\n\n", false, "1"},
	{"\n 1", false, "error"},
	{"\f 1", false, "error"},
	{"\f 1", true, "1"},
	{"\n\f1", false, "1"},
	{"\n\f1", true, "error"},
	{strings.Repeat("(", 200) + strings.Repeat(")", 200), false, "()"},
	{strings.Repeat("(", 201) + strings.Repeat(")", 201), false, "error"},
	{"1" + strings.Repeat("0", 4300), false, "error"},
	{strings.Repeat("0", 4400), false, "0"},
	{"'a\x00'", false, "error"},
}

// FuzzParse feeds Python source to the parser, as literal_eval and as NumPy's filtered
// header reader: it must not panic, must refuse with a *SyntaxError, and what it accepts
// must come back the same through String where String writes Python's repr (values
// without floats, complex numbers, Ellipsis, ints beyond 64 bits, non-ASCII bytes, and
// containers short enough not to be clipped): the repr parses to an equal value, whose
// repr is the same. Seeds: the headers of the NumPy corpus and the table of TestParse.
func FuzzParse(f *testing.F) {
	b, err := os.ReadFile("../npyformat/testdata/headers.json")
	if err != nil {
		f.Fatal(err)
	}
	var c struct {
		Entries []struct {
			Header *string `json:"header"`
		} `json:"entries"`
	}
	if err := json.Unmarshal(b, &c); err != nil {
		f.Fatal(err)
	}
	for _, e := range c.Entries {
		if e.Header != nil && len(*e.Header) < 300 {
			f.Add(*e.Header, false)
			f.Add(*e.Header, true)
		}
	}
	for _, tt := range parseCases {
		if len(tt.src) < 300 {
			f.Add(tt.src, tt.filter)
		}
	}
	f.Fuzz(func(t *testing.T, src string, filter bool) {
		v, err := Parse(src, filter)
		if err != nil {
			if se := (*SyntaxError)(nil); !errors.As(err, &se) || se.Msg == "" {
				t.Fatalf("error %v (%T) is not a *SyntaxError with a message", err, err)
			}
			return
		}
		if !utf8.ValidString(src) || !faithful(v) { // Python source is UTF-8
			return
		}
		repr := v.String()
		w, err := Parse(repr, false)
		if err != nil {
			t.Fatalf("Parse(%q) = %s, whose repr does not parse: %v", src, repr, err)
		}
		if !equal(v, w) || w.String() != repr {
			t.Fatalf("Parse(%q) = %s, whose repr parses to %s", src, repr, w)
		}
	})
}

// faithful reports whether v.String() is Python's repr of v: no value String abbreviates,
// no container clipped.
func faithful(v Value) bool {
	switch v.Kind {
	case Float, Complex, Ellipsis:
		return false
	case Int:
		return !v.big
	case Bytes:
		for i := 0; i < len(v.Str); i++ {
			if v.Str[i] >= 0x80 {
				return false
			}
		}
		return true
	case Tuple, List, Set, Dict:
		for _, x := range v.Items {
			if !faithful(x) {
				return false
			}
		}
		return len(v.String()) <= 80
	}
	return true
}

// equal reports whether two values are the same Python value (whatever syntax wrote them).
func equal(a, b Value) bool {
	if a.Kind != b.Kind || a.Truth != b.Truth || a.Str != b.Str || a.mag != b.mag || a.neg != b.neg || a.big != b.big || len(a.Items) != len(b.Items) {
		return false
	}
	for i := range a.Items {
		if !equal(a.Items[i], b.Items[i]) {
			return false
		}
	}
	return true
}
