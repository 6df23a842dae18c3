package npy_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/npy"
)

func Example() {
	dir, _ := os.MkdirTemp("", "npy")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "a.npy")

	a, _ := ndview.FromSlice([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	npy.Save(path, a.Transpose()) // Fortran order, as np.save would write a.T

	m, _ := npy.Map[float64](path, false) // the file's pages, in place
	defer m.Release()
	fmt.Println(m.Shape(), m.IsFContiguous(), m.ReadOnly())
	fmt.Println(m)

	_, err := npy.Load[float32](path) // the wrong element type: refused, not converted
	fmt.Println(errors.Is(err, ndview.ErrFormat))
	fmt.Println(strings.TrimPrefix(err.Error(), "ndview: npy.Load "+path+": "))
	// Output:
	// [3 2] true true
	// [[1 4]
	//  [2 5]
	//  [3 6]]
	// true
	// the file holds float64 values (<f8), not float32: use npy.Load[float64]
}
