package npyformat

import (
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/ndview/ndview"
)

// The errors of npy and of this package are ndview's one error type, *ndview.Error:
//
//	ndview: npy.Load data.npy: the header's shape (3,) is not ...
//
// naming the public function that was called (and the file, for Load, Map and Save), and
// wrapping the sentinels it is about: ndview.ErrFormat for bad input, io.ErrUnexpectedEOF
// too where the input ends early, or the *fs.PathError of a failed system call, kept whole.
// This package's functions return them without an Op (the message reads "ndview: " and what
// is wrong): the public function adds its own with WithOp, or its package's context (npz
// does), and so no message names a function of this package.

// FormatError returns an error wrapping ndview.ErrFormat.
func FormatError(format string, args ...any) error {
	return &ndview.Error{Kind: ndview.ErrFormat, Msg: fmt.Sprintf(format, args...)}
}

// truncated returns an error wrapping ndview.ErrFormat and io.ErrUnexpectedEOF.
func truncated(format string, args ...any) error {
	return &ndview.Error{Kind: ndview.ErrFormat, Msg: fmt.Sprintf(format, args...), Err: io.ErrUnexpectedEOF}
}

// ErrorOf returns an error with a message of its own wrapping one or two errors: a
// sentinel, and a second sentinel or a cause.
func ErrorOf(errs []error, format string, args ...any) error {
	e := &ndview.Error{Kind: errs[0], Msg: fmt.Sprintf(format, args...)}
	if len(errs) > 1 {
		e.Err = errs[1]
	}
	return e
}

// WithOp puts the public function's name (and file) on an error of the functions it calls.
// An error that is not ndview's (an I/O error) is kept inside, so that errors.Is and
// errors.As still find its *fs.PathError.
func WithOp(op, path string, err error) error {
	if err == nil {
		return nil
	}
	if e, ok := err.(*ndview.Error); ok {
		c := *e
		c.Op, c.Path = op, path
		return &c
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		path = "" // the *fs.PathError names the file
	}
	return &ndview.Error{Op: op, Path: path, Err: err}
}
