// Mmapfile writes a binary file of float32 records, maps it, views it as N×K without reading
// it into memory, and computes per-column means through strided column views.
//
//	go run ./examples/mmapfile              # 300 MB
//	go run ./examples/mmapfile -mb 8        # smaller
package main

import (
	"bufio"
	"encoding/binary"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/ndview/ndview"
)

func main() {
	mb := flag.Int("mb", 300, "size of the file to write, in MB")
	k := flag.Int("cols", 8, "float32 fields per record")
	dir := flag.String("dir", os.TempDir(), "where to write the file")
	flag.Parse()
	if _, err := run(*mb, *k, *dir); err != nil {
		log.Fatal(err)
	}
}

// run writes, maps and averages the file, returning the column means.
func run(mb, k int, dir string) (_ []float64, err error) {
	n := mb << 20 / (4 * k)
	path := filepath.Join(dir, "ndview-records.f32")
	defer os.Remove(path)
	if err := writeRecords(path, n, k); err != nil {
		return nil, err
	}
	fmt.Printf("wrote %d records × %d float32 = %d MB to %s\n", n, k, n*k*4>>20, path)

	heap0, rss0 := heapBytes(), rssBytes()
	m, err := ndview.MapFile(path, false)
	if err != nil {
		return nil, err
	}
	defer func() { // a refused or failed Close is an error too: never discard it
		if cerr := m.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	v, err := ndview.FromExporter[float32](m, n, k) // N×K over the mapping: no copy, no read
	if err != nil {
		return nil, err
	}
	defer v.Release() // the Go form of `with memoryview(...) as v:`
	fmt.Printf("view: shape %v strides %v read-only %v\n", v.Shape(), v.Strides(), v.ReadOnly())

	means := make([]float64, k)
	for j := range k {
		col := v.Index(1, j) // a strided view: stride k*4 bytes
		sum := 0.0
		for x := range col.Values() {
			sum += float64(x)
		}
		col.Release()
		means[j] = sum / float64(n)
		fmt.Printf("column %d: mean %.4f (expected %.4f)\n", j, means[j], expectedMean(n, j))
	}
	if err := m.Close(); err != nil {
		fmt.Println("Close while the view is alive:", err)
	}
	fmt.Printf("Go heap grew by %.1f MB while reading %d MB through the view\n",
		float64(heapBytes()-heap0)/(1<<20), n*k*4>>20)
	if rss0 >= 0 {
		fmt.Printf("resident memory grew by %.1f MB (file pages mapped in by the kernel, shared with the page cache)\n",
			float64(rssBytes()-rss0)/(1<<20))
	}
	return means, nil
}

// value is record i, field j: its column mean is known in closed form.
func value(i, j int) float32 { return float32(j) + float32(i%100)/100 }

func expectedMean(n, j int) float64 {
	s := 0.0
	for i := range n % 100 {
		s += float64(float32(j) + float32(i)/100)
	}
	full := 0.0
	for i := range 100 {
		full += float64(float32(j) + float32(i)/100)
	}
	return (full*float64(n/100) + s) / float64(n)
}

func writeRecords(path string, n, k int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	var buf [4]byte
	for i := range n {
		for j := range k {
			binary.NativeEndian.PutUint32(buf[:], math.Float32bits(value(i, j)))
			w.Write(buf[:])
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func heapBytes() int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// rssBytes reads VmRSS from /proc/self/status, or -1 where there is none.
func rssBytes() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	return -1
}
