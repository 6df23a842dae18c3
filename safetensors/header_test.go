package safetensors

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ndview/ndview"
)

// referenceFiles are the serialized files of the reference implementation's own tests
// (huggingface/safetensors, safetensors/src/tensor.rs), with whether it accepts them.
var referenceFiles = []struct {
	name string
	file string
	ok   bool
}{
	{"test_empty_shapes_allowed", "8\x00\x00\x00\x00\x00\x00\x00{\"test\":{\"dtype\":\"I32\",\"shape\":[],\"data_offsets\":[0,4]}}\x00\x00\x00\x00", true},
	{"test_deserialization", "<\x00\x00\x00\x00\x00\x00\x00{\"test\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}" + strings.Repeat("\x00", 16), true},
	{"test_whitespace_padded_header", "\x06\x00\x00\x00\x00\x00\x00\x00{}\x0D\x20\x09\x0A", true},
	{"test_whitespace_leading_padded_header", "\x06\x00\x00\x00\x00\x00\x00\x00\x09\x0A{}\x0D\x20", true},
	{"test_zero_sized_tensor", "<\x00\x00\x00\x00\x00\x00\x00{\"test\":{\"dtype\":\"I32\",\"shape\":[2,0],\"data_offsets\":[0, 0]}}", true},
	{"test_metadata_incomplete_buffer/extra", "<\x00\x00\x00\x00\x00\x00\x00{\"test\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}" + strings.Repeat("\x00", 16) + "extra_bogus_data_for_polyglot_file", false},
	{"test_metadata_incomplete_buffer/missing", "<\x00\x00\x00\x00\x00\x00\x00{\"test\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}" + strings.Repeat("\x00", 14), false},
	{"test_header_too_large", "<\x00\x00\x00\x00\xff\xff\xff{\"test\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}" + strings.Repeat("\x00", 16), false},
	{"test_header_too_small", "", false},
	{"test_invalid_header_length", "<\x00\x00\x00\x00\x00\x00\x00", false},
	{"test_invalid_header_non_utf8", "\x01\x00\x00\x00\x00\x00\x00\x00\xff", false},
	{"test_invalid_header_not_json", "\x01\x00\x00\x00\x00\x00\x00\x00{", false},
	{"test_invalid_info", "<\x00\x00\x00\x00\x00\x00\x00{\"test\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0, 4]}}", false},
	{"test_validation_overflow/shape", "O\x00\x00\x00\x00\x00\x00\x00{\"test\":{\"dtype\":\"I32\",\"shape\":[2,18446744073709551614],\"data_offsets\":[0,16]}}" + strings.Repeat("\x00", 16), false},
	{"test_validation_overflow/bytes", "N\x00\x00\x00\x00\x00\x00\x00{\"test\":{\"dtype\":\"I32\",\"shape\":[2,9223372036854775807],\"data_offsets\":[0,16]}}" + strings.Repeat("\x00", 16), false},
}

func TestReferenceFiles(t *testing.T) {
	dir := t.TempDir()
	for i, c := range referenceFiles {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.Repeat("r", i+1)+".safetensors")
			if err := os.WriteFile(path, []byte(c.file), 0o644); err != nil {
				t.Fatal(err)
			}
			f, err := Open(path)
			if c.ok != (err == nil) {
				t.Fatalf("Open: %v, want ok=%v", err, c.ok)
			}
			if err != nil {
				if !errors.Is(err, ndview.ErrFormat) || !strings.HasPrefix(err.Error(), "ndview: safetensors.Open") {
					t.Errorf("Open: %v, want ErrFormat", err)
				}
				return
			}
			defer f.Close()
			for _, name := range f.Names() {
				info, _ := f.Info(name)
				v, err := Load[int32](f, name)
				if err != nil || !slices.Equal(v.Shape(), info.Shape) {
					t.Errorf("Load(%s) = %v, %v", name, v, err)
				}
			}
		})
	}
}

// TestHostileHeaders: each file gives ErrFormat from Open, and nothing else happens.
func TestHostileHeaders(t *testing.T) {
	type raw struct{ hdr, data string }
	f32 := func(offsets string) string {
		return `{"a":{"dtype":"F32","shape":[2],"data_offsets":` + offsets + `}}`
	}
	two := func(a, b string) string {
		return `{"a":{"dtype":"U8","shape":[4],"data_offsets":` + a + `},"b":{"dtype":"U8","shape":[4],"data_offsets":` + b + `}}`
	}
	d8 := strings.Repeat("\x01", 8)
	cases := map[string]raw{
		"not an object/array":     {`[]`, ""},
		"not an object/string":    {`"x"`, ""},
		"not an object/empty":     {``, ""},
		"not an object/spaces":    {`    `, ""},
		"not an object/truncated": {`{"a":`, ""},
		"trailing garbage":        {`{} x`, ""},
		"two objects":             {`{}{}`, ""},
		"nul padding":             {"{}\x00\x00", ""},
		"offsets out of range":    {f32(`[0,8]`), "1234"},
		"offsets reversed":        {`{"a":{"dtype":"U8","shape":[0],"data_offsets":[4,0]}}`, "1234"},
		"offset past int":         {f32(`[0,9223372036854775808]`), d8},
		"hole at start":           {`{"a":{"dtype":"U8","shape":[4],"data_offsets":[4,8]}}`, d8},
		"hole between":            {`{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[4],"data_offsets":[4,8]}}`, d8},
		"bytes after last":        {`{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}}`, d8},
		"no tensors, data":        {`{}`, "x"},
		"overlap":                 {two(`[0,4]`, `[2,6]`), "123456"},
		"same range twice":        {two(`[0,4]`, `[0,4]`), "1234"},
		"shape x size != range":   {f32(`[0,4]`), "1234"},
		"sub-byte dtype":          {`{"a":{"dtype":"F4","shape":[3],"data_offsets":[0,2]}}`, "12"},
		"duplicate tensor":        {two(`[0,4]`, `[4,8]`)[:len(two(`[0,4]`, `[4,8]`))-1] + `,"a":{"dtype":"U8","shape":[0],"data_offsets":[8,8]}}`, d8},
		"duplicate field":         {`{"a":{"dtype":"U8","dtype":"I8","shape":[4],"data_offsets":[0,4]}}`, "1234"},
		"duplicate metadata":      {`{"__metadata__":{"k":"1","k":"2"}}`, ""},
		"duplicate __metadata__":  {`{"__metadata__":{},"__metadata__":{}}`, ""},
		"metadata not strings":    {`{"__metadata__":{"k":1}}`, ""},
		"metadata an array":       {`{"__metadata__":["k"]}`, ""},
		"invalid utf-8 name":      {"{\"\xff\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[0,0]}}", ""},
		"invalid utf-8 padding":   {"{}  \xc3", ""},
		"shape overflows":         {`{"a":{"dtype":"U8","shape":[4294967296,4294967296],"data_offsets":[0,0]}}`, ""},
		"bytes overflow":          {`{"a":{"dtype":"U64","shape":[2305843009213693952],"data_offsets":[0,0]}}`, ""},
		"unknown dtype overflow":  {`{"a":{"dtype":"Q7","shape":[4294967296,4294967296],"data_offsets":[0,0]}}`, ""},
		"dim over int":            {`{"a":{"dtype":"U8","shape":[18446744073709551616],"data_offsets":[0,0]}}`, ""},
		"negative dim":            {`{"a":{"dtype":"U8","shape":[-1],"data_offsets":[0,0]}}`, ""},
		"negative zero dim":       {`{"a":{"dtype":"U8","shape":[-0],"data_offsets":[0,0]}}`, ""},
		"fractional dim":          {`{"a":{"dtype":"U8","shape":[1.5],"data_offsets":[0,0]}}`, ""},
		"exponent dim":            {`{"a":{"dtype":"U8","shape":[4e0],"data_offsets":[0,4]}}`, "1234"},
		"string dim":              {`{"a":{"dtype":"U8","shape":["4"],"data_offsets":[0,4]}}`, "1234"},
		"nested shape":            {`{"a":{"dtype":"U8","shape":[[4]],"data_offsets":[0,4]}}`, "1234"},
		"fractional offset":       {`{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4.0]}}`, "1234"},
		"negative offset":         {`{"a":{"dtype":"U8","shape":[0],"data_offsets":[-1,-1]}}`, ""},
		"three offsets":           {`{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4,4]}}`, "1234"},
		"one offset":              {`{"a":{"dtype":"U8","shape":[4],"data_offsets":[4]}}`, "1234"},
		"offsets an object":       {`{"a":{"dtype":"U8","shape":[4],"data_offsets":{"0":4}}}`, "1234"},
		"missing dtype":           {`{"a":{"shape":[4],"data_offsets":[0,4]}}`, "1234"},
		"missing shape":           {`{"a":{"dtype":"U8","data_offsets":[0,4]}}`, "1234"},
		"missing offsets":         {`{"a":{"dtype":"U8","shape":[4]}}`, "1234"},
		"dtype a number":          {`{"a":{"dtype":8,"shape":[4],"data_offsets":[0,4]}}`, "1234"},
		"tensor not an object":    {`{"a":[0,4]}`, "1234"},
		"tensor null":             {`{"a":null}`, ""},
	}
	dir := t.TempDir()
	i := 0
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			i++
			path := writeRaw(t, dir, "h"+strings.Repeat("x", i)+".safetensors", c.hdr, []byte(c.data))
			f, err := Open(path)
			if err == nil {
				f.Close()
				t.Fatalf("Open accepted %q", c.hdr)
			}
			if !errors.Is(err, ndview.ErrFormat) || !strings.HasPrefix(err.Error(), "ndview: safetensors.Open "+path+": ") {
				t.Fatalf("Open: %v, want ErrFormat", err)
			}
		})
	}

	// The header size alone: over the limit (the file need not be that long), past the end.
	for name, n := range map[string]uint64{"header over limit": maxHeaderSize + 1, "header past EOF": 100, "huge header": 1 << 63} {
		t.Run(name, func(t *testing.T) {
			b := binary.LittleEndian.AppendUint64(nil, n)
			b = append(b, "{}"...)
			path := filepath.Join(dir, strings.ReplaceAll(name, " ", "_"))
			os.WriteFile(path, b, 0o644)
			if _, err := Open(path); !errors.Is(err, ndview.ErrFormat) {
				t.Fatalf("Open: %v", err)
			}
		})
	}
	// Short files.
	for n := range 8 {
		path := filepath.Join(dir, "short")
		os.WriteFile(path, make([]byte, n), 0o644)
		if _, err := Open(path); !errors.Is(err, ndview.ErrFormat) {
			t.Fatalf("Open of %d bytes: %v", n, err)
		}
	}
	// Not a regular file, and no file at all.
	if _, err := Open(dir); !errors.Is(err, ndview.ErrFormat) {
		t.Errorf("Open of a directory: %v", err)
	}
	if _, err := Open(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) || !strings.HasPrefix(err.Error(), "ndview: safetensors.Open") {
		t.Errorf("Open of a missing file: %v", err)
	}
}

// TestAcceptedHeaders: what the reference accepts and this reader must too.
func TestAcceptedHeaders(t *testing.T) {
	cases := map[string]struct {
		hdr, data string
		names     []string
	}{
		"unknown fields ignored": {`{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4],"extra":{"x":[1,2]}}}`, "1234", []string{"a"}},
		"metadata null":          {`{"__metadata__":null}`, "", nil},
		"keys in any order":      {`{"b":{"data_offsets":[4,8],"shape":[4],"dtype":"U8"},"a":{"shape":[4],"dtype":"U8","data_offsets":[0,4]}}`, "12345678", []string{"a", "b"}},
		"empty tensors share":    {`{"z":{"dtype":"F64","shape":[0,3],"data_offsets":[0,0]},"y":{"dtype":"F64","shape":[0],"data_offsets":[0,0]},"x":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}`, "1", []string{"y", "z", "x"}},
		"escapes in names":       {`{"a\"\u00e9\n":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}`, "1", []string{"a\"é\n"}},
		"zero dim and huge dim":  {`{"a":{"dtype":"U8","shape":[0,9223372036854775807],"data_offsets":[0,0]}}`, "", []string{"a"}},
	}
	dir := t.TempDir()
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			f, err := Open(writeRaw(t, dir, "ok.safetensors", c.hdr, []byte(c.data)))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if got := f.Names(); !slices.Equal(got, c.names) {
				t.Errorf("Names = %q, want %q", got, c.names)
			}
		})
	}
}

// TestReferenceWriterBytes checks Save against the exact bytes the reference writer's tests
// expect (safetensors/src/tensor.rs: test_serialization, test_empty,
// test_serialization_forced_alignement).
func TestReferenceWriterBytes(t *testing.T) {
	f32 := func(shape ...int) ndview.Array {
		v, _ := ndview.FromSlice([]float32{0, 1, 2, 3, 4, 5}, shape...)
		return v
	}
	cases := []struct {
		name    string
		tensors []Tensor
		md      map[string]string
		want    []byte
	}{
		{"test_serialization", []Tensor{{"attn.0", f32(1, 2, 3)}}, nil, []byte{
			64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100,
			116, 121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34,
			58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115,
			101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63,
			0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64}},
		{"test_empty", nil, nil, []byte{8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32}},
		{"test_empty/metadata", nil, map[string]string{"framework": "pt"}, []byte{
			40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95,
			95, 34, 58, 123, 34, 102, 114, 97, 109, 101, 119, 111, 114, 107, 34, 58, 34, 112,
			116, 34, 125, 125, 32, 32, 32, 32, 32}},
		{"test_serialization_forced_alignement", []Tensor{{"attn0", f32(1, 1, 2, 3)}}, nil, []byte{
			72, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 48, 34, 58, 123, 34, 100, 116,
			121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58,
			91, 49, 44, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102,
			115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 32, 32, 32, 32, 32,
			32, 32, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0,
			160, 64}},
	}
	dir := t.TempDir()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, "w.safetensors")
			if err := Save(path, c.tensors, c.md); err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(path)
			if !bytes.Equal(got, c.want) {
				t.Errorf("Save wrote\n%q\nwant\n%q", got, c.want)
			}
		})
	}
}
