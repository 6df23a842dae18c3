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

// wrapped is an error from elsewhere (the os package, ndview), or a problem of more than one
// sentinel, reported by a public function of this package: its message names the function,
// and Unwrap keeps the causes (an *fs.PathError, ndview sentinels) for errors.Is and
// errors.As.
type wrapped struct {
	msg  string
	errs []error
}

func (w *wrapped) Error() string   { return w.msg }
func (w *wrapped) Unwrap() []error { return w.errs }

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
		if len(p.kinds) == 1 {
			return &ndview.Error{Kind: p.kinds[0], Msg: prefix + p.msg}
		}
		return &wrapped{msg: "ndview: " + prefix + p.msg, errs: p.kinds}
	}
	return &wrapped{msg: "ndview: " + prefix + strings.TrimPrefix(err.Error(), "ndview: "), errs: []error{err}}
}
