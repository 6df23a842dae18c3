package gguf

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ndview/ndview"
)

// TestMain shortens the release timeout: a refusal (a view the test keeps alive) then costs
// 20 ms. Tests that need dropped views collected set a long one; the wait ends as soon as
// the views are given back.
func TestMain(m *testing.M) {
	ndview.SetReleaseTimeout(20 * time.Millisecond)
	os.Exit(m.Run())
}

func checkpoint(t *testing.T) string {
	t.Helper()
	emb, _ := ndview.FromSlice([]float32{1, 2, 3, 4, 5, 6, 7, 8}, 4, 2)
	pos, _ := ndview.FromSlice([]float32{9, 10, 11, 12}, 2, 2)
	return save(t, []KV{{"general.architecture", "test"}}, []Tensor{{Name: "emb", Data: emb}, {Name: "pos", Data: pos}})
}

// Temporaries the program dropped do not make Close refuse (the collector is off here, so
// only Close's own collection can find them), and a view the program keeps does.
func TestCloseCollectsDroppedTemporaries(t *testing.T) {
	old := debug.SetGCPercent(-1)
	defer debug.SetGCPercent(old)
	f, err := Open(checkpoint(t))
	if err != nil {
		t.Fatal(err)
	}
	emb, _ := View[float32](f, "emb")
	pos, _ := View[float32](f, "pos")
	s := float32(0)
	for id := range 4 {
		s += emb.Index(0, id).At(1)
	}
	fmt.Fprintln(io.Discard, pos.Select(ndview.R(0, 1), ndview.Full), s)
	_, _ = ndview.BroadcastTo(pos.Index(0, 0), 3, 2)
	b, _ := Blocks(f, "pos")
	fmt.Fprintln(io.Discard, b.At(0, 0))
	kept := emb.Transpose()
	emb.Release()
	pos.Release()
	err = f.Close()
	if !errors.Is(err, ndview.ErrExported) {
		t.Fatalf("Close with one view kept: %v, want ErrExported", err)
	}
	if want := "has 1 live view the program still uses"; !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), "ndview: gguf.File.Close: ") {
		t.Errorf("Close's refusal %q does not say %q", err, want)
	}
	runtime.KeepAlive(kept)
	ndview.SetReleaseTimeout(time.Minute)
	defer ndview.SetReleaseTimeout(20 * time.Millisecond)
	if err := f.Close(); err != nil {
		t.Fatalf("Close after every named view was released: %v", err)
	}
	if err := f.Close(); err != nil {
		t.Fatalf("a second Close: %v", err)
	}
}

// After Close, nothing reaches the mapping, but metadata and infos are still there.
func TestAfterClose(t *testing.T) {
	f, err := Open(checkpoint(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	for what, err := range map[string]error{
		"View":           func() error { _, err := View[float32](f, "emb"); return err }(),
		"Blocks":         func() error { _, err := Blocks(f, "emb"); return err }(),
		"Dequantize":     func() error { _, err := Dequantize(f, "emb"); return err }(),
		"DequantizeRows": DequantizeRows(ndview.New[float32](1, 2), f, "emb", []int{0}),
	} {
		if !errors.Is(err, ndview.ErrReleased) || !strings.HasPrefix(err.Error(), "ndview: gguf."+what+": ") {
			t.Errorf("%s after Close: %v, want ErrReleased", what, err)
		}
	}
	if a, err := Meta[string](f, "general.architecture"); err != nil || a != "test" {
		t.Errorf("Meta after Close: %q, %v", a, err)
	}
	if info, err := f.Info("pos"); err != nil || info.Size != 16 {
		t.Errorf("Info after Close: %+v, %v", info, err)
	}
}

// A loop over a view holds the mapping through a release and a collection in its body:
// Close refuses there.
func TestLoopHoldsThroughCollection(t *testing.T) {
	f, err := Open(checkpoint(t))
	if err != nil {
		t.Fatal(err)
	}
	v, _ := View[float32](f, "emb")
	func() {
		defer func() {
			if e, _ := recover().(error); !errors.Is(e, ndview.ErrReleased) {
				t.Fatalf("loop ended with %v, want ErrReleased", e)
			}
		}()
		for r := range v.UnsafeRuns() {
			v.Release()
			runtime.GC()
			if err := f.Close(); !errors.Is(err, ndview.ErrExported) {
				t.Fatalf("Close inside the loop: %v, want ErrExported", err)
			}
			if r[0] != 1 {
				t.Fatalf("r[0] = %v", r[0])
			}
		}
	}()
	if err := f.Close(); err != nil {
		t.Fatalf("Close after the loop: %v", err)
	}
}

// View, Blocks, Dequantize and DequantizeRows race Close: Close succeeds only when no view
// is alive, and a view, once made, stays readable until released.
func TestConcurrentViewsAndClose(t *testing.T) {
	f, err := Open(checkpoint(t))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dst := ndview.New[float32](1, 2)
			for range 200 {
				v, err := View[float32](f, "emb")
				if errors.Is(err, ndview.ErrReleased) {
					return // closed
				}
				if err != nil {
					t.Error(err)
					return
				}
				if v.At(3, 1) != 8 {
					t.Errorf("read %v", v.At(3, 1))
				}
				v.Release()
				if d, err := Dequantize(f, "pos"); err == nil && d.At(1, 1) != 12 {
					t.Errorf("Dequantize read %v", d.At(1, 1))
				}
				if err := DequantizeRows(dst, f, "emb", []int{-1}); err == nil && dst.At(0, 0) != 7 {
					t.Errorf("DequantizeRows read %v", dst.At(0, 0))
				}
			}
		}()
	}
	for {
		err := f.Close()
		if err == nil {
			break
		}
		if !errors.Is(err, ndview.ErrExported) {
			t.Fatal(err)
		}
		runtime.Gosched()
	}
	wg.Wait()
}

// A File dropped without Close stays mapped while a view lives.
func TestViewOutlivesFile(t *testing.T) {
	path := checkpoint(t)
	v := func() *ndview.View[float32] {
		f, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		v, err := View[float32](f, "pos")
		if err != nil {
			t.Fatal(err)
		}
		return v
	}()
	for range 3 {
		runtime.GC()
	}
	if v.At(1, 0) != 11 {
		t.Errorf("read %v", v.At(1, 0))
	}
}
