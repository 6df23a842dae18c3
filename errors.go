package ndview

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. Every error ndview returns or panics with wraps one of them (a file whose
// numbers overflow wraps ErrFormat and ErrOverflow);
// match with errors.Is.
var (
	ErrIndex         = errors.New("ndview: index out of range")
	ErrShape         = errors.New("ndview: bad shape")
	ErrStrides       = errors.New("ndview: bad strides")
	ErrOverflow      = errors.New("ndview: size overflows int")
	ErrMisaligned    = errors.New("ndview: misaligned memory")
	ErrNotContiguous = errors.New("ndview: view is not contiguous")
	ErrReadOnly      = errors.New("ndview: view is read-only")
	ErrReleased      = errors.New("ndview: view is released")
	ErrExported      = errors.New("ndview: buffer has live views")
	ErrFormat        = errors.New("ndview: bad format")
)

// Error is the type of every error ndview makes, in every package, shaped like
// io/fs.PathError. Its message reads "ndview: <Op>[ <Path>]: <Msg>[: <Err>]", where Op is
// the public call as a user writes it ("Buffer.Resize", "Cast", "npz.Load"), and Msg says
// what is wrong, then, after "; ", the remedy where there is one, naming a public call.
// errors.Is matches Kind and whatever Err matches.
type Error struct {
	Op   string // the public call: "Buffer.Resize", "safetensors.File.Close"
	Path string // the file, where there is one
	Kind error  // one of the sentinels above
	Msg  string // what is wrong, and the remedy after "; "
	Err  error  // the cause (an *fs.PathError, a second sentinel), or nil
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("ndview: ")
	if e.Op != "" {
		b.WriteString(e.Op)
		if e.Path != "" {
			b.WriteString(" ")
			b.WriteString(e.Path)
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Err != nil && !isSentinel(e.Err) {
		if e.Msg != "" {
			b.WriteString(": ")
		}
		b.WriteString(strings.TrimPrefix(e.Err.Error(), "ndview: "))
	}
	return b.String()
}

// Unwrap gives the sentinel and the cause. An error whose cause is an I/O error (an
// *fs.PathError inside) may have no sentinel of its own.
func (e *Error) Unwrap() []error {
	switch {
	case e.Err == nil:
		return []error{e.Kind}
	case e.Kind == nil:
		return []error{e.Err}
	}
	return []error{e.Kind, e.Err}
}

// isSentinel reports whether err is one of the sentinels, which a message does not repeat.
func isSentinel(err error) bool {
	switch err {
	case ErrIndex, ErrShape, ErrStrides, ErrOverflow, ErrMisaligned, ErrNotContiguous,
		ErrReadOnly, ErrReleased, ErrExported, ErrFormat:
		return true
	}
	return false
}

// errorf returns an error of kind with no operation yet: shared code (the validator, shape
// arithmetic) returns these, and the public function puts its name on them with within.
func errorf(kind error, format string, args ...any) error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// opErrorf returns an error of the public call op.
func opErrorf(op string, kind error, format string, args ...any) error {
	return &Error{Op: op, Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// pathErrorf returns an error of the public call op on the file at path.
func pathErrorf(op, path string, kind error, format string, args ...any) error {
	return &Error{Op: op, Path: path, Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// within puts the public function fn in front of the message of an error from ndview, so
// that errors from shared code (the validator, shape arithmetic) name what was called.
func within(fn string, err error) error {
	if e, ok := err.(*Error); ok && e.Op == "" {
		c := *e
		c.Op = fn
		return &c
	}
	return err
}

// opPanicf panics with an error of the public call op; it is kept out of line so that the
// callers' fast paths stay small enough to inline.
//
//go:noinline
func opPanicf(op string, kind error, format string, args ...any) {
	panic(opErrorf(op, kind, format, args...))
}

// count says n things: "1 live export", "3 live exports".
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}
