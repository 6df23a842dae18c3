package ndview

import (
	"errors"
	"fmt"
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

// Error is the type of every error ndview makes. Its message starts with "ndview:" and
// says what went wrong with which values; Unwrap gives the sentinel.
type Error struct {
	Kind error  // one of the sentinels above
	Msg  string // the message, without the "ndview: " prefix
}

func (e *Error) Error() string { return "ndview: " + e.Msg }
func (e *Error) Unwrap() error { return e.Kind }

func errorf(kind error, format string, args ...any) error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// within puts the public function fn in front of the message of an error from ndview, so
// that errors from shared code (the validator, shape arithmetic) name what was called.
func within(fn string, err error) error {
	if e, ok := err.(*Error); ok {
		return &Error{Kind: e.Kind, Msg: fn + ": " + e.Msg}
	}
	return err
}

// panicf panics with an *Error; it is kept out of line so that the callers' fast paths stay
// small enough to inline.
//
//go:noinline
func panicf(kind error, format string, args ...any) {
	panic(errorf(kind, format, args...))
}

// count says n things: "1 live export", "3 live exports".
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}
