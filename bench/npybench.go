package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/npy"
)

// npyFiles writes a native and a byte-swapped .npy file of float32 of about mb MiB each and
// returns their paths.
func npyFiles(dir string, mb int) (native, swapped string, err error) {
	n := mb << 20 / 4
	v := ndview.New[float32](n/1024, 1024)
	for run := range v.Runs() {
		for i := range run {
			run[i] = float32(i)
		}
	}
	native = filepath.Join(dir, fmt.Sprintf("native-%d.npy", mb))
	if err := npy.Save(native, v); err != nil {
		return "", "", err
	}
	b, err := os.ReadFile(native)
	if err != nil {
		return "", "", err
	}
	// The same array written big-endian (on a little-endian machine: swapped): the descr
	// changes from '<f4' to '>f4' and every value's bytes reverse.
	from, to := []byte("'<f4'"), []byte("'>f4'")
	if binary.NativeEndian.Uint16([]byte{1, 0}) != 1 {
		from, to = to, from
	}
	end := bytes.IndexByte(b, '\n') + 1
	copy(b[:end], bytes.Replace(b[:end], from, to, 1))
	for i := end; i+4 <= len(b); i += 4 {
		b[i], b[i+1], b[i+2], b[i+3] = b[i+3], b[i+2], b[i+1], b[i]
	}
	swapped = filepath.Join(dir, fmt.Sprintf("swapped-%d.npy", mb))
	return native, swapped, os.WriteFile(swapped, b, 0o644)
}

func mapWorkload(path string) func(b *testing.B) {
	return func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			v, err := npy.Map[float32](path, false)
			if err != nil {
				b.Fatal(err)
			}
			v.Release()
		}
	}
}

func loadWorkload(path string) func(b *testing.B) {
	return func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			v, err := npy.Load[float32](path)
			if err != nil {
				b.Fatal(err)
			}
			sinkV = v
		}
		sinkV = nil
		runtime.GC()
	}
}

// npySection prints the Map-against-Load table and the byte-order ratio; it reports whether
// the targets are met.
func npySection(rounds int, bigMB int) bool {
	dir, err := os.MkdirTemp("", "ndview-bench")
	if err != nil {
		fmt.Println("npy: no temp dir:", err)
		return false
	}
	defer os.RemoveAll(dir)
	fmt.Printf("\nnpy: Map against Load of float32 files (median of %d)\n", rounds)
	fmt.Printf("%-10s %14s %14s %14s %14s\n", "file", "Map time", "Map bytes", "Load time", "Load bytes")
	type res struct{ mapNs, mapB, loadNs, loadB float64 }
	var rs []res
	var nat, swp string
	for _, mb := range []int{64, bigMB} {
		native, swapped, err := npyFiles(dir, mb)
		if err != nil {
			fmt.Println("npy:", err)
			return false
		}
		var mt, lt []float64
		var mbytes, lbytes int64
		for range rounds {
			m := testing.Benchmark(mapWorkload(native))
			mt, mbytes = append(mt, float64(m.NsPerOp())), m.AllocedBytesPerOp()
		}
		for range max(3, rounds/2) {
			l := testing.Benchmark(loadWorkload(native))
			lt, lbytes = append(lt, float64(l.NsPerOp())), l.AllocedBytesPerOp()
		}
		r := res{median(mt), float64(mbytes), median(lt), float64(lbytes)}
		rs = append(rs, r)
		fmt.Printf("%-10s %14s %14s %14s %14s\n", fmt.Sprintf("%d MiB", mb), fmtNs(r.mapNs), fmtBytes(r.mapB), fmtNs(r.loadNs), fmtBytes(r.loadB))
		if mb == 64 {
			nat, swp = native, swapped
		} else {
			os.Remove(native)
			os.Remove(swapped)
		}
	}
	// Map's cost must not grow with the file: allow for noise in time, none in bytes.
	flat := rs[1].mapB == rs[0].mapB && rs[1].mapNs < 3*rs[0].mapNs
	fmt.Printf("Map of %d MiB vs 64 MiB: %.2f× the time, %.2f× the bytes %s\n", bigMB, rs[1].mapNs/rs[0].mapNs, rs[1].mapB/rs[0].mapB, mark(flat))

	var ratios []float64
	for r := range rounds {
		var a, b float64
		if r%2 == 0 {
			a = float64(testing.Benchmark(loadWorkload(swp)).NsPerOp())
			b = float64(testing.Benchmark(loadWorkload(nat)).NsPerOp())
		} else {
			b = float64(testing.Benchmark(loadWorkload(nat)).NsPerOp())
			a = float64(testing.Benchmark(loadWorkload(swp)).NsPerOp())
		}
		ratios = append(ratios, b/a)
	}
	speed := median(ratios)
	fmt.Printf("Load of a byte-swapped 64 MiB file runs at %.2f× the speed of a native one (target ≥ 0.5×) %s\n", speed, mark(speed >= 0.5))
	return flat && speed >= 0.5
}

func fmtBytes(b float64) string {
	switch {
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MiB", b/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.1f KiB", b/(1<<10))
	}
	return fmt.Sprintf("%.0f B", b)
}
