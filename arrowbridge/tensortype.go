package arrowbridge

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/ndview/ndview"
)

// TensorName is the extension name of TensorType.
const TensorName = "arrow.fixed_shape_tensor"

// TensorType is Arrow's canonical extension type "arrow.fixed_shape_tensor", registered with
// arrow-go when the package loads, so that IPC readers (OpenFile, ipc.NewReader, Flight)
// give columns of this type. Its storage is a FixedSizeList of the value type, one list of
// product(Shape()) values per tensor, in row-major (C) order of the physical shape.
// Serialize gives the canonical JSON metadata, as Arrow C++ writes it.
type TensorType struct {
	arrow.ExtensionBase
	value    arrow.DataType
	shape    []int
	dimNames []string
	perm     []int
}

// TensorArray is the array type of TensorType columns: a FixedSizeList array with the
// extension type. FromColumn views it.
type TensorArray struct {
	array.ExtensionArrayBase
}

var (
	_ arrow.ExtensionType  = (*TensorType)(nil)
	_ array.ExtensionArray = (*TensorArray)(nil)
)

func init() {
	proto := &TensorType{
		ExtensionBase: arrow.ExtensionBase{Storage: arrow.FixedSizeListOf(1, arrow.PrimitiveTypes.Float32)},
		value:         arrow.PrimitiveTypes.Float32,
		shape:         []int{1},
	}
	// An error means a type of this name is registered already (a later arrow-go may ship
	// one); FromColumn reads columns of that type too, through their metadata.
	_ = arrow.RegisterExtensionType(proto)
}

// NewTensorType returns the type of a column of tensors of the given physical (row-major)
// shape, whose elements have the Arrow type value. dimNames, if not empty, names the
// physical axes; permutation, if not empty, says that logical axis i is physical axis
// permutation[i], as the canonical specification defines it. Both are kept as given (an
// identity permutation is written out if passed).
//
// NewTensorType returns an error wrapping ErrShape if a dimension is not positive (Arrow's
// FixedSizeList needs a positive size), if dimNames or permutation has the wrong length or
// permutation is not a permutation of 0..len(shape)-1, ErrOverflow if the tensor has more
// elements than a FixedSizeList can hold (2³¹-1), and ErrFormat if value is nil.
func NewTensorType(value arrow.DataType, shape []int, dimNames []string, permutation []int) (*TensorType, error) {
	return newTensorType("NewTensorType", ndview.ErrShape, value, shape, dimNames, permutation)
}

// newTensorType validates the parameters, reporting bad metadata as kind (ErrShape from a
// caller, ErrFormat from a file).
func newTensorType(fn string, kind error, value arrow.DataType, shape []int, dimNames []string, perm []int) (*TensorType, error) {
	if value == nil {
		return nil, errorf(ndview.ErrFormat, fn, "nil value type")
	}
	if len(shape) > ndview.MaxDims-1 {
		return nil, errorf(kind, fn, "%d tensor dimensions; ndview views have at most %d, one of them the row", len(shape), ndview.MaxDims)
	}
	for k, d := range shape {
		if d <= 0 {
			return nil, errorf(kind, fn, "dimension %d of tensor shape %v is %d; Arrow's FixedSizeList needs a positive size", k, shape, d)
		}
	}
	size, ok := product(shape, math.MaxInt32)
	if !ok {
		over := ndview.ErrOverflow
		if kind == ndview.ErrFormat {
			over = kind // metadata read from a file (Deserialize) is bad metadata
		}
		return nil, errorf(over, fn, "tensor shape %v has more than 2^31-1 elements, the most a FixedSizeList holds", shape)
	}
	if len(dimNames) != 0 && len(dimNames) != len(shape) {
		return nil, errorf(kind, fn, "%d dim_names for %d dimensions", len(dimNames), len(shape))
	}
	if len(perm) != 0 {
		if len(perm) != len(shape) {
			return nil, errorf(kind, fn, "permutation %v for %d dimensions", perm, len(shape))
		}
		seen := make([]bool, len(perm))
		for _, p := range perm {
			if p < 0 || p >= len(perm) || seen[p] {
				return nil, errorf(kind, fn, "%v is not a permutation of 0..%d", perm, len(perm)-1)
			}
			seen[p] = true
		}
	}
	t := &TensorType{
		ExtensionBase: arrow.ExtensionBase{Storage: arrow.FixedSizeListOf(int32(size), value)},
		value:         value,
		shape:         slices.Clone(shape),
	}
	if len(dimNames) != 0 {
		t.dimNames = slices.Clone(dimNames)
	}
	if len(perm) != 0 {
		t.perm = slices.Clone(perm)
	}
	return t, nil
}

// ValueType returns the Arrow type of the tensors' elements.
func (t *TensorType) ValueType() arrow.DataType { return t.value }

// Shape returns the physical (row-major) shape of one tensor: the metadata's "shape".
func (t *TensorType) Shape() []int { return slices.Clone(t.shape) }

// DimNames returns the metadata's "dim_names", in physical order; nil when absent.
func (t *TensorType) DimNames() []string { return slices.Clone(t.dimNames) }

// Permutation returns the metadata's "permutation" (logical axis i is physical axis
// Permutation()[i]); nil when absent.
func (t *TensorType) Permutation() []int { return slices.Clone(t.perm) }

// LogicalShape returns the shape of one tensor as a view of the column shows it: Shape
// permuted by Permutation.
func (t *TensorType) LogicalShape() []int {
	if t.perm == nil {
		return t.Shape()
	}
	s := make([]int, len(t.shape))
	for i, p := range t.perm {
		s[i] = t.shape[p]
	}
	return s
}

// ArrayType implements arrow.ExtensionType.
func (*TensorType) ArrayType() reflect.Type { return reflect.TypeOf(TensorArray{}) }

// ExtensionName implements arrow.ExtensionType: "arrow.fixed_shape_tensor".
func (*TensorType) ExtensionName() string { return TensorName }

// String describes the type as Arrow C++ does.
func (t *TensorType) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "extension<%s[value_type=%s, shape=%s", TensorName, t.value, joinInts(t.shape))
	if t.perm != nil {
		fmt.Fprintf(&b, ", permutation=%s", joinInts(t.perm))
	}
	if t.dimNames != nil {
		fmt.Fprintf(&b, ", dim_names=[%s]", strings.Join(t.dimNames, ","))
	}
	b.WriteString("]>")
	return b.String()
}

// Fingerprint implements arrow.DataType; unlike ExtensionBase's, it covers the metadata, so
// tensor types of different shapes are told apart.
func (t *TensorType) Fingerprint() string {
	return t.ExtensionBase.Fingerprint() + TensorName + t.Serialize()
}

func joinInts(v []int) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, x := range v {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(x))
	}
	b.WriteByte(']')
	return b.String()
}

// Serialize returns the canonical JSON metadata, compact and with the keys in the order
// Arrow C++ writes them: {"shape":[...],"permutation":[...],"dim_names":[...]}, the last two
// only when present.
func (t *TensorType) Serialize() string {
	var b bytes.Buffer
	b.WriteString(`{"shape":`)
	b.WriteString(joinInts(t.shape))
	if t.perm != nil {
		b.WriteString(`,"permutation":`)
		b.WriteString(joinInts(t.perm))
	}
	if t.dimNames != nil {
		b.WriteString(`,"dim_names":[`)
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false) // Arrow C++ writes '<', '>' and '&' as they are
		for i, n := range t.dimNames {
			if i > 0 {
				b.WriteByte(',')
			}
			_ = enc.Encode(n)       // a string always encodes
			b.Truncate(b.Len() - 1) // Encode ends with a newline
		}
		b.WriteByte(']')
	}
	b.WriteByte('}')
	return b.String()
}

// tensorMeta is the canonical JSON metadata. Unknown keys are ignored, as Arrow C++ does.
type tensorMeta struct {
	Shape       *[]int64 `json:"shape"`
	Permutation []int64  `json:"permutation"`
	DimNames    []string `json:"dim_names"`
}

// Deserialize implements arrow.ExtensionType: it parses the metadata of a column of storage
// type storage, which must be a FixedSizeList whose size is the product of the shape.
// Errors wrap ndview.ErrFormat.
func (*TensorType) Deserialize(storage arrow.DataType, data string) (arrow.ExtensionType, error) {
	return parseTensorType("Deserialize", storage, data)
}

func parseTensorType(fn string, storage arrow.DataType, data string) (*TensorType, error) {
	fsl, ok := storage.(*arrow.FixedSizeListType)
	if !ok {
		return nil, errorf(ndview.ErrFormat, fn, "%s storage must be a FixedSizeList, not %s", TensorName, storage)
	}
	var m tensorMeta
	if err := json.Unmarshal([]byte(data), &m); err != nil {
		return nil, errorf(ndview.ErrFormat, fn, "%s metadata %q: %v", TensorName, data, err)
	}
	if m.Shape == nil {
		return nil, errorf(ndview.ErrFormat, fn, "%s metadata %q has no shape", TensorName, data)
	}
	shape, err := toInts(fn, "shape", *m.Shape)
	if err != nil {
		return nil, err
	}
	perm, err := toInts(fn, "permutation", m.Permutation)
	if err != nil {
		return nil, err
	}
	t, err := newTensorType(fn, ndview.ErrFormat, fsl.Elem(), shape, m.DimNames, perm)
	if err != nil {
		return nil, err
	}
	if size, _ := product(shape, math.MaxInt32); size != int(fsl.Len()) {
		return nil, errorf(ndview.ErrFormat, fn, "%s shape %v has %d elements, its FixedSizeList storage %d", TensorName, shape, size, fsl.Len())
	}
	t.Storage = storage // as read, with its field name and nullability
	return t, nil
}

func toInts(fn, key string, v []int64) ([]int, error) {
	if v == nil {
		return nil, nil
	}
	out := make([]int, len(v))
	for i, x := range v {
		if x < math.MinInt32 || x > math.MaxInt32 {
			return nil, errorf(ndview.ErrFormat, fn, "%s %v: %d is out of range", key, v, x)
		}
		out[i] = int(x)
	}
	return out, nil
}

// ExtensionEquals implements arrow.ExtensionType, as Arrow C++ does: the same storage, shape
// and dim_names, and permutations that are equal or both the identity (written or not).
func (t *TensorType) ExtensionEquals(other arrow.ExtensionType) bool {
	o, ok := other.(*TensorType)
	if !ok {
		return false
	}
	samePerm := slices.Equal(t.perm, o.perm) || (isIdentity(t.perm) && isIdentity(o.perm))
	return arrow.TypeEqual(t.Storage, o.Storage) && slices.Equal(t.shape, o.shape) &&
		slices.Equal(t.dimNames, o.dimNames) && samePerm
}

// tensorTypeOf returns the TensorType of dt, which is a *TensorType or an extension type
// of the same name registered by someone else (read through its metadata), or false.
func tensorTypeOf(fn string, dt arrow.DataType) (*TensorType, bool, error) {
	switch t := dt.(type) {
	case *TensorType:
		return t, true, nil
	case arrow.ExtensionType:
		if t.ExtensionName() != TensorName {
			return nil, false, nil
		}
		tt, err := parseTensorType(fn, t.StorageType(), t.Serialize())
		return tt, err == nil, err
	}
	return nil, false, nil
}
