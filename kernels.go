package ndview

import (
	"sync/atomic"

	"github.com/ndview/ndview/internal/dtypes"
)

// ntFrom is the bytes a streaming pass (a conversion, a fill) touches from which its stores
// are non-temporal (ntBytes, amd64), 0 until first needed. The tests set it to parallelBytes
// (TestMain), so that their large runs take the non-temporal kernels on every CPU.
var ntFrom atomic.Int64

// The kernels' shared finishes, for amd64's and arm64's wrappers (kernels_amd64.go,
// kernels_arm64.go).

// indexFrom is slices.Index of s from b on, no element before b being equal to x.
func indexFrom[T float32 | float64](s []T, b int, x T) int {
	for i := b; i < len(s); i++ {
		if s[i] == x {
			return i
		}
	}
	return -1
}

// equalFrom compares a and b from where the kernel k says the first difference may be.
func equalFrom[F float32 | float64](a, b []F, k func(a, b []F) int) bool {
	b = b[:len(a)]
	for i := k(a, b); i < len(a); i++ {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// addWith is addVec on kernels that add s64 float64 (s32 float32) elements a step.
func addWith[T Elem](dst, src []T, s64 int, k64 func(dst, src []float64), s32 int, k32 func(dst, src []float32)) int {
	switch d := any(dst).(type) {
	case []float64:
		n := len(src) &^ (s64 - 1)
		k64(d[:n], any(src).([]float64)[:n])
		return n
	case []float32:
		n := len(src) &^ (s32 - 1)
		k32(d[:n], any(src).([]float32)[:n])
		return n
	}
	return 0
}

// indexWith is indexVec on search kernels that return the start of the first block that
// may hold x.
func indexWith[T Real](s []T, x T, k64 func([]float64, float64) int, k32 func([]float32, float32) int) (int, bool) {
	switch s := any(s).(type) {
	case []float64:
		return indexFrom(s, k64(s, any(x).(float64)), any(x).(float64)), true
	case []float32:
		return indexFrom(s, k32(s, any(x).(float32)), any(x).(float32)), true
	}
	return 0, false
}

// equalWith is equalVec on kernels that return the start of the first block that may hold
// a difference.
func equalWith[T Elem](a, b []T, k64 func(a, b []float64) int, k32 func(a, b []float32) int) (equal, ok bool) {
	switch a := any(a).(type) {
	case []float64:
		return equalFrom(a, any(b).([]float64), k64), true
	case []float32:
		return equalFrom(a, any(b).([]float32), k32), true
	case []complex128:
		p := runSlice[float64](memOf(a), 0, 2*len(a))
		return equalFrom(p, runSlice[float64](memOf(any(b).([]complex128)), 0, 2*len(a)), k64), true
	case []complex64:
		p := runSlice[float32](memOf(a), 0, 2*len(a))
		return equalFrom(p, runSlice[float32](memOf(any(b).([]complex64)), 0, 2*len(a)), k32), true
	}
	return false, false
}

// narrowPick is narrowVec on a platform's kernels: f16[0] and bf16[0] round float32 to
// Float16 and BFloat16, [1] float64; a nil kernel is one the CPU lacks.
func narrowPick(dr, sr repr, f16, bf16 [2]func(dst, src mem, n int) int) func(dst, src mem, n int) int {
	if sr != rFloat32 && sr != rFloat64 || !isNarrow(dr) {
		return nil
	}
	f64 := 0
	if sr == rFloat64 {
		f64 = 1
	}
	switch narrowCodecOf(dr) {
	case narrowOf(dtypes.Float16):
		return f16[f64]
	case narrowOf(dtypes.BFloat16):
		return bf16[f64]
	}
	return nil
}

// quadStart returns the first element of run k (n elements, m its extreme, not NaN) of the
// four-stream kernels' last call that can be its first extreme element, from the kernels'
// snapshots: lanes[s][k] are the running extrema of the run's first max(64, (s+1)q) bytes,
// q a quarter of its whole cache lines, so the first snapshot holding a lane equal to m (==
// : -0 and +0 alike; no lane exceeds m) bounds the element to the quarter that snapshot
// added, and none to the rest.
func quadStart[T Real](lanes *[4][4][8]T, k int, m T, n int) int {
	size := sizeOf[T]()
	q := (n &^ 7 * size &^ 63) >> 2 &^ 63
	start := 0
	for s := range 3 {
		for _, x := range lanes[s][k] {
			if x == m {
				return start
			}
		}
		start = max(64, (s+1)*q) / size
	}
	return start
}
