package ndview

import (
	"math"
	"math/bits"
	"strconv"
)

// The 8-bit floats convert as ml_dtypes (github.com/jax-ml/ml_dtypes, the float8 types of
// JAX and of NumPy users) does by default, neither saturating nor truncating: ConvertImpl
// in ml_dtypes/include/float8.h. It unpacks the input into sign, unbiased exponent and a
// mantissa with its leading one, rounds the mantissa once to nearest, ties to even, at the
// target's unit (a subnormal's unit below the normal range), and packs exponent and
// mantissa by addition, so that a carry steps the exponent; a result above the largest
// finite value is the target's "infinity" (the NaN for E4M3, which has none). A NaN input
// gives the target's quiet NaN with the input's sign and no payload; ±0 stays ±0, and so
// does anything that rounds to zero.
//
// A float64 rounds once, straight from its value, as ml_dtypes' float8 constructors from
// double do (float8_base::ConvertFrom goes through float only for types wider than
// double). ml_dtypes' NumPy array cast from float64 (NPyCast in ml_dtypes/_src/floats.cc)
// does go through float32 and can round twice; ndview does not.
//
// The conversions below are bit manipulation with roundEven, like those of Float16: no
// floating-point arithmetic, so they give the same bits on every platform.

// Float8E4M3 is an 8-bit float in ml_dtypes' float8_e4m3fn format (the OCP FP8 E4M3 format;
// safetensors' "F8_E4M3"): 1 sign bit, 4 exponent bits with bias 7 and 3 fraction bits,
// stored as its bit pattern. It has no infinities: 0x7F and 0xFF are its only NaNs, and the
// exponent field 1111 holds finite values up to 448 (0x7E). Its subnormals go down to 2⁻⁹.
//
// To float32 and float64 every value is exact; the NaNs give the quiet NaN with their sign,
// as in ml_dtypes. From float32 and float64, values round once to nearest, ties to even;
// a value that does not round to at most 448 (one above 464; 464 itself rounds to 448),
// ±Inf and NaN all give the NaN with the input's sign, 0x7F or 0xFF. Values at most 2⁻¹⁰
// (half the smallest subnormal) give ±0.
type Float8E4M3 uint8

// Float8E5M2 is an 8-bit float in ml_dtypes' float8_e5m2 format (the OCP FP8 E5M2 format;
// safetensors' "F8_E5M2"): 1 sign bit, 5 exponent bits with bias 15 and 2 fraction bits,
// stored as its bit pattern, laid out as IEEE 754 (the top byte of a float16): infinities
// 0x7C and 0xFC, NaNs above them, largest finite value 57344 (0x7B), subnormals down to 2⁻¹⁶.
//
// To float32 and float64 every value is exact; a NaN gives the quiet NaN with its sign and
// no payload, as in ml_dtypes. From float32 and float64, values round once to nearest, ties
// to even, to ±Inf from 61440 up (the midpoint of 57344 and 65536, a tie that rounds to the
// even pattern 0x7C); a NaN gives the quiet NaN 0x7E, or 0xFE with the sign bit. Values
// at most 2⁻¹⁷ (half the smallest subnormal) give ±0.
type Float8E5M2 uint8

// ToFloat8E4M3 returns f rounded to the nearest Float8E4M3, ties to even, as ml_dtypes'
// float8_e4m3fn(f): past 464, ±Inf and NaN give the NaN with f's sign.
func ToFloat8E4M3(f float32) Float8E4M3 {
	b := math.Float32bits(f)
	sign := uint8(b>>24) & 0x80
	exp := b >> 23 & 0xff
	man := b & 0x7fffff
	switch {
	case exp >= 127+9: // |f| >= 512, Inf or NaN: no infinity to give
		return Float8E4M3(sign | 0x7f)
	case exp >= 127-6: // normal: |f| >= 2^-6
		v := (exp-120)<<3 | man>>20 // rebias: 127 → 7
		return Float8E4M3(sign | e4m3Finite(roundEven(v, man, 20)))
	case exp >= 127-10: // subnormal or rounds to one: |f| >= 2^-10
		m := man | 1<<23
		shift := 141 - exp // units of 2^-9: m*2^(exp-150) / 2^-9
		return Float8E4M3(sign | uint8(roundEven(m>>shift, m, shift)))
	}
	return Float8E4M3(sign) // float32 subnormals included
}

// Float8E4M3FromFloat64 returns f rounded once to the nearest Float8E4M3, ties to even, as
// ml_dtypes' float8_e4m3fn(f) for a double. It does not pass through float32, which would
// round twice: 1 + 2⁻⁴ + 2⁻³⁰ gives 0x39 here and 0x38 through float32.
func Float8E4M3FromFloat64(f float64) Float8E4M3 {
	b := math.Float64bits(f)
	sign := uint8(b>>56) & 0x80
	exp := b >> 52 & 0x7ff
	man := b & (1<<52 - 1)
	switch {
	case exp >= 1023+9:
		return Float8E4M3(sign | 0x7f)
	case exp >= 1023-6:
		v := (exp-1016)<<3 | man>>49 // rebias: 1023 → 7
		return Float8E4M3(sign | e4m3Finite(roundEven(v, man, 49)))
	case exp >= 1023-10:
		m := man | 1<<52
		shift := 1066 - exp // units of 2^-9: m*2^(exp-1075) / 2^-9
		return Float8E4M3(sign | uint8(roundEven(m>>shift, m, shift)))
	}
	return Float8E4M3(sign)
}

// e4m3Finite returns v, a rounded Float8E4M3 magnitude, or the NaN 0x7F if it is past the
// largest finite value 0x7E (a carry out of 0x7E reaches 0x7F itself; from the top of the
// exponent range, 0x80).
func e4m3Finite[U uint32 | uint64](v U) uint8 {
	if v > 0x7e {
		return 0x7f
	}
	return uint8(v)
}

// ToFloat8E5M2 returns f rounded to the nearest Float8E5M2, ties to even, as ml_dtypes'
// float8_e5m2(f): ±Inf from 61440 up, a NaN quiet with its sign.
func ToFloat8E5M2(f float32) Float8E5M2 {
	b := math.Float32bits(f)
	sign := uint8(b>>24) & 0x80
	exp := b >> 23 & 0xff
	man := b & 0x7fffff
	switch {
	case exp == 0xff: // Inf or NaN
		if man == 0 {
			return Float8E5M2(sign | 0x7c)
		}
		return Float8E5M2(sign | 0x7e)
	case exp >= 127+16: // |f| >= 2^16
		return Float8E5M2(sign | 0x7c)
	case exp >= 127-14: // normal: |f| >= 2^-14
		v := (exp-112)<<2 | man>>21 // rebias: 127 → 15
		return Float8E5M2(sign | uint8(roundEven(v, man, 21)))
	case exp >= 127-17: // subnormal or rounds to one: |f| >= 2^-17
		m := man | 1<<23
		shift := 134 - exp // units of 2^-16: m*2^(exp-150) / 2^-16
		return Float8E5M2(sign | uint8(roundEven(m>>shift, m, shift)))
	}
	return Float8E5M2(sign)
}

// Float8E5M2FromFloat64 returns f rounded once to the nearest Float8E5M2, ties to even, as
// ml_dtypes' float8_e5m2(f) for a double, without passing through float32 (which would
// round twice: 1 + 2⁻³ + 2⁻³⁰ gives 0x3D here and 0x3C through float32).
func Float8E5M2FromFloat64(f float64) Float8E5M2 {
	b := math.Float64bits(f)
	sign := uint8(b>>56) & 0x80
	exp := b >> 52 & 0x7ff
	man := b & (1<<52 - 1)
	switch {
	case exp == 0x7ff:
		if man == 0 {
			return Float8E5M2(sign | 0x7c)
		}
		return Float8E5M2(sign | 0x7e)
	case exp >= 1023+16:
		return Float8E5M2(sign | 0x7c)
	case exp >= 1023-14:
		v := (exp-1008)<<2 | man>>50 // rebias: 1023 → 15
		return Float8E5M2(sign | uint8(roundEven(v, man, 50)))
	case exp >= 1023-17:
		m := man | 1<<52
		shift := 1059 - exp // units of 2^-16: m*2^(exp-1075) / 2^-16
		return Float8E5M2(sign | uint8(roundEven(m>>shift, m, shift)))
	}
	return Float8E5M2(sign)
}

// Float32 returns x's value exactly; a NaN gives float32's quiet NaN with x's sign, as in
// ml_dtypes.
func (x Float8E4M3) Float32() float32 {
	sign := uint32(x&0x80) << 24
	exp := uint32(x>>3) & 0xf
	man := uint32(x & 0x7)
	switch {
	case x&0x7f == 0x7f:
		return math.Float32frombits(sign | 0x7fc00000)
	case exp == 0:
		if man == 0 {
			return math.Float32frombits(sign)
		}
		// A subnormal, man × 2⁻⁹: normalize so that the leading one is bit 3.
		shift := uint32(bits.LeadingZeros32(man) - 28)
		return math.Float32frombits(sign | (121-shift)<<23 | (man<<shift&0x7)<<20)
	}
	return math.Float32frombits(sign | (exp+120)<<23 | man<<20)
}

// Float64 returns x's value exactly; a NaN gives float64's quiet NaN with x's sign.
func (x Float8E4M3) Float64() float64 {
	if x.IsNaN() {
		// Bit by bit, as ml_dtypes gives it; float64(NaN) would not promise the bits.
		return math.Float64frombits(uint64(x>>7)<<63 | 0x7ff8<<48)
	}
	return float64(x.Float32()) // exact
}

// Float32 returns x's value exactly; a NaN gives float32's quiet NaN with x's sign (its
// payload is dropped, a signaling NaN 0x7D included, as in ml_dtypes).
func (x Float8E5M2) Float32() float32 {
	sign := uint32(x&0x80) << 24
	exp := uint32(x>>2) & 0x1f
	man := uint32(x & 0x3)
	switch exp {
	case 0x1f:
		if man == 0 {
			return math.Float32frombits(sign | 0x7f800000)
		}
		return math.Float32frombits(sign | 0x7fc00000)
	case 0:
		if man == 0 {
			return math.Float32frombits(sign)
		}
		// A subnormal, man × 2⁻¹⁶: normalize so that the leading one is bit 2.
		shift := uint32(bits.LeadingZeros32(man) - 29)
		return math.Float32frombits(sign | (113-shift)<<23 | (man<<shift&0x3)<<21)
	}
	return math.Float32frombits(sign | (exp+112)<<23 | man<<21)
}

// Float64 returns x's value exactly; a NaN gives float64's quiet NaN with x's sign.
func (x Float8E5M2) Float64() float64 {
	if x.IsNaN() {
		// Bit by bit, as ml_dtypes gives it; float64(NaN) would not promise the bits.
		return math.Float64frombits(uint64(x>>7)<<63 | 0x7ff8<<48)
	}
	return float64(x.Float32()) // exact
}

// IsNaN reports whether x is a NaN: 0x7F or 0xFF, the only NaNs of E4M3FN.
func (x Float8E4M3) IsNaN() bool { return x&0x7f == 0x7f }

// String returns x's value as fmt's %v formats a float32 ("0.75", "1.125", "448", "-0",
// "NaN"), as ml_dtypes prints its float8 values: with only 3 fraction bits the shortest
// decimal that would round back ("1.1" for 1.125) misleads more than it saves.
func (x Float8E4M3) String() string {
	return strconv.FormatFloat(float64(x.Float32()), 'g', -1, 32)
}

// IsNaN reports whether x is a NaN (0x7D to 0x7F, with either sign).
func (x Float8E5M2) IsNaN() bool { return x&0x7f > 0x7c }

// IsInf reports whether x is an infinity, according to sign as math.IsInf: sign > 0 asks
// for +Inf, sign < 0 for -Inf, sign == 0 for either.
func (x Float8E5M2) IsInf(sign int) bool {
	return sign >= 0 && x == 0x7c || sign <= 0 && x == 0xfc
}

// String returns x's value as fmt's %v formats a float32 ("0.75", "57344", "-0", "NaN",
// "+Inf"), as Float8E4M3's String does.
func (x Float8E5M2) String() string {
	return strconv.FormatFloat(float64(x.Float32()), 'g', -1, 32)
}
