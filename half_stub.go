// TEMPORARY STUB: replaced by half.go.

package ndview

// Float16 is an IEEE 754 binary16 value. TEMPORARY STUB: replaced by half.go.
type Float16 uint16

// BFloat16 is a bfloat16 value. TEMPORARY STUB: replaced by half.go.
type BFloat16 uint16
