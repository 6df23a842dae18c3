package safetensors

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
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
	path := filepath.Join(t.TempDir(), "m.safetensors")
	emb, _ := ndview.FromSlice([]float32{1, 2, 3, 4, 5, 6, 7, 8}, 4, 2)
	pos, _ := ndview.FromSlice([]float32{9, 10, 11, 12}, 2, 2)
	if err := Save(path, []Tensor{{"emb", emb}, {"pos", pos}}, nil); err != nil {
		t.Fatal(err)
	}
	return path
}

// Temporaries the program dropped do not make Close refuse (the collector is off here, so
// only Close's own collection can find them), and a view the program keeps does (the new user's "has 3 live views").
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
	kept := emb.Transpose()
	emb.Release()
	pos.Release()
	err = f.Close()
	if !errors.Is(err, ndview.ErrExported) {
		t.Fatalf("Close with one view kept: %v, want ErrExported", err)
	}
	if want := "has 1 live view the program still uses"; !strings.Contains(err.Error(), want) {
		t.Errorf("Close's refusal %q does not say %q", err, want)
	}
	runtime.KeepAlive(kept)
	ndview.SetReleaseTimeout(time.Minute)
	defer ndview.SetReleaseTimeout(20 * time.Millisecond)
	if err := f.Close(); err != nil {
		t.Fatalf("Close after every named view was released: %v", err)
	}
}

// A loop over a safetensors view holds the mapping through a release and a collection in
// its body: Close refuses there.
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
