package npz_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/npz"
)

// npyFile returns a .npy file of the given descr and shape (a Python tuple) whose data is
// payload, whatever the shape says.
func npyFile(descr, shape string, payload []byte) []byte {
	h := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, shape)
	for (10+len(h)+1)%64 != 0 {
		h += " "
	}
	h += "\n"
	b := append([]byte("\x93NUMPY\x01\x00"), byte(len(h)), byte(len(h)>>8))
	b = append(b, h...)
	return append(b, payload...)
}

func deflate(b []byte) []byte {
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestCompression)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// rawMember is one member of a hand-made archive. Sizes and CRC default to the truth about
// content (inflated, for a deflated member); body replaces the compressed bytes.
type rawMember struct {
	name    string
	method  uint16
	content []byte
	body    []byte  // the bytes stored in the archive; default: content, deflated if method 8
	usize   *uint64 // declared uncompressed size
	csize   *uint64 // declared compressed size
	crc     *uint32
	flags   uint16
}

func u64(n uint64) *uint64 { return &n }

func rawZip(t testing.TB, members ...rawMember) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, m := range members {
		body := m.body
		if body == nil {
			body = m.content
			if m.method == zip.Deflate {
				body = deflate(m.content)
			}
		}
		fh := &zip.FileHeader{
			Name:               m.name,
			Method:             m.method,
			Flags:              m.flags,
			CRC32:              crc32.ChecksumIEEE(m.content),
			CompressedSize64:   uint64(len(body)),
			UncompressedSize64: uint64(len(m.content)),
		}
		if m.usize != nil {
			fh.UncompressedSize64 = *m.usize
		}
		if m.csize != nil {
			fh.CompressedSize64 = *m.csize
		}
		if m.crc != nil {
			fh.CRC32 = *m.crc
		}
		w, err := zw.CreateRaw(fh)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func writeTemp(t testing.TB, b []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "h.npz")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// allocated returns how many bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

var f8x4 = npyFile("<f8", "(4,)", make([]byte, 32))

// TestHostile: archives that are damaged or lie give errors (ErrFormat, with
// io.ErrUnexpectedEOF where data ends early), never panics, and allocate nothing of the
// size they claim.
func TestHostile(t *testing.T) {
	hugeShape := npyFile("<f8", "(1099511627776,)", make([]byte, 64)) // claims 8 TiB
	bomb := npyFile("<f8", "(1073741824,)", make([]byte, 1<<20))      // claims 8 GiB, holds 1 MiB
	bombHeader := len(bomb) - 1<<20
	short := npyFile("<f8", "(134217728,)", make([]byte, 16)) // claims 1 GiB, holds 16 bytes
	shortDeclared := uint64(len(short) - 16 + 1<<30)
	long := npyFile("<f8", "(100,)", make([]byte, 8000)) // claims 800 bytes, holds 8000
	badCRC := uint32(12345)
	for _, c := range []struct {
		what     string
		file     []byte
		openErr  bool  // Open itself fails
		load     bool  // Load (of member "a") fails too
		eof      bool  // the error wraps io.ErrUnexpectedEOF
		maxAlloc int64 // bytes Load may allocate (default 1 MiB)
		mapOK    bool  // Map[float64] passes the format checks
	}{
		{what: "empty file", file: nil, openErr: true},
		{what: "not a zip", file: []byte("PK\x03\x04 is not enough"), openErr: true},
		{what: "npy, not npz", file: f8x4, openErr: true},
		{what: "duplicate names", file: rawZip(t, rawMember{name: "a.npy", content: f8x4}, rawMember{name: "a.npy", content: f8x4}), openErr: true},
		{what: "duplicate after .npy", file: rawZip(t, rawMember{name: "a", content: f8x4}, rawMember{name: "a.npy", content: f8x4}), openErr: true},
		{what: "not npy", file: rawZip(t, rawMember{name: "a.npy", content: []byte("hello, world")}), load: true},
		{what: "not npy, deflated", file: rawZip(t, rawMember{name: "a", method: zip.Deflate, content: []byte(strings.Repeat("text ", 100))}), load: true},
		{what: "empty member", file: rawZip(t, rawMember{name: "a.npy"}), load: true},
		{what: "huge shape, stored", file: rawZip(t, rawMember{name: "a.npy", content: hugeShape}), load: true},
		{what: "huge shape, deflated", file: rawZip(t, rawMember{name: "a.npy", method: zip.Deflate, content: hugeShape}), load: true},
		{what: "shape overflows", file: rawZip(t, rawMember{name: "a.npy", content: npyFile("<f8", "(4611686018427387904, 4611686018427387904)", nil)}), load: true},
		{what: "zip bomb: size as the header says", file: rawZip(t, rawMember{name: "a.npy", method: zip.Deflate, content: bomb, usize: u64(uint64(bombHeader) + 8<<30)}), load: true},
		{what: "zip bomb: size as the data is", file: rawZip(t, rawMember{name: "a.npy", method: zip.Deflate, content: bomb}), load: true},
		{
			what: "deflated data ends early", eof: true, load: true, maxAlloc: 32 << 20, // npy's first chunk: 16 MiB, not the 1 GiB claimed
			file: rawZip(t, rawMember{name: "a.npy", method: zip.Deflate, content: short, usize: u64(shortDeclared),
				body: append(deflate(short), make([]byte, shortDeclared/1000)...)}), // room enough for the ratio check
		},
		{what: "inflates past its size", file: rawZip(t, rawMember{name: "a.npy", method: zip.Deflate, content: long, usize: u64(uint64(len(long) - 7200))}), load: true},
		{what: "stored data past the header's size", file: rawZip(t, rawMember{name: "a.npy", content: append(append([]byte{}, f8x4...), 1, 2, 3)}), load: true},
		{what: "stored data short of the header's size", file: rawZip(t, rawMember{name: "a.npy", content: f8x4[:len(f8x4)-8]}), load: true},
		{what: "stored sizes disagree", file: rawZip(t, rawMember{name: "a.npy", content: f8x4, usize: u64(uint64(len(f8x4) + 8))}), load: true},
		{what: "stored size past the file", eof: true, file: rawZip(t, rawMember{name: "a.npy", content: f8x4, usize: u64(1 << 40), csize: u64(1 << 40)}), load: true},
		{what: "compressed size past the file", eof: true, file: rawZip(t, rawMember{name: "a.npy", method: zip.Deflate, content: f8x4, csize: u64(1 << 20)}), load: true},
		{what: "bad CRC", file: rawZip(t, rawMember{name: "a.npy", content: f8x4, crc: &badCRC}), load: true, mapOK: true},
		{what: "CRC of 0 for other data", file: rawZip(t, rawMember{name: "a.npy", content: f8x4, crc: new(uint32)}), load: true, mapOK: true},
		{what: "encrypted", file: rawZip(t, rawMember{name: "a.npy", content: f8x4, flags: 1}), load: true},
		{what: "unknown method", file: rawZip(t, rawMember{name: "a.npy", method: 12, content: f8x4}), load: true},
		{what: "corrupt deflate", file: rawZip(t, rawMember{name: "a.npy", method: zip.Deflate, content: f8x4, body: []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}), load: true},
		{what: "wrong element type", file: rawZip(t, rawMember{name: "a.npy", content: npyFile("<i8", "(4,)", make([]byte, 32))}), load: true},
		{what: "bool dtype", file: rawZip(t, rawMember{name: "a.npy", content: npyFile("|b1", "(4,)", make([]byte, 4))}), load: true},
	} {
		t.Run(c.what, func(t *testing.T) {
			a, err := npz.Open(writeTemp(t, c.file))
			if c.openErr {
				if !errors.Is(err, ndview.ErrFormat) {
					t.Fatalf("Open: err = %v, want ErrFormat", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer func() {
				if err := a.Close(); err != nil {
					t.Error(err)
				}
			}()
			limit := uint64(1 << 20)
			if c.maxAlloc > 0 {
				limit = uint64(c.maxAlloc)
			}
			var loadErr error
			n := allocated(func() {
				var v *ndview.View[float64]
				v, loadErr = npz.Load[float64](a, a.Names()[0])
				if loadErr == nil {
					v.Release()
				}
			})
			if c.load != (loadErr != nil) {
				t.Fatalf("Load: err = %v, want an error: %v", loadErr, c.load)
			}
			if loadErr != nil && !errors.Is(loadErr, ndview.ErrFormat) {
				t.Errorf("Load: err = %v, want ErrFormat", loadErr)
			}
			if c.eof && !errors.Is(loadErr, io.ErrUnexpectedEOF) {
				t.Errorf("Load: err = %v, want io.ErrUnexpectedEOF", loadErr)
			}
			if loadErr != nil && !strings.HasPrefix(loadErr.Error(), "ndview: npz.Load") {
				t.Errorf("message %q does not start with ndview: npz.Load", loadErr)
			}
			t.Logf("Load: %v; %d bytes allocated", loadErr, n)
			if n > limit {
				t.Errorf("Load allocated %d bytes, more than %d", n, limit)
			}
			// Map fails too, unless only the CRC-32 (which Map does not read) is wrong; the
			// hand-made member's data is not aligned, which Map may say first.
			m, err := npz.Map[float64](a, a.Names()[0])
			if err == nil {
				m.Release()
			}
			if c.mapOK != (err == nil || errors.Is(err, ndview.ErrMisaligned)) {
				t.Errorf("Map: err = %v; want it to pass the format checks: %v", err, c.mapOK)
			}
			if err != nil && !errors.Is(err, ndview.ErrFormat) && !errors.Is(err, ndview.ErrMisaligned) {
				t.Errorf("Map: err = %v, want ErrFormat or ErrMisaligned", err)
			}
		})
	}
}

// TestNames: members not named *.npy are listed whole; unknown names are ErrFormat.
func TestNames(t *testing.T) {
	a := open(t, writeTemp(t, rawZip(t,
		rawMember{name: "x.npy", content: f8x4},
		rawMember{name: "readme.txt", content: []byte("hi")},
		rawMember{name: "dir/y.npy", method: zip.Deflate, content: f8x4},
		rawMember{name: "z.npy.npy", content: f8x4},
	)))
	want := []string{"x", "readme.txt", "dir/y", "z.npy"}
	if got := a.Names(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("Names() = %q, want %q", got, want)
	}
	for _, name := range []string{"x", "x.npy", "dir/y", "dir/y.npy", "z.npy", "z.npy.npy"} {
		if v, err := npz.Load[float64](a, name); err != nil {
			t.Errorf("Load(%q): %v", name, err)
		} else {
			v.Release()
		}
	}
	for _, name := range []string{"readme.txt", "nothing", "readme", "X", "", "dir"} {
		if _, err := npz.Load[float64](a, name); !errors.Is(err, ndview.ErrFormat) {
			t.Errorf("Load(%q): err = %v, want ErrFormat", name, err)
		}
		if _, err := npz.Map[float64](a, name); !errors.Is(err, ndview.ErrFormat) {
			t.Errorf("Map(%q): err = %v, want ErrFormat", name, err)
		}
	}
	if _, err := npz.Map[float64](a, "dir/y"); !errors.Is(err, ndview.ErrFormat) || !strings.Contains(err.Error(), "npz.Load") {
		t.Errorf("Map of a deflated member: err = %v, want ErrFormat naming npz.Load", err)
	}
}

// TestTruncated: every prefix of NumPy's archives is refused by Open or, if Open finds a
// directory, by Load; nothing panics.
func TestTruncated(t *testing.T) {
	for _, file := range []string{"numpy_stored.npz", "numpy_compressed.npz"} {
		b, err := os.ReadFile(filepath.Join("testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		for n := 0; n < len(b); n += 61 {
			path := filepath.Join(dir, "t.npz")
			if err := os.WriteFile(path, b[:n], 0o644); err != nil {
				t.Fatal(err)
			}
			a, err := npz.Open(path)
			if err == nil {
				t.Errorf("%s cut at %d: Open succeeded", file, n)
				a.Close()
			} else if !errors.Is(err, ndview.ErrFormat) {
				t.Errorf("%s cut at %d: err = %v, want ErrFormat", file, n, err)
			}
		}
	}
}

// TestCorrupted flips each byte of a small archive in turn: Open, Load and Map may fail
// (with ErrFormat, or ErrMisaligned for Map) but never panic, and what loads is what was
// saved unless the flipped byte is one no reader checks.
func TestCorrupted(t *testing.T) {
	x := must(ndview.FromSlice([]float64{1, 2, 3}))
	dir := t.TempDir()
	path := filepath.Join(dir, "c.npz")
	for _, save := range []func(string, []string, []ndview.Array) error{npz.Save, npz.SaveCompressed} {
		if err := save(path, []string{"x"}, []ndview.Array{x}); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(path)
		for i := range b {
			c := append([]byte{}, b...)
			c[i] ^= 0x55
			p := filepath.Join(dir, "flipped.npz")
			os.WriteFile(p, c, 0o644)
			a, err := npz.Open(p)
			if err != nil {
				if !errors.Is(err, ndview.ErrFormat) {
					t.Errorf("byte %d: Open: %v", i, err)
				}
				continue
			}
			for _, name := range a.Names() {
				if v, err := npz.Load[float64](a, name); err == nil {
					v.Release()
				} else if !errors.Is(err, ndview.ErrFormat) {
					t.Errorf("byte %d: Load: %v", i, err)
				}
				if v, err := npz.Map[float64](a, name); err == nil {
					v.Release()
				} else if !errors.Is(err, ndview.ErrFormat) && !errors.Is(err, ndview.ErrMisaligned) {
					t.Errorf("byte %d: Map: %v", i, err)
				}
			}
			if err := a.Close(); err != nil {
				t.Errorf("byte %d: Close: %v", i, err)
			}
		}
	}
}
