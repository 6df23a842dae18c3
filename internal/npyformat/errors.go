package npyformat

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/ndview/ndview"
)

// npyError is the error of every function of the npy package, and of this one's:
//
//	ndview: npy.Load data.npy: the header's shape (3,) is not ...
//
// It names the public function that was called (and the file, for Load, Map and Save), and
// wraps the sentinels it is about: ndview.ErrFormat for bad input, io.ErrUnexpectedEOF too
// where the input ends early, or the *fs.PathError of a failed system call, kept whole.
// This package's functions return it without a function name (the message reads
// "ndview: " and what is wrong): the public function adds its own with WithOp, or its
// package's context (npz does), and so no message names a function of this package.
type npyError struct {
	op   string // the public function: "npy.Load", "npy.Map", ...; set by it with WithOp
	path string // the file, if any
	msg  string
	errs []error
}

func (e *npyError) Error() string {
	var b strings.Builder
	b.WriteString("ndview: ")
	if e.op != "" {
		b.WriteString(e.op)
		if e.path != "" {
			b.WriteString(" ")
			b.WriteString(e.path)
		}
		b.WriteString(": ")
	}
	b.WriteString(e.msg)
	return b.String()
}

func (e *npyError) Unwrap() []error { return e.errs }

// FormatError returns an error wrapping ndview.ErrFormat.
func FormatError(format string, args ...any) error {
	return &npyError{msg: fmt.Sprintf(format, args...), errs: []error{ndview.ErrFormat}}
}

// truncated returns an error wrapping ndview.ErrFormat and io.ErrUnexpectedEOF.
func truncated(format string, args ...any) error {
	return &npyError{msg: fmt.Sprintf(format, args...), errs: []error{ndview.ErrFormat, io.ErrUnexpectedEOF}}
}

// ErrorOf returns an error with a message of its own wrapping the given errors.
func ErrorOf(errs []error, format string, args ...any) error {
	return &npyError{msg: fmt.Sprintf(format, args...), errs: errs}
}

// WithOp puts the public function's name (and file) in front of an error of the functions
// it calls. An error that is not this package's (an ndview error, an I/O error) is kept
// inside, so that errors.Is and errors.As still find its sentinel or *fs.PathError.
func WithOp(op, path string, err error) error {
	if err == nil {
		return nil
	}
	if e, ok := err.(*npyError); ok && e.op == "" {
		c := *e
		c.op, c.path = op, path
		return &c
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		path = "" // the *fs.PathError names the file
	}
	return &npyError{op: op, path: path, msg: strings.TrimPrefix(err.Error(), "ndview: "), errs: []error{err}}
}
