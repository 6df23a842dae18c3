package gguf

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"

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

// methods are the public functions that are methods of File, whose Op is "gguf.File.X".
var methods = map[string]bool{
	"Close": true, "Info": true, "Kind": true, "ArrayOf": true, "Keys": true, "Names": true,
	"Version": true, "Alignment": true,
}

// public returns err as the error of the public function fn ("Open", "View", "Close"):
// ndview's one error type, with Op "gguf.fn" (or "gguf.File.fn" for a method), Path path
// when the error has none of its own, and the sentinels and cause kept for errors.Is and
// errors.As.
func public(fn, path string, err error) error {
	if err == nil {
		return nil
	}
	op := "gguf." + fn
	if methods[fn] {
		op = "gguf.File." + fn
	}
	switch e := err.(type) {
	case *problem:
		p := e.path
		if p == "" {
			p = path
		}
		out := &ndview.Error{Op: op, Path: p, Kind: e.kinds[0], Msg: e.msg}
		if len(e.kinds) > 1 {
			out.Err = e.kinds[1]
		}
		return out
	case *ndview.Error:
		c := *e
		c.Op = op // the call the user made, not the one it made inside (MapFile, Cast, ...)
		if c.Path == "" {
			c.Path = path
		}
		return &c
	}
	// An I/O error: keep the *fs.PathError (which names the file) as the cause, without
	// the wrapping of the internal call that met it (MapFile).
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &ndview.Error{Op: op, Err: pe}
	}
	return &ndview.Error{Op: op, Path: path, Err: err}
}

// quote quotes a name or key for a message, as Go quotes strings (GGUF does not promise
// UTF-8, and a message must not carry raw control bytes).
func quote(s string) string { return strconv.Quote(s) }
