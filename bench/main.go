// Command bench measures ndview against raw slices, hand-written loops, gonum and NumPy, and
// prints one table of ratios. ndview and its baseline run interleaved in one process, round
// after round, alternating which goes first; the table gives the median of the per-round
// ratios, so that a noisy machine moves both sides of each ratio together.
//
//	go run ./bench            # 7 rounds
//	go run ./bench -rounds 3 -benchtime 200ms
//	go run ./bench -vector    # the vector kernels' goals, against NumPy and copy()
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func main() {
	testing.Init()
	rounds := flag.Int("rounds", 7, "interleaved rounds per comparison")
	benchtime := flag.String("benchtime", "300ms", "time per measurement")
	python := flag.String("python", "/usr/bin/python3", "Python with NumPy, for the NumPy column")
	npyMB := flag.Int("npy-mb", 1024, "size of the large .npy file for Map against Load, in MiB")
	vector := flag.Bool("vector", false, "only the vector kernels' table, against NumPy and copy()")
	only := flag.String("only", "", "with -vector: the rows whose names match this regular expression")
	flag.Parse()
	flag.Set("test.benchtime", *benchtime)
	if *vector {
		if !runVector(*rounds, *python, regexp.MustCompile(*only)) {
			fmt.Println("\nSome goals NOT met (marked ✗).")
		}
		return
	}

	fmt.Printf("ndview benchmarks: %s, %s, %d interleaved rounds of %s\n\n",
		cpuLine(), runtime.Version(), *rounds, *benchtime)

	np, npVersion := numpyTimes(*python)

	comps := []struct {
		f      func() (workload, workload)
		name   string
		target float64
		npName string
		npMin  float64
	}{
		{valuesContig, "Values, 4M contiguous int64", 1.10, "sum_contig", 0},
		{valuesStrided, "Values, [::2, ::3] of 2048×2048 int64", 1.25, "sum_strided", 0},
		{at2D, "At(i, j), 1024×1024 float64", 1.30, "at_loop", 0},
		{copyTransposed, "Copy 4096×4096 float64 transposed", 3.0, "copyto_T", 4},
		{select3, "Select of 3 axes, 3×480×640 float32", 1.0, "", 0},
		{at2Sweep, "At2(i, j) row sweep, 1024×1024 float64", 1.10, "", 0},
		{at2Random, "At2(i, j) random order, 1024×1024 float64", 1.15, "", 0},
		{copyF, "Copy 2048×2048 float64: F vs C layout", 1.25, "", 0},
		{equalF, "Equal 2048×2048 float64: F vs C layout", 1.25, "", 0},
		{permute, "Copy 256³ float32 permuted (2, 0, 1)", 3.5, "", 0},
		{apply2, "Apply2, 3 operands, 4M float64", 1.25, "", 0},
		{apply, "Apply, 2 operands, 4M float64", 1.25, "", 0},
		{convert, "Convert float64→float32, 4M", 1.20, "", 0},
		{convertHalf, "Convert Float16→float32, 4M", 0, "", 0},
		// The reductions' goals are against NumPy: Sum at most 1.10× np.sum's time, Max and
		// ArgMax at most 1.5× np.max's and np.argmax's (npMin is the inverse ratio).
		{sumContig, "Sum, 4M contiguous float64", 1.0, "sum_f64", 1 / 1.10},
		{sumAxis(0), "Sum along axis 0, 2048×2048 float64", 1.5, "sum_axis0", 0},
		{sumAxis(1), "Sum along axis 1, 2048×2048 float64", 1.5, "sum_axis1", 0},
		{maxContig, "Max, 4M contiguous float64", 0, "max_f64", 1 / 1.5},
		{argMaxContig, "ArgMax, 4M contiguous float64", 0, "argmax_f64", 1 / 1.5},
		// A user's second day: gathers at most 1.2× copy() of the same rows, ArgMaxAxis at
		// most 1.2× ArgMax over the same bytes; Concatenate has no goal.
		{take, "Take 4096 rows of 4096² float32", 1.2, "take_rows", 0},
		{takeInto, "TakeInto 4096 rows of 4096² float32", 1.2, "", 0},
		{concatenate, "Concatenate 2 × 1024×4096 float32", 0, "", 0},
		{argMaxAxis, "ArgMaxAxis along axis 1, 2048² float64", 1.2, "argmax_axis1", 0},
	}
	allMet := true
	fmt.Printf("%-40s %14s %14s %8s %8s %14s\n", "workload (ndview / baseline)", "ndview", "baseline", "ratio", "target", "NumPy")
	for _, c := range comps {
		nd, base := c.f()
		var ndT, baseT, ratios []float64
		for r := range *rounds {
			var a, b float64
			if r%2 == 0 {
				a = nsPerOp(nd.fn)
				b = nsPerOp(base.fn)
			} else {
				b = nsPerOp(base.fn)
				a = nsPerOp(nd.fn)
			}
			ndT, baseT, ratios = append(ndT, a), append(baseT, b), append(ratios, a/b)
		}
		ratio := median(ratios)
		met := c.target == 0 || ratio <= c.target // 0: no target against the baseline
		npCol := "n/a"
		if t, ok := np[c.npName]; ok {
			npCol = fmtNs(t)
			if c.npMin > 0 {
				speedup := t / median(ndT)
				npCol += fmt.Sprintf(" (%.1f×)", speedup)
				met = met && speedup >= c.npMin
			}
		} else if c.npMin > 0 {
			met = false
		}
		allMet = allMet && met
		target := "—"
		if c.target > 0 {
			target = fmt.Sprintf("%.2f×", c.target)
		}
		fmt.Printf("%-40s %14s %14s %7.2f× %8s %14s %s\n", c.name, fmtNs(median(ndT)), fmtNs(median(baseT)), ratio, target, npCol, mark(met))
		fmt.Printf("    %s / %s\n", nd.name, base.name)
	}
	if len(np) == 0 {
		fmt.Println("\nNumPy: not available (no NumPy under", *python+"); NumPy columns and targets are not measured.")
	} else {
		fmt.Println("\nNumPy column: the same workload in NumPy", npVersion, "(median); in parentheses, where NumPy is the target, how many times faster ndview is:")
		fmt.Println("Copy ≥ 4×; Sum ≥ 0.91× (at most 1.10× NumPy's time); Max and ArgMax ≥ 0.67× (at most 1.5×).")
	}

	fmt.Printf("\nDerived views: ns/op and allocs/op, small (4×4) and huge (4096×4096) float64 views (NumPy: ns per view, 4096×4096)\n")
	fmt.Printf("%-12s %12s %8s %12s %8s %12s\n", "op", "4×4 ns", "allocs", "4096² ns", "allocs", "NumPy ns")
	small, huge := derived(4), derived(4096)
	for i := range small {
		var sNs, hNs []float64
		var sA, hA int64
		for range *rounds {
			rs := testing.Benchmark(small[i].fn)
			rh := testing.Benchmark(huge[i].fn)
			sNs, hNs = append(sNs, float64(rs.NsPerOp())), append(hNs, float64(rh.NsPerOp()))
			sA, hA = rs.AllocsPerOp(), rh.AllocsPerOp()
		}
		met := sA == hA
		if small[i].name == "Slice" {
			met = met && median(sNs) <= 150 && median(hNs) <= 150
		}
		allMet = allMet && met
		npCol := "n/a"
		if t, ok := np["view_"+strings.ToLower(small[i].name)]; ok {
			npCol = fmtNs(t)
		}
		fmt.Printf("%-12s %12.0f %8d %12.0f %8d %12s %s\n", small[i].name, median(sNs), sA, median(hNs), hA, npCol, mark(met))
	}
	fmt.Println("\nTargets: allocations equal at both sizes; Slice ≤ 150 ns.")
	allMet = npySection(*rounds, *npyMB) && allMet
	if allMet {
		fmt.Println("\nEvery target met.")
	} else {
		fmt.Println("\nSome targets NOT met (marked ✗).")
	}
}

func nsPerOp(f func(*testing.B)) float64 {
	r := testing.Benchmark(f)
	return float64(r.T.Nanoseconds()) / float64(r.N)
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func fmtNs(ns float64) string {
	switch {
	case ns >= 1e6:
		return fmt.Sprintf("%.2f ms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.2f µs", ns/1e3)
	}
	return fmt.Sprintf("%.0f ns", ns)
}

func mark(ok bool) string {
	if ok {
		return "✓"
	}
	return "✗"
}

// numpyTimes runs numpy_bench.py beside this file and returns its medians in ns and the
// NumPy version, or nil when there is no Python with NumPy.
func numpyTimes(python string) (map[string]float64, string) {
	return runNumPy(python, "numpy_bench.py")
}

// runNumPy runs a script beside this file that prints a JSON object of medians in ns and
// "numpy": the version, and returns them, or nil when there is no Python with NumPy.
func runNumPy(python, script string) (map[string]float64, string) {
	if _, err := os.Stat(filepath.Join("bench", script)); err == nil {
		script = filepath.Join("bench", script) // run from the module root
	}
	out, err := exec.Command(python, script).Output()
	if err != nil {
		return nil, ""
	}
	var m map[string]any
	if json.Unmarshal(out, &m) != nil {
		return nil, ""
	}
	res := map[string]float64{}
	for k, v := range m {
		if f, ok := v.(float64); ok {
			res[k] = f
		}
	}
	version, _ := m["numpy"].(string)
	return res, version
}
