package safetensors

import (
	"fmt"
	"strings"

	"github.com/ndview/ndview"
)

// problem is an error found inside the package, before the public function that reports it
// is known: public turns it into an *ndview.Error naming that function.
type problem struct {
	kind error // an ndview sentinel
	msg  string
}

func (p *problem) Error() string { return "ndview: " + p.msg }
func (p *problem) Unwrap() error { return p.kind }

func errorf(kind error, format string, args ...any) error {
	return &problem{kind: kind, msg: fmt.Sprintf(format, args...)}
}

// wrapped is an error from elsewhere (the os package, ndview) reported by a public function
// of this package: its message names the function, and Unwrap keeps the cause (an
// *fs.PathError, an ndview sentinel) for errors.Is and errors.As.
type wrapped struct {
	msg string
	err error
}

func (w *wrapped) Error() string { return w.msg }
func (w *wrapped) Unwrap() error { return w.err }

// public returns err as the error of the public function fn ("Open", "View", ...): its
// message starts "ndview: safetensors.fn: ", followed by context when it is not empty.
func public(fn, context string, err error) error {
	if err == nil {
		return nil
	}
	prefix := "safetensors." + fn + ": "
	if context != "" {
		prefix += context + ": "
	}
	if p, ok := err.(*problem); ok {
		return &ndview.Error{Kind: p.kind, Msg: prefix + p.msg}
	}
	return &wrapped{msg: "ndview: " + prefix + strings.TrimPrefix(err.Error(), "ndview: "), err: err}
}
