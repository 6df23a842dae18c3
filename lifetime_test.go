package ndview

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

// TestMain shortens the release timeout for the whole package: a refusal (a view the test
// keeps alive) then costs 20 ms, not a second. Tests that need dropped views collected set a
// long one with withReleaseTimeout: the wait ends as soon as the count reaches zero.
//
// Unless benchmarks run, it also sets the size from which the streaming kernels store
// non-temporally to parallelBytes (on the CPU, 3/4 of its last-level cache: ntThreshold),
// so that the kernel tests' runs of parallelBytes and more take the non-temporal kernels on
// every CPU; benchmarks measure what users get.
func TestMain(m *testing.M) {
	flag.Parse()
	SetReleaseTimeout(20 * time.Millisecond)
	if flag.Lookup("test.bench").Value.String() == "" {
		ntFrom.Store(parallelBytes)
	}
	os.Exit(m.Run())
}

// withReleaseTimeout runs f with the release timeout set to d.
func withReleaseTimeout(d time.Duration, f func()) {
	old := SetReleaseTimeout(d)
	defer SetReleaseTimeout(old)
	f()
}

// withoutGC runs f with the collector off, so that nothing is collected unless an owner
// (or the test) asks for a collection: what holds or does not then never depends on when
// the runtime happens to collect.
func withoutGC(f func()) {
	old := debug.SetGCPercent(-1)
	defer debug.SetGCPercent(old)
	f()
}

// A loop's hold survives collections in its body: a view released there, a collection and a
// Close of the owner (which collects and waits too) do not unmap the memory the loop still
// reads, for every kind of loop. Before the fix the hold belonged to a
// holder nothing kept reachable, and Close succeeded here.
func TestLoopHoldSurvivesCollection(t *testing.T) {
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
				panics(t, ErrReleased, func() {
					loops(v, other)[name](func() {
						v.Release()
						runtime.GC()
						runtime.GC()
						if err := m.Close(); !errors.Is(err, ErrExported) {
							t.Fatalf("%s: Close inside the loop after a collection: %v, want ErrExported", name, err)
						}
						if m.Len() == 0 {
							t.Fatalf("%s: mapping gone inside the loop", name)
						}
						_ = run[0] // still mapped
					})
				})
				withReleaseTimeout(time.Minute, func() {
					if err := m.Close(); err != nil {
						t.Fatalf("%s: Close after the loop: %v", name, err)
					}
				})
			})
		}
	}
}

// A loop left by a panic from its body gives its hold back no later than the next
// collection, which the owner runs itself: with the collector off, Resize succeeds once the
// view is released. Values holds without a defer (so that its body
// inlines); the other loops give the hold back on the way out.
func TestLoopLeftByPanicGivesHoldBack(t *testing.T) {
	for _, name := range loopKinds {
		t.Run(name, func(t *testing.T) {
			withoutGC(func() {
				b := NewBuffer(8 * 16)
				v, _ := FromExporter[float64](b, 4, 4)
				other := New[float64](4, 4)
				func() {
					defer func() {
						if r := recover(); r != "body" {
							t.Fatalf("recovered %v", r)
						}
					}()
					loops(v, other)[name](func() { panic("body") })
				}()
				v.Release()
				withReleaseTimeout(time.Minute, func() {
					if err := b.Resize(8); err != nil {
						t.Fatalf("%s: Resize after a loop left by a panic: %v", name, err)
					}
				})
			})
		})
	}
}

// dropTemporaries makes views of v and drops them without Release, as a new user does:
// an Index in a loop, a Select inside a Println, a BroadcastTo result, a Cast.
func dropTemporaries(v *View[float32]) {
	s := float32(0)
	for i := range v.Shape()[0] {
		s += v.Index(0, i).At(0)
	}
	fmt.Fprint(discard{}, v.Select(R(0, 2), Full), s)
	row := v.Index(0, 0)
	_, _ = BroadcastTo(row, 3, row.Len())
	c, _ := Cast[uint8](v)
	_ = c.Len()
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// Owners count only reachable views: temporaries the program dropped do not make Resize or
// Close refuse, whether or not the collector has run (it is off here), and a view the
// program keeps is still refused.
func TestOwnersCollectDroppedTemporaries(t *testing.T) {
	withoutGC(func() {
		t.Run("Buffer", func(t *testing.T) {
			b := NewBuffer(4 * 16)
			v, _ := FromExporter[float32](b, 4, 4)
			dropTemporaries(v)
			kept := v.Index(0, 1)
			v.Release()
			if err := b.Resize(8); !errors.Is(err, ErrExported) {
				t.Fatalf("Resize with a view kept alive: %v, want ErrExported", err)
			}
			runtime.KeepAlive(kept)
			withReleaseTimeout(time.Minute, func() {
				if err := b.Resize(8); err != nil {
					t.Fatalf("Resize after dropping every view: %v", err)
				}
			})
		})
		t.Run("Mapping", func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "m.bin")
			if err := os.WriteFile(p, make([]byte, 64), 0o644); err != nil {
				t.Fatal(err)
			}
			m, err := MapFile(p, false)
			if err != nil {
				t.Fatal(err)
			}
			v, _ := FromExporter[float32](m, 4, 4)
			dropTemporaries(v)
			kept := v.Transpose()
			v.Release()
			if err := m.Close(); !errors.Is(err, ErrExported) {
				t.Fatalf("Close with a view kept alive: %v, want ErrExported", err)
			}
			if kept.At(0, 0) != 0 {
				t.Fatal("kept view reads wrong")
			}
			withReleaseTimeout(time.Minute, func() {
				if err := m.Close(); err != nil {
					t.Fatalf("Close after dropping every view: %v", err)
				}
			})
		})
	})
}

// An owner waiting for views is woken by a release from another goroutine, and a Pin is
// never collected: the owner refuses after the timeout.
func TestAwaitReleaseWokenByRelease(t *testing.T) {
	b := NewBuffer(64)
	v, _ := FromExporter[float64](b, 8)
	started := make(chan struct{})
	go func() {
		<-started
		time.Sleep(5 * time.Millisecond)
		v.Release()
	}()
	withReleaseTimeout(time.Minute, func() {
		close(started)
		if !AwaitRelease(func() bool { return b.Exports() == 0 }) {
			t.Fatal("AwaitRelease gave up although the view was released")
		}
	})
	w, _ := FromExporter[float64](b, 8)
	h := Pin(w)
	w.Release()
	if AwaitRelease(func() bool { return b.Exports() == 0 }) {
		t.Fatal("AwaitRelease reported done with a Pin outstanding")
	}
	if err := b.Resize(8); !errors.Is(err, ErrExported) {
		t.Fatalf("Resize with a Pin: %v", err)
	}
	h.Release()
	if err := b.Resize(8); err != nil {
		t.Fatal(err)
	}
}

func TestSetReleaseTimeout(t *testing.T) {
	old := SetReleaseTimeout(3 * time.Second)
	if got := SetReleaseTimeout(0); got != 3*time.Second {
		t.Fatalf("SetReleaseTimeout returned %v, want 3s", got)
	}
	if got := SetReleaseTimeout(old); got != DefaultReleaseTimeout {
		t.Fatalf("after SetReleaseTimeout(0): %v, want the default", got)
	}
}

// WriteFileAtomic replaces a file that is mapped without disturbing the mapping.
func TestWriteFileAtomicOverMappedFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f.bin")
	if err := os.WriteFile(p, []byte("old content!"), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := MapFile(p, false)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := FromExporter[uint8](m)
	err = WriteFileAtomic(p, func(w io.Writer) error {
		_, err := w.Write(v.ToBytes(COrder)[:3]) // written from the mapping being replaced
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(p); string(got) != "old" {
		t.Fatalf("new file %q", got)
	}
	if string(v.ToBytes(COrder)) != "old content!" {
		t.Fatalf("the mapping changed: %q", v.ToBytes(COrder))
	}
	v.Release()
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	if err := WriteFileAtomic(p, func(io.Writer) error { return boom }); err != boom {
		t.Fatalf("write's error: %v", err)
	}
	if got, _ := os.ReadFile(p); string(got) != "old" {
		t.Fatalf("a failed write changed the file: %q", got)
	}
}

// With NDVIEW_TRACE=exports, a refusal says where each view that still holds the owner was
// made; without it, how to find out.
func TestRefusalNamesCallSites(t *testing.T) {
	b := NewBuffer(64)
	v, _ := FromExporter[float64](b, 8)
	err := b.Resize(8)
	if !errors.Is(err, ErrExported) || !strings.Contains(err.Error(), "NDVIEW_TRACE=exports") {
		t.Fatalf("refusal without tracing: %v", err)
	}
	v.Release()

	traceExports.Store(true)
	defer traceExports.Store(false)
	v, _ = FromExporter[float64](b, 8)
	_, _, line, _ := runtime.Caller(0)
	w := v.Slice(0, 0, 4, 1) // made on the line after the Caller
	v.Release()
	err = b.Resize(8)
	want := fmt.Sprintf("lifetime_test.go:%d", line+1)
	if !errors.Is(err, ErrExported) || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), fmt.Sprintf("lifetime_test.go:%d", line-1)) {
		t.Fatalf("refusal with tracing: %v, want only %s", err, want)
	}
	if sites := LiveExports(b); len(sites) != 1 {
		t.Fatalf("LiveExports = %q", sites)
	}
	w.Release()
	if sites := LiveExports(b); len(sites) != 0 {
		t.Fatalf("LiveExports after Release = %q", sites)
	}
	if err := b.Resize(8); err != nil {
		t.Fatal(err)
	}
}

// Messages that used to mislead: a negative index names Select, a directory says so.
func TestMessagesThatMisled(t *testing.T) {
	v := New[float64](2, 2)
	defer func() {
		e, _ := recover().(error)
		if !errors.Is(e, ErrIndex) || !strings.Contains(e.Error(), "Select(I(-1))") {
			t.Fatalf("At(-1, 0): %v", e)
		}
	}()
	if _, err := MapFile(t.TempDir(), false); !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "a directory") {
		t.Errorf("MapFile of a directory: %v", err)
	}
	v.At(-1, 0)
}
