package ndview

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// Tests of the lifetime rules and hostile sizes: each failed on the code before
// its fix.

// An empty view prints "[]" whatever its shape, in memory independent of its dims; a huge
// view is summarized, reading only what it prints.
func TestStringHugeAndEmpty(t *testing.T) {
	empty, err := NewStrided[float64](nil, 0, []int{1 << 40, 0}, []int{8, 8})
	if err != nil {
		t.Fatal(err)
	}
	_, bytes := allocs(1, 2, 4096, func() { _ = fmt.Sprint(empty) })
	if s := fmt.Sprint(empty); s != "[]" || bytes > 4096 {
		t.Fatalf("empty (2**40, 0): %q, %v bytes", s, bytes)
	}
	// A 2**56-element view over 8 bytes (stride 0: read-only, all elements alias one).
	huge, err := NewStrided[float64](make([]byte, 8), 0, []int{1 << 28, 1 << 28}, []int{0, 0})
	if err != nil {
		t.Fatal(err)
	}
	row := "[0 0 0 ... 0 0 0]"
	want := "[" + strings.Join([]string{row, row, row, "...", row, row, row}, "\n ") + "]"
	if s := huge.String(); s != want {
		t.Fatalf("huge view:\n%s\nwant\n%s", s, want)
	}
	// NumPy's layout of a summarized 3-D array: blank lines between blocks.
	v := New[int16](2, 3, 1001)
	s := v.String()
	if !strings.HasPrefix(s, "[[[0 0 0 ... 0 0 0]\n  [0 0 0 ... 0 0 0]\n  [0 0 0 ... 0 0 0]]\n\n [[0") {
		t.Fatalf("3-D summary: %q", s)
	}
	if got := strings.Count(s, "..."); got != 6 {
		t.Fatalf("3-D summary has %d ellipses, want 6", got)
	}
}

// Derivations keep their source alive until the new view holds the export: the hook runs
// the collector at the moment a dropped source could be collected.
func TestDerivationKeepsSourceAlive(t *testing.T) {
	b := NewBuffer(64)
	testHookInherit = func() {
		for range 3 {
			runtime.GC()
			runtime.Gosched()
		}
	}
	defer func() { testHookInherit = nil }()
	src := func() *View[float32] {
		v, err := FromExporter[float32](b, 4, 4)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	derive := map[string]func() interface{ Release() }{
		"Slice":      func() interface{ Release() } { return src().Slice(0, 1, 3, 1) },
		"Index":      func() interface{ Release() } { return src().Index(1, 2) },
		"Transpose":  func() interface{ Release() } { return src().Transpose() },
		"AsReadOnly": func() interface{ Release() } { return src().AsReadOnly() },
		"Reshape": func() interface{ Release() } {
			w, _ := src().Reshape(16)
			return w
		},
		"Cast": func() interface{ Release() } {
			w, _ := Cast[uint8](src())
			return w
		},
	}
	for name, f := range derive {
		for range 20 {
			w := f()
			// The dropped source's cleanup may run now; the derived view's hold remains.
			runtime.GC()
			runtime.GC()
			if n := b.Exports(); n != 1 {
				t.Fatalf("%s: %d exports while the derived view lives, want 1", name, n)
			}
			w.Release()
			waitExports(t, b.Exports, 0)
		}
	}
}

// The same under a collector running all the time in another goroutine, with no hook.
func TestDerivationGCStress(t *testing.T) {
	if testing.Short() {
		t.Skip("stress")
	}
	b := NewBuffer(256)
	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for !stop.Load() {
			runtime.GC()
		}
	}()
	for i := range 3000 {
		v, err := FromExporter[float64](b, 4, 8)
		if err != nil {
			t.Fatal(err)
		}
		_, err = Cast[uint8](v.Transpose().Slice(0, 0, 8, 2).AsReadOnly().Slice(1, 0, 4, 1).Transpose().Index(0, 1).Transpose())
		if err == nil {
			t.Fatal("a non-contiguous cast must fail")
		}
		c, err := Cast[uint8](v.Index(0, i%4))
		if err != nil {
			t.Fatal(err)
		}
		v.Release()
		if n := b.Exports(); n < 1 {
			t.Fatalf("round %d: %d exports while a derived view lives", i, n)
		}
		c.Release()
	}
	stop.Store(true)
	wg.Wait()
	waitExports(t, b.Exports, 0)
}

// loops lists every kind of loop over a view, each releasing the view in its body after
// reading the first element; run reports what the body saw.
func loops(v *View[float64], other *View[float64]) map[string]func(body func()) {
	return map[string]func(body func()){
		"Values": func(body func()) {
			for range v.Values() {
				body()
			}
		},
		"All": func(body func()) {
			for range v.All() {
				body()
			}
		},
		"Runs": func(body func()) {
			for range v.Runs() {
				body()
			}
		},
		"UnsafeRuns": func(body func()) {
			for range v.UnsafeRuns() {
				body()
			}
		},
		"Zip": func(body func()) {
			for range Zip(other, v) {
				body()
			}
		},
		"Apply": func(body func()) {
			Apply(other, v, func(a, b float64) float64 { body(); return a + b })
		},
		"Apply2": func(body func()) {
			Apply2(other, v, other, func(a, b, c float64) float64 { body(); return a + b + c })
		},
		"Reduce": func(body func()) {
			Reduce(v, 0.0, func(a, x float64) float64 { body(); return a + x })
		},
	}
}

// loopKinds names every kind of loop in loops.
var loopKinds = []string{"Values", "All", "Runs", "UnsafeRuns", "Zip", "Apply", "Apply2", "Reduce"}

// mappedView returns a writable 8×8 view of a mapped file of 64 non-zero float64s (with
// strided, every other column of it), made as npy.Map makes its views: the mapping closes
// itself when its last view is released.
func mappedView(t *testing.T, strided bool) (*View[float64], *Mapping) {
	t.Helper()
	data := make([]byte, 8*64)
	for i := range 64 {
		data[8*i+7] = 0x3f // 1.875-ish doubles
	}
	p := filepath.Join(t.TempDir(), "a.bin")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := MapFile(p, true)
	if err != nil {
		t.Fatal(err)
	}
	v, err := FromExporter[float64](m, 8, 8)
	if err != nil {
		t.Fatal(err)
	}
	if strided {
		w := v.Slice(1, 0, 8, 2)
		v.Release()
		v = w
	}
	if err := m.CloseWhenUnused(); err != nil {
		t.Fatal(err)
	}
	return v, m
}

// Releasing a view inside a loop over it ends the loop with ErrReleased before another
// element is read, and memory the body holds stays mapped until the loop returns.
func TestReleaseInsideLoop(t *testing.T) {
	for _, layout := range []string{"contiguous", "strided"} {
		for _, name := range loopKinds {
			t.Run(layout+"/"+name, func(t *testing.T) {
				v, m := mappedView(t, layout == "strided")
				var run []float64
				for r := range v.UnsafeRuns() {
					run = r
					break
				}
				other := New[float64](v.Shape()...)
				calls := 0
				panics(t, ErrReleased, func() {
					loops(v, other)[name](func() {
						calls++
						if calls > 1 {
							t.Fatalf("%s: the body ran again after Release", name)
						}
						v.Release()
						// The loop holds the export: the mapping is still there.
						if m.Len() == 0 {
							t.Fatalf("%s: mapping closed inside the loop", name)
						}
						_ = run[0] // readable until the body returns
					})
				})
				if calls != 1 {
					t.Fatalf("%s: body ran %d times", name, calls)
				}
				if m.Len() != 0 {
					t.Fatalf("%s: mapping still open after the loop returned", name)
				}
			})
		}
	}
}

// A release of a view over Go memory inside a loop ends the loop too, rather than letting
// it run on silently (All used to stop as if finished).
func TestReleaseInsideLoopGoMemory(t *testing.T) {
	for name := range loops(New[float64](2), New[float64](2)) {
		v := New[float64](3, 3)
		other := New[float64](3, 3)
		panics(t, ErrReleased, func() {
			loops(v, other)[name](func() { v.Release() })
		})
	}
}

// A nil or zero-size holder gets a hold that lasts until Release, never a broken count.
func TestHoldForNilAndZeroSizeHolder(t *testing.T) {
	for name, take := range map[string]func(v *View[float64]) Hold{
		"nil":       func(v *View[float64]) Hold { return HoldFor(v, (*[]float64)(nil)) },
		"zero-size": func(v *View[float64]) Hold { return HoldFor(v, new(struct{})) },
		"Pin":       func(v *View[float64]) Hold { return Pin(v) },
	} {
		b := NewBuffer(64)
		v, _ := FromExporter[float64](b)
		h := take(v)
		v.Release()
		for range 3 {
			runtime.GC()
		}
		if err := b.Resize(8); !errors.Is(err, ErrExported) || !h.Held() {
			t.Fatalf("%s: the hold must last until Release: %v", name, err)
		}
		h.Release()
		if err := b.Resize(8); err != nil || h.Held() {
			t.Fatalf("%s: after Release: %v", name, err)
		}
	}
}

// Copies of views too large to allocate panic with ErrOverflow before allocating, never with
// a runtime makeslice panic.
func TestCopyOfHugeViewOverflows(t *testing.T) {
	if strconv.IntSize < 64 {
		t.Skip("the shape overflows at construction on 32-bit platforms")
	}
	v, err := NewStrided[float64](make([]byte, 8), 0, []int{1 << 28, 1 << 28}, []int{0, 0})
	if err != nil {
		t.Fatal(err)
	}
	panics(t, ErrOverflow, func() { v.Clone() })
	panics(t, ErrOverflow, func() { v.ToSlice() })
	panics(t, ErrOverflow, func() { v.ToBytes(COrder) })
	panics(t, ErrOverflow, func() { v.Hex() })
	panics(t, ErrOverflow, func() { New[float64](1<<28, 1<<28) })
	panics(t, ErrOverflow, func() { NewBuffer(1 << 62) })
}

// Only regular files are mapped.
func TestMapFileRefusesNonRegular(t *testing.T) {
	dir := t.TempDir()
	if _, err := MapFile(dir, false); !errors.Is(err, ErrFormat) {
		t.Fatalf("directory: %v", err)
	}
	if _, err := MapFile(filepath.Join(dir, "missing"), false); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}

// An empty shape whose non-zero dims times the element size overflow is refused, as NumPy
// refuses it ("array is too big").
func TestEmptyShapeByteOverflow(t *testing.T) {
	big := 1 << (strconv.IntSize - 3) // times 8 bytes overflows int
	if _, err := NewStrided[float64](nil, 0, []int{0, big}, []int{8, 8}); !errors.Is(err, ErrOverflow) {
		t.Fatalf("NewStrided: %v", err)
	}
	if _, err := FromBytes[float64](nil, 0, big); !errors.Is(err, ErrOverflow) {
		t.Fatalf("FromBytes: %v", err)
	}
	if _, err := NewStrided[uint8](nil, 0, []int{0, big}, []int{1, 1}); err != nil {
		t.Fatalf("1-byte elements fit: %v", err)
	}
}

// A loop over an exported view left by a panic from its body gives its hold back once the
// collector finds the loop gone: it is not leaked (Values holds without a defer, so that its
// body stays inlinable).
func TestPanicInsideLoopDoesNotLeakHold(t *testing.T) {
	b := NewBuffer(64)
	v, _ := FromExporter[float64](b)
	func() {
		defer func() { _ = recover() }()
		for range v.Values() {
			panic("body")
		}
	}()
	v.Release()
	waitExports(t, b.Exports, 0)
	if err := b.Resize(8); err != nil {
		t.Fatal(err)
	}
}
