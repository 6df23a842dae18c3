package ggml

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ndview/ndview"
)

// The vectors in testdata/dequant are ggml's own dequantize_row_* output, written by
// testdata/gen/gen.sh (see dequant_vectors.c for the cases and the format).

const vectorMagic = "ndview ggml dequant vectors v1 "

type vectorCase struct {
	name   string
	blocks []byte
	want   []float32
}

// hasVectors reports whether testdata/dequant must hold vectors for t: every block type,
// and F16 and BF16, which ggml converts with its own row functions.
func hasVectors(t Type) bool { return t.Quantized() || t == F16 || t == BF16 }

// readVectors reads testdata/dequant/<t>.vec.
func readVectors(t Type) ([]vectorCase, error) {
	f, err := os.Open(filepath.Join("testdata", "dequant", t.String()+".vec"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	header, err := br.ReadString('\n')
	if err != nil {
		return nil, fmt.Errorf("header: %v", err)
	}
	fields := strings.Fields(strings.TrimPrefix(header, vectorMagic))
	if !strings.HasPrefix(header, vectorMagic) || len(fields) != 4 || fields[2] != t.String() || fields[3] != "gzip" {
		return nil, fmt.Errorf("header %q", header)
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	var cases []vectorCase
	for len(body) > 0 {
		n := int(body[0])
		if len(body) < 1+n+4 {
			return nil, errors.New("truncated case header")
		}
		c := vectorCase{name: string(body[1 : 1+n])}
		blocks := int(binary.LittleEndian.Uint32(body[1+n:]))
		body = body[1+n+4:]
		nb, ne := blocks*t.BlockBytes(), blocks*t.BlockSize()
		if len(body) < nb+4*ne {
			return nil, fmt.Errorf("case %s: truncated", c.name)
		}
		c.blocks = body[:nb:nb]
		c.want = make([]float32, ne)
		for i := range c.want {
			c.want[i] = math.Float32frombits(binary.LittleEndian.Uint32(body[nb+4*i:]))
		}
		body = body[nb+4*ne:]
		cases = append(cases, c)
	}
	return cases, nil
}

// sameFloat compares bit for bit, any NaN matching any NaN.
func sameFloat(got, want float32) bool {
	if want != want {
		return got != got
	}
	return math.Float32bits(got) == math.Float32bits(want)
}

func TestDequantizeVectors(t *testing.T) {
	for _, typ := range Types() {
		if !hasVectors(typ) {
			continue
		}
		t.Run(typ.String(), func(t *testing.T) {
			cases, err := readVectors(typ)
			if err != nil {
				t.Fatalf("no vectors for %v: %v", typ, err)
			}
			total := 0
			for _, c := range cases {
				total += len(c.want)
				// Room past the end: Dequantize must not write beyond len(dst).
				buf := make([]float32, len(c.want)+1)
				buf[len(c.want)] = 42
				got := buf[:len(c.want)]
				if err := Dequantize(got, c.blocks, typ); err != nil {
					t.Fatalf("%s: %v", c.name, err)
				}
				if buf[len(c.want)] != 42 {
					t.Errorf("%s: wrote past the end of dst", c.name)
				}
				bad := 0
				for i := range got {
					if !sameFloat(got[i], c.want[i]) {
						if bad < 5 {
							blk := i / typ.BlockSize()
							t.Errorf("%s: block %d element %d: got %v (%#08x), ggml %v (%#08x); block % x",
								c.name, blk, i%typ.BlockSize(), got[i], math.Float32bits(got[i]), c.want[i],
								math.Float32bits(c.want[i]), c.blocks[blk*typ.BlockBytes():(blk+1)*typ.BlockBytes()])
						}
						bad++
					}
				}
				if bad > 0 {
					t.Errorf("%s: %d of %d elements differ", c.name, bad, len(got))
				}
			}
			if total == 0 {
				t.Errorf("vectors for %v hold no elements", typ)
			}
		})
	}
}

// TestDequantizeBlockwise checks that dequantizing block by block, from a longer src,
// gives what dequantizing a whole case does.
func TestDequantizeBlockwise(t *testing.T) {
	for _, typ := range Types() {
		if !typ.Quantized() {
			continue
		}
		cases, err := readVectors(typ)
		if err != nil {
			continue // TestDequantizeVectors reports it
		}
		c := cases[len(cases)-1]
		bs, bb := typ.BlockSize(), typ.BlockBytes()
		for i := 0; i+1 <= len(c.want)/bs; i++ {
			got := make([]float32, bs)
			if err := Dequantize(got, c.blocks[i*bb:], typ); err != nil {
				t.Fatalf("%v: %v", typ, err)
			}
			for j := range got {
				if !sameFloat(got[j], c.want[i*bs+j]) {
					t.Fatalf("%v %s block %d element %d: %v, want %v", typ, c.name, i, j, got[j], c.want[i*bs+j])
				}
			}
		}
	}
}

func TestDequantizeErrors(t *testing.T) {
	for _, typ := range Types() {
		bs, bb := typ.BlockSize(), typ.BlockBytes()
		if err := Dequantize(nil, nil, typ); err != nil {
			t.Errorf("%v: empty dst: %v", typ, err)
		}
		if err := Dequantize([]float32{}, []byte{1, 2, 3}, typ); err != nil {
			t.Errorf("%v: empty dst: %v", typ, err)
		}
		src := make([]byte, 3*bb)
		if err := Dequantize(make([]float32, 3*bs), src[:3*bb-1], typ); !errors.Is(err, ndview.ErrShape) {
			t.Errorf("%v: short src: %v", typ, err)
		}
		if bs > 1 {
			if err := Dequantize(make([]float32, 2*bs+1), src, typ); !errors.Is(err, ndview.ErrShape) {
				t.Errorf("%v: %d elements: %v", typ, 2*bs+1, err)
			}
			if err := Dequantize(make([]float32, bs-1), src, typ); !errors.Is(err, ndview.ErrShape) {
				t.Errorf("%v: %d elements: %v", typ, bs-1, err)
			}
		}
		if dequantizers[typ] == nil {
			t.Errorf("%v has no dequantizer", typ)
		}
	}
	for _, typ := range []Type{4, 5, 31, 32, 33, 36, 37, 38, 43, 1 << 31} {
		err := Dequantize(make([]float32, 256), make([]byte, 4096), typ)
		var e *ndview.Error
		if !errors.Is(err, ndview.ErrFormat) || !errors.As(err, &e) || e.Op != "ggml.Dequantize" {
			t.Errorf("type %d: %v", uint32(typ), err)
		}
	}
}

// TestTypeTableGGML checks types.go against ggml's own table (testdata/ggml_types.txt,
// from ggml_type_name, ggml_blck_size and ggml_type_size).
func TestTypeTableGGML(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "ggml_types.txt"))
	if err != nil {
		t.Fatal(err)
	}
	count := -1
	seen := 0
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if rest, ok := strings.CutPrefix(line, "# GGML_TYPE_COUNT "); ok {
			count, err = strconv.Atoi(rest)
			if err != nil {
				t.Fatal(err)
			}
			continue
		}
		if strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.SplitN(line, " ", 4)
		if len(f) != 4 {
			t.Fatalf("line %q", line)
		}
		id, err1 := strconv.Atoi(f[0])
		blck, err2 := strconv.Atoi(f[1])
		size, err3 := strconv.Atoi(f[2])
		if err := errors.Join(err1, err2, err3); err != nil || id != seen {
			t.Fatalf("line %q: %v", line, err)
		}
		seen++
		typ := Type(id)
		if blck == 0 {
			if typ.Known() || typ.BlockSize() != 0 || typ.BlockBytes() != 0 {
				t.Errorf("%d (%s): ggml removed it, types.go has %v", id, f[3], typ)
			}
			continue
		}
		if !strings.EqualFold(typ.String(), f[3]) || typ.BlockSize() != blck || typ.BlockBytes() != size {
			t.Errorf("%d: ggml %s %d/%d, types.go %v %d/%d", id, f[3], blck, size, typ, typ.BlockSize(), typ.BlockBytes())
		}
	}
	if count != seen || count != len(table) {
		t.Errorf("ggml has %d types (%d listed), types.go's table %d", count, seen, len(table))
	}
}

// TestVectorFilesHeader keeps every file in testdata from starting like an executable
// (ELF, Mach-O, PE), which the repository's hygiene check refuses.
func TestVectorFilesHeader(t *testing.T) {
	err := filepath.WalkDir("testdata", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		head := make([]byte, 4)
		n, _ := io.ReadFull(f, head)
		head = head[:n]
		for _, magic := range [][]byte{{0x7f, 'E', 'L', 'F'}, {0xfe, 0xed, 0xfa, 0xce}, {0xfe, 0xed, 0xfa, 0xcf},
			{0xce, 0xfa, 0xed, 0xfe}, {0xcf, 0xfa, 0xed, 0xfe}, {0xca, 0xfe, 0xba, 0xbe}, {'M', 'Z'}} {
			if bytes.HasPrefix(head, magic) {
				t.Errorf("%s starts with % x", path, magic)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestDequantizeF16All checks F16 on every pattern against ndview.Float16.Float32, in
// order and with each special value among normal ones.
func TestDequantizeF16All(t *testing.T) {
	src := make([]byte, 2<<16)
	for h := range 1 << 16 {
		binary.LittleEndian.PutUint16(src[2*h:], uint16(h))
	}
	// Swap every fourth pattern with one from the middle of the normal range, so that
	// groups hold one odd value each.
	for h := 0; h < 1<<16; h += 4 {
		j := 2 * ((h*7919)%(1<<16) | 3)
		i := 2 * h
		src[i], src[i+1], src[j], src[j+1] = src[j], src[j+1], src[i], src[i+1]
	}
	dst := make([]float32, 1<<16+3) // and a tail of 3
	src = append(src, 0x00, 0x7c, 0x01, 0x00, 0x00, 0x3c)
	if err := Dequantize(dst, src, F16); err != nil {
		t.Fatal(err)
	}
	for i := range dst {
		h := binary.LittleEndian.Uint16(src[2*i:])
		if want := ndview.Float16(h).Float32(); math.Float32bits(dst[i]) != math.Float32bits(want) {
			t.Fatalf("%#04x: %#08x, want %#08x", h, math.Float32bits(dst[i]), math.Float32bits(want))
		}
	}
}
