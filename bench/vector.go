package main

import (
	"flag"
	"fmt"
	"math"
	"regexp"
	"runtime"
	"slices"
	"testing"
	"unsafe"

	"github.com/ndview/ndview"
	"golang.org/x/sys/unix"
)

// The vector kernels' goals (issue 20) are against NumPy and copy(): each round runs
// numpy_vector.py once, then every ndview workload and its copy() baseline, so that a noisy
// machine moves the sides of a ratio together; the table gives medians of per-round ratios.

// vecWorkload is one row: an ndview function, the NumPy key of the same workload, the goal
// as a ratio to NumPy's time (0: none), and an optional copy() baseline with its goal.
type vecWorkload struct {
	name     string
	procs    int // GOMAXPROCS while measuring: 1 for the one-goroutine goals
	nbytes   int
	run      func()
	npKey    string
	npGoal   float64
	aim      bool // npGoal is an aim (the goroutine rows), not a goal: shown, not marked
	base     func()
	baseName string
	baseGoal float64
}

// hugePages: the workloads' data in memory the kernel may back with 2 MiB pages, as NumPy
// asks for its large arrays (madvise MADV_HUGEPAGE; np.core.multiarray._get_madvise_hugepage()).
var hugePages = flag.Bool("hugepages", false, "with -vector: the data in memory advised for huge pages, as NumPy's")

// floats returns n float64s, in memory advised for huge pages with -hugepages.
func floats(n int) []float64 {
	if !*hugePages {
		return make([]float64, n)
	}
	b, err := unix.Mmap(-1, 0, n*8, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANON|unix.MAP_PRIVATE)
	if err != nil {
		panic(err)
	}
	if err := unix.Madvise(b, unix.MADV_HUGEPAGE); err != nil {
		panic(err)
	}
	return unsafe.Slice((*float64)(unsafe.Pointer(&b[0])), n)
}

func vectorWorkloads() []vecWorkload {
	x := floats(4 << 20)
	for i := range x {
		x[i] = math.Sin(float64(i))
	}
	v64, _ := ndview.FromSlice(x)
	v32 := ndview.AsType[float32](v64)
	sq, _ := ndview.FromSlice(x, 2048, 2048)
	const n = 16 << 20
	big := make([]float64, n)
	for i := range big {
		big[i] = math.Sin(float64(i))
	}
	b64, _ := ndview.FromSlice(big)
	d32, d64 := ndview.New[float32](n), ndview.New[float64](n)
	h16, b16 := ndview.New[ndview.Float16](n), ndview.New[ndview.BFloat16](n)
	scaled := func(f func(float64) float64) *ndview.View[float64] {
		s := b64.Clone()
		ndview.Apply(s, b64, func(_, x float64) float64 { return f(x) })
		return s
	}
	s32 := ndview.AsType[float32](b64)
	h := ndview.AsType[ndview.Float16](b64)
	bf := ndview.AsType[ndview.BFloat16](b64)
	i8 := ndview.AsType[int8](scaled(func(x float64) float64 { return x * 100 }))
	u8 := ndview.AsType[uint8](scaled(func(x float64) float64 { return (x + 1) * 100 }))
	i32 := ndview.AsType[int32](scaled(func(x float64) float64 { return x * 1e6 }))
	c64, c32 := make([]float64, n), make([]float32, n)
	r32, _, _ := s32.Raw()
	copySrc := func() { copy(c64, big) } // copy() of float64→float32's source bytes
	copyDst := func() { copy(c32, r32) } // copy() of the float32 result's bytes
	w := []vecWorkload{
		{name: "Max, 4M float64", procs: 1, nbytes: 32 << 20, run: func() { sinkV = ndview.Max(v64) }, npKey: "max_f64", npGoal: 1},
		{name: "Min, 4M float64", procs: 1, nbytes: 32 << 20, run: func() { sinkV = ndview.Min(v64) }, npKey: "min_f64", npGoal: 1},
		{name: "ArgMax, 4M float64", procs: 1, nbytes: 32 << 20, run: func() { sinkV = ndview.ArgMax(v64) }, npKey: "argmax_f64", npGoal: 1},
		{name: "ArgMin, 4M float64", procs: 1, nbytes: 32 << 20, run: func() { sinkV = ndview.ArgMin(v64) }, npKey: "argmin_f64", npGoal: 1},
		{name: "Max, 4M float32", procs: 1, nbytes: 16 << 20, run: func() { sinkV = ndview.Max(v32) }, npKey: "max_f32", npGoal: 1},
		{name: "Min, 4M float32", procs: 1, nbytes: 16 << 20, run: func() { sinkV = ndview.Min(v32) }, npKey: "min_f32", npGoal: 1},
		{name: "ArgMax, 4M float32", procs: 1, nbytes: 16 << 20, run: func() { sinkV = ndview.ArgMax(v32) }, npKey: "argmax_f32", npGoal: 1},
		{name: "ArgMin, 4M float32", procs: 1, nbytes: 16 << 20, run: func() { sinkV = ndview.ArgMin(v32) }, npKey: "argmin_f32", npGoal: 1},
		{name: "ArgMaxAxis last, 2048² float64", procs: 1, nbytes: 32 << 20, run: func() { sinkV = ndview.ArgMaxAxis(sq, 1) }, npKey: "argmax_axis_last", npGoal: 1},
		{name: "Max, 4M float64, goroutines", aim: true, nbytes: 32 << 20, run: func() { sinkV = ndview.Max(v64) }, npKey: "max_f64", npGoal: 0.5},
		{name: "ArgMax, 4M float64, goroutines", aim: true, nbytes: 32 << 20, run: func() { sinkV = ndview.ArgMax(v64) }, npKey: "argmax_f64", npGoal: 0.5},
		{name: "ArgMax, 4M float32, goroutines", aim: true, nbytes: 16 << 20, run: func() { sinkV = ndview.ArgMax(v32) }, npKey: "argmax_f32", npGoal: 0.5},
		{name: "ArgMaxAxis last, goroutines", aim: true, nbytes: 32 << 20, run: func() { sinkV = ndview.ArgMaxAxis(sq, 1) }, npKey: "argmax_axis_last", npGoal: 0.5},
		{name: "Sum, 4M float64", nbytes: 32 << 20, run: func() { sinkV = ndview.Sum(v64) }, npKey: "sum_f64", npGoal: 0.8},
		{name: "Sum along axis 0, 2048² float64", nbytes: 32 << 20, run: func() { sinkV = ndview.Sum(sq, 0) }, npKey: "sum_axis0", npGoal: 1},
		{name: "Sum along axis 1, 2048² float64", nbytes: 32 << 20, run: func() { sinkV = ndview.Sum(sq, 1) }, npKey: "sum_axis1", npGoal: 1},
		{name: "Convert float64→float32, 16M", procs: 1, nbytes: n * 8, run: func() { ndview.Convert(d32, b64) }, npKey: "conv_f64_f32", npGoal: 1,
			base: copySrc, baseName: "copy() of the source", baseGoal: 1.1},
		{name: "Convert Float16→float32, 16M", procs: 1, nbytes: n * 4, run: func() { ndview.Convert(d32, h) }, npKey: "conv_f16_f32",
			base: copyDst, baseName: "copy() of the result", baseGoal: 1.1},
		{name: "Convert float32→float64, 16M", procs: 1, nbytes: n * 8, run: func() { ndview.Convert(d64, s32) }, npKey: "conv_f32_f64"},
		{name: "Convert int8→float32, 16M", procs: 1, nbytes: n * 4, run: func() { ndview.Convert(d32, i8) }, npKey: "conv_i8_f32"},
		{name: "Convert uint8→float32, 16M", procs: 1, nbytes: n * 4, run: func() { ndview.Convert(d32, u8) }, npKey: "conv_u8_f32"},
		{name: "Convert int32→float32, 16M", procs: 1, nbytes: n * 4, run: func() { ndview.Convert(d32, i32) }, npKey: "conv_i32_f32"},
		{name: "Convert float32→Float16, 16M", procs: 1, nbytes: n * 4, run: func() { ndview.Convert(h16, s32) }, npKey: "conv_f32_f16"},
		{name: "Convert float32→BFloat16, 16M", procs: 1, nbytes: n * 4, run: func() { ndview.Convert(b16, s32) }},
		{name: "Convert float64→Float16, 16M", procs: 1, nbytes: n * 8, run: func() { ndview.Convert(h16, b64) }, npKey: "conv_f64_f16",
			base: copySrc, baseName: "copy() of the source", baseGoal: 0},
		{name: "Convert float64→BFloat16, 16M", procs: 1, nbytes: n * 8, run: func() { ndview.Convert(b16, b64) },
			base: copySrc, baseName: "copy() of the source", baseGoal: 0},
		{name: "Convert Float16→float64, 16M", procs: 1, nbytes: n * 8, run: func() { ndview.Convert(d64, h) }, npKey: "conv_f16_f64"},
		{name: "Convert BFloat16→float32, 16M", procs: 1, nbytes: n * 4, run: func() { ndview.Convert(d32, bf) },
			base: copyDst, baseName: "copy() of the result", baseGoal: 0},
	}
	for _, x := range w { // touch every destination once: no page faults in the timings
		x.run()
		if x.base != nil {
			x.base()
		}
	}
	return w
}

// runVector prints the vector kernels' table: rounds of NumPy, then ndview and copy().
func runVector(rounds int, python string, only *regexp.Regexp) bool {
	ws := slices.DeleteFunc(vectorWorkloads(), func(w vecWorkload) bool { return !only.MatchString(w.name) })
	npRatios := make([][]float64, len(ws))
	baseRatios := make([][]float64, len(ws))
	npTimes := make([][]float64, len(ws))
	times := make([][]float64, len(ws))
	version := ""
	for r := range rounds {
		np, ver := runNumPy(python, "numpy_vector.py")
		version = ver
		for i, w := range ws {
			t := measure(w.procs, w.run)
			times[i] = append(times[i], t)
			if np != nil && w.npKey != "" {
				npRatios[i] = append(npRatios[i], t/np[w.npKey])
				npTimes[i] = append(npTimes[i], np[w.npKey])
			}
			if w.base != nil {
				var tb float64
				if r%2 == 0 { // alternate which side goes first
					tb = measure(w.procs, w.base)
					t = measure(w.procs, w.run)
				} else {
					t = measure(w.procs, w.run)
					tb = measure(w.procs, w.base)
				}
				baseRatios[i] = append(baseRatios[i], t/tb)
			}
		}
	}
	fmt.Printf("Vector kernels against NumPy %s and copy(): %d rounds, each NumPy's pass then ndview's; medians of per-round ratios\n", version, rounds)
	fmt.Printf("%s, %s\n", cpuLine(), runtime.Version())
	fmt.Printf("%-36s %10s %10s %8s %6s   %s\n", "workload", "ndview", "NumPy", "ratio", "goal", "against copy()")
	ok := true
	for i, w := range ws {
		line := fmt.Sprintf("%-36s %10s", w.name, ms(median(times[i])))
		if len(npRatios[i]) > 0 {
			m := median(npRatios[i])
			line += fmt.Sprintf(" %10s %7.2f×", ms(median(npTimes[i])), m)
			switch {
			case w.aim:
				line += fmt.Sprintf(" %5.2f aim", w.npGoal)
			case w.npGoal > 0:
				line += fmt.Sprintf(" %5.2f%s", w.npGoal, " "+mark(m <= w.npGoal))
				ok = ok && m <= w.npGoal
			default:
				line += "      —"
			}
		} else {
			line += fmt.Sprintf(" %10s %8s      —", "n/a", "")
		}
		if len(baseRatios[i]) > 0 {
			m := median(baseRatios[i])
			line += fmt.Sprintf("   %.2f× %s", m, w.baseName)
			if w.baseGoal > 0 {
				line += fmt.Sprintf(" (goal %.2f%s)", w.baseGoal, " "+mark(m <= w.baseGoal))
				ok = ok && m <= w.baseGoal
			}
		}
		fmt.Println(line)
	}
	return ok
}

// measure returns f's time per call in ns, with GOMAXPROCS set to procs (0: as it is).
func measure(procs int, f func()) float64 {
	if procs > 0 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
	}
	r := testing.Benchmark(func(b *testing.B) {
		for b.Loop() {
			f()
		}
	})
	return float64(r.T.Nanoseconds()) / float64(r.N)
}

func ms(ns float64) string { return fmt.Sprintf("%.3f ms", ns/1e6) }
