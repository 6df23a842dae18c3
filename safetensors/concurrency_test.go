package safetensors

import (
	"errors"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"

	"github.com/ndview/ndview"
)

// TestConcurrentViewsAndClose races View, Load and Release against Close: Close succeeds
// only when no view is alive, and a view, once made, stays readable until released.
func TestConcurrentViewsAndClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.safetensors")
	src, _ := ndview.FromSlice([]float64{1, 2, 3, 4})
	if err := Save(path, []Tensor{{"a", src}}, nil); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				v, err := View[float64](f, "a")
				if errors.Is(err, ndview.ErrReleased) {
					return // closed
				}
				if err != nil {
					t.Error(err)
					return
				}
				if v.At(3) != 4 {
					t.Errorf("read %v", v.At(3))
				}
				v.Release()
				if l, err := Load[float64](f, "a"); err == nil && l.At(0) != 1 {
					t.Errorf("Load read %v", l.At(0))
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

// TestViewOutlivesFile: a File dropped without Close stays mapped while a view lives.
func TestViewOutlivesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.safetensors")
	src, _ := ndview.FromSlice([]int16{5, 6, 7})
	if err := Save(path, []Tensor{{"a", src}}, nil); err != nil {
		t.Fatal(err)
	}
	v := func() *ndview.View[int16] {
		f, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		v, err := View[int16](f, "a")
		if err != nil {
			t.Fatal(err)
		}
		return v
	}()
	for range 3 {
		runtime.GC()
	}
	if got := v.ToSlice(); !slices.Equal(got, []int16{5, 6, 7}) {
		t.Fatalf("view reads %v", got)
	}
	v.Release()
}

func TestSwapBytes(t *testing.T) {
	b := []byte{1, 2, 3, 4, 5, 6, 7, 8}
	swapBytes(b, 4)
	if !slices.Equal(b, []byte{4, 3, 2, 1, 8, 7, 6, 5}) {
		t.Errorf("swapBytes(4) = %v", b)
	}
	swapBytes(b, 8)
	if !slices.Equal(b, []byte{5, 6, 7, 8, 1, 2, 3, 4}) {
		t.Errorf("swapBytes(8) = %v", b)
	}
	if scalarSize("C64", 8) != 4 || scalarSize("F64", 8) != 8 {
		t.Error("scalarSize")
	}
}
