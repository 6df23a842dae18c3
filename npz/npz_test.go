package npz_test

import (
	"archive/zip"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/npz"
)

var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// manifest is what testdata/gen_npz.py says about the files NumPy wrote.
type manifest struct {
	NumPy  string   `json:"numpy"`
	Order  []string `json:"order"`
	Arrays map[string]struct {
		Descr   string `json:"descr"`
		Shape   []int  `json:"shape"`
		Fortran bool   `json:"fortran"`
		LEHex   string `json:"le_hex"`
	} `json:"arrays"`
	Files map[string]map[string]struct {
		Method     int   `json:"method"`
		NpyOffset  int64 `json:"npy_offset"`
		DataOffset int64 `json:"data_offset"`
	} `json:"files"`
}

func readManifest(t testing.TB) manifest {
	b, err := os.ReadFile("testdata/numpy_manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func open(t testing.TB, path string) *npz.Archive {
	t.Helper()
	a, err := npz.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// expectation is what one member must read as.
type expectation struct {
	descr      string
	shape      []int
	fortran    bool
	leHex      string
	method     int
	dataOffset int64 // of the array data in the file
}

// TestNumPyFiles reads every member of the files np.savez and np.savez_compressed wrote,
// exactly, with Load, and with Map where the member is stored, native and aligned.
func TestNumPyFiles(t *testing.T) {
	if !littleEndian {
		t.Skip("the manifest's bytes are little-endian")
	}
	m := readManifest(t)
	for file, members := range m.Files {
		t.Run(file, func(t *testing.T) {
			a := open(t, filepath.Join("testdata", file))
			if got := a.Names(); !slices.Equal(got, m.Order) {
				t.Fatalf("Names() = %q, want %q", got, m.Order)
			}
			for _, name := range m.Order {
				e, f := m.Arrays[name], members[name]
				exp := expectation{e.Descr, e.Shape, e.Fortran, e.LEHex, f.Method, f.DataOffset}
				t.Run(name, func(t *testing.T) { checkMember(t, a, name, exp) })
			}
			if err := a.Close(); err != nil {
				t.Errorf("Close after every view was released: %v", err)
			}
		})
	}
}

// checkMember dispatches on the member's dtype.
func checkMember(t *testing.T, a *npz.Archive, name string, e expectation) {
	switch e.descr[1:] {
	case "f8":
		check[float64](t, a, name, e)
	case "f4":
		check[float32](t, a, name, e)
	case "f2":
		check[ndview.Float16](t, a, name, e)
		for _, err := range []error{loadErr[uint16](a, name), mapErr[uint16](a, name)} {
			if !errors.Is(err, ndview.ErrFormat) {
				t.Errorf("float16 member as uint16: err = %v, want ErrFormat", err)
			}
		}
	case "i1":
		check[int8](t, a, name, e)
	case "u1":
		check[uint8](t, a, name, e)
	case "i2":
		check[int16](t, a, name, e)
	case "u2":
		check[uint16](t, a, name, e)
	case "i4":
		check[int32](t, a, name, e)
	case "u4":
		check[uint32](t, a, name, e)
	case "i8":
		check[int64](t, a, name, e)
	case "u8":
		check[uint64](t, a, name, e)
	case "c8":
		check[complex64](t, a, name, e)
	case "c16":
		check[complex128](t, a, name, e)
	default:
		t.Fatalf("no Go type for %s", e.descr)
	}
}

func loadErr[T ndview.Elem](a *npz.Archive, name string) error {
	v, err := npz.Load[T](a, name)
	if err == nil {
		v.Release()
	}
	return err
}

func mapErr[T ndview.Elem](a *npz.Archive, name string) error {
	v, err := npz.Map[T](a, name)
	if err == nil {
		v.Release()
	}
	return err
}

func check[T ndview.Elem](t *testing.T, a *npz.Archive, name string, e expectation) {
	t.Helper()
	v, err := npz.Load[T](a, name)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	same(t, "Load", v, e)
	v.Release()

	// Another element type of the same size or not: always refused, never converted.
	var wrong error
	if ndview.DTypeOf[T]().Kind() == ndview.KindInt && ndview.DTypeOf[T]().ItemSize() == 1 {
		wrong = loadErr[uint8](a, name)
	} else {
		wrong = loadErr[int8](a, name)
	}
	if !errors.Is(wrong, ndview.ErrFormat) {
		t.Errorf("Load with the wrong element type: err = %v, want ErrFormat", wrong)
	}

	m, err := npz.Map[T](a, name)
	dt := ndview.DTypeOf[T]()
	switch {
	case e.method != 0:
		if err == nil {
			m.Release()
		}
		if !errors.Is(err, ndview.ErrFormat) {
			t.Errorf("Map of a deflated member: err = %v, want ErrFormat", err)
		}
	case e.descr[0] == '>':
		if err == nil {
			m.Release()
		}
		if !errors.Is(err, ndview.ErrFormat) {
			t.Errorf("Map of a big-endian member: err = %v, want ErrFormat", err)
		}
	case e.dataOffset%int64(dt.Align()) != 0 && e.leHex != "": // an empty array needs no alignment
		if err == nil {
			m.Release()
		}
		if !errors.Is(err, ndview.ErrMisaligned) {
			t.Errorf("Map of data at byte %d: err = %v, want ErrMisaligned", e.dataOffset, err)
		}
	default:
		if err != nil {
			t.Fatalf("Map of aligned data at byte %d: %v", e.dataOffset, err)
		}
		same(t, "Map", m, e)
		if !m.ReadOnly() {
			t.Error("Map gave a writable view")
		}
		if err := a.Close(); !errors.Is(err, ndview.ErrExported) {
			t.Errorf("Close with a mapped view alive: err = %v, want ErrExported", err)
		}
		m.Release()
	}
}

func same[T ndview.Elem](t *testing.T, fn string, v *ndview.View[T], e expectation) {
	t.Helper()
	if !slices.Equal(v.Shape(), e.shape) {
		t.Errorf("%s: shape %v, want %v", fn, v.Shape(), e.shape)
	}
	if f := v.NDim() > 1 && v.IsFContiguous() && !v.IsCContiguous(); f != e.fortran {
		t.Errorf("%s: Fortran order %v, want %v", fn, f, e.fortran)
	}
	if got := hex.EncodeToString(v.ToBytes(ndview.COrder)); got != e.leHex {
		t.Errorf("%s: bytes %s, want %s", fn, got, e.leHex)
	}
}

// TestLifetimes: mapped views hold the archive open; loaded views outlive it.
func TestLifetimes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.npz")
	x, _ := ndview.FromSlice([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	if err := npz.Save(path, []string{"x"}, []ndview.Array{x}); err != nil {
		t.Fatal(err)
	}
	a, err := npz.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := npz.Load[float64](a, "x")
	if err != nil {
		t.Fatal(err)
	}
	m, err := npz.Map[float64](a, "x")
	if err != nil {
		t.Fatal(err)
	}
	row := m.Index(0, 1) // derived: holds the mapping too
	m.Release()
	if err := a.Close(); !errors.Is(err, ndview.ErrExported) {
		t.Fatalf("Close with a derived view alive: err = %v, want ErrExported", err)
	}
	if got := row.ToSlice(); !slices.Equal(got, []float64{4, 5, 6}) {
		t.Fatalf("row = %v", got)
	}
	// The archive stays usable after a refused Close.
	if v, err := npz.Map[float64](a, "x.npy"); err != nil { // the whole member name works too
		t.Fatalf("Map after a refused Close: %v", err)
	} else {
		v.Release()
	}
	row.Release()
	if err := a.Close(); err != nil {
		t.Fatalf("Close after every view was released: %v", err)
	}
	if err := a.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := npz.Load[float64](a, "x"); !errors.Is(err, ndview.ErrReleased) {
		t.Errorf("Load after Close: err = %v, want ErrReleased", err)
	}
	if _, err := npz.Map[float64](a, "x"); !errors.Is(err, ndview.ErrReleased) {
		t.Errorf("Map after Close: err = %v, want ErrReleased", err)
	}
	if got := loaded.ToSlice(); !slices.Equal(got, []float64{1, 2, 3, 4, 5, 6}) {
		t.Errorf("a loaded view after Close: %v", got)
	}
	if !slices.Equal(a.Names(), []string{"x"}) {
		t.Errorf("Names after Close: %q", a.Names())
	}
	if _, err := npz.Open(filepath.Join(t.TempDir(), "missing.npz")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open of a missing file: err = %v, want one wrapping fs.ErrNotExist", err)
	}
	if _, err := npz.Open(t.TempDir()); !errors.Is(err, ndview.ErrFormat) {
		t.Errorf("Open of a directory: err = %v, want ErrFormat", err)
	}
}

// TestConcurrent loads and maps from several goroutines while another tries to close
// (run under -race).
func TestConcurrent(t *testing.T) {
	a := open(t, "testdata/numpy_stored.npz")
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				v, err := npz.Load[float64](a, "fortran")
				if errors.Is(err, ndview.ErrReleased) {
					return // another goroutine closed the archive
				} else if err != nil {
					t.Error(err)
					return
				}
				v.Release()
				m, err := npz.Map[uint8](a, "bytes")
				if errors.Is(err, ndview.ErrReleased) {
					return
				} else if err != nil {
					t.Error(err)
					return
				}
				if m.At(999) != uint8(999%256) {
					t.Error("mapped bytes[999] is wrong")
				}
				if i%5 == 4 {
					if err := a.Close(); err != nil && !errors.Is(err, ndview.ErrExported) {
						t.Error(err)
					}
				}
				m.Release()
			}
		}()
	}
	wg.Wait()
}

// memberLayout returns where the array data of each member of the zip at path starts.
func memberLayout(t testing.TB, path string) map[string]int64 {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out := map[string]int64{}
	for _, f := range zr.File {
		off, err := f.DataOffset()
		if err != nil {
			t.Fatal(err)
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		var pre [12]byte
		if _, err := io.ReadFull(r, pre[:]); err != nil {
			t.Fatal(err)
		}
		r.Close()
		hlen := 10 + int64(binary.LittleEndian.Uint16(pre[8:]))
		if pre[6] != 1 {
			hlen = 12 + int64(binary.LittleEndian.Uint32(pre[8:]))
		}
		out[f.Name] = off + hlen
	}
	return out
}
