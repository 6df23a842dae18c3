package npz_test

import (
	"archive/zip"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/internal/npyformat"
	"github.com/ndview/ndview/npz"
)

// noPanic runs f and turns a panic into a test failure.
func noPanic(t *testing.T, what string, f func() error) (err error) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%s panics: %v", what, r)
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return f()
}

// call makes a func of a call of loadErr or mapErr, for noPanic.
func call[T ndview.Elem](f func(*npz.Archive, string) error, a *npz.Archive, name string) func() error {
	return func() error { return f(a, name) }
}

// A member whose shape's dimensions other than 0, times the item size, overflow an int (an
// empty array ndview and NumPy refuse to make) is refused by Load and Map with an error
// wrapping both ErrFormat and ErrOverflow, stored or deflated; the archive opens, lists it,
// and serves its other members.
func TestHostileMemberShapes(t *testing.T) {
	twos := func(n int) string { return strings.Repeat("2, ", n) }
	shapes := []struct{ descr, shape string }{
		{"<f4", "(0, 2305843009213693952, 2)"},
		{"<f4", "(4611686018427387904, 0)"},
		{"<f4", "(0, 9223372036854775807)"},
		{"|u1", "(0, 18446744073709551615)"},
		{"|u1", "(0, 0xFFFFFFFFFFFFFFFF)"},
		{"|u1", "(18446744073709551616, 0)"},
		{"|u1", "(0, " + twos(63) + ")"},  // 64 dimensions
		{"<f4", "(" + twos(62) + "0, 4)"}, // 64 dimensions
	}
	good := npyFile("<f4", "(2,)", make([]byte, 8))
	members := []rawMember{{name: "ok.npy", content: good}}
	for i, s := range shapes {
		file := npyFile(s.descr, s.shape, nil)
		members = append(members,
			rawMember{name: fmt.Sprintf("s%d.npy", i), content: file},
			rawMember{name: fmt.Sprintf("d%d.npy", i), method: zip.Deflate, content: file})
	}
	a, err := npz.Open(writeTemp(t, rawZip(t, members...)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if got := len(a.Names()); got != len(members) {
		t.Errorf("Names lists %d members, want %d", got, len(members))
	}
	for i, s := range shapes {
		for _, name := range []string{fmt.Sprintf("s%d", i), fmt.Sprintf("d%d", i)} {
			calls := map[string]func() error{}
			if s.descr == "<f4" {
				calls["Load"], calls["Map"] = call[float32](loadErr[float32], a, name), call[float32](mapErr[float32], a, name)
			} else {
				calls["Load"], calls["Map"] = call[uint8](loadErr[uint8], a, name), call[uint8](mapErr[uint8], a, name)
			}
			for fn, call := range calls {
				if name[0] == 'd' && fn == "Map" {
					continue // a deflated member cannot be mapped in any case
				}
				err := noPanic(t, fn, call)
				if !errors.Is(err, ndview.ErrFormat) || !errors.Is(err, ndview.ErrOverflow) || !strings.HasPrefix(fmt.Sprint(err), "ndview: npz."+fn+" ") {
					t.Errorf("%s %s %s: %v, want ErrFormat and ErrOverflow", fn, name, s.shape[:min(len(s.shape), 40)], err)
				}
			}
		}
	}
	if v, err := npz.Load[float32](a, "ok"); err != nil || v.Size() != 2 {
		t.Errorf("Load of the good member: %v, %v", v, err)
	}
}

// sparseNPZ writes an archive of one stored member, big.npy (its data 64-byte aligned),
// a float32 array of shape whose data are zeros in a hole of the file: the archive takes no
// disk and costs little to make, whatever its size. Its CRC-32 is right: np.load reads it.
func sparseNPZ(t *testing.T, shape ...int) string {
	t.Helper()
	var a ndview.Array = shapeOnly{shape}
	hdr, _, err := npyformat.ArrayHeader(a)
	if err != nil {
		t.Fatal(err)
	}
	n := int64(4)
	for _, d := range shape {
		n *= int64(d)
	}
	name := strings.Repeat("b", 30) + ".npy" // 30 + 34 bytes of local header: data at 64
	size := uint64(len(hdr)) + uint64(n)
	crc := crc32.ChecksumIEEE(hdr)
	zeros := make([]byte, 1<<20)
	for left := n; left > 0; left -= int64(len(zeros)) {
		crc = crc32.Update(crc, crc32.IEEETable, zeros[:min(left, int64(len(zeros)))])
	}
	le := binary.LittleEndian
	// The local header: version 2.0, no flags, stored, 1980-01-01, CRC-32, sizes, name.
	local := le.AppendUint32(nil, 0x04034b50)
	local = le.AppendUint16(le.AppendUint16(le.AppendUint16(local, 20), 0), zip.Store)
	local = le.AppendUint32(le.AppendUint32(local, 0x00210000), crc)
	local = le.AppendUint32(le.AppendUint32(local, uint32(size)), uint32(size))
	local = le.AppendUint16(le.AppendUint16(local, uint16(len(name))), 0)
	local = append(append(local, name...), hdr...)
	// The central directory: the local header's fields, no comment, attributes 0, offset 0.
	central := le.AppendUint16(le.AppendUint32(nil, 0x02014b50), 20)
	central = append(central, local[4:30]...)
	central = append(central, make([]byte, 2+2+2+4+4)...)
	central = append(central, name...)
	cdAt := uint64(30+len(name)) + size
	// The end of central directory record: one disk, one entry.
	end := le.AppendUint32(le.AppendUint32(nil, 0x06054b50), 0)
	end = le.AppendUint16(le.AppendUint16(end, 1), 1)
	end = le.AppendUint32(le.AppendUint32(end, uint32(len(central))), uint32(cdAt))
	end = le.AppendUint16(end, 0)
	p := filepath.Join(t.TempDir(), "big.npz")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(local); err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt(append(central, end...), int64(cdAt)); err != nil { // the data is a hole
		t.Fatal(err)
	}
	return p
}

// shapeOnly is a float32 Array of a shape, for ArrayHeader.
type shapeOnly struct{ shape []int }

func (s shapeOnly) DType() ndview.DType { return ndview.DTypeOf[float32]() }
func (s shapeOnly) Shape() []int        { return s.shape }
func (s shapeOnly) Strides() []int {
	st := make([]int, len(s.shape))
	n := 4
	for i := len(st) - 1; i >= 0; i-- {
		st[i] = n
		n *= s.shape[i]
	}
	return st
}
func (s shapeOnly) ReadOnly() bool              { return true }
func (s shapeOnly) ToBytes(ndview.Order) []byte { return nil } // only empty ones are written

// Load of a legitimate member whose copy would exceed ndview.MemoryLimit returns an error
// wrapping ErrOverflow, before allocating it; Map, which copies nothing, views it.
func TestLoadOverMemoryLimit(t *testing.T) {
	if binary.NativeEndian.Uint16([]byte{1, 0}) != 1 {
		t.Skip("the member is little-endian float32")
	}
	const size = 100 << 20
	p := sparseNPZ(t, size/4/1024, 1024)
	a, err := npz.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	name := a.Names()[0]
	old := debug.SetMemoryLimit(32 << 20)
	defer debug.SetMemoryLimit(old)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	err = noPanic(t, "Load", call[float32](loadErr[float32], a, name))
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ndview.ErrOverflow) || errors.Is(err, ndview.ErrFormat) || !strings.Contains(fmt.Sprint(err), "MemoryLimit") || !strings.HasPrefix(fmt.Sprint(err), "ndview: npz.Load ") {
		t.Errorf("Load of %d bytes with a memory limit of 32 MiB: %v, want ErrOverflow (and not ErrFormat) naming ndview.MemoryLimit", size, err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 16<<20 {
		t.Errorf("the refused Load allocated %d bytes", n)
	}
	v, err := npz.Map[float32](a, name)
	if err != nil {
		t.Fatalf("Map: %v", err)
	}
	if v.NBytes() != size || !slices.Equal(v.Shape(), []int{size / 4 / 1024, 1024}) {
		t.Errorf("Map: shape %v", v.Shape())
	}
	v.Release()
}

// Members of up to 64 dimensions (NumPy 2's limit, ndview.MaxDims) are saved, loaded and
// mapped; an Array of 65 is refused by Save with ErrShape, before the file is made.
func TestMembersOf64Dims(t *testing.T) {
	shape := make([]int, 64)
	for i := range shape {
		shape[i] = 1
	}
	shape[0], shape[63] = 2, 3
	x, err := ndview.FromSlice([]float64{0, 1, 2, 3, 4, 5}, shape...)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, save := range []func(string, []string, []ndview.Array) error{npz.Save, npz.SaveCompressed} {
		p := filepath.Join(dir, "a.npz")
		if err := save(p, []string{"x", "xt"}, []ndview.Array{x, x.Transpose()}); err != nil {
			t.Fatalf("Save of 64 dimensions: %v", err)
		}
		a, err := npz.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"x", "xt"} {
			want := x
			if name == "xt" {
				want = x.Transpose()
			}
			v, err := npz.Load[float64](a, name)
			if err != nil || !ndview.Equal(v, want) {
				t.Errorf("Load %s of 64 dimensions: %v, %v", name, v, err)
			}
			if m, err := npz.Map[float64](a, name); err == nil {
				if !ndview.Equal(m, want) {
					t.Errorf("Map %s of 64 dimensions: %v", name, m)
				}
				m.Release()
			} else if !errors.Is(err, ndview.ErrFormat) || !strings.Contains(err.Error(), "compressed") {
				t.Errorf("Map %s of 64 dimensions: %v", name, err)
			}
		}
		a.Close()
	}
	p := filepath.Join(dir, "b.npz")
	if err := npz.Save(p, []string{"y"}, []ndview.Array{shapeOnly{make([]int, ndview.MaxDims+1)}}); !errors.Is(err, ndview.ErrShape) {
		t.Errorf("Save of 65 dimensions: %v, want ErrShape", err)
	}
	if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Save of 65 dimensions made the file: %v", err)
	}
}
