package ndview_test

import (
	"fmt"

	"github.com/ndview/ndview"
)

// An embedding lookup: the rows of a table for a list of token ids, as
// np.take(table, ids, axis=0).
func ExampleTake() {
	table, _ := ndview.FromSlice([]float32{
		0.0, 0.1, 0.2, // id 0
		1.0, 1.1, 1.2, // id 1
		2.0, 2.1, 2.2, // id 2
		3.0, 3.1, 3.2, // id 3
	}, 4, 3)
	ids := []int{2, 0, 2}
	emb := ndview.Take(table, ids, 0)
	fmt.Println(emb.Shape())
	fmt.Println(emb)

	// A negative axis counts from the end, negative indices from the end of the axis.
	fmt.Println(ndview.Take(table, []int{-1, 0}, -1))
	// Output:
	// [3 3]
	// [[  2 2.1 2.2]
	//  [  0 0.1 0.2]
	//  [  2 2.1 2.2]]
	// [[0.2   0]
	//  [1.2   1]
	//  [2.2   2]
	//  [3.2   3]]
}

// A BFloat16 table gathered straight into float32, converting as Convert does.
func ExampleTakeInto() {
	vals := []float32{0.5, -1, 2, 3.140625, 100, 0.25}
	bf := make([]ndview.BFloat16, len(vals))
	for i, x := range vals {
		bf[i] = ndview.ToBFloat16(x)
	}
	table, _ := ndview.FromSlice(bf, 3, 2)
	out := ndview.New[float32](2, 2)
	ndview.TakeInto(out, table, []int{1, -1}, 0)
	fmt.Println(out)
	// Output:
	// [[       2 3.140625]
	//  [     100     0.25]]
}
