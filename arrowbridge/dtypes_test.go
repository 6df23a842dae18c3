package arrowbridge

import (
	"errors"
	"testing"

	"github.com/ndview/ndview"
)

// Every element type of ndview goes through arrowType: the types Arrow has round-trip
// through a column, the others (complex, bfloat16, the float8 types) are refused with
// ErrFormat. A new element type must be added here, which says what Arrow makes of it.
func TestEveryElementType(t *testing.T) {
	has := func(t *testing.T, name string, err error, want bool) {
		t.Helper()
		if want && err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if !want && !errors.Is(err, ndview.ErrFormat) {
			t.Errorf("%s: %v, want ErrFormat", name, err)
		}
	}
	for name, f := range map[string]func() error{
		"int8": roundTrip[int8], "uint8": roundTrip[uint8], "int16": roundTrip[int16], "uint16": roundTrip[uint16],
		"int32": roundTrip[int32], "uint32": roundTrip[uint32], "int64": roundTrip[int64], "uint64": roundTrip[uint64],
		"int": roundTrip[int], "uint": roundTrip[uint], "float32": roundTrip[float32], "float64": roundTrip[float64],
		"float16": roundTrip[ndview.Float16],
	} {
		has(t, name, f(), true)
	}
	for name, f := range map[string]func() error{
		"bfloat16": roundTrip[ndview.BFloat16], "float8_e4m3fn": roundTrip[ndview.Float8E4M3],
		"float8_e5m2": roundTrip[ndview.Float8E5M2], "complex64": roundTrip[complex64], "complex128": roundTrip[complex128],
	} {
		has(t, name, f(), false)
	}
}

func roundTrip[T ndview.Elem]() error {
	v := ndview.New[T](2, 3)
	col, err := ToColumn(v)
	if err != nil {
		return err
	}
	defer col.Release()
	back, err := FromColumn[T](col)
	if err != nil {
		return err
	}
	defer back.Release()
	if !ndview.Equal(back, v) {
		return errors.New("values changed")
	}
	return nil
}
