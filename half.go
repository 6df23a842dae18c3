package ndview

import (
	"math"
	"math/bits"
	"strconv"
)

// Float16 is an IEEE 754 binary16 value, NumPy's float16: 1 sign bit, 5 exponent bits and
// 10 fraction bits, stored as its bit pattern. Its format is "e" and its .npy descr "<f2".
//
// Views and kernels treat Float16 as a float (NaN != NaN, arithmetic on values, not bits),
// though it is an Elem through its underlying uint16. Only Float16 itself is: a type
// defined from it (type X Float16) is a uint16.
//
// Conversions agree with NumPy bit for bit: to float32 and float64 every value is exact,
// subnormals included, and a NaN keeps its sign and payload (a signaling NaN stays
// signaling); from float32 and float64 values round once to nearest, ties to even,
// overflowing to ±Inf and underflowing through the subnormals to ±0, and a NaN keeps its
// sign and the top 10 bits of its payload (0x7C01 if those are all zero, so that it stays a
// NaN).
type Float16 uint16

// BFloat16 is a bfloat16 value: the top 16 bits of an IEEE binary32 (1 sign bit, 8 exponent
// bits, 7 fraction bits), as in safetensors' "BF16". NumPy has no bfloat16; ndview's format
// code for it is "E" (see ParseFormat), and npy refuses it.
//
// Views and kernels treat BFloat16 as a float, as they do Float16; a type defined from it is
// a uint16.
//
// To float32 and float64 every value is exact (a NaN keeps its payload). From float32 and
// float64, values round once to nearest, ties to even, overflowing to ±Inf; subnormals are
// kept, never flushed to zero (bfloat16 has float32's exponent range, so a float32
// subnormal rounds to the nearest bfloat16 subnormal). A NaN stays a NaN: it keeps its sign
// and the top bits of its payload and is made quiet, as x86's VCVTNEPS2BF16 and Arm's BFCVT
// do, so 0x7F800001 gives 0x7FC0, never +Inf.
type BFloat16 uint16

// ToFloat16 returns f rounded to the nearest Float16, ties to even, as NumPy's
// float32 → float16 cast.
func ToFloat16(f float32) Float16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := b >> 23 & 0xff
	man := b & 0x7fffff
	switch {
	case exp == 0xff: // Inf or NaN
		if man == 0 {
			return Float16(sign | 0x7c00)
		}
		return Float16(sign | 0x7c00 | nanPayload(uint16(man>>13)))
	case exp >= 127+16: // |f| >= 2^16
		return Float16(sign | 0x7c00)
	case exp >= 127-14: // normal: |f| >= 2^-14
		v := (exp-112)<<10 | man>>13 // rebias: 127 → 15
		return Float16(sign | uint16(roundEven(v, man, 13)))
	case exp >= 127-25: // subnormal or rounds to one: |f| >= 2^-25
		m := man | 1<<23
		shift := 126 - exp // units of 2^-24: m*2^(exp-150) / 2^-24
		return Float16(sign | uint16(roundEven(m>>shift, m, shift)))
	}
	return Float16(sign)
}

// Float16FromFloat64 returns f rounded once to the nearest Float16, ties to even, as NumPy's
// float64 → float16 cast. It does not pass through float32, which would round twice:
// 1 + 2⁻¹¹ + 2⁻³⁰ gives 0x3C01 here and 0x3C00 through float32.
func Float16FromFloat64(f float64) Float16 {
	b := math.Float64bits(f)
	sign := uint16(b>>48) & 0x8000
	exp := b >> 52 & 0x7ff
	man := b & (1<<52 - 1)
	switch {
	case exp == 0x7ff:
		if man == 0 {
			return Float16(sign | 0x7c00)
		}
		return Float16(sign | 0x7c00 | nanPayload(uint16(man>>42)))
	case exp >= 1023+16:
		return Float16(sign | 0x7c00)
	case exp >= 1023-14:
		v := (exp-1008)<<10 | man>>42 // rebias: 1023 → 15
		return Float16(sign | uint16(roundEven(v, man, 42)))
	case exp >= 1023-25:
		m := man | 1<<52
		shift := 1051 - exp // units of 2^-24: m*2^(exp-1075) / 2^-24
		return Float16(sign | uint16(roundEven(m>>shift, m, shift)))
	}
	return Float16(sign)
}

// nanPayload keeps a NaN a NaN when its payload does not survive the narrowing, as NumPy does.
func nanPayload(p uint16) uint16 {
	if p == 0 {
		return 1
	}
	return p
}

// roundEven returns v, the value truncated to the units of bit `shift` of x, rounded to
// nearest, ties to even, by the bits of x below that unit. A carry out of the fraction steps
// the exponent, and out of the largest finite value gives Inf: the encoding is monotonic.
func roundEven[U uint32 | uint64](v, x, shift U) U {
	rem := x & (1<<shift - 1)
	half := U(1) << (shift - 1)
	if rem > half || rem == half && v&1 == 1 {
		v++
	}
	return v
}

// Float32 returns h's value exactly. A NaN keeps its sign and payload, shifted into the top
// of float32's fraction (a signaling NaN stays signaling), as in NumPy.
func (h Float16) Float32() float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	man := uint32(h & 0x3ff)
	switch exp {
	case 0x1f:
		return math.Float32frombits(sign | 0x7f800000 | man<<13)
	case 0:
		if man == 0 {
			return math.Float32frombits(sign)
		}
		// A subnormal, man × 2⁻²⁴: normalize so that the leading one is bit 10.
		shift := uint32(bits.LeadingZeros32(man) - 21)
		return math.Float32frombits(sign | (113-shift)<<23 | (man<<shift&0x3ff)<<13)
	}
	return math.Float32frombits(sign | (exp+112)<<23 | man<<13)
}

// Float64 returns h's value exactly, a NaN with its sign and payload, as in NumPy.
func (h Float16) Float64() float64 {
	f := h.Float32()
	if h.IsNaN() {
		return nanToFloat64(f)
	}
	return float64(f)
}

// nanToFloat64 widens the NaN f to float64 bit by bit: its sign, and its payload at the top
// of float64's fraction (a signalling NaN stays signalling, where float64(f) would quiet it).
func nanToFloat64(f float32) float64 {
	b := math.Float32bits(f)
	return math.Float64frombits(uint64(b>>31)<<63 | 0x7ff<<52 | uint64(b&0x7fffff)<<29)
}

// IsNaN reports whether h is a NaN.
func (h Float16) IsNaN() bool { return h&0x7fff > 0x7c00 }

// IsInf reports whether h is an infinity, according to sign as math.IsInf: sign > 0 asks
// for +Inf, sign < 0 for -Inf, sign == 0 for either.
func (h Float16) IsInf(sign int) bool {
	return sign >= 0 && h == 0x7c00 || sign <= 0 && h == 0xfc00
}

// String returns the shortest decimal that converts back to h, formatted as fmt's %v
// formats a float: "0.1", "65500", "6e-08", "-0", "NaN", "+Inf".
func (h Float16) String() string {
	return shortest(h.Float64(), func(x float64) bool { return Float16FromFloat64(x) == h })
}

// ToBFloat16 returns f rounded to the nearest BFloat16, ties to even. A NaN stays a NaN
// (quiet, with its sign and the top of its payload); subnormals are rounded, not flushed.
func ToBFloat16(f float32) BFloat16 {
	b := math.Float32bits(f)
	if b&0x7fffffff > 0x7f800000 {
		return BFloat16(b>>16 | 0x40)
	}
	// Round to nearest even by adding just under half a unit, plus one when the kept part is
	// odd; a carry steps the exponent, and past the largest finite value gives Inf.
	return BFloat16((b + 0x7fff + b>>16&1) >> 16)
}

// BFloat16FromFloat64 returns f rounded once to the nearest BFloat16, ties to even, without
// passing through float32 (which would round twice). A NaN stays a NaN, as in ToBFloat16.
func BFloat16FromFloat64(f float64) BFloat16 {
	b := math.Float64bits(f)
	sign := uint16(b>>48) & 0x8000
	exp := b >> 52 & 0x7ff
	man := b & (1<<52 - 1)
	switch {
	case exp == 0x7ff:
		if man == 0 {
			return BFloat16(sign | 0x7f80)
		}
		return BFloat16(sign | 0x7fc0 | uint16(man>>45))
	case exp >= 1023+128:
		return BFloat16(sign | 0x7f80)
	case exp >= 1023-126:
		v := (exp-896)<<7 | man>>45 // rebias: 1023 → 127
		return BFloat16(sign | uint16(roundEven(v, man, 45)))
	case exp >= 1023-134:
		m := man | 1<<52
		shift := 942 - exp // units of 2^-133: m*2^(exp-1075) / 2^-133
		return BFloat16(sign | uint16(roundEven(m>>shift, m, shift)))
	}
	return BFloat16(sign)
}

// Float32 returns b's value exactly (a NaN with its payload).
func (b BFloat16) Float32() float32 { return math.Float32frombits(uint32(b) << 16) }

// Float64 returns b's value exactly (a NaN with its payload).
func (b BFloat16) Float64() float64 {
	if b.IsNaN() {
		return nanToFloat64(b.Float32())
	}
	return float64(b.Float32())
}

// IsNaN reports whether b is a NaN.
func (b BFloat16) IsNaN() bool { return b&0x7fff > 0x7f80 }

// IsInf reports whether b is an infinity, according to sign as math.IsInf.
func (b BFloat16) IsInf(sign int) bool {
	return sign >= 0 && b == 0x7f80 || sign <= 0 && b == 0xff80
}

// String returns the shortest decimal that converts back to b, formatted as fmt's %v
// formats a float: "0.1", "3.39e+38", "-0", "NaN", "+Inf".
func (b BFloat16) String() string {
	return shortest(b.Float64(), func(x float64) bool { return BFloat16FromFloat64(x) == b })
}

// shortest formats x, a half-precision value, with the fewest significant digits that
// convert back to it (back reports whether they do), in strconv's 'g' style with
// shortest precision (as fmt's %v).
func shortest(x float64, back func(float64) bool) string {
	if math.IsNaN(x) || math.IsInf(x, 0) || x == 0 {
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	// The correctly rounded p-digit decimal is the p-digit decimal nearest x: if any p-digit
	// decimal converts back, it does. Five digits always do for binary16 and bfloat16.
	for p := 1; p < 17; p++ {
		y, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'e', p-1, 64), 64)
		if back(y) {
			// y is the float64 nearest a decimal of at most 5 digits, so that decimal is
			// also y's shortest form.
			return strconv.FormatFloat(y, 'g', -1, 64)
		}
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}
