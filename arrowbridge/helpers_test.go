package arrowbridge

import (
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/ndview/ndview"
)

// wantErr fails unless err wraps sentinel and its message starts with "ndview:" and names
// the public function fn.
func wantErr(t *testing.T, err, sentinel error, fn string) {
	t.Helper()
	if !errors.Is(err, sentinel) {
		t.Fatalf("err = %v, want one wrapping %v", err, sentinel)
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "ndview: arrowbridge."+fn) {
		t.Fatalf("message %q does not start with \"ndview: arrowbridge.%s\"", msg, fn)
	}
}

// number is the element types arange fills.
type number interface {
	~int8 | ~int16 | ~int32 | ~int64 | ~int | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uint | ~uintptr | ~float32 | ~float64
}

// arange returns a C-contiguous view of 0, 1, 2, ... of the given shape.
func arange[T number](shape ...int) *ndview.View[T] {
	v := ndview.New[T](shape...)
	i := 0
	for run := range v.Runs() {
		for k := range run {
			run[k] = T(i)
			i++
		}
	}
	return v
}

// addr returns the address of element (0, …, 0) of a non-empty view, for checking that
// two views share memory. It is compared only while both views are alive.
func addr[T ndview.Elem](v *ndview.View[T]) uintptr {
	for r := range v.UnsafeRuns() {
		return uintptr(unsafe.Pointer(unsafe.SliceData(r)))
	}
	return 0
}

// sliceAddr is addr for a slice.
func sliceAddr[T any](s []T) uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(s))) }

// eventually runs GC until cond holds, failing after a generous deadline: cleanups run on
// a goroutine of their own, after a collection, so there is no fixed number of cycles.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s did not happen", what)
		}
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
}

// equalValues fails unless v holds want in C order.
func equalValues[T ndview.Elem](t *testing.T, v *ndview.View[T], want []T) {
	t.Helper()
	got := v.ToSlice()
	if len(got) != len(want) {
		t.Fatalf("%d values, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("value %d is %v, want %v", i, got[i], want[i])
		}
	}
}
