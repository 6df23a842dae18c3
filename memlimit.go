package ndview

import (
	"math"
	"runtime/debug"
	"sync"
)

// MemoryLimit returns the largest single allocation ndview makes for a copy or a reader: the
// smallest of the machine's physical memory, the memory limit of the process's control
// group (cgroup v2 memory.max or v1 memory.limit_in_bytes, on Linux, where one is set) and
// the Go memory limit (GOMEMLIMIT or debug.SetMemoryLimit, where one is set).
//
// A copy the caller asks for (Clone, AsType, ToSlice, New, NewBuffer, Buffer.Resize, Take
// and the like) whose bytes exceed it panics with an error wrapping ErrOverflow before
// allocating, and a reader (npy.Load, npz.Load, safetensors.Load, the Arrow bridge) returns
// one, as NumPy answers MemoryError instead of letting the operating system kill the
// process. A request below the limit can still fail if the memory is in use by then: the
// limit bounds one request, not the sum of them. On platforms where ndview cannot read the
// physical memory, only the Go memory limit and the address-space bound (2**47 bytes) apply.
func MemoryLimit() int {
	lim := systemLimit()
	if g := debug.SetMemoryLimit(-1); g > 0 && g < math.MaxInt64 && uint64(g) < uint64(lim) {
		lim = int(g)
	}
	return lim
}

// systemLimit is the part of MemoryLimit that does not change while the program runs: the
// address-space bound, physical memory and the cgroup's limit, read once.
var systemLimit = sync.OnceValue(func() int {
	lim := uint64(maxAllocBytes)
	if m := physicalMemory(); m > 0 && m < lim {
		lim = m
	}
	if m := cgroupMemoryLimit(); m > 0 && m < lim {
		lim = m
	}
	return int(lim)
})

// checkAlloc panics with ErrOverflow if nbytes (or the product that overflowed, ok false)
// is more than MemoryLimit allows. what names the public call and what it copies.
func checkAlloc(nbytes int, ok bool, what string) {
	if !ok || nbytes < 0 || uint64(nbytes) > maxAllocBytes {
		opPanicf(what, ErrOverflow, "more bytes than can be allocated")
	}
	// Small requests skip the Go memory limit (reading it takes the heap lock): a limit
	// below a mebibyte leaves no room for a Go program anyway.
	if nbytes > 1<<20 {
		if lim := MemoryLimit(); nbytes > lim {
			opPanicf(what, ErrOverflow, "%d bytes exceed the memory limit of %d bytes (ndview.MemoryLimit: physical memory, cgroup and Go memory limits)", nbytes, lim)
		}
	}
}
