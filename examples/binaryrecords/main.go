// Binaryrecords reads a file of interleaved little-endian records as strided per-field views:
// the records are viewed as an N×16 byte array, cast once per field type (N×4 uint32, N×4
// float32, N×8 uint16) and indexed at each field's column. No record is decoded or copied.
//
// Record layout (16 bytes, little-endian):
//
//	offset 0  uint32  id
//	offset 4  float32 x
//	offset 8  float32 y
//	offset 12 uint16  count
//	offset 14 uint16  flags
package main

import (
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"

	"github.com/ndview/ndview"
)

const recordSize = 16

func main() {
	n := flag.Int("n", 100000, "records to write and read")
	flag.Parse()
	s, err := run(*n, os.TempDir())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%+v\n", s)
}

type summary struct {
	Records          int
	SumID            uint64
	MeanX, MeanY     float64
	TotalCount       uint64
	Flagged          int
	LastID, LastFlag uint32
}

func run(n int, dir string) (_ summary, err error) {
	if binary.NativeEndian.Uint16([]byte{1, 0}) != 1 {
		// A view reads native values; on a big-endian machine the fields would need a byte
		// swap (as npy.Load does), which a zero-copy view cannot do.
		return summary{}, errors.New("binaryrecords: the file is little-endian and this machine is not")
	}
	path := filepath.Join(dir, "records.bin")
	defer os.Remove(path)
	if err := os.WriteFile(path, makeRecords(n), 0o644); err != nil {
		return summary{}, err
	}
	m, err := ndview.MapFile(path, false)
	if err != nil {
		return summary{}, err
	}
	defer func() { // a refused or failed Close is an error too: never discard it
		if cerr := m.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	rec, err := ndview.FromExporter[uint8](m, n, recordSize)
	if err != nil {
		return summary{}, err
	}
	defer rec.Release()

	// One cast per field type; each field is then a column: a strided 1-D view.
	u32, err := ndview.Cast[uint32](rec, n, recordSize/4)
	if err != nil {
		return summary{}, err
	}
	f32, _ := ndview.Cast[float32](rec, n, recordSize/4)
	u16, _ := ndview.Cast[uint16](rec, n, recordSize/2)
	id, x, y := u32.Index(1, 0), f32.Index(1, 1), f32.Index(1, 2)
	count, flags := u16.Index(1, 6), u16.Index(1, 7)
	for _, v := range []interface{ Release() }{u32, f32, u16, id, x, y, count, flags} {
		defer v.Release()
	}
	fmt.Printf("id: shape %v strides %v; x: strides %v; count: strides %v\n", id.Shape(), id.Strides(), x.Strides(), count.Strides())

	s := summary{Records: n}
	for v := range id.Values() {
		s.SumID += uint64(v)
	}
	for a, b := range ndview.Zip(x, y) {
		s.MeanX += float64(a)
		s.MeanY += float64(b)
	}
	s.MeanX /= float64(n)
	s.MeanY /= float64(n)
	for c, f := range ndview.Zip(count, flags) {
		s.TotalCount += uint64(c)
		if f&1 != 0 {
			s.Flagged++
		}
	}
	s.LastID, s.LastFlag = id.At(n-1), uint32(flags.At(n-1))
	return s, nil
}

// makeRecords encodes record i as id=i, x=i/2, y=-i, count=i%7, flags=i%3.
func makeRecords(n int) []byte {
	b := make([]byte, n*recordSize)
	for i := range n {
		r := b[i*recordSize:]
		binary.LittleEndian.PutUint32(r[0:], uint32(i))
		binary.LittleEndian.PutUint32(r[4:], math.Float32bits(float32(i)/2))
		binary.LittleEndian.PutUint32(r[8:], math.Float32bits(-float32(i)))
		binary.LittleEndian.PutUint16(r[12:], uint16(i%7))
		binary.LittleEndian.PutUint16(r[14:], uint16(i%3))
	}
	return b
}
