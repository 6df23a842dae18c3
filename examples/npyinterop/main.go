// Npyinterop writes a NumPy-compatible .npy file from Go, maps it back without reading it,
// slices and casts the mapped view, and (when NumPy is installed) loads the same file in
// Python to show that both sides see the same array.
//
//	go run ./examples/npyinterop [-python /usr/bin/python3]
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/npy"
)

func main() {
	python := flag.String("python", "/usr/bin/python3", "a Python with NumPy, to load the file there too")
	flag.Parse()
	dir, err := os.MkdirTemp("", "npyinterop")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if _, err := run(dir, *python); err != nil {
		log.Fatal(err)
	}
}

// run returns the Go-side summary line, which the Python side prints too.
func run(dir, python string) (string, error) {
	// A 4×6 float32 array in Fortran order, like a matrix handed over from Fortran or R.
	m := ndview.New[float32](6, 4).Transpose()
	for idx := range m.All() {
		m.Set(float32(10*idx[0]+idx[1]), idx...)
	}
	path := filepath.Join(dir, "matrix.npy")
	if err := npy.Save(path, m); err != nil {
		return "", err
	}
	fmt.Printf("saved %v float32, Fortran order, to %s\n", m.Shape(), path)

	v, err := npy.Map[float32](path, false) // zero-copy: a view of the file's pages
	if err != nil {
		return "", err
	}
	defer v.Release() // the mapping closes with its last view
	fmt.Printf("mapped: shape %v strides %v F-contiguous %v read-only %v\n", v.Shape(), v.Strides(), v.IsFContiguous(), v.ReadOnly())

	row := v.Index(0, 2) // row 2: strided in a Fortran-order file
	defer row.Release()
	fmt.Printf("row 2: %v (stride %d bytes)\n", row, row.Strides()[0])
	col := v.Slice(1, 1, 2, 1) // column 1, as a 4×1 block: contiguous in Fortran order
	defer col.Release()
	t := col.Transpose()
	defer t.Release()
	raw, err := ndview.Cast[uint8](t) // a 1×4 C-contiguous view: castable to its bytes
	if err != nil {
		return "", err
	}
	defer raw.Release()
	fmt.Printf("column 1 as bytes: %s\n", raw.Hex())

	summary := fmt.Sprintf("shape (4, 6) sum %g m[3,5] %g", sum(v), v.At(3, 5))
	fmt.Println("Go:    ", summary)
	if _, err := exec.LookPath(python); err != nil {
		fmt.Println("Python: no NumPy here; in Python the file loads with np.load(" + fmt.Sprintf("%q", path) + ")")
		return summary, nil
	}
	script := fmt.Sprintf(`import numpy as np; m = np.load(%q); print("shape %%s sum %%g m[3,5] %%g" %% (m.shape, m.sum(), m[3, 5]), "fortran" if m.flags.f_contiguous else "C")`, path)
	fmt.Printf("Python: python3 -c 'import numpy as np; m = np.load(%q); ...'\n", path)
	out, err := exec.Command(python, "-c", script).CombinedOutput()
	if err != nil {
		fmt.Println("Python: NumPy did not run:", string(out))
		return summary, nil
	}
	fmt.Print("Python: ", string(out))
	return summary, nil
}

func sum(v *ndview.View[float32]) float64 {
	s := 0.0
	for x := range v.Values() {
		s += float64(x)
	}
	return s
}
