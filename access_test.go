package ndview

import (
	"fmt"
	"testing"
)

func TestFixedRankAccess(t *testing.T) {
	base := New[int32](4, 5, 6)
	i := int32(0)
	for x := range base.Runs() {
		for k := range x {
			x[k] = i
			i++
		}
	}
	views := map[string]*View[int32]{
		"C":          base,
		"transposed": base.Transpose(2, 0, 1),
		"reversed":   base.Slice(1, 0, 5, -2),
		"sliced":     base.Slice(2, 1, 6, 2).Slice(0, 1, 4, 1),
	}
	for name, v3 := range views {
		s := v3.Shape()
		for a := range s[0] {
			for b := range s[1] {
				for c := range s[2] {
					if v3.At3(a, b, c) != v3.At(a, b, c) {
						t.Fatalf("%s: At3(%d,%d,%d)", name, a, b, c)
					}
				}
			}
		}
		v2 := v3.Index(1, 1)
		s2 := v2.Shape()
		for a := range s2[0] {
			for b := range s2[1] {
				if v2.At2(a, b) != v2.At(a, b) {
					t.Fatalf("%s: At2(%d,%d)", name, a, b)
				}
			}
		}
		w := v3.Clone()
		w.Set3(-7, 1, 1, 1)
		if w.At(1, 1, 1) != -7 {
			t.Fatalf("%s: Set3", name)
		}
		w2 := w.Index(0, 2)
		w2.Set2(-9, 1, 1)
		if w.At(2, 1, 1) != -9 {
			t.Fatalf("%s: Set2", name)
		}
	}
	v2, v3, v1 := New[float64](2, 3), New[float64](2, 3, 4), New[float64](6)
	panics(t, ErrIndex, func() { v2.At2(2, 0) })
	panics(t, ErrIndex, func() { v2.At2(0, -1) })
	panics(t, ErrIndex, func() { v3.At2(0, 0) })
	panics(t, ErrIndex, func() { v1.At2(0, 0) })
	panics(t, ErrIndex, func() { v2.At3(0, 0, 0) })
	panics(t, ErrIndex, func() { v3.At3(0, 3, 0) })
	panics(t, ErrIndex, func() { v3.Set3(1, 0, 0, 4) })
	panics(t, ErrIndex, func() { New[float64](0, 3).At2(0, 0) })
	// Empty views whose offset is the end of the buffer: fixedRank.set must not index there.
	panics(t, ErrIndex, func() { New[float64](2, 3).Slice(0, 2, 2, 1).At2(0, 0) })
	panics(t, ErrIndex, func() { New[float64](2, 3, 4).Slice(0, 2, 2, 1).Set3(1, 0, 0, 0) })
	panics(t, ErrReadOnly, func() { v2.AsReadOnly().Set2(1, 0, 0) })
	panics(t, ErrReadOnly, func() { v3.AsReadOnly().Set3(1, 0, 0, 0) })
	r2, r3 := New[float64](2, 3), New[float64](2, 3, 4)
	r2.Release()
	r3.Release()
	panics(t, ErrReleased, func() { r2.At2(0, 0) })
	panics(t, ErrReleased, func() { r2.Set2(1, 0, 0) })
	panics(t, ErrReleased, func() { r3.At3(0, 0, 0) })
	panics(t, ErrReleased, func() { r3.Set3(1, 0, 0, 0) })
	// The panic value is a small integer: recovering it allocates nothing.
	if raceEnabled {
		return
	}
	n, _ := allocs(10, 0, 0, func() {
		defer func() { _ = recover() }()
		v2.At2(5, 5)
	})
	if n != 0 {
		t.Fatalf("At2's panic allocates %v times", n)
	}
	if s := fmt.Sprint(accessError(2 | 4 | 16)); s != "ndview: Set2: write through a read-only view" {
		t.Fatal(s)
	}
}
