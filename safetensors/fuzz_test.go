package safetensors

import (
	"bytes"
	"encoding/binary"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ndview/ndview"
)

// FuzzParseHeader feeds whole files to the header parser. Whatever it accepts must be
// self-consistent (offsets inside the file, in order, covering the data) and must survive
// re-encoding: writing the parsed header as Save would and parsing it again gives the same
// tensors and metadata, and a second round gives the same bytes.
func FuzzParseHeader(f *testing.F) {
	for _, c := range referenceFiles {
		f.Add([]byte(c.file))
	}
	dir := f.TempDir()
	a, _ := ndview.FromSlice([]float32{1, 2, 3, 4}, 2, 2)
	b, _ := ndview.FromSlice([]uint8{1, 2, 3})
	path := filepath.Join(dir, "seed.safetensors")
	if err := Save(path, []Tensor{{"a", a}, {"b", b}}, map[string]string{"k": "v"}); err != nil {
		f.Fatal(err)
	}
	seed, _ := os.ReadFile(path)
	f.Add(seed)
	f.Add(seedFile(`{"x":{"dtype":"F8_E4M3","shape":[2],"data_offsets":[0,2]},"y":{"dtype":"NEW","shape":[9],"data_offsets":[2,3]}}`, "abc"))
	f.Add(seedFile(`{"__metadata__":{"a":"\u0001\ud800"},"x":{"dtype":"U8","shape":[0,1],"data_offsets":[0,0],"q":[{}]}}`, ""))
	f.Add(seedFile(`{"x":{"dtype":"F32","shape":[0,2305843009213693952,2],"data_offsets":[0,0]},"y":{"dtype":"U8","shape":[0,18446744073709551615],"data_offsets":[0,0]}}`, ""))

	f.Fuzz(func(t *testing.T, file []byte) {
		h, err := parseHeader(file)
		if err != nil {
			if !errors.Is(err, ndview.ErrFormat) {
				t.Fatalf("error %v does not wrap ErrFormat", err)
			}
			return
		}
		if h.dataStart < 8 || h.dataStart > len(file) {
			t.Fatalf("data starts at %d of %d", h.dataStart, len(file))
		}
		data := file[h.dataStart:]
		var at int64
		for _, e := range h.entries {
			if e.info.Offsets[0] != at || e.info.Offsets[1] < at || e.info.Offsets[1] > int64(len(data)) {
				t.Fatalf("tensor %q at %v after %d", e.name, e.info.Offsets, at)
			}
			at = e.info.Offsets[1]
		}
		if at != int64(len(data)) {
			t.Fatalf("tensors cover %d of %d bytes", at, len(data))
		}
		for _, e := range h.entries {
			if e.bad != nil && (!errors.Is(e.bad, ndview.ErrFormat) || !errors.Is(e.bad, ndview.ErrOverflow) || e.info.Offsets[0] != e.info.Offsets[1]) {
				t.Fatalf("tensor %q refused as %v", e.name, e.bad)
			}
			if e.bad == nil && e.info.Shape == nil {
				t.Fatalf("tensor %q of shape %v has no Shape and is not refused", e.name, e.wide)
			}
		}
		re := rebuild(h, data)
		h2, err := parseHeader(re)
		if err != nil {
			t.Fatalf("re-encoded header refused: %v\n%q", err, re)
		}
		if !sameHeader(h, h2) {
			t.Fatalf("re-encoding changed the header:\n%+v\n%+v", h, h2)
		}
		if again := rebuild(h2, data); !bytes.Equal(again, re) {
			t.Fatalf("second re-encoding differs:\n%q\n%q", re, again)
		}
	})
}

func seedFile(hdr, data string) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(hdr)))
	return append(append(b, hdr...), data...)
}

// rebuild writes h's entries (in their order) and metadata as Save writes a header.
func rebuild(h *header, data []byte) []byte {
	hdr := encodeHeader(h.entries, h.metadata)
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(hdr)))
	return append(append(b, hdr...), data...)
}

func sameHeader(a, b *header) bool {
	if len(a.entries) != len(b.entries) || len(a.metadata) != len(b.metadata) || !maps.Equal(a.metadata, b.metadata) {
		return false
	}
	for i := range a.entries {
		x, y := a.entries[i], b.entries[i]
		if x.name != y.name || x.info.DType != y.info.DType || x.info.Offsets != y.info.Offsets || !slices.Equal(x.info.Shape, y.info.Shape) ||
			!slices.Equal(x.wide, y.wide) || (x.bad == nil) != (y.bad == nil) {
			return false
		}
	}
	return true
}
