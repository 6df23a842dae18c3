// Quickstart shows zero-copy views at work: one buffer of float32 seen as a 3×4 matrix,
// sliced (one axis at a time, or several NumPy-style with Select), transposed, reversed,
// summed and reinterpreted as raw bytes, with writes through any view visible in all the
// others and in the original slice.
package main

import (
	"fmt"

	"github.com/ndview/ndview"
)

func main() {
	data := make([]float32, 12)
	for i := range data {
		data[i] = float32(i)
	}

	m, err := ndview.FromSlice(data, 3, 4) // a 3×4 view of data; nothing is copied
	if err != nil {
		panic(err)
	}
	fmt.Printf("m: shape %v strides %v\n%v\n\n", m.Shape(), m.Strides(), m)

	t := m.Transpose() // 4×3, strides swapped
	fmt.Printf("m.T: shape %v strides %v C-contiguous %v F-contiguous %v\n%v\n\n",
		t.Shape(), t.Strides(), t.IsCContiguous(), t.IsFContiguous(), t)

	col := m.Index(1, 2)        // column 2: a strided 1-D view
	rev := m.Slice(1, 0, 4, -1) // every row reversed: a negative stride
	odd := m.Slice(0, 0, 3, 2)  // rows 0 and 2
	fmt.Printf("column 2: %v (stride %d bytes)\n", col, col.Strides()[0])
	fmt.Printf("rows reversed:\n%v\n", rev)
	fmt.Printf("rows 0 and 2:\n%v\n\n", odd)

	// Select is NumPy's a[...] in one call: several axes at once, negative bounds counting
	// from the end, bounds past the end clipped. m[::2, -3:] and m[-1, ::-2]:
	corner := m.Select(ndview.Full.By(2), ndview.From(-3))
	last := m.Select(ndview.I(-1), ndview.Full.By(-2))
	fmt.Printf("m[::2, -3:]: shape %v strides %v\n%v\n", corner.Shape(), corner.Strides(), corner)
	fmt.Printf("m[-1, ::-2]: %v\nm[1, :100]: %v\n\n", last, m.Select(ndview.I(1), ndview.To(100)))

	// Reductions, as np.sum, np.mean, np.max and np.argmax: over all axes (a 0-d result, read
	// with At) or over the axes given, which disappear from the result.
	fmt.Printf("sum %v, row sums %v, column means %v\n", ndview.Sum(m).At(), ndview.Sum(m, 1), ndview.Mean(m, 0))
	fmt.Printf("max %v at %v, row minima of m.T %v\n\n", ndview.Max(m).At(), ndview.ArgMax(m), ndview.Min(t, 1))

	// Write through the reversed view: the original slice sees it.
	rev.Set(-1, 0, 0)
	fmt.Printf("after rev.Set(-1, 0, 0): data[3] = %v, m.At(0, 3) = %v\n", data[3], m.At(0, 3))

	// Reinterpret the same memory as bytes, like memoryview.cast('B').
	raw, err := ndview.Cast[uint8](m)
	if err != nil {
		panic(err)
	}
	fmt.Printf("as bytes: %d of them, first float32 = %s\n", raw.Size(), raw.Slice(0, 0, 4, 1).Hex())

	// A transposed view cannot be cast (it is not C-contiguous), but can be copied out.
	if _, err := ndview.Cast[uint8](t); err != nil {
		fmt.Println("cast of m.T:", err)
	}
	fmt.Printf("m.T in C order: %v\n", t.ToSlice())
}
