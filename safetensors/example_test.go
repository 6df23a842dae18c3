package safetensors_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/safetensors"
)

func Example() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "model.safetensors")

	w, _ := ndview.FromSlice([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	bias, _ := ndview.FromSlice([]int64{7, 8, 9})
	err := safetensors.Save(path, []safetensors.Tensor{
		{Name: "layer.weight", Data: w.Transpose()}, // any layout: written in C order
		{Name: "layer.bias", Data: bias},
	}, map[string]string{"format": "pt"})
	if err != nil {
		panic(err)
	}

	f, err := safetensors.Open(path)
	if err != nil {
		panic(err)
	}
	for _, name := range f.Names() {
		info, _ := f.Info(name)
		fmt.Println(name, info.DType, info.Shape, info.Offsets)
	}
	v, err := safetensors.View[float32](f, "layer.weight") // in the mapped file
	if err != nil {
		panic(err)
	}
	fmt.Println(v.ToSlice(), v.ReadOnly())
	fmt.Println(f.Close() != nil) // refused: v still holds the mapping
	v.Release()
	fmt.Println(f.Close())
	// Output:
	// layer.bias I64 [3] [0 24]
	// layer.weight F32 [3 2] [24 48]
	// [1 4 2 5 3 6] true
	// true
	// <nil>
}
