// Package fileerr is how the file-format packages (safetensors, gguf) build ndview's one
// error type: a Problem found inside a package, before the public call that reports it is
// known, and Public, which turns any error into an *ndview.Error naming that call.
package fileerr

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/ndview/ndview"
)

// Problem is an error found inside a package: its sentinels, the file once known, and what
// is wrong.
type Problem struct {
	Kinds []error // ndview sentinels: one, or ErrFormat and ErrOverflow for a number that overflows
	Path  string  // the file, once known
	Msg   string
}

func (p *Problem) Error() string   { return "ndview: " + p.Msg }
func (p *Problem) Unwrap() []error { return p.Kinds }

// Errorf returns a Problem of one sentinel.
func Errorf(kind error, format string, args ...any) error {
	return &Problem{Kinds: []error{kind}, Msg: fmt.Sprintf(format, args...)}
}

// Overflowf returns a Problem wrapping both ndview.ErrFormat and ndview.ErrOverflow: a
// number in a file that overflows what it must fit.
func Overflowf(format string, args ...any) error {
	return &Problem{Kinds: []error{ndview.ErrFormat, ndview.ErrOverflow}, Msg: fmt.Sprintf(format, args...)}
}

// Public returns err as the error of the public call op ("gguf.Open",
// "safetensors.File.Close"): ndview's one error type, with Path path where err names no
// file of its own, the message behind context when context is not empty, and the
// sentinels and cause kept for errors.Is and errors.As. An ndview error met inside (from
// MapFile, say) is relabelled with the call the user made; an I/O error keeps its
// *fs.PathError, which names the file, as the cause.
func Public(op, path, context string, err error) error {
	if err == nil {
		return nil
	}
	prefix := ""
	if context != "" {
		prefix = context + ": "
	}
	switch e := err.(type) {
	case *Problem:
		p := e.Path
		if p == "" {
			p = path
		}
		out := &ndview.Error{Op: op, Path: p, Kind: e.Kinds[0], Msg: prefix + e.Msg}
		if len(e.Kinds) > 1 {
			out.Err = e.Kinds[1]
		}
		return out
	case *ndview.Error:
		c := *e
		c.Op = op
		c.Msg = prefix + c.Msg
		if c.Path == "" {
			c.Path = path
		}
		return &c
	}
	var pe *fs.PathError
	if context == "" && errors.As(err, &pe) {
		return &ndview.Error{Op: op, Err: pe}
	}
	return &ndview.Error{Op: op, Path: path, Msg: context, Err: err}
}
