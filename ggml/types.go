// Package ggml is ggml's tensor types and their block formats over plain byte and float32
// slices: the type table (numbered, named and sized as ggml has them), the bytes of a row,
// and Dequantize/Quantize, exact to ggml's own reference code, for code that holds blocks
// from anywhere (a GGUF file through package gguf, cgo, a network, ollama's blobs).
//
// The layouts and kernels follow ggml-org/ggml at commit d99724f2 (2026-08-21):
// src/ggml-common.h for the blocks and the IQ tables, src/ggml-quants.c for the
// dequantizers and reference quantizers, src/ggml.c for the type table. The IQ grids,
// sign tables and FP4 values (iqtables.go) are generated from ggml-common.h by
// internal/gentables; the tests check Dequantize and the type table against ggml's own C
// functions' output, written by testdata/gen.
package ggml

import (
	"fmt"

	"github.com/ndview/ndview"
)

// Type is a ggml_type, numbered as ggml numbers it. Numbers ggml removed (4, 5, 31-33,
// 36-38) and numbers past the last type are not types: BlockSize gives 0 for them.
type Type uint32

// The types ggml defines, with ggml's numbers.
const (
	F32     Type = 0
	F16     Type = 1
	Q4_0    Type = 2
	Q4_1    Type = 3
	Q5_0    Type = 6
	Q5_1    Type = 7
	Q8_0    Type = 8
	Q8_1    Type = 9
	Q2_K    Type = 10
	Q3_K    Type = 11
	Q4_K    Type = 12
	Q5_K    Type = 13
	Q6_K    Type = 14
	Q8_K    Type = 15
	IQ2_XXS Type = 16
	IQ2_XS  Type = 17
	IQ3_XXS Type = 18
	IQ1_S   Type = 19
	IQ4_NL  Type = 20
	IQ3_S   Type = 21
	IQ2_S   Type = 22
	IQ4_XS  Type = 23
	I8      Type = 24
	I16     Type = 25
	I32     Type = 26
	I64     Type = 27
	F64     Type = 28
	IQ1_M   Type = 29
	BF16    Type = 30
	TQ1_0   Type = 34
	TQ2_0   Type = 35
	MXFP4   Type = 39
	NVFP4   Type = 40
	Q1_0    Type = 41
	Q2_0    Type = 42
)

// traits is one row of ggml's type_traits (src/ggml.c): elements and bytes per block.
type traits struct {
	name  string
	block int // elements per block
	bytes int // bytes per block
}

// table is indexed by Type; a zero row is a number ggml does not define (or removed).
var table = [...]traits{
	F32:     {"F32", 1, 4},
	F16:     {"F16", 1, 2},
	Q4_0:    {"Q4_0", 32, 18},
	Q4_1:    {"Q4_1", 32, 20},
	Q5_0:    {"Q5_0", 32, 22},
	Q5_1:    {"Q5_1", 32, 24},
	Q8_0:    {"Q8_0", 32, 34},
	Q8_1:    {"Q8_1", 32, 36},
	Q2_K:    {"Q2_K", 256, 84},
	Q3_K:    {"Q3_K", 256, 110},
	Q4_K:    {"Q4_K", 256, 144},
	Q5_K:    {"Q5_K", 256, 176},
	Q6_K:    {"Q6_K", 256, 210},
	Q8_K:    {"Q8_K", 256, 292},
	IQ2_XXS: {"IQ2_XXS", 256, 66},
	IQ2_XS:  {"IQ2_XS", 256, 74},
	IQ3_XXS: {"IQ3_XXS", 256, 98},
	IQ1_S:   {"IQ1_S", 256, 50},
	IQ4_NL:  {"IQ4_NL", 32, 18},
	IQ3_S:   {"IQ3_S", 256, 110},
	IQ2_S:   {"IQ2_S", 256, 82},
	IQ4_XS:  {"IQ4_XS", 256, 136},
	I8:      {"I8", 1, 1},
	I16:     {"I16", 1, 2},
	I32:     {"I32", 1, 4},
	I64:     {"I64", 1, 8},
	F64:     {"F64", 1, 8},
	IQ1_M:   {"IQ1_M", 256, 56},
	BF16:    {"BF16", 1, 2},
	TQ1_0:   {"TQ1_0", 256, 54},
	TQ2_0:   {"TQ2_0", 256, 66},
	MXFP4:   {"MXFP4", 32, 17},
	NVFP4:   {"NVFP4", 64, 36},
	Q1_0:    {"Q1_0", 128, 18},
	Q2_0:    {"Q2_0", 64, 18},
}

func (t Type) traits() traits {
	if int64(t) < int64(len(table)) {
		return table[t]
	}
	return traits{}
}

// String gives the type's name as gguf-py and llama.cpp's tools print it ("Q4_K", "BF16");
// a number that is not a type prints as "ggml.Type(77)".
func (t Type) String() string {
	if r := t.traits(); r.name != "" {
		return r.name
	}
	return fmt.Sprintf("ggml.Type(%d)", uint32(t))
}

// BlockSize is the number of elements in one block: 1 for the plain types (F32, F16, BF16,
// F64, I8...I64), 0 for a number that is not a type.
func (t Type) BlockSize() int { return t.traits().block }

// BlockBytes is the number of bytes in one block (ggml's type_size), 0 for a number that
// is not a type.
func (t Type) BlockBytes() int { return t.traits().bytes }

// Known reports whether t is a type ggml defines today.
func (t Type) Known() bool { return t.traits().block != 0 }

// Quantized reports whether t stores its elements in blocks of more than one element.
func (t Type) Quantized() bool { return t.traits().block > 1 }

// Types lists every type ggml defines, in ggml's numbering order.
func Types() []Type {
	var ts []Type
	for i, r := range table {
		if r.block != 0 {
			ts = append(ts, Type(i))
		}
	}
	return ts
}

// RowBytes gives the bytes n elements of type t take: n/BlockSize blocks. It fails with
// ErrShape when n is negative or not a whole number of blocks, ErrOverflow when the bytes
// do not fit an int, and ErrFormat when t is not a type ggml defines.
func RowBytes(t Type, n int) (int, error) {
	return rowBytes("ggml.RowBytes", t, n)
}

func rowBytes(op string, t Type, n int) (int, error) {
	r := t.traits()
	if r.block == 0 {
		return 0, unknownType(op, t)
	}
	if n < 0 || n%r.block != 0 {
		return 0, &ndview.Error{Op: op, Kind: ndview.ErrShape,
			Msg: fmt.Sprintf("%d elements are not a whole number of %s blocks of %d", n, r.name, r.block)}
	}
	blocks := n / r.block
	if blocks > maxInt/r.bytes {
		return 0, &ndview.Error{Op: op, Kind: ndview.ErrOverflow,
			Msg: fmt.Sprintf("%d %s elements take more bytes than an int holds", n, r.name)}
	}
	return blocks * r.bytes, nil
}

const maxInt = int(^uint(0) >> 1)

// unknownType is the error for a number ggml does not define, saying when ggml removed it.
func unknownType(op string, t Type) error {
	msg := fmt.Sprintf("%v is not a type ggml defines", t)
	switch t {
	case 4, 5:
		msg = fmt.Sprintf("ggml type %d (Q4_2/Q4_3) was removed from ggml", uint32(t))
	case 31, 32, 33, 36, 37, 38:
		msg = fmt.Sprintf("ggml type %d (an interleaved Q4_0/IQ4_NL layout) was removed from GGUF files; ggml repacks such tensors at load time", uint32(t))
	}
	return &ndview.Error{Op: op, Kind: ndview.ErrFormat, Msg: msg}
}
