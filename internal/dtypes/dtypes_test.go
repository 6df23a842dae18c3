package dtypes

import (
	"slices"
	"testing"
)

func TestTable(t *testing.T) {
	codes := map[string]bool{}
	typed := map[classBits]bool{}
	var st []string
	for _, r := range Rows {
		if r.Name == "" || r.Class == Invalid || r.Bits <= 0 {
			t.Errorf("row %+v", r)
		}
		if r.Code != "" {
			if codes[r.Code] || aliases[r.Code] != (code{}) {
				t.Errorf("code %q twice", r.Code)
			}
			codes[r.Code] = true
			if c, size, std, ok := ParseCode(r.Code); !ok || c != r.Class || size != r.Size() || std != r.Size() {
				t.Errorf("ParseCode(%q) = %v %d %d %v", r.Code, c, size, std, ok)
			}
			if got, ok := ByCode(r.Code); !ok || got != r {
				t.Errorf("ByCode(%q) = %+v", r.Code, got)
			}
		}
		if r.Class != Untyped {
			if typed[classBits{r.Class, r.Bits}] {
				t.Errorf("two rows of %v %d", r.Class, r.Bits)
			}
			typed[classBits{r.Class, r.Bits}] = true
			if got, ok := ByClassSize(r.Class, r.Size()); !ok || got != r {
				t.Errorf("ByClassSize(%v, %d) = %+v", r.Class, r.Size(), got)
			}
		}
		if r.Class.Typed() != (r.Code != "" && r.Class != Bool && r.Class != Char) {
			t.Errorf("%s: Typed %v", r.Name, r.Class.Typed())
		}
		if r.NPY != "" {
			if got, ok := ByNPY(r.NPY[0], r.Size()); !ok || got != r {
				t.Errorf("ByNPY(%q) = %+v", r.NPY, got)
			}
		}
		if r.Safetensors != "" {
			st = append(st, r.Safetensors)
			if got, ok := BySafetensors(r.Safetensors); !ok || got != r {
				t.Errorf("BySafetensors(%q) = %+v", r.Safetensors, got)
			}
		}
	}
	// The safetensors names of the rows are exactly the enum's.
	enum := slices.Clone(SafetensorsOrder[:])
	slices.Sort(enum)
	slices.Sort(st)
	if !slices.Equal(enum, st) || len(slices.Compact(enum)) != len(SafetensorsOrder) {
		t.Errorf("rows name %v, the enum %v", st, enum)
	}
}

func TestLookups(t *testing.T) {
	i64, _ := ByCode("q")
	u64, _ := ByCode("Q")
	for c, want := range map[string]Row{"n": i64, "N": u64, "P": u64} {
		if got, ok := ByCode(c); PtrSize == 8 && (!ok || got != want) {
			t.Errorf("ByCode(%q) = %+v", c, got)
		}
	}
	if _, _, std, _ := ParseCode("n"); std != 0 {
		t.Error("n has a standard size")
	}
	if _, size, std, _ := ParseCode("l"); size != CLongSize || std != 4 {
		t.Error("l")
	}
	for _, c := range []string{"", "x", "Zg", "g", "ee", "s"} {
		if _, _, _, ok := ParseCode(c); ok {
			t.Errorf("ParseCode(%q) ok", c)
		}
	}
	if r, ok := ByNPY('f', 2); !ok || r.Class != Float16 || r.Safetensors != "F16" || r.Code != "e" {
		t.Errorf("ByNPY f2 = %+v", r)
	}
	bf, _ := BySafetensors("BF16")
	if bf.Class != BFloat16 || bf.NPY != "" || bf.Code != "E" || !bf.Class.IsNarrow() || !bf.Class.IsFloat() {
		t.Errorf("BF16 = %+v", bf)
	}
	for name, c := range map[string]Class{"F8_E4M3": Float8E4M3, "F8_E5M2": Float8E5M2} {
		r, _ := BySafetensors(name)
		if r.Class != c || !c.IsNarrow() || !c.Typed() || r.Go == "" || r.NoNPY == "" || r.Code == "" {
			t.Errorf("%s = %+v", name, r)
		}
		if got, ok := ByFormat(r.Code, 1); !ok || got != r {
			t.Errorf("ByFormat(%q, 1) = %+v", r.Code, got)
		}
	}
	if r, ok := ByFormat("l", 4); !ok || r.Name != "int32" {
		t.Errorf("ByFormat(l, 4) = %+v", r)
	}
	for _, r := range Rows {
		if r.Class.Typed() && r.Go == "" {
			t.Errorf("typed row %s names no Go type", r.Name)
		}
		if r.Class.Typed() && r.NPY == "" && r.NoNPY == "" {
			t.Errorf("typed row %s without a NumPy dtype says not why", r.Name)
		}
	}
	for _, c := range []struct {
		kind byte
		size int
	}{{'f', 16}, {'V', 2}, {'f', 0}, {'f', -8}, {'c', 32}, {'i', 16}, {'f', 1 << 30}} {
		if r, ok := ByNPY(c.kind, c.size); ok {
			t.Errorf("ByNPY(%c, %d) = %+v", c.kind, c.size, r)
		}
	}
	for name, bits := range map[string]int{"F8_E8M0": 8, "F8_E4M3FNUZ": 8, "F4": 4, "F6_E2M3": 6, "BOOL": 8} { // no element type
		r, ok := BySafetensors(name)
		if !ok || r.Bits != bits || r.Class.Typed() {
			t.Errorf("BySafetensors(%q) = %+v, %v", name, r, ok)
		}
	}
	for _, name := range []string{"bf16", "F128", "", "C128"} {
		if _, ok := BySafetensors(name); ok {
			t.Errorf("BySafetensors(%q) ok", name)
		}
	}
	// The reference writer puts larger ranks first: of the 2-byte types BF16, F16, U16, I16.
	rank := func(s string) int { r, _ := SafetensorsRank(s); return r }
	if !(rank("BF16") > rank("F16") && rank("F16") > rank("U16") && rank("U16") > rank("I16") &&
		rank("U64") == len(SafetensorsOrder)-1 && rank("BOOL") == 0 && rank("C64") < rank("F64")) {
		t.Error("SafetensorsRank")
	}
	if _, ok := SafetensorsRank("F128"); ok {
		t.Error("SafetensorsRank(F128) ok")
	}
}
