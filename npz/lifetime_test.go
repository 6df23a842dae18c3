package npz_test

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
	"github.com/ndview/ndview/npz"
)

// TestMain shortens the release timeout: a refusal (a view the test keeps alive) then costs
// 20 ms. Tests that need dropped views collected set a long one; the wait ends as soon as
// the views are given back.
func TestMain(m *testing.M) {
	ndview.SetReleaseTimeout(20 * time.Millisecond)
	os.Exit(m.Run())
}

// Temporaries the program dropped do not make Close refuse (the collector is off, so only
// Close's own collection finds them); a view the program keeps does.
func TestCloseCollectsDroppedTemporaries(t *testing.T) {
	old := debug.SetGCPercent(-1)
	defer debug.SetGCPercent(old)
	path := filepath.Join(t.TempDir(), "a.npz")
	x, _ := ndview.FromSlice([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	if err := npz.Save(path, []string{"x"}, []ndview.Array{x}); err != nil {
		t.Fatal(err)
	}
	a, err := npz.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := npz.Map[float64](a, "x")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		_ = m.Index(1, i).At(0)
	}
	fmt.Fprintln(io.Discard, m.Select(ndview.Full, ndview.R(0, 2)))
	kept := m.Index(0, 1)
	m.Release()
	err = a.Close()
	if !errors.Is(err, ndview.ErrExported) || !strings.Contains(err.Error(), "1 view made by Map") {
		t.Fatalf("Close with one view kept: %v, want ErrExported naming 1 view", err)
	}
	runtime.KeepAlive(kept)
	ndview.SetReleaseTimeout(time.Minute)
	defer ndview.SetReleaseTimeout(20 * time.Millisecond)
	if err := a.Close(); err != nil {
		t.Fatalf("Close after the named views were released: %v", err)
	}
}
