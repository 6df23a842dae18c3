package ndview_test

import (
	"fmt"
	"math"

	"github.com/ndview/ndview"
)

func ExampleConcatenate() {
	a, _ := ndview.FromSlice([]int32{1, 2, 3, 4}, 2, 2)
	b, _ := ndview.FromSlice([]int32{5, 6}, 1, 2)
	fmt.Println(ndview.Concatenate(0, a, b))
	// Any layouts join: here a transposed view, along the last axis.
	fmt.Println(ndview.Concatenate(-1, a, a.Transpose()))
	// Output:
	// [[1 2]
	//  [3 4]
	//  [5 6]]
	// [[1 2 1 3]
	//  [3 4 2 4]]
}

func ExampleStack() {
	x, _ := ndview.FromSlice([]float64{1, 2, 3})
	y, _ := ndview.FromSlice([]float64{4, 5, 6})
	fmt.Println(ndview.Stack(0, x, y))
	s := ndview.Stack(1, x, y)
	fmt.Println(s.Shape())
	fmt.Println(s)
	// Output:
	// [[1 2 3]
	//  [4 5 6]]
	// [3 2]
	// [[1 4]
	//  [2 5]
	//  [3 6]]
}

func ExampleArgMaxAxis() {
	m, _ := ndview.FromSlice([]float64{
		3, 7, 7,
		9, 1, math.NaN(),
	}, 2, 3)
	fmt.Println(ndview.ArgMaxAxis(m, 1)) // the first maximum of each row; a NaN wins
	fmt.Println(ndview.ArgMaxAxis(m, 0)) // of each column
	fmt.Println(ndview.ArgMinAxis(m, -1))
	// Output:
	// [1 2]
	// [1 0 1]
	// [0 2]
}
