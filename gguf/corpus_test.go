package gguf

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/ggml"
)

// The corpus of testdata (see testdata/gen/README.md): files gguf-py wrote, with a
// manifest of what they hold; hostile files, one per rule of ggml's reader; and the
// verdicts of ggml's own reader on all of them.

type manifest struct {
	Files []struct {
		File      string
		Expect    string
		Version   int
		Alignment int
		KVs       []struct {
			Key   string
			Kind  ValueKind
			Elem  *ValueKind
			Value json.RawMessage
		} `json:"kvs"`
		Tensors []struct {
			Name   string
			Type   ggml.Type
			Shape  []int
			Offset int64
			Size   int64
			Sha256 string
		}
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	if err := json.Unmarshal(readFile(t, path), v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// Open reads every file gguf-py wrote as the manifest says (keys in order, kinds, values,
// tensors' types, shapes, offsets, sizes and bytes, through Blocks and View), and Save
// rewrites each, from what Open read, byte for byte. The big-endian file and the file with
// a nested array are refused, saying which.
func TestGGUFPy(t *testing.T) {
	var m manifest
	readJSON(t, "testdata/gguf-py/manifest.json", &m)
	if len(m.Files) < 10 {
		t.Fatalf("the manifest lists %d files", len(m.Files))
	}
	for _, mf := range m.Files {
		t.Run(mf.File, func(t *testing.T) {
			path := filepath.Join("testdata/gguf-py", mf.File)
			if mf.Expect != "ok" {
				_, err := Open(path)
				want := map[string]string{"big-endian": "big-endian", "nested": "nested array"}[mf.Expect]
				if !isFormat(err) || !strings.Contains(err.Error(), want) {
					t.Fatalf("Open: %v, want ErrFormat saying %q", err, want)
				}
				return
			}
			f := openT(t, path)
			if f.Version() != mf.Version || f.Alignment() != mf.Alignment {
				t.Errorf("version %d, alignment %d; want %d, %d", f.Version(), f.Alignment(), mf.Version, mf.Alignment)
			}
			var keys []string
			for _, kv := range mf.KVs {
				keys = append(keys, kv.Key)
				k, err := f.Kind(kv.Key)
				if err != nil || k != kv.Kind {
					t.Errorf("Kind(%q) = %v, %v; want %v", kv.Key, k, err, kv.Kind)
					continue
				}
				var want any
				if kv.Elem != nil {
					var xs []string
					json.Unmarshal(kv.Value, &xs)
					want = xs
					elem, n, err := f.ArrayOf(kv.Key)
					if err != nil || elem != *kv.Elem || n != len(xs) {
						t.Errorf("ArrayOf(%q) = %v, %d, %v; want %v, %d", kv.Key, elem, n, err, *kv.Elem, len(xs))
					}
				} else {
					var x string
					json.Unmarshal(kv.Value, &x)
					want = x
				}
				if got := textOf(t, f, kv.Key); !reflect.DeepEqual(got, want) {
					t.Errorf("key %q = %v, want %v", kv.Key, got, want)
				}
			}
			if got := f.Keys(); !slices.Equal(got, keys) && len(got)+len(keys) > 0 {
				t.Errorf("Keys() = %q, want %q", got, keys)
			}
			var names []string
			for _, mt := range mf.Tensors {
				names = append(names, mt.Name)
				info, err := f.Info(mt.Name)
				if err != nil {
					t.Fatal(err)
				}
				want := Info{mt.Name, mt.Type, mt.Shape, mt.Offset, mt.Size}
				if info.Name != want.Name || info.Type != want.Type || !slices.Equal(info.Shape, want.Shape) || info.Offset != want.Offset || info.Size != want.Size {
					t.Errorf("Info(%q) = %+v, want %+v", mt.Name, info, want)
				}
				raw := blocksOf(t, f, mt.Name)
				if sum := sha256.Sum256(raw); hex.EncodeToString(sum[:]) != mt.Sha256 {
					t.Errorf("tensor %q: Blocks gives other bytes than gguf-py was given", mt.Name)
				}
				if mt.Type.Quantized() {
					if _, err := viewBytes(f, mt.Name, ggml.F32); !isFormat(err) || !strings.Contains(err.Error(), "Dequantize") {
						t.Errorf("View of %v tensor %q: %v", mt.Type, mt.Name, err)
					}
					continue
				}
				vb, err := viewBytes(f, mt.Name, mt.Type)
				if align := int64(alignOf(mt.Type)); mt.Offset%align != 0 {
					if !errors.Is(err, ndview.ErrMisaligned) {
						t.Errorf("View of %q at offset %d: %v, want ErrMisaligned", mt.Name, mt.Offset, err)
					}
					continue
				}
				if err != nil || !bytes.Equal(vb, raw) {
					t.Errorf("View of %q: %v; bytes equal: %v", mt.Name, err, bytes.Equal(vb, raw))
				}
			}
			if got := f.Names(); !slices.Equal(got, names) && len(got)+len(names) > 0 {
				t.Errorf("Names() = %q, want %q", got, names)
			}

			// Save from what Open read: plain tensors as views in Fortran order (so that Save
			// has to write them in C order), where they can be viewed; the rest as blocks.
			tensors := tensorsOf(t, f)
			for i, ts := range tensors {
				if ts.Type.Quantized() {
					continue
				}
				if data, err := viewData(f, ts.Name, ts.Type); err == nil {
					tensors[i] = Tensor{Name: ts.Name, Data: data}
				}
			}
			out := save(t, metaOf(t, f), tensors)
			if got, want := readFile(t, out), readFile(t, path); !bytes.Equal(got, want) {
				t.Errorf("Save wrote %d bytes that differ from gguf-py's %d (first difference at %d)", len(got), len(want), firstDiff(got, want))
			}
		})
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// ggmlVerdicts reads testdata/ggml-verdicts.txt: file (relative to testdata) → "accept" or
// "reject", as ggml's gguf_init_from_file decided.
func ggmlVerdicts(t *testing.T) map[string]string {
	fh, err := os.Open("testdata/ggml-verdicts.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	v := map[string]string{}
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		verdict, file, ok := strings.Cut(sc.Text(), " ")
		if !ok || (verdict != "accept" && verdict != "reject") {
			t.Fatalf("verdict line %q", sc.Text())
		}
		v[file] = verdict
	}
	return v
}

// Open refuses every file ggml's reader refuses and accepts every file it accepts, except
// the two things ggml leaves unchecked, which Open refuses: tensor data past the end of the
// file, and an element count that wraps. Every refusal is an *ndview.Error wrapping
// ErrFormat with Op gguf.Open and the file's path.
func TestGGMLVerdicts(t *testing.T) {
	verdicts := ggmlVerdicts(t)
	var hostile struct {
		Files []struct{ File, Expect, Why string }
	}
	readJSON(t, "testdata/hostile/hostile.json", &hostile)
	expect := map[string]string{}
	why := map[string]string{}
	for _, h := range hostile.Files {
		expect["hostile/"+h.File] = h.Expect
		why["hostile/"+h.File] = h.Why
	}
	var m manifest
	readJSON(t, "testdata/gguf-py/manifest.json", &m)
	for _, mf := range m.Files {
		expect["gguf-py/"+mf.File] = map[bool]string{true: "accept", false: "reject"}[mf.Expect == "ok"]
	}
	if len(verdicts) != len(expect) || len(hostile.Files) < 150 {
		t.Fatalf("%d verdicts for %d files (%d hostile)", len(verdicts), len(expect), len(hostile.Files))
	}
	counts := map[string]int{}
	for file, verdict := range verdicts {
		exp, ok := expect[file]
		if !ok {
			t.Errorf("%s: a verdict for a file no manifest lists", file)
			continue
		}
		counts[exp]++
		if (verdict == "reject") != (exp == "reject") {
			t.Errorf("%s: ggml says %s, the generator meant %s (%s)", file, verdict, exp, why[file])
		}
		path := filepath.Join("testdata", file)
		if file == "hostile/align_2_31.gguf" && math.MaxInt == math.MaxInt32 {
			exp = "reject" // an alignment of 2**31 does not fit an int here: ErrOverflow
		}
		var f *File
		err := noPanic(t, "Open "+file, func() (err error) { f, err = Open(path); return err })
		switch exp {
		case "accept":
			if err != nil {
				t.Errorf("%s (%s): ggml accepts it, Open: %v", file, why[file], err)
				continue
			}
			if err := f.Close(); err != nil {
				t.Errorf("%s: Close: %v", file, err)
			}
			continue
		case "miss-eof", "miss-wrap":
			want := map[string]string{"miss-eof": "past the end of the", "miss-wrap": "2**63 elements or more"}[exp]
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s (%s): Open: %v; want a refusal saying %q", file, why[file], err, want)
			}
		default:
			if err == nil {
				f.Close()
				t.Errorf("%s (%s): ggml refuses it, Open accepts it", file, why[file])
				continue
			}
		}
		var e *ndview.Error
		if !errors.As(err, &e) || !isFormat(err) || e.Op != "gguf.Open" || e.Path != path || !strings.HasPrefix(err.Error(), "ndview: gguf.Open "+path+": ") {
			t.Errorf("%s: refusal %T %q is not an ErrFormat of gguf.Open naming the file", file, err, err)
		}
	}
	t.Logf("%v", counts)
}

// Some accepted hostile files hold what their names say.
func TestHostileAccepted(t *testing.T) {
	f := openT(t, "testdata/hostile/bool_two.gguf")
	if b, err := Meta[bool](f, "b"); err != nil || !b {
		t.Errorf("bool byte 2: %v, %v; want true (as ggml reads it)", b, err)
	}
	if bs, err := Meta[[]bool](f, "bs"); err != nil || !slices.Equal(bs, []bool{false, true, true}) {
		t.Errorf("bools 0, 1, 255: %v, %v", bs, err)
	}

	f = openT(t, "testdata/hostile/array_empty.gguf")
	if xs, err := Meta[[]uint32](f, "a"); err != nil || xs == nil || len(xs) != 0 {
		t.Errorf("an empty array: %#v, %v; want an empty, non-nil slice", xs, err)
	}
	if xs, err := Meta[[]string](f, "s"); err != nil || len(xs) != 0 {
		t.Errorf("an empty array of strings: %#v, %v", xs, err)
	}

	f = openT(t, "testdata/hostile/version_2.gguf")
	if f.Version() != 2 {
		t.Errorf("version %d", f.Version())
	}
	if s, err := Meta[[]string](f, "tokens"); err != nil || !slices.Equal(s, []string{"ab", "c"}) {
		t.Errorf("tokens: %q, %v", s, err)
	}

	f = openT(t, "testdata/hostile/key_nul.gguf")
	if keys := f.Keys(); !slices.Equal(keys, []string{"a\x00b", "a\x00c"}) {
		t.Errorf("keys %q", keys)
	}

	f = openT(t, "testdata/hostile/ndims_0.gguf")
	if v, err := View[float32](f, "s"); err != nil || v.NDim() != 0 || v.At() != 1 {
		t.Errorf("a tensor of no dimensions: %v, %v", v, err)
	}
	if b, err := Blocks(f, "s"); err != nil || !slices.Equal(b.Shape(), []int{4}) {
		t.Errorf("Blocks of a tensor of no dimensions: %v, %v", b, err)
	}

	// An empty tensor whose other dimensions no view can hold: listed, described, refused
	// by everything that would make a view of it.
	f = openT(t, "testdata/hostile/ne_empty_huge.gguf")
	if info, err := f.Info("t"); math.MaxInt == math.MaxInt64 && (err != nil || !slices.Equal(info.Shape, []int{pow2(62), pow2(62), 0}) || info.Size != 0) {
		t.Errorf("Info: %+v, %v", info, err)
	}
	for what, fn := range map[string]func() error{
		"View":           func() error { _, err := View[float32](f, "t"); return err },
		"Blocks":         func() error { _, err := Blocks(f, "t"); return err },
		"Dequantize":     func() error { _, err := Dequantize(f, "t"); return err },
		"DequantizeRows": func() error { return DequantizeRows(ndview.New[float32](0, 0), f, "t", nil) },
	} {
		err := noPanic(t, what, fn)
		if !isFormat(err) || !errors.Is(err, ndview.ErrOverflow) || !strings.HasPrefix(err.Error(), "ndview: gguf."+what+": ") {
			t.Errorf("%s of an empty tensor no view can hold: %v, want ErrFormat and ErrOverflow", what, err)
		}
	}

	f = openT(t, "testdata/hostile/align_one.gguf")
	if _, err := View[float32](f, "b"); !errors.Is(err, ndview.ErrMisaligned) || !strings.Contains(err.Error(), "gguf.Dequantize") {
		t.Errorf("View of a misaligned F32 tensor: %v", err)
	}
	if v, err := Dequantize(f, "b"); err != nil || !slices.Equal(v.ToSlice(), []float32{0, 0}) {
		t.Errorf("Dequantize of a misaligned F32 tensor: %v, %v", v, err)
	}
}
