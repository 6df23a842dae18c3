package safetensors

import (
	"github.com/ndview/ndview/internal/fileerr"
)

// problem, errorf and overflowf are the file formats' shared error helpers
// (internal/fileerr): a problem found inside the package, named by public.
type problem = fileerr.Problem

var (
	errorf    = fileerr.Errorf
	overflowf = fileerr.Overflowf
)

// methods are the public functions that are methods of File, whose Op is "safetensors.File.X".
var methods = map[string]bool{"Close": true, "Info": true, "Bytes": true, "Names": true, "Metadata": true}

// public returns err as the error of the public function fn ("Open", "View", "Close"):
// ndview's one error type, with Op "safetensors.fn" (or "safetensors.File.fn" for a method),
// the message behind context when it is not empty, and the sentinels and cause kept for
// errors.Is and errors.As.
func public(fn, context string, err error) error {
	op := "safetensors." + fn
	if methods[fn] {
		op = "safetensors.File." + fn
	}
	return fileerr.Public(op, "", context, err)
}
