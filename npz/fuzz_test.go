package npz_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"flag"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/npz"
)

// FuzzArchive opens arbitrary bytes as an archive and loads and maps every member as
// several element types: nothing panics, every error is ErrFormat (ErrMisaligned from Map),
// Map and Load agree where both succeed, and what loads is saved (stored and compressed)
// and loads back identically (the first two members that load; see budget).
func FuzzArchive(f *testing.F) {
	// Seeds: NumPy's stored archive whole, and each member of every committed archive on
	// its own (small inputs fuzz many times faster than 27-member ones).
	for _, name := range []string{"numpy_stored.npz", "numpy_compressed.npz", "ndview_stored.npz", "ndview_compressed.npz"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		if name == "numpy_stored.npz" {
			f.Add(b)
		}
		for _, m := range splitArchive(f, b) {
			f.Add(m)
		}
	}
	f.Add(rawZip(f, rawMember{name: "a.npy", content: f8x4}, rawMember{name: "b", method: zip.Deflate, content: f8x4}))
	f.Add(rawZip(f, rawMember{name: "a.npy", content: npyFile("|u1", "(2, 3)", []byte{1, 2, 3, 4, 5, 6})}))
	// One directory for the whole run, and a new file for each input: t.TempDir and
	// rewriting one file (which ext4 flushes on close) cost milliseconds an input.
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		// Save round trips: each syncs two files to disk, which would bound the fuzzer to
		// a few dozen inputs a second, so one input in 8 (by its CRC) makes them, and one
		// in 256 while fuzzing.
		budget, every := 2, uint32(8)
		if fuzzing() {
			every = 256
		}
		if crc32.ChecksumIEEE(b)%every != 0 {
			budget = 0
		}
		fuzzArchive(t, dir, b, budget)
	})
}

// fuzzArchive is FuzzArchive's body: b is the archive, budget the number of Save round
// trips to make.
func fuzzArchive(t *testing.T, dir string, b []byte, budget int) {
	tmp, err := os.CreateTemp(dir, "in-*.npz")
	if err != nil {
		t.Fatal(err)
	}
	path := tmp.Name()
	defer os.Remove(path)
	_, err = tmp.Write(b)
	if err := errors.Join(err, tmp.Close()); err != nil {
		t.Fatal(err)
	}
	a, err := npz.Open(path)
	if err != nil {
		if !errors.Is(err, ndview.ErrFormat) {
			t.Fatalf("Open: %v", err)
		}
		return
	}
	zr, _ := zip.NewReader(bytes.NewReader(b), int64(len(b))) // Open read it: no error
	descrs := map[string]string{}
	for _, f := range zr.File {
		descrs[strings.TrimSuffix(f.Name, ".npy")] = peekDescr(f)
	}
	for _, name := range a.Names() {
		// The element type the member's header names (loads, maps and saves), and one it
		// does not (every call refuses): trying all twelve would slow the fuzzer sixfold.
		switch descrs[name] {
		case "f8":
			fuzzMember[float64](t, a, name, path, &budget)
		case "f4":
			fuzzMember[float32](t, a, name, path, &budget)
		case "i8":
			fuzzMember[int64](t, a, name, path, &budget)
		case "i4":
			fuzzMember[int32](t, a, name, path, &budget)
		case "i2":
			fuzzMember[int16](t, a, name, path, &budget)
		case "i1":
			fuzzMember[int8](t, a, name, path, &budget)
		case "u1":
			fuzzMember[uint8](t, a, name, path, &budget)
		case "u2":
			fuzzMember[uint16](t, a, name, path, &budget)
		case "u4":
			fuzzMember[uint32](t, a, name, path, &budget)
		case "u8":
			fuzzMember[uint64](t, a, name, path, &budget)
		case "c8":
			fuzzMember[complex64](t, a, name, path, &budget)
		case "c16":
			fuzzMember[complex128](t, a, name, path, &budget)
		}
		if descrs[name] == "i1" {
			fuzzMember[uint8](t, a, name, path, &budget)
		} else {
			fuzzMember[int8](t, a, name, path, &budget)
		}
	}
	if err := a.Close(); err != nil {
		t.Fatalf("Close after every view was released: %v", err)
	}
}

// splitArchive returns an archive of each member of the zip b, copied raw.
func splitArchive(t testing.TB, b []byte) [][]byte {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, f := range zr.File {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		out = append(out, buf.Bytes())
	}
	return out
}

var descrRE = regexp.MustCompile(`'descr': *'[<>|=]([a-z][0-9]+)'`)

// peekDescr returns the kind and size ("f8") a member's .npy header names, or "".
func peekDescr(f *zip.File) string {
	r, err := f.Open()
	if err != nil {
		return ""
	}
	defer r.Close()
	var head [256]byte
	n, _ := io.ReadFull(r, head[:])
	if m := descrRE.FindSubmatch(head[:n]); m != nil {
		return string(m[1])
	}
	return ""
}

// fuzzing reports whether the test runs under -fuzz, not just over the seed corpus.
func fuzzing() bool {
	f := flag.Lookup("test.fuzz")
	return f != nil && f.Value.String() != ""
}

func fuzzMember[T ndview.Elem](t *testing.T, a *npz.Archive, name, path string, budget *int) {
	v, err := npz.Load[T](a, name)
	if err != nil && !errors.Is(err, ndview.ErrFormat) {
		t.Fatalf("Load[%T](%q): %v", *new(T), name, err)
	}
	m, merr := npz.Map[T](a, name)
	if merr != nil && !errors.Is(merr, ndview.ErrFormat) && !errors.Is(merr, ndview.ErrMisaligned) {
		t.Fatalf("Map[%T](%q): %v", *new(T), name, merr)
	}
	if merr == nil {
		if v != nil && !sameView(v, m) {
			t.Fatalf("Map[%T](%q) and Load disagree", *new(T), name)
		}
		m.Release()
	}
	if v == nil {
		return
	}
	defer v.Release()
	if *budget == 0 {
		return
	}
	*budget--
	p := path + ".re.npz"
	defer os.Remove(p)
	for _, save := range []func(string, []string, []ndview.Array) error{npz.Save, npz.SaveCompressed} {
		if err := save(p, []string{name}, []ndview.Array{v}); err != nil {
			if errors.Is(err, ndview.ErrFormat) { // a name Save refuses (NumPy would take it)
				return
			}
			t.Fatalf("Save of what Load read: %v", err)
		}
		b, err := npz.Open(p)
		if err != nil {
			t.Fatalf("Open of what Save wrote: %v", err)
		}
		w, err := npz.Load[T](b, name)
		if err != nil {
			t.Fatalf("Load of what Save wrote: %v", err)
		}
		if !sameView(v, w) {
			t.Fatalf("%q changed in a Save and Load", name)
		}
		w.Release()
		b.Close()
	}
}

// sameView reports whether a and b have the same shape, order and bytes.
func sameView[T ndview.Elem](a, b *ndview.View[T]) bool {
	fa := a.NDim() > 1 && a.IsFContiguous() && !a.IsCContiguous()
	fb := b.NDim() > 1 && b.IsFContiguous() && !b.IsCContiguous()
	return fa == fb && bytes.Equal(a.ToBytes(ndview.COrder), b.ToBytes(ndview.COrder)) &&
		len(a.Shape()) == len(b.Shape()) && equalInts(a.Shape(), b.Shape())
}

func equalInts(a, b []int) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
