package arrowbridge_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/ndview/ndview"
	"github.com/ndview/ndview/arrowbridge"
)

func ExampleToColumn() {
	batch := ndview.New[float32](4, 3, 5) // 4 tensors of shape 3×5
	batch.Set(7, 1, 2, 3)
	col, err := arrowbridge.ToColumn(batch.Transpose(0, 2, 1), "x", "y") // 4 tensors of 5×3, no copy
	if err != nil {
		panic(err)
	}
	defer col.Release()
	tt := col.DataType().(*arrowbridge.TensorType)
	fmt.Println(col.Len(), tt.Serialize())

	back, err := arrowbridge.FromColumn[float32](col)
	if err != nil {
		panic(err)
	}
	defer back.Release()
	fmt.Println(back.Shape(), back.At(1, 3, 2))
	// Output:
	// 4 {"shape":[3,5],"permutation":[1,0],"dim_names":["y","x"]}
	// [4 5 3] 7
}

func ExampleOpenFile() {
	dir, _ := os.MkdirTemp("", "arrowbridge")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "embeddings.arrow")

	emb, _ := ndview.FromSlice([]float64{1, 2, 3, 4, 5, 6}, 3, 2)
	col, _ := arrowbridge.ToColumn(emb)
	if err := arrowbridge.WriteFile(path, []string{"emb"}, []arrow.Array{col}); err != nil {
		panic(err)
	}
	col.Release()

	f, err := arrowbridge.OpenFile(path)
	if err != nil {
		panic(err)
	}
	v, err := arrowbridge.Column[float64](f, "emb") // in place in the mapping
	if err != nil {
		panic(err)
	}
	fmt.Println(f.Names(), v.Shape(), v.At(2, 1))
	fmt.Println(f.Close() != nil) // refused: v is alive
	v.Release()
	fmt.Println(f.Close())
	// Output:
	// [emb] [3 2] 6
	// true
	// <nil>
}
