// Gonumsolve solves a linear system whose matrix is a strided sub-block of a larger buffer and
// whose right-hand side is a strided column of it, through gonum, without copying, and shows
// that the answer matches the copying approach.
package main

import (
	"fmt"
	"log"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/gonumbridge"
	"gonum.org/v1/gonum/mat"
)

func main() {
	x, xc, err := run()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("solution through views: %v\n", fmt.Sprint(x))
	fmt.Printf("solution on copies:     %v\n", fmt.Sprint(xc))
	fmt.Println("identical:", mat.Equal(mat.NewVecDense(len(x), x), mat.NewVecDense(len(xc), xc)))
}

// run solves A·x = b with A = buf[2:7, 3:8] and b = buf[2:7, 10] of an 8×12 buffer.
func run() (x, xc []float64, err error) {
	buf := ndview.New[float64](8, 12) // imagine a frame read from a file or a network
	for idx := range buf.All() {
		i, j := idx[0], idx[1]
		v := float64((3*i+5*j)%7) - 3
		if i-2 == j-3 {
			v += 10 // a well-conditioned block
		}
		buf.Set(v, i, j)
	}
	rows := buf.Slice(0, 2, 7, 1)
	aV := rows.Slice(1, 3, 8, 1) // 5×5, row stride 12 elements
	bV := rows.Index(1, 10)      // 5, stride 12 elements
	fmt.Printf("A: shape %v strides %v; b: shape %v strides %v\n", aV.Shape(), aV.Strides(), bV.Shape(), bV.Strides())

	a, err := gonumbridge.Dense(aV) // zero-copy: a's Data is the buffer's memory
	if err != nil {
		return nil, nil, err
	}
	b, err := gonumbridge.VecDense(bV)
	if err != nil {
		return nil, nil, err
	}
	fmt.Printf("A as gonum sees it: stride %d, %d elements of Data\n", a.RawMatrix().Stride, len(a.RawMatrix().Data))
	var sol mat.VecDense
	if err := sol.SolveVec(a, b); err != nil {
		return nil, nil, err
	}

	// The copying approach: gather the block into fresh matrices first.
	ac := mat.NewDense(5, 5, aV.ToSlice())
	bc := mat.NewVecDense(5, bV.ToSlice())
	var solc mat.VecDense
	if err := solc.SolveVec(ac, bc); err != nil {
		return nil, nil, err
	}
	return sol.RawVector().Data, solc.RawVector().Data, nil
}
