package npy

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ndview/ndview"
)

// f2Bits are the values of testdata/f2_*.npy (gen_f2.py), in C order.
var f2Bits = []ndview.Float16{0x3c00, 0x0001, 0x7d01, 0xfc00, 0x7bff, 0x8000}

func TestFloat16Files(t *testing.T) {
	for _, name := range []string{"f2_le.npy", "f2_be.npy", "f2_F.npy"} {
		v, err := Load[ndview.Float16]("testdata/" + name)
		if err != nil {
			t.Fatalf("Load %s: %v", name, err)
		}
		var got []ndview.Float16
		for x := range v.Values() {
			got = append(got, x)
		}
		if !slices.Equal(got, f2Bits) || !slices.Equal(v.Shape(), []int{2, 3}) {
			t.Errorf("Load %s: %v %v", name, v.Shape(), got)
		}
		if _, err := Load[uint16]("testdata/" + name); !errors.Is(err, ndview.ErrFormat) {
			t.Errorf("Load[uint16] %s: %v, want ErrFormat", name, err)
		}
	}
	// What Save writes is what np.save wrote.
	v, _ := ndview.FromSlice(slices.Clone(f2Bits), 2, 3)
	path := filepath.Join(t.TempDir(), "f2.npy")
	if err := Save(path, v); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	want, _ := os.ReadFile("testdata/f2_le.npy")
	if !bytes.Equal(got, want) {
		t.Errorf("Save of a Float16 view differs from np.save's file:\n%q\n%q", got, want)
	}
}

func TestBFloat16Refused(t *testing.T) {
	v, _ := ndview.FromSlice([]ndview.BFloat16{0x3f80, 0x4000})
	path := filepath.Join(t.TempDir(), "bf16.npy")
	err := Save(path, v)
	if !errors.Is(err, ndview.ErrFormat) || !strings.Contains(err.Error(), "NumPy has no bfloat16") || !strings.Contains(err.Error(), "Save") {
		t.Errorf("Save of a BFloat16 view: %v", err)
	}
	if _, serr := os.Stat(path); !os.IsNotExist(serr) {
		t.Errorf("Save of a BFloat16 view left a file: %v", serr)
	}
	var b bytes.Buffer
	if err := Write(&b, v); !errors.Is(err, ndview.ErrFormat) || b.Len() != 0 {
		t.Errorf("Write of a BFloat16 view: %v, %d bytes", err, b.Len())
	}
	_, err = Load[ndview.BFloat16]("testdata/f2_le.npy")
	if !errors.Is(err, ndview.ErrFormat) || !strings.Contains(err.Error(), "NumPy has no bfloat16") {
		t.Errorf("Load[BFloat16]: %v", err)
	}
}
