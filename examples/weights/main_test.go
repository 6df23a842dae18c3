package main

import (
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestWeights(t *testing.T) {
	y, err := run(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	// W[i][j] = i - j/2 (exact in bfloat16), x[i][j] = i + j.
	want := mat.NewDense(4, 2, nil)
	for i := range 4 {
		for j := range 2 {
			var s float64
			for k := range 3 {
				s += (float64(i) - 0.5*float64(k)) * float64(k+j)
			}
			want.Set(i, j, s)
		}
	}
	if !mat.Equal(y, want) {
		t.Fatalf("y =\n%v\nwant\n%v", mat.Formatted(y), mat.Formatted(want))
	}
}
