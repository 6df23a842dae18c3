package safetensors

import (
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"github.com/ndview/ndview"
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

func viewErr[T ndview.Elem](f *File, name string) func() error {
	return func() error {
		v, err := View[T](f, name)
		if err == nil {
			v.Release()
		}
		return err
	}
}

func loadErr[T ndview.Elem](f *File, name string) func() error {
	return func() error {
		v, err := Load[T](f, name)
		if err == nil {
			v.Release()
		}
		return err
	}
}

// accessors returns every way to reach the named tensor, with the public name of each.
func accessors(f *File, name, dtype string) map[string]func() error {
	calls := map[string]func() error{
		"Info": func() error { _, err := f.Info(name); return err },
		"Bytes": func() error {
			b, err := f.Bytes(name)
			if err == nil {
				b.Release()
			}
			return err
		},
	}
	switch dtype {
	case "F32":
		calls["View"], calls["Load"] = viewErr[float32](f, name), loadErr[float32](f, name)
	case "F64":
		calls["View"], calls["Load"] = viewErr[float64](f, name), loadErr[float64](f, name)
	case "BF16":
		calls["View"], calls["Load"] = viewErr[ndview.BFloat16](f, name), loadErr[ndview.BFloat16](f, name)
	default: // U8, and dtypes without a Go type: the tensor is refused before its dtype is
		calls["View"], calls["Load"] = viewErr[uint8](f, name), loadErr[uint8](f, name)
	}
	return calls
}

// How a file with a tensor of a hostile shape is answered.
const (
	refusedTensor = iota // Open accepts the file; every path to the tensor refuses it
	refusedFile          // Open refuses the file, as the reference reader does
	tooManyDims          // no overflow, 65 dimensions: only View and Load refuse (ErrShape)
)

// hostileShapes are shapes whose dimensions other than 0, times the element size, overflow
// an int, although the tensor is empty. Where the reference reader accepts the file (its
// checked product of the shape, dimension by dimension from the first, is 0, and every
// dimension fits a u64), so does Open, refusing only that tensor; where the reference
// refuses it, so does Open. Dimensions near 2**64 are JSON literals.
var hostileShapes = []struct {
	dtype, shape string
	want         int
}{
	{"F32", `[0,2305843009213693952,2]`, refusedTensor}, // issue 16: 2**62 elements of 4 bytes
	{"F32", `[4611686018427387904,0]`, refusedTensor},   // 2**62, 0
	{"F32", `[0,9223372036854775807]`, refusedTensor},   // 0, 2**63-1
	{"U8", `[0,9223372036854775808]`, refusedTensor},    // 2**63: past an int
	{"U8", `[0,18446744073709551615]`, refusedTensor},   // 2**64-1
	{"U8", `[18446744073709551615,0]`, refusedTensor},   // the zero last
	{"F32", `[0,18446744073709551615,18446744073709551615]`, refusedTensor},
	{"BF16", `[0,4611686018427387904,2]`, refusedTensor},                   // 2**63 elements
	{"F8_E4M3", `[0,9223372036854775807,2]`, refusedTensor},                // no Go type: Bytes and Info refuse
	{"F12_FUTURE", `[0,4611686018427387904,4]`, refusedTensor},             // unknown to the reference too
	{"U8", `[0` + strings.Repeat(`,2`, 63) + `]`, refusedTensor},           // 64 dimensions, 2**63 elements
	{"F64", `[` + strings.Repeat(`2,`, 62) + `0,4]`, refusedTensor},        // 64 dimensions, 2**64 elements
	{"U8", `[0,` + strings.Repeat(`4294967296,`, 3) + `1]`, refusedTensor}, // 0 first: 2**96 is never computed
	{"F32", `[4611686018427387904,4,0]`, refusedFile},                      // 2**62*4 overflows before the 0
	{"U8", `[4294967296,4294967296,0]`, refusedFile},                       // 2**64 before the 0
	{"U8", `[0,18446744073709551616]`, refusedFile},                        // 2**64: not a u64
	{"U8", `[0,` + strings.Repeat(`9`, 40) + `]`, refusedFile},             // far past a u64
	{"F64", `[` + strings.Repeat(`2,`, 64) + `0]`, refusedFile},            // 65 dimensions: 2**64 before the 0
	{"U8", `[` + strings.Repeat(`1,`, 63) + `0,2147483647]`, tooManyDims},  // fits an int on every platform
}

// Every path that reaches a tensor of a hostile shape (Info, Bytes, View, Load) refuses it
// with an error wrapping ErrFormat and ErrOverflow, naming the function; nothing panics;
// the file's other tensors are served. A file the reference refuses, Open refuses alike.
func TestHostileTensorShapes(t *testing.T) {
	dir := t.TempDir()
	for i, c := range hostileShapes {
		name := fmt.Sprintf("%s %.50s", c.dtype, c.shape)
		hdr := `{"ok":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"x":{"dtype":"` + c.dtype + `","shape":` + c.shape + `,"data_offsets":[0,0]}}`
		path := writeRaw(t, dir, fmt.Sprintf("h%d.safetensors", i), hdr, []byte{7})
		var f *File
		err := noPanic(t, "Open", func() (err error) { f, err = Open(path); return err })
		if c.want == refusedFile {
			if err == nil {
				f.Close()
			}
			if !errors.Is(err, ndview.ErrFormat) || !errors.Is(err, ndview.ErrOverflow) || !strings.HasPrefix(fmt.Sprint(err), "ndview: safetensors.Open") {
				t.Errorf("%s: Open: %v, want ErrFormat and ErrOverflow", name, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: Open: %v (the reference reader accepts the file)", name, err)
			continue
		}
		if got := f.Names(); !slices.Equal(got, []string{"x", "ok"}) {
			t.Errorf("%s: Names = %q", name, got)
		}
		for fn, call := range accessors(f, "x", c.dtype) {
			err := noPanic(t, fn, call)
			if c.want == tooManyDims {
				if (fn == "View" || fn == "Load") != errors.Is(err, ndview.ErrShape) {
					t.Errorf("%s: %s: %v", name, fn, err)
				}
				continue
			}
			if !errors.Is(err, ndview.ErrFormat) || !errors.Is(err, ndview.ErrOverflow) || !strings.HasPrefix(fmt.Sprint(err), "ndview: "+opName(fn)) {
				t.Errorf("%s: %s: %v, want ErrFormat and ErrOverflow", name, fn, err)
			}
		}
		if v, err := Load[uint8](f, "ok"); err != nil || v.At(0) != 7 {
			t.Errorf("%s: Load of the other tensor: %v, %v", name, v, err)
		}
		if err := f.Close(); err != nil {
			t.Errorf("%s: Close: %v", name, err)
		}
	}
}

// A sharded checkpoint whose shard holds a tensor of a hostile shape opens, and refuses
// that tensor on every path.
func TestHostileTensorShapeSharded(t *testing.T) {
	dir := t.TempDir()
	writeRaw(t, dir, "model-00001-of-00001.safetensors", `{"ok":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"x":{"dtype":"F32","shape":[0,2305843009213693952,2],"data_offsets":[0,0]}}`, []byte{7})
	f, err := Open(writeIndex(t, dir, `{"weight_map":{"ok":"model-00001-of-00001.safetensors","x":"model-00001-of-00001.safetensors"}}`))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for fn, call := range accessors(f, "x", "F32") {
		if err := noPanic(t, fn, call); !errors.Is(err, ndview.ErrFormat) || !errors.Is(err, ndview.ErrOverflow) {
			t.Errorf("%s: %v, want ErrFormat and ErrOverflow", fn, err)
		}
	}
	if v, err := Load[uint8](f, "ok"); err != nil || v.At(0) != 7 {
		t.Errorf("Load of the other tensor: %v, %v", v, err)
	}
}

// Load of a tensor whose copy would exceed ndview.MemoryLimit returns an error wrapping
// ErrOverflow (not ErrFormat: the file is sound) before allocating; View still views it.
func TestLoadOverMemoryLimit(t *testing.T) {
	const size = 100 << 20
	f, err := Open(sparseFile(t, size))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	old := debug.SetMemoryLimit(32 << 20)
	defer debug.SetMemoryLimit(old)
	err = noPanic(t, "Load", loadErr[float32](f, "w"))
	if !errors.Is(err, ndview.ErrOverflow) || errors.Is(err, ndview.ErrFormat) || !strings.HasPrefix(fmt.Sprint(err), "ndview: safetensors.Load: ") || !strings.Contains(fmt.Sprint(err), "MemoryLimit") {
		t.Errorf("Load of %d bytes with a memory limit of 32 MiB: %v, want ErrOverflow naming ndview.MemoryLimit", size, err)
	}
	v, err := View[float32](f, "w")
	if err != nil || v.NBytes() != size {
		t.Fatalf("View: %v, %v", v, err)
	}
	v.Release()
}

// opName is the Op of the public function fn in messages: methods of File are File.fn.
func opName(fn string) string {
	if methods[fn] {
		return "safetensors.File." + fn
	}
	return "safetensors." + fn
}
