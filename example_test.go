package ndview_test

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sync"

	"github.com/ndview/ndview"
)

func ExampleFromSlice() {
	data := []float64{0, 1, 2, 3, 4, 5}
	m, _ := ndview.FromSlice(data, 2, 3)
	m.Set(10, 1, 2) // writes data[5]
	fmt.Println(m.Shape(), m.Strides(), data[5])
	fmt.Println(m)
	// Output:
	// [2 3] [24 8] 10
	// [[ 0  1  2]
	//  [ 3  4 10]]
}

func ExampleNewStrided() {
	// Every other int32 of a byte buffer, backwards: offset 24, stride -8.
	buf := make([]byte, 32)
	for i := range 8 {
		buf[4*i] = byte(i)
	}
	v, err := ndview.NewStrided[int32](buf, 24, []int{4}, []int{-8})
	fmt.Println(v, err)

	_, err = ndview.NewStrided[int32](buf, 24, []int{5}, []int{-8})
	fmt.Println(errors.Is(err, ndview.ErrStrides), err)
	// Output:
	// [6 4 2 0] <nil>
	// true ndview: NewStrided: layout reaches byte -8, before the start of the buffer
}

func ExampleView_Slice() {
	v, _ := ndview.FromSlice([]int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	fmt.Println(v.Slice(0, 0, 10, -1)) // v[::-1]
	fmt.Println(v.Slice(0, 1, 7, -2))  // v[1:7][::-2], Rust ndarray's semantics
	fmt.Println(v.Slice(0, 1, 7, 2))   // v[1:7:2]
	// Output:
	// [9 8 7 6 5 4 3 2 1 0]
	// [6 4 2]
	// [1 3 5]
}

func ExampleView_Select() {
	data := make([]int, 24)
	for i := range data {
		data[i] = i
	}
	a, _ := ndview.FromSlice(data, 2, 3, 4)

	crop := a.Select(ndview.Full, ndview.R(1, 3), ndview.Full.By(-2)) // a[:, 1:3, ::-2]
	fmt.Println(crop.Shape(), crop.Strides())
	fmt.Println(crop)

	fmt.Println(a.Select(ndview.I(-1), ndview.Ellipsis, ndview.I(0)))  // a[-1, ..., 0]
	fmt.Println(a.Select(ndview.I(0), ndview.NewAxis).Shape())         // a[0, None]
	fmt.Println(a.Select(ndview.I(1), ndview.I(2), ndview.To(100)))    // a[1, 2, :100]: bounds clip
	fmt.Println(a.Select(ndview.I(1), ndview.From(-2).By(-1)).Shape()) // a[1, -2::-1]
	// Output:
	// [2 2 2] [96 32 -16]
	// [[[ 7  5]
	//   [11  9]]
	//
	//  [[19 17]
	//   [23 21]]]
	// [12 16 20]
	// [1 3 4]
	// [20 21 22 23]
	// [2 4]
}

func ExampleView_Reshape() {
	m := ndview.New[float32](4, 6)
	r, err := m.Reshape(2, -1, 3) // -1 is inferred
	fmt.Println(r.Shape(), err)

	_, err = m.Transpose().Reshape(24) // NumPy would have to copy
	fmt.Println(errors.Is(err, ndview.ErrNotContiguous))
	// Output:
	// [2 4 3] <nil>
	// true
}

func ExampleCast() {
	b, _ := ndview.FromSlice([]uint8{1, 2, 3, 4, 5, 6, 7, 8})
	w, _ := ndview.Cast[uint16](b, 2, 2) // memoryview.cast('H', [2, 2])
	fmt.Println(w.Shape(), w.Hex())      // the same bytes, seen as 2×2 uint16

	_, err := ndview.Cast[uint32](b, 3) // 3*4 != 8 bytes
	fmt.Println(errors.Is(err, ndview.ErrShape))
	// Output:
	// [2 2] 0102030405060708
	// true
}

func ExampleView_ToBytes() {
	m, _ := ndview.FromSlice([]uint8{1, 2, 3, 4, 5, 6}, 2, 3)
	fmt.Println(m.ToBytes(ndview.COrder), m.ToBytes(ndview.FOrder))
	fmt.Println(m.Transpose().ToBytes(ndview.AnyOrder)) // F-contiguous: memory order
	// Output:
	// [1 2 3 4 5 6] [1 4 2 5 3 6]
	// [1 2 3 4 5 6]
}

func ExampleEqual() {
	a, _ := ndview.FromSlice([]float64{1, 2, 3})
	b, _ := ndview.FromSlice([]float64{3, 2, 1})
	fmt.Println(ndview.Equal(a, b.Slice(0, 0, 3, -1)))
	n, _ := ndview.FromSlice([]float64{math.NaN()})
	fmt.Println(ndview.Equal(n, n)) // as memoryview: NaN is never equal
	// Output:
	// true
	// false
}

func ExampleView_Values() {
	m, _ := ndview.FromSlice([]int{1, 2, 3, 4, 5, 6}, 2, 3)
	sum := 0
	for x := range m.Transpose().Values() {
		sum = sum*10 + x
	}
	fmt.Println(sum)
	// Output:
	// 142536
}

func ExampleView_All() {
	m, _ := ndview.FromSlice([]int{1, 2, 3, 4}, 2, 2)
	for idx, x := range m.Slice(1, 0, 2, -1).All() {
		fmt.Println(idx, x)
	}
	// Output:
	// [0 0] 2
	// [0 1] 1
	// [1 0] 4
	// [1 1] 3
}

func ExampleView_Runs() {
	m := ndview.New[float64](3, 4)
	// A C-contiguous view is one run; a column slice gives one run per row.
	for run := range m.Slice(1, 1, 3, 1).Runs() {
		for i := range run {
			run[i] = 1
		}
		fmt.Println(len(run))
	}
	fmt.Println(m)
	// Output:
	// 2
	// 2
	// 2
	// [[0 1 1 0]
	//  [0 1 1 0]
	//  [0 1 1 0]]
}

func ExampleApply() {
	a, _ := ndview.FromSlice([]float64{1, 2, 3, 4}, 2, 2)
	b, _ := ndview.FromSlice([]int32{10, 20, 30, 40}, 2, 2)
	// a += b.T, elementwise, over a strided operand, in one call.
	ndview.Apply(a, b.Transpose(), func(x float64, y int32) float64 { return x + float64(y) })
	fmt.Println(a)
	// Output:
	// [[11 32]
	//  [23 44]]
}

func ExampleCopy() {
	v, _ := ndview.FromSlice([]int{1, 2, 3, 4, 5})
	ndview.Copy(v, v.Slice(0, 0, 5, -1)) // overlapping: the source is read first
	fmt.Println(v)
	// Output:
	// [5 4 3 2 1]
}

func ExampleParseFormat() {
	for _, f := range []string{"d", ">i", "<Zf", "x"} {
		d, err := ndview.ParseFormat(f)
		fmt.Println(d, d.ItemSize(), err)
	}
	// Output:
	// float64 8 <nil>
	// int32 (big-endian) 4 <nil>
	// complex64 (little-endian) 8 <nil>
	// invalid 0 ndview: ParseFormat: bad struct format "x": want an optional byte order (@ = < > !) and one item code
}

func ExampleFromExporter() {
	buf := ndview.NewBuffer(32)
	v, _ := ndview.FromExporter[float64](buf, 2, 2)
	w := v.Transpose() // holds the export too
	v.Release()
	fmt.Println(buf.Resize(64))
	w.Release()
	fmt.Println(buf.Resize(64), buf.Len())
	// Output:
	// ndview: Buffer.Resize: the buffer has 1 live export (views or holds the program still uses); release them first (values handed to gonum: gonumbridge.Unpin); run with NDVIEW_TRACE=exports to see where each was made
	// <nil> 64
}

// frame is a user type that lends its pixels to views: an Exporter.
type frame struct {
	mu      sync.Mutex
	pix     []byte
	exports int
}

func (f *frame) Export() ([]byte, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.exports++
	return f.pix, false, nil
}

func (f *frame) Unexport() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.exports--
}

func ExampleExporter() {
	f := &frame{pix: make([]byte, 6)}
	v, _ := ndview.FromExporter[uint8](f, 2, 3)
	col := v.Index(1, 2) // a derived view shares v's export
	col.Set(255, 1)
	fmt.Println(f.pix, f.exports)
	v.Release()
	fmt.Println(f.exports) // col still holds it
	col.Release()
	fmt.Println(f.exports)
	// Output:
	// [0 0 0 0 0 255] 1
	// 1
	// 0
}

func ExampleMapFile() {
	path := filepath.Join(os.TempDir(), "ndview-example.bin")
	os.WriteFile(path, []byte{1, 2, 3, 4, 5, 6}, 0o644)
	defer os.Remove(path)

	m, _ := ndview.MapFile(path, false)
	v, _ := ndview.FromExporter[uint8](m, 2, 3)
	t := v.Transpose()
	fmt.Println(t, t.ReadOnly())
	fmt.Println(errors.Is(m.Close(), ndview.ErrExported)) // refused: views are alive
	v.Release()
	t.Release()
	fmt.Println(m.Close())
	// Output:
	// [[1 4]
	//  [2 5]
	//  [3 6]] true
	// true
	// <nil>
}

func ExampleView_Raw() {
	m, _ := ndview.FromSlice([]float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 3, 4)
	data, strides, _ := m.Slice(0, 1, 3, 1).Slice(1, 1, 4, 2).Raw()
	fmt.Println(data, strides) // element (i, j) is data[i*4 + j*2]
	// Output:
	// [5 6 7 8 9 10 11] [4 2]
}

func ExampleFromSliceStrided() {
	s := []int32{0, 1, 2, 3, 4, 5}
	v, _ := ndview.FromSliceStrided(s, 5, []int{2, 3}, []int{-1, -2}) // element strides
	fmt.Println(v)
	// Output:
	// [[5 3 1]
	//  [4 2 0]]
}

func ExampleZip() {
	x, _ := ndview.FromSlice([]float32{1, 2, 3})
	y, _ := ndview.FromSlice([]int8{10, 20, 30})
	dot := float32(0)
	for a, b := range ndview.Zip(x, y.Slice(0, 0, 3, -1)) {
		dot += a * float32(b)
	}
	fmt.Println(dot)
	// Output:
	// 100
}

func ExampleSum() {
	v, _ := ndview.FromSlice([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	fmt.Println(ndview.Sum(v).At())        // all axes: a 0-d result
	fmt.Println(ndview.Sum(v, 0))          // along axis 0
	fmt.Println(ndview.Sum(v, -1))         // along the last axis
	fmt.Println(ndview.Mean(v, 0))         // float64, whatever T
	fmt.Println(ndview.Max(v.Transpose())) // any layout
	// Output:
	// 21
	// [5 7 9]
	// [ 6 15]
	// [2.5 3.5 4.5]
	// 6
}

func ExampleArgMax() {
	v, _ := ndview.FromSlice([]float32{3, 9, 1, 9, 2, float32(math.NaN())}, 2, 3)
	fmt.Println(ndview.ArgMax(v.Slice(1, 0, 2, 1))) // the first maximum, in C order
	fmt.Println(ndview.ArgMax(v))                   // a NaN wins, as in NumPy
	// Output:
	// [0 1]
	// [1 2]
}

func ExampleAsType() {
	v, _ := ndview.FromSlice([]float64{-1.7, 2.5, 300, math.NaN()})
	fmt.Println(ndview.AsType[int8](v))           // truncates, saturates, NaN gives 0
	fmt.Println(ndview.AsType[ndview.Float16](v)) // rounds to nearest even, once
	b, _ := ndview.Cast[uint8](ndview.AsType[float32](v).Slice(0, 0, 1, 1))
	fmt.Println(b) // Cast reinterprets bytes: -1.7 as float32 is these four
	// Output:
	// [ -1   2 127   0]
	// [-1.7  2.5  300  NaN]
	// [154 153 217 191]
}

func ExampleBroadcastTo() {
	row, _ := ndview.FromSlice([]int32{1, 2, 3})
	m, _ := ndview.BroadcastTo(row, 2, 3) // read-only, stride 0 on the new axis
	fmt.Println(m, m.Strides(), m.ReadOnly())
	d := ndview.New[int32](2, 3)
	ndview.Copy(d, row) // Copy broadcasts its source, as np.copyto
	ndview.Apply2(d, d, row, func(x, a, b int32) int32 { return a * b })
	fmt.Println(d)
	// Output:
	// [[1 2 3]
	//  [1 2 3]] [0 4] true
	// [[1 4 9]
	//  [1 4 9]]
}
