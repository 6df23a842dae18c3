package safetensors

import (
	"fmt"
	"strings"

	"github.com/ndview/ndview"
)

// problem is an error found inside the package, before the public function that reports it
// is known: public turns it into an error naming that function.
type problem struct {
	kinds []error // ndview sentinels: one, or ErrFormat and ErrOverflow for a number that overflows
	path  string  // the file, once known
	msg   string
}

func (p *problem) Error() string   { return "ndview: " + p.msg }
func (p *problem) Unwrap() []error { return p.kinds }

func errorf(kind error, format string, args ...any) error {
	return &problem{kinds: []error{kind}, msg: fmt.Sprintf(format, args...)}
}

// overflowf returns a problem wrapping both ndview.ErrFormat and ndview.ErrOverflow: a
// number in the file that overflows what it must fit.
func overflowf(format string, args ...any) error {
	return &problem{kinds: []error{ndview.ErrFormat, ndview.ErrOverflow}, msg: fmt.Sprintf(format, args...)}
}

// methods are the public functions that are methods of File, whose Op is "safetensors.File.X".
var methods = map[string]bool{"Close": true, "Info": true, "Bytes": true, "Names": true, "Metadata": true}

// public returns err as the error of the public function fn ("Open", "View", "Close"):
// ndview's one error type, with Op "safetensors.fn" (or "safetensors.File.fn" for a method),
// the message behind context when it is not empty, and the sentinels and cause kept for
// errors.Is and errors.As.
func public(fn, context string, err error) error {
	if err == nil {
		return nil
	}
	op := "safetensors." + fn
	if methods[fn] {
		op = "safetensors.File." + fn
	}
	prefix := ""
	if context != "" {
		prefix = context + ": "
	}
	switch e := err.(type) {
	case *problem:
		out := &ndview.Error{Op: op, Path: e.path, Kind: e.kinds[0], Msg: prefix + e.msg}
		if len(e.kinds) > 1 {
			out.Err = e.kinds[1]
		}
		return out
	case *ndview.Error:
		c := *e
		c.Op = op // the call the user made, not the one it made inside (MapFile, say)
		c.Msg = prefix + c.Msg
		return &c
	}
	return &ndview.Error{Op: op, Msg: strings.TrimSuffix(prefix, ": "), Err: err}
}
