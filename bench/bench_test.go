package main

import (
	"fmt"
	"testing"
)

// The same workloads as `go run ./bench`, for `go test -bench . ./bench` and benchstat.

func benchPair(b *testing.B, f func() (workload, workload)) {
	nd, base := f()
	b.Run("ndview", nd.fn)
	b.Run("baseline", base.fn)
}

func BenchmarkValuesContig(b *testing.B)   { benchPair(b, valuesContig) }
func BenchmarkValuesStrided(b *testing.B)  { benchPair(b, valuesStrided) }
func BenchmarkAt2D(b *testing.B)           { benchPair(b, at2D) }
func BenchmarkCopyTransposed(b *testing.B) { benchPair(b, copyTransposed) }
func BenchmarkSelect3(b *testing.B)        { benchPair(b, select3) }
func BenchmarkAt2Sweep(b *testing.B)       { benchPair(b, at2Sweep) }
func BenchmarkAt2Random(b *testing.B)      { benchPair(b, at2Random) }
func BenchmarkCopyF(b *testing.B)          { benchPair(b, copyF) }
func BenchmarkEqualF(b *testing.B)         { benchPair(b, equalF) }
func BenchmarkPermute(b *testing.B)        { benchPair(b, permute) }
func BenchmarkApply2(b *testing.B)         { benchPair(b, apply2) }
func BenchmarkConvert(b *testing.B)        { benchPair(b, convert) }
func BenchmarkConvertHalf(b *testing.B)    { benchPair(b, convertHalf) }
func BenchmarkSumContig(b *testing.B)      { benchPair(b, sumContig) }
func BenchmarkSumAxis0(b *testing.B)       { benchPair(b, sumAxis(0)) }
func BenchmarkSumAxis1(b *testing.B)       { benchPair(b, sumAxis(1)) }
func BenchmarkMaxContig(b *testing.B)      { benchPair(b, maxContig) }
func BenchmarkArgMaxContig(b *testing.B)   { benchPair(b, argMaxContig) }
func BenchmarkApply(b *testing.B)          { benchPair(b, apply) }
func BenchmarkTake(b *testing.B)           { benchPair(b, take) }
func BenchmarkTakeInto(b *testing.B)       { benchPair(b, takeInto) }
func BenchmarkConcatenate(b *testing.B)    { benchPair(b, concatenate) }
func BenchmarkArgMaxAxis(b *testing.B)     { benchPair(b, argMaxAxis) }

func BenchmarkDerived(b *testing.B) {
	for _, side := range []int{4, 4096} {
		for _, w := range derived(side) {
			b.Run(fmt.Sprintf("%s/%dx%d", w.name, side, side), w.fn)
		}
	}
}
