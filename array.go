package ndview

// Array is what every *View[T] is, whatever T: for lists of views of mixed element types
// (safetensors.Save, npz.Save).
type Array interface {
	Shape() []int
	Strides() []int
	DType() DType
	ReadOnly() bool
	ToBytes(order Order) []byte
}

var _ Array = (*View[float32])(nil)
