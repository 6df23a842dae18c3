package ndview

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"
)

// derivations lists every way of deriving a view, so export counting is checked for each.
var derivations = map[string]func(v *View[float32]) any{
	"Slice":      func(v *View[float32]) any { return v.Slice(0, 1, 4, 2) },
	"Index":      func(v *View[float32]) any { return v.Index(0, 1) },
	"Transpose":  func(v *View[float32]) any { return v.Transpose() },
	"Reshape":    func(v *View[float32]) any { w, _ := v.Reshape(-1); return w },
	"AsReadOnly": func(v *View[float32]) any { return v.AsReadOnly() },
	"Cast":       func(v *View[float32]) any { w, _ := Cast[uint8](v); return w },
}

func release(w any) {
	switch w := w.(type) {
	case *View[float32]:
		w.Release()
	case *View[uint8]:
		w.Release()
	}
}

func TestBufferResizeRefusedWhileExported(t *testing.T) {
	for name, derive := range derivations {
		t.Run(name, func(t *testing.T) {
			b := NewBuffer(64)
			v, err := FromExporter[float32](b, 4, 4)
			if err != nil {
				t.Fatal(err)
			}
			w := derive(v)
			if err := b.Resize(128); !errors.Is(err, ErrExported) {
				t.Fatalf("Resize with two live views: %v", err)
			}
			v.Release()
			if err := b.Resize(128); !errors.Is(err, ErrExported) {
				t.Fatalf("Resize with a live derived view: %v", err)
			}
			release(w)
			release(w) // idempotent: must not give the export back twice
			if err := b.Resize(128); err != nil {
				t.Fatalf("Resize after every view is released: %v", err)
			}
			if b.Len() != 128 || b.Exports() != 0 {
				t.Fatalf("Len %d, exports %d", b.Len(), b.Exports())
			}
		})
	}
}

func TestBufferChainOfDerivations(t *testing.T) {
	b := NewBuffer(4 * 24)
	v, _ := FromExporter[float32](b, 2, 3, 4)
	chain := []*View[float32]{v}
	for range 10 {
		last := chain[len(chain)-1]
		n := last.lay.shape[len(last.lay.shape)-1]
		tr := last.Transpose()
		chain = append(chain, tr.Slice(0, 0, n, -1))
		tr.Release() // every intermediate view holds the export too
	}
	tt := chain[0].Transpose()
	t2 := tt.Transpose()
	c, err := Cast[uint8](t2)
	if err != nil {
		t.Fatal(err)
	}
	tt.Release()
	t2.Release()
	for i, w := range chain {
		if err := b.Resize(0); !errors.Is(err, ErrExported) {
			t.Fatalf("Resize with %d views left: %v", len(chain)-i+1, err)
		}
		w.Release()
	}
	if err := b.Resize(0); !errors.Is(err, ErrExported) {
		t.Fatal("Resize with a live cast")
	}
	c.Release()
	if err := b.Resize(0); err != nil {
		t.Fatal(err)
	}
}

func TestBufferWritesShared(t *testing.T) {
	b := NewBuffer(8)
	v, _ := FromExporter[uint16](b)
	v.Set(0xbeef, 3)
	if got := b.Bytes()[6:8]; !bytes.Equal(got, []byte{0xef, 0xbe}) && !bytes.Equal(got, []byte{0xbe, 0xef}) {
		t.Fatalf("bytes %x", got)
	}
	v.Release()
	if err := b.Resize(12); err != nil || b.Bytes()[6] == 0 && b.Bytes()[7] == 0 {
		t.Fatalf("Resize keeps the content: %v %x", err, b.Bytes())
	}
	if _, err := FromExporter[uint32](b, 4); !errors.Is(err, ErrShape) || b.Exports() != 0 {
		t.Fatalf("a refused FromExporter must give its export back: %v, exports %d", err, b.Exports())
	}
	panics(t, ErrShape, func() { NewBuffer(-1) })
	if err := b.Resize(-1); !errors.Is(err, ErrShape) {
		t.Fatal(err)
	}
}

// waitExports runs the garbage collector until the count drops to want.
func waitExports(t *testing.T, count func() int, want int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for count() != want {
		if time.Now().After(deadline) {
			t.Fatalf("exports %d, want %d after GC", count(), want)
		}
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
}

func TestDroppedViewGivesExportBack(t *testing.T) {
	b := NewBuffer(64)
	func() {
		v, _ := FromExporter[float32](b, 16)
		_ = v.Slice(0, 0, 8, 2).Transpose() // derived and dropped too
		c, _ := Cast[uint8](v)
		_ = c
	}()
	if b.Exports() != 1 {
		t.Fatalf("exports %d", b.Exports())
	}
	waitExports(t, b.Exports, 0)
	if err := b.Resize(0); err != nil {
		t.Fatal(err)
	}
}

func TestHoldFor(t *testing.T) {
	b := NewBuffer(64)
	v, _ := FromExporter[float64](b)
	holder := new(struct{ data []float64 })
	h := HoldFor(v, holder)
	v.Release()
	if err := b.Resize(8); !errors.Is(err, ErrExported) {
		t.Fatal("a hold must keep the export")
	}
	h.Release()
	h.Release()
	if err := b.Resize(8); err != nil {
		t.Fatal(err)
	}
	runtime.KeepAlive(holder)
	if (HoldFor(New[int8](1), holder) != Hold{}) {
		t.Fatal("a view with no exporter gives a zero Hold")
	}
}

func writeFile(t *testing.T, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "data.bin")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestMappingReadOnly(t *testing.T) {
	p := writeFile(t, []byte{1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0})
	m, err := MapFile(p, false)
	if err != nil {
		t.Fatal(err)
	}
	v, err := FromExporter[uint8](m, 4, 4)
	if err != nil {
		t.Fatal(err)
	}
	if !v.ReadOnly() || v.At(2, 0) != 3 || v.Obj() != m {
		t.Fatalf("ro %v at %d", v.ReadOnly(), v.At(2, 0))
	}
	panics(t, ErrReadOnly, func() { v.Set(9, 0, 0) })
	tr := v.Transpose()
	panics(t, ErrReadOnly, func() { tr.Runs() })
	tr.Release()
	w := v.Index(1, 0)
	if err := m.Close(); !errors.Is(err, ErrExported) {
		t.Fatalf("Close with live views: %v", err)
	}
	v.Release()
	if err := m.Close(); !errors.Is(err, ErrExported) {
		t.Fatalf("Close with a live derived view: %v", err)
	}
	w.Release()
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	// Use after Close panics with ErrReleased, never a fault on unmapped memory.
	panics(t, ErrReleased, func() { v.At(0, 0) })
	panics(t, ErrReleased, func() { w.At(0) })
	panics(t, ErrReleased, func() { w.Values() })
	if _, err := FromExporter[uint8](m); !errors.Is(err, ErrReleased) {
		t.Fatalf("FromExporter of a closed mapping: %v", err)
	}
	if err := m.Close(); err != nil {
		t.Fatal("Close is idempotent")
	}
}

func TestMappingWritesPersist(t *testing.T) {
	p := writeFile(t, make([]byte, 4096*3))
	m, err := MapFile(p, true)
	if err != nil {
		t.Fatal(err)
	}
	v, err := FromExporter[float64](m, 3, 512)
	if err != nil || v.ReadOnly() {
		t.Fatal(err)
	}
	col := v.Index(1, 7)
	for i := range 3 {
		col.Set(float64(i+1)*1.5, i)
	}
	v.Release()
	col.Release()
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	back, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := FromBytes[float64](alignedCopy(back), 3, 512)
	for i := range 3 {
		if r.At(i, 7) != float64(i+1)*1.5 {
			t.Fatalf("row %d: %v", i, r.At(i, 7))
		}
	}
}

func TestMappingCloseWhenUnused(t *testing.T) {
	p := writeFile(t, make([]byte, 64))
	m, _ := MapFile(p, false)
	v, _ := FromExporter[int64](m)
	if err := m.CloseWhenUnused(); err != nil {
		t.Fatal(err)
	}
	w := v.Slice(0, 0, 8, 2)
	v.Release()
	if m.Exports() != 1 {
		t.Fatal("closed too early")
	}
	w.Release()
	if _, err := FromExporter[int64](m); !errors.Is(err, ErrReleased) {
		t.Fatalf("mapping must be closed when its last view goes: %v", err)
	}
	// Dropped without Release: the collector closes it.
	m2, _ := MapFile(p, false)
	func() { FromExporter[int64](m2) }()
	m2.CloseWhenUnused()
	waitExports(t, m2.Exports, 0)
	if _, err := FromExporter[int64](m2); !errors.Is(err, ErrReleased) {
		t.Fatalf("mapping must close after its dropped view is collected: %v", err)
	}
}

func TestMappingEmptyAndMissing(t *testing.T) {
	m, err := MapFile(writeFile(t, nil), false)
	if err != nil || m.Len() != 0 {
		t.Fatalf("empty file: %v", err)
	}
	v, err := FromExporter[float32](m)
	if err != nil || v.Size() != 0 {
		t.Fatal(err)
	}
	v.Release()
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := MapFile(filepath.Join(t.TempDir(), "nope"), false); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}

// Many goroutines read one view and derive and release views of it at once; -race checks
// the export counting and the reads.
func TestConcurrentReaders(t *testing.T) {
	b := NewBuffer(8 * 1024)
	v, _ := FromExporter[float64](b, 32, 32)
	for x := range v.Runs() {
		for i := range x {
			x[i] = float64(i)
		}
	}
	want := 0.0
	for x := range v.Values() {
		want += x
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				w := v.Transpose().Slice(0, 0, 32, 1+(g+i)%3)
				s := 0.0
				for x := range v.Values() {
					s += x
				}
				if s != want {
					t.Errorf("sum %v, want %v", s, want)
				}
				_ = w.At(0, 0)
				if i%2 == 0 {
					w.Release()
				}
			}
		}()
	}
	wg.Wait()
	v.Release()
	waitExports(t, b.Exports, 0)
}

// A Mapping dropped without Close (and with no views) is unmapped by the collector.
func TestDroppedMappingIsUnmapped(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc/self/maps")
	}
	p, _ := filepath.Abs(writeFile(t, make([]byte, 4096)))
	mapped := func() bool {
		b, _ := os.ReadFile("/proc/self/maps")
		return bytes.Contains(b, []byte(p))
	}
	func() {
		m, err := MapFile(p, false)
		if err != nil {
			t.Fatal(err)
		}
		v, _ := FromExporter[uint8](m)
		runtime.GC()
		if !mapped() || v.At(0) != 0 {
			t.Fatal("mapping gone while a view is alive")
		}
		v.Release()
	}()
	deadline := time.Now().Add(5 * time.Second)
	for mapped() && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
	if mapped() {
		t.Fatal("a dropped Mapping stays mapped")
	}
}
