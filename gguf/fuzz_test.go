package gguf

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/ndview/ndview"
)

// FuzzOpen opens arbitrary files. Open must refuse with ErrFormat or accept without
// panicking; whatever it accepts must be served consistently (every key by Kind, ArrayOf
// and Meta; every tensor's Blocks equal to its bytes in the file, View and Dequantize
// agreeing with them or refusing as documented), and must survive Save: writing back what
// Open read and opening the result gives the same keys, values and tensors.
func FuzzOpen(f *testing.F) {
	for _, dir := range []string{"testdata/hostile", "testdata/gguf-py"} {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if filepath.Ext(e.Name()) != ".gguf" {
				continue
			}
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err == nil && len(b) <= 16<<10 {
				f.Add(b)
			}
		}
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		tmp, err := os.CreateTemp(dir, "fuzz*.gguf")
		if err != nil {
			t.Fatal(err)
		}
		path := tmp.Name()
		defer os.Remove(path)
		if _, err := tmp.Write(data); err != nil {
			t.Fatal(err)
		}
		tmp.Close()
		file, err := Open(path)
		if err != nil {
			if !errors.Is(err, ndview.ErrFormat) {
				t.Fatalf("Open refused with %v, not ErrFormat", err)
			}
			return
		}
		defer func() {
			if err := file.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		}()
		exercise(t, file, data, dir)
	})
}

// exercise reads everything Open accepted, checks it against the file's bytes, and saves
// it back.
func exercise(t *testing.T, f *File, data []byte, dir string) {
	if v := f.Version(); v != 2 && v != 3 {
		t.Fatalf("version %d", v)
	}
	values := map[string]any{}
	for _, k := range f.Keys() {
		values[k] = textOf(t, f, k)
	}
	meta := metaOf(t, f)
	roundTrip := f.Alignment() <= 4096 // a file without tensors is padded to it
	var tensors []Tensor
	infos := map[string]Info{}
	for _, name := range f.Names() {
		info, err := f.Info(name)
		if err != nil { // a dimension over math.MaxInt: 32-bit platforms only
			if !errors.Is(err, ndview.ErrOverflow) || math.MaxInt != math.MaxInt32 {
				t.Fatalf("Info(%q): %v", name, err)
			}
			roundTrip = false
			continue
		}
		infos[name] = info
		b, err := Blocks(f, name)
		if err != nil {
			if !errors.Is(err, ndview.ErrFormat) || !errors.Is(err, ndview.ErrOverflow) || info.Size != 0 {
				t.Fatalf("Blocks(%q) of %+v: %v", name, info, err)
			}
			if _, err := Dequantize(f, name); !errors.Is(err, ndview.ErrOverflow) {
				t.Fatalf("Dequantize(%q) of a tensor Blocks refuses: %v", name, err)
			}
			roundTrip = false
			continue
		}
		raw := b.ToBytes(ndview.COrder)
		b.Release()
		if int64(len(raw)) != info.Size || info.Offset+info.Size > int64(len(data)) || !bytes.Equal(raw, data[info.Offset:info.Offset+info.Size]) {
			t.Fatalf("Blocks(%q) gives %d bytes, Info says %d at %d", name, len(raw), info.Size, info.Offset)
		}
		width, rows := 1, 1
		if len(info.Shape) > 0 {
			width = info.Shape[len(info.Shape)-1]
			for _, d := range info.Shape[:len(info.Shape)-1] {
				rows *= d
			}
		}
		if info.Size <= 64<<10 && rows*width <= 1<<20 {
			d, err := Dequantize(f, name)
			if err == nil && !slices.Equal(d.Shape(), info.Shape) {
				t.Fatalf("Dequantize(%q) has shape %v", name, d.Shape())
			}
			if err != nil && !errors.Is(err, ndview.ErrFormat) { // a type ggml.Dequantize cannot convert
				t.Fatalf("Dequantize(%q): %v", name, err)
			}
			if rows > 0 && width <= 1<<16 {
				dst := ndview.New[float32](1, width)
				err := DequantizeRows(dst, f, name, []int{-1})
				if err != nil && !errors.Is(err, ndview.ErrFormat) {
					t.Fatalf("DequantizeRows(%q): %v", name, err)
				}
			}
		}
		if !info.Type.Quantized() {
			vb, err := viewBytes(f, name, info.Type)
			if err == nil && !bytes.Equal(vb, raw) || err != nil && !errors.Is(err, ndview.ErrMisaligned) {
				t.Fatalf("View(%q): %v", name, err)
			}
		}
		tensors = append(tensors, Tensor{Name: name, Type: info.Type, Shape: info.Shape, Blocks: raw})
	}
	if !roundTrip {
		return
	}
	// Save's layout and encoding, written without Save's fsync (Save itself is tested
	// elsewhere): a fuzz run does thousands of these.
	hdr, items, align, err := prepare(meta, tensors, true)
	if err != nil {
		t.Fatalf("Save of what Open read: %v", err)
	}
	var buf bytes.Buffer
	if err := write(&buf, hdr, items, align); err != nil {
		t.Fatalf("Save of what Open read: %v", err)
	}
	out := filepath.Join(dir, filepath.Base(f.path)+".out")
	defer os.Remove(out)
	if err := os.WriteFile(out, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	g, err := Open(out)
	if err != nil {
		t.Fatalf("Open of what Save wrote: %v", err)
	}
	defer g.Close()
	if g.Alignment() != f.Alignment() || !slices.Equal(g.Keys(), f.Keys()) || !slices.Equal(g.Names(), f.Names()) {
		t.Fatalf("Save changed the file: alignment %d, keys %q, names %q", g.Alignment(), g.Keys(), g.Names())
	}
	for _, k := range g.Keys() {
		if got := textOf(t, g, k); !reflect.DeepEqual(got, values[k]) {
			t.Fatalf("key %q: %v after Save, %v before", k, got, values[k])
		}
	}
	for i, name := range g.Names() {
		info, _ := g.Info(name)
		was := infos[name]
		if info.Type != was.Type || !slices.Equal(info.Shape, was.Shape) || info.Size != was.Size || !bytes.Equal(blocksOf(t, g, name), tensors[i].Blocks) {
			t.Fatalf("tensor %q: %+v after Save, %+v before", name, info, was)
		}
	}
}
