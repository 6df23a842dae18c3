package gonumbridge_test

import (
	"fmt"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/gonumbridge"
	"gonum.org/v1/gonum/mat"
)

func ExampleDense() {
	buf := ndview.New[float64](4, 5)
	block := buf.Slice(0, 1, 3, 1).Slice(1, 2, 4, 1) // rows 1-2, columns 2-3
	d, _ := gonumbridge.Dense(block)
	d.Set(1, 1, 7) // writes buf[2, 3]
	fmt.Println(buf.At(2, 3), d.RawMatrix().Stride)

	_, err := gonumbridge.Dense(buf.Transpose())
	fmt.Println(err)
	// Output:
	// 7 5
	// ndview: gonumbridge.Dense: needs unit column stride, the view steps 5 elements along a row (40 bytes); Clone() it, or use gonumbridge.Matrix for a transposed layout
}

func ExampleMatrix() {
	v, _ := ndview.FromSlice([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	m, _ := gonumbridge.Matrix(v.Transpose()) // a mat.Transpose over v's memory
	fmt.Printf("%T\n%v\n", m, mat.Formatted(m))
	// Output:
	// mat.Transpose
	// ⎡1  4⎤
	// ⎢2  5⎥
	// ⎣3  6⎦
}

func ExampleFromDense() {
	m := mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6})
	v, _ := gonumbridge.FromDense(m)
	fmt.Println(v.Index(1, 2)) // column 2, zero-copy
	// Output:
	// [3 6]
}
