package npz_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/npz"
)

func Example() {
	dir, _ := os.MkdirTemp("", "npz")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "weights.npz")

	w, _ := ndview.FromSlice([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	b, _ := ndview.FromSlice([]int64{7, 8})
	npz.Save(path, []string{"layer1/w", "layer1/b"}, []ndview.Array{w.Transpose(), b}) // as np.savez

	a, _ := npz.Open(path) // maps the file and reads its zip directory
	fmt.Println(a.Names())

	m, _ := npz.Map[float32](a, "layer1/w") // in place: Save aligns every member
	fmt.Println(m.Shape(), m.ReadOnly())
	err := a.Close() // refused: m holds the mapping
	fmt.Println(errors.Is(err, ndview.ErrExported))

	m.Release()
	x, _ := npz.Load[int64](a, "layer1/b") // a copy: outlives the archive
	fmt.Println(a.Close(), x)

	_, err = npz.Load[int64](a, "layer1/b")
	fmt.Println(errors.Is(err, ndview.ErrReleased))
	// Output:
	// [layer1/w layer1/b]
	// [3 2] true
	// true
	// <nil> [7 8]
	// true
}
