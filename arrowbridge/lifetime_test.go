package arrowbridge

import (
	"errors"
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

// Temporaries the program dropped do not make Close refuse (the collector is off, so only
// Close's own collection finds them); a view the program keeps does.
func TestCloseCollectsDroppedTemporaries(t *testing.T) {
	old := debug.SetGCPercent(-1)
	defer debug.SetGCPercent(old)
	path := filepath.Join(t.TempDir(), "batch.arrow")
	writeTestFile(t, path)
	f, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	v, err := Column[float32](f, "images")
	if err != nil {
		t.Fatal(err)
	}
	for i := range v.Shape()[0] {
		_ = v.Index(0, i).Len()
	}
	if _, err := Column[float32](f, "images"); err != nil { // dropped without Release
		t.Fatal(err)
	}
	kept := v.Transpose()
	v.Release()
	err = f.Close()
	if !errors.Is(err, ndview.ErrExported) || !strings.Contains(err.Error(), "1 live view") {
		t.Fatalf("Close with one view kept: %v, want ErrExported naming 1 live view", err)
	}
	runtime.KeepAlive(kept)
	ndview.SetReleaseTimeout(time.Minute)
	defer ndview.SetReleaseTimeout(20 * time.Millisecond)
	if err := f.Close(); err != nil {
		t.Fatalf("Close after the named views were released: %v", err)
	}
}
