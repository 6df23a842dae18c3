package arrowbridge

import (
	"compress/gzip"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/ndview/ndview"
)

// Files written by other Arrow implementations come from apache/arrow-testing
// (https://github.com/apache/arrow-testing, data/arrow-ipc-stream/integration/), each with
// the integration JSON (.json.gz) that says what it holds. They are not committed here;
// the tests look for arrow-testing's data/ directory in, in order:
//
//   - $ARROW_TEST_DATA (the variable Arrow's own test suites use),
//   - testdata/arrow-testing/data,
//   - ../../shared/arrow-testing/data (shared/ beside the repository, as CI lays it out),
//
// and are skipped when none has the files. The files used:
//
//	arrow-ipc-stream/integration/cpp-21.0.0/generated_primitive.{arrow_file,json.gz}  (Arrow C++ 21.0.0, 2 batches)
//	arrow-ipc-stream/integration/cpp-21.0.0/generated_nested.{arrow_file,json.gz}     (FixedSizeList<int32>[4] with nulls)
//	arrow-ipc-stream/integration/2.0.0-compression/generated_{zstd,lz4}.{arrow_file,json.gz}
//	arrow-ipc-stream/integration/1.0.0-bigendian/generated_primitive.arrow_file
func arrowTestData(t *testing.T, rel string) string {
	t.Helper()
	var dirs []string
	if d := os.Getenv("ARROW_TEST_DATA"); d != "" {
		dirs = append(dirs, d)
	}
	dirs = append(dirs, filepath.Join("testdata", "arrow-testing", "data"), filepath.Join("..", "..", "shared", "arrow-testing", "data"))
	for _, d := range dirs {
		p := filepath.Join(d, rel)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Skipf("%s of apache/arrow-testing not found (set ARROW_TEST_DATA to arrow-testing's data/ directory)", rel)
	return ""
}

// integration is the part of Arrow's integration JSON format the tests read.
type integration struct {
	Schema struct {
		Fields []struct {
			Name string `json:"name"`
			Type struct {
				Name      string `json:"name"`
				BitWidth  int    `json:"bitWidth"`
				IsSigned  bool   `json:"isSigned"`
				Precision string `json:"precision"`
			} `json:"type"`
		} `json:"fields"`
	} `json:"schema"`
	Batches []struct {
		Count   int         `json:"count"`
		Columns []jsonArray `json:"columns"`
	} `json:"batches"`
}

type jsonArray struct {
	Name     string            `json:"name"`
	Count    int               `json:"count"`
	Validity []int             `json:"VALIDITY"`
	Data     []json.RawMessage `json:"DATA"`
	Children []jsonArray       `json:"children"`
}

func (a jsonArray) nulls() int {
	n := 0
	for _, v := range a.Validity {
		if v == 0 {
			n++
		}
	}
	for _, c := range a.Children {
		n += c.nulls()
	}
	return n
}

func readIntegration(t *testing.T, path string) integration {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var in integration
	if err := json.NewDecoder(z).Decode(&in); err != nil {
		t.Fatal(err)
	}
	return in
}

// jsonValues parses DATA: numbers, or strings for 64-bit integers.
func jsonValues[T number](t *testing.T, data []json.RawMessage) []T {
	t.Helper()
	out := make([]T, len(data))
	for i, raw := range data {
		s := string(raw)
		if uq, err := strconv.Unquote(s); err == nil {
			s = uq
		}
		var x T
		switch any(x).(type) {
		case int64:
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			x = T(n)
		case uint64:
			n, err := strconv.ParseUint(s, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			x = T(n)
		case float32:
			f, err := strconv.ParseFloat(s, 32)
			if err != nil {
				t.Fatal(err)
			}
			x = T(f)
		default:
			f, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatal(err)
			}
			x = T(f)
		}
		out[i] = x
	}
	return out
}

// checkColumn views column a of batch b of f as T: refused with ErrFormat if the JSON says it
// has nulls, otherwise equal to the JSON's values, with shape (rows, inner...).
func checkColumn[T number](t *testing.T, f *File, b int, a jsonArray, inner ...int) (checked bool) {
	t.Helper()
	v, err := ColumnIn[T](f, b, a.Name)
	if a.nulls() > 0 {
		if !errors.Is(err, ndview.ErrFormat) {
			t.Fatalf("batch %d %s has %d nulls; ColumnIn gave %v", b, a.Name, a.nulls(), err)
		}
		return false
	}
	if err != nil {
		t.Fatalf("batch %d %s: %v", b, a.Name, err)
	}
	defer v.Release()
	data := a.Data
	if len(inner) > 0 {
		data = a.Children[0].Data
	}
	if want := append([]int{a.Count}, inner...); !slices.Equal(v.Shape(), want) {
		t.Fatalf("batch %d %s: shape %v, want %v", b, a.Name, v.Shape(), want)
	}
	equalValues(t, v, jsonValues[T](t, data))
	return true
}

func checkPrimitive(t *testing.T, f *File, in integration, b int, a jsonArray, field int) bool {
	typ := in.Schema.Fields[field].Type
	switch {
	case typ.Name == "int" && typ.IsSigned && typ.BitWidth == 8:
		return checkColumn[int8](t, f, b, a)
	case typ.Name == "int" && typ.IsSigned && typ.BitWidth == 16:
		return checkColumn[int16](t, f, b, a)
	case typ.Name == "int" && typ.IsSigned && typ.BitWidth == 32:
		return checkColumn[int32](t, f, b, a)
	case typ.Name == "int" && typ.IsSigned && typ.BitWidth == 64:
		return checkColumn[int64](t, f, b, a)
	case typ.Name == "int" && typ.BitWidth == 8:
		return checkColumn[uint8](t, f, b, a)
	case typ.Name == "int" && typ.BitWidth == 16:
		return checkColumn[uint16](t, f, b, a)
	case typ.Name == "int" && typ.BitWidth == 32:
		return checkColumn[uint32](t, f, b, a)
	case typ.Name == "int" && typ.BitWidth == 64:
		return checkColumn[uint64](t, f, b, a)
	case typ.Name == "floatingpoint" && typ.Precision == "SINGLE":
		return checkColumn[float32](t, f, b, a)
	case typ.Name == "floatingpoint" && typ.Precision == "DOUBLE":
		return checkColumn[float64](t, f, b, a)
	}
	// bool, utf8, ...: no ndview element type reads them.
	if _, err := ColumnIn[uint8](f, b, a.Name); !errors.Is(err, ndview.ErrFormat) {
		t.Fatalf("batch %d %s (%s): %v", b, a.Name, typ.Name, err)
	}
	return false
}

// TestArrowTestingFiles reads IPC files written by Arrow C++ and checks every value against
// the integration JSON they were generated from.
func TestArrowTestingFiles(t *testing.T) {
	for _, name := range []string{
		"cpp-21.0.0/generated_primitive", // uncompressed: views point into the mapping
		"2.0.0-compression/generated_zstd",
		"2.0.0-compression/generated_lz4",
	} {
		t.Run(name, func(t *testing.T) {
			base := "arrow-ipc-stream/integration/" + name
			path := arrowTestData(t, base+".arrow_file")
			in := readIntegration(t, arrowTestData(t, base+".json.gz"))
			f, err := OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if f.NumBatches() != len(in.Batches) || len(f.Names()) != len(in.Schema.Fields) {
				t.Fatalf("%d batches, %d columns; the JSON has %d and %d", f.NumBatches(), len(f.Names()), len(in.Batches), len(in.Schema.Fields))
			}
			checked := 0
			for b, batch := range in.Batches {
				for i, a := range batch.Columns {
					if f.Names()[i] != a.Name {
						t.Fatalf("column %d is %q, the JSON says %q", i, f.Names()[i], a.Name)
					}
					if checkPrimitive(t, f, in, b, a, i) {
						checked++
					}
				}
			}
			if checked == 0 {
				t.Fatal("no column was checked")
			}
			t.Logf("%d columns checked value by value", checked)
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestArrowTestingFixedSizeList(t *testing.T) {
	base := "arrow-ipc-stream/integration/cpp-21.0.0/generated_nested"
	path := arrowTestData(t, base+".arrow_file")
	in := readIntegration(t, arrowTestData(t, base+".json.gz"))
	f, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fsl, ok := f.Schema().Field(1).Type.(*arrow.FixedSizeListType)
	if !ok || fsl.Len() != 4 {
		t.Fatalf("field 1 is %s", f.Schema().Field(1).Type)
	}
	for b, batch := range in.Batches {
		// Every batch of this file has nulls among its lists: they must be refused.
		checkColumn[int32](t, f, b, batch.Columns[1], 4)
		_, err := ColumnIn[int32](f, b, "list_nullable") // variable-size lists
		wantErr(t, err, ndview.ErrFormat, "ColumnIn")
		_, err = ColumnIn[int32](f, b, "struct_nullable")
		wantErr(t, err, ndview.ErrFormat, "ColumnIn")
	}
}

func TestArrowTestingBigEndian(t *testing.T) {
	path := arrowTestData(t, "arrow-ipc-stream/integration/1.0.0-bigendian/generated_primitive.arrow_file")
	_, err := OpenFile(path)
	wantErr(t, err, ndview.ErrFormat, "OpenFile")
}
