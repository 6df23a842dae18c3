package ndview

import (
	"errors"
	"runtime/debug"
	"testing"
)

func TestMemoryLimitBounds(t *testing.T) {
	lim := MemoryLimit()
	if lim <= 0 || uint64(lim) > maxAllocBytes {
		t.Fatalf("MemoryLimit() = %d, want in (0, 2**47]", lim)
	}
	if m := physicalMemory(); m > 0 && uint64(lim) > m {
		t.Fatalf("MemoryLimit() = %d exceeds physical memory %d", lim, m)
	}
	t.Logf("MemoryLimit() = %d (physical %d, cgroup %d)", lim, physicalMemory(), cgroupMemoryLimit())
}

// withMemoryLimit runs f with the Go memory limit set to n bytes.
func withMemoryLimit(t *testing.T, n int64, f func()) {
	t.Helper()
	old := debug.SetMemoryLimit(n)
	defer debug.SetMemoryLimit(old)
	f()
}

// Copies of views whose virtual size exceeds the memory limit are refused with ErrOverflow
// before allocating, even far below the 2**47 address-space bound.
func TestCopiesRefusedOverMemoryLimit(t *testing.T) {
	row, _ := FromSlice([]float32{1, 2, 3, 4}, 1, 4)
	big, err := BroadcastTo(row, 1<<30, 4) // 16 GiB virtual over 16 bytes
	if err != nil {
		t.Fatal(err)
	}
	withMemoryLimit(t, 256<<20, func() {
		if MemoryLimit() != 256<<20 {
			t.Fatalf("MemoryLimit() = %d under SetMemoryLimit(256 MiB)", MemoryLimit())
		}
		for name, f := range map[string]func(){
			"Clone":     func() { big.Clone() },
			"ToSlice":   func() { big.ToSlice() },
			"AsType":    func() { AsType[float64](big) },
			"ToBytes":   func() { big.ToBytes(COrder) },
			"Hex":       func() { big.Index(1, 0).Slice(0, 0, 25<<20, 1).Hex() }, // 100 MiB, 300 with its digits
			"New":       func() { New[float64](1<<26, 2) },
			"NewBuffer": func() { NewBuffer(1 << 30) },
			"Resize":    func() { NewBuffer(8).Resize(1 << 30) },
		} {
			t.Run(name, func(t *testing.T) {
				defer func() {
					e, _ := recover().(error)
					if !errors.Is(e, ErrOverflow) {
						t.Fatalf("%s over the memory limit: recovered %v, want ErrOverflow", name, e)
					}
				}()
				f()
			})
		}
		// Below the limit, copies still work.
		small, _ := BroadcastTo(row, 1<<20, 4) // 16 MiB
		if got := small.Clone().Size(); got != 4<<20 {
			t.Fatalf("Clone of 16 MiB under a 256 MiB limit: size %d", got)
		}
	})
}

func TestCgroupLimitParsing(t *testing.T) {
	files := map[string]uint64{
		"/sys/fs/cgroup/memory/a/b/memory.limit_in_bytes": 9223372036854771712,
		"/sys/fs/cgroup/memory/a/memory.limit_in_bytes":   1 << 33,
		"/sys/fs/cgroup/unified/memory.max":               0, // "max"
		"/c/g/memory.max":                                 1 << 31,
		"/c/memory.max":                                   1 << 32,
	}
	read := func(name string) uint64 { return files[name] }
	v1mounts := "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
	if got := cgroupLimit("4:memory:/a/b\n0::/\n", v1mounts, read); got != 1<<33 {
		t.Errorf("v1: got %d, want the parent's 2**33", got)
	}
	v2mounts := "41 31 0:38 / /c rw,relatime - cgroup2 cgroup2 rw\n"
	if got := cgroupLimit("0::/g\n", v2mounts, read); got != 1<<31 {
		t.Errorf("v2: got %d, want the group's 2**31", got)
	}
	// A mount whose root is the group itself (a container's namespace) reads at the mount point.
	v2ns := "41 31 0:38 /g /c/g rw - cgroup2 cgroup2 rw\n"
	if got := cgroupLimit("0::/g\n", v2ns, read); got != 1<<31 {
		t.Errorf("v2 namespaced: got %d, want 2**31", got)
	}
	if got := cgroupLimit("0::/elsewhere\n", v2ns, read); got != 0 {
		t.Errorf("group outside the mount: got %d, want 0", got)
	}
	if got := cgroupLimit("garbage", "garbage - x", read); got != 0 {
		t.Errorf("garbage: got %d", got)
	}
}

// A broadcast whose bytes overflow an int is an ErrOverflow error, not a derived view that
// fails validation.
func TestBroadcastToByteOverflow(t *testing.T) {
	one, _ := FromSlice([]float64{1}, 1)
	for _, shape := range [][]int{{1 << 62}, {0, 1 << 61, 4}} {
		if _, err := BroadcastTo(one, shape...); !errors.Is(err, ErrOverflow) {
			t.Errorf("BroadcastTo(%v) of float64: %v, want ErrOverflow", shape, err)
		}
	}
	b, _ := FromSlice([]uint8{1}, 1)
	if w, err := BroadcastTo(b, 1<<62); err != nil || w.Size() != 1<<62 {
		t.Errorf("BroadcastTo(2**62) of uint8: %v", err)
	}
}
