package gguf

import (
	"strconv"

	"github.com/ndview/ndview/internal/fileerr"
)

// problem, errorf and overflowf are the file formats' shared error helpers
// (internal/fileerr): a problem found inside the package, named by public.
type problem = fileerr.Problem

var (
	errorf    = fileerr.Errorf
	overflowf = fileerr.Overflowf
)

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
	op := "gguf." + fn
	if methods[fn] {
		op = "gguf.File." + fn
	}
	return fileerr.Public(op, path, "", err)
}

// quote quotes a name or key for a message, as Go quotes strings (GGUF does not promise
// UTF-8, and a message must not carry raw control bytes).
func quote(s string) string { return strconv.Quote(s) }
