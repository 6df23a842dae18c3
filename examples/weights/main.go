// Command weights shows model weights mapped in place: it writes a small safetensors
// checkpoint (a bfloat16 weight matrix) and an .npz archive (float32 inputs), reopens both
// as mapped files, views the bfloat16 weight without copying, converts it to float32 and
// multiplies it with the inputs through gonum.
//
//	go run ./examples/weights
package main

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/gonumbridge"
	"github.com/ndview/ndview/npz"
	"github.com/ndview/ndview/safetensors"
	"gonum.org/v1/gonum/mat"
)

func main() {
	dir, err := os.MkdirTemp("", "ndview-weights")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	y, err := run(dir)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("y = W·x:\n%v\n", mat.Formatted(y))
}

// run writes the files into dir, reads them back mapped and returns W·x (4×3 · 3×2).
func run(dir string) (_ *mat.Dense, err error) {
	stPath, npzPath := filepath.Join(dir, "model.safetensors"), filepath.Join(dir, "inputs.npz")

	// Write: a 4×3 bfloat16 weight and a bias, as a model server would ship them.
	w := ndview.New[ndview.BFloat16](4, 3)
	for i := range 4 {
		for j := range 3 {
			w.Set2(ndview.ToBFloat16(float32(i)-0.5*float32(j)), i, j)
		}
	}
	bias := ndview.New[float32](4)
	ndview.Fill(bias, 0.25)
	err = safetensors.Save(stPath, []safetensors.Tensor{
		{Name: "layer.weight", Data: w},
		{Name: "layer.bias", Data: bias},
	}, map[string]string{"format": "pt"})
	if err != nil {
		return nil, err
	}
	x := ndview.New[float32](3, 2)
	for i := range 3 {
		for j := range 2 {
			x.Set2(float32(i+j), i, j)
		}
	}
	if err := npz.Save(npzPath, []string{"x"}, []ndview.Array{x}); err != nil {
		return nil, err
	}

	// Read: both files mapped, the weight viewed in place.
	st, err := safetensors.Open(stPath)
	if err != nil {
		return nil, err
	}
	defer func() { // a refused or failed Close is an error too: never discard it
		if cerr := st.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	wv, err := safetensors.View[ndview.BFloat16](st, "layer.weight")
	if err != nil {
		return nil, err
	}
	w64 := ndview.AsType[float64](wv) // bfloat16 → float64, exact
	wv.Release()                      // the checkpoint may close now
	fmt.Printf("layer.weight: %v bfloat16, viewed in place, converted:\n%v\n", w64.Shape(), w64)

	z, err := npz.Open(npzPath)
	if err != nil {
		return nil, err
	}
	defer func() { // a refused or failed Close is an error too: never discard it
		if cerr := z.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	xv, err := npz.Map[float32](z, "x") // stored and 64-byte aligned by npz.Save: in place
	if err != nil {
		return nil, err
	}
	x64 := ndview.AsType[float64](xv)
	xv.Release()

	a, err := gonumbridge.Dense(w64)
	if err != nil {
		return nil, err
	}
	b, err := gonumbridge.Dense(x64)
	if err != nil {
		return nil, err
	}
	var y mat.Dense
	y.Mul(a, b)
	return &y, nil
}
