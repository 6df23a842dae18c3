package gonumbridge_test

import "gonum.org/v1/gonum/blas/blas64"

func blasGeneral(r, c, stride int, data []float64) blas64.General {
	return blas64.General{Rows: r, Cols: c, Stride: stride, Data: data}
}
