package ndview

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"
)

// layoutFromBytes decodes a fuzz input into a layout and buffer description. Dimensions and
// strides are usually small (so that brute force can check them) and sometimes extreme.
func layoutFromBytes(data []byte) (l layout, bufLen, itemSize, misalign int) {
	next := func() int64 {
		if len(data) < 8 {
			var b [8]byte
			copy(b[:], data)
			data = nil
			return int64(binary.LittleEndian.Uint64(b[:]))
		}
		x := int64(binary.LittleEndian.Uint64(data))
		data = data[8:]
		return x
	}
	small := func(x int64, m int64) int {
		// Mostly small values in [-m, m]; a top bit asks for the raw 64-bit value.
		if x < 0 && x&1 == 1 {
			return int(x)
		}
		return int(x % (m + 1))
	}
	hdr := next()
	nd := int(uint64(hdr) % 6)
	if hdr&(1<<20) != 0 {
		nd = 65
	}
	itemSize = []int{1, 2, 4, 8, 16}[uint64(hdr>>8)%5]
	misalign = int(uint64(hdr>>16) % uint64(itemSize))
	bufLen = int(uint64(next()) % 4096)
	l.offset = small(next(), 4096)
	l.shape = make([]int, nd)
	l.strides = make([]int, nd)
	if hdr&(1<<21) != 0 && nd > 0 { // mismatched lengths
		l.strides = l.strides[:nd-1]
	}
	for k := range l.shape {
		l.shape[k] = small(next(), 6)
	}
	for k := range l.strides {
		l.strides[k] = small(next(), 600)
	}
	return
}

// oracle decides validity with exact integers, independently of layout.check.
func oracle(l layout, bufLen, itemSize, align, misalign int) (ok bool, size int) {
	if len(l.shape) > MaxDims || len(l.strides) != len(l.shape) {
		return false, 0
	}
	maxInt := new(big.Int).SetUint64(maxInt)
	prod, zero := big.NewInt(1), false
	for _, d := range l.shape {
		if d < 0 {
			return false, 0
		}
		if d == 0 {
			zero = true
			continue
		}
		prod.Mul(prod, big.NewInt(int64(d)))
	}
	if prod.Cmp(maxInt) > 0 || new(big.Int).Mul(prod, big.NewInt(int64(itemSize))).Cmp(maxInt) > 0 {
		return false, 0
	}
	if zero {
		return l.offset >= 0 && l.offset <= bufLen, 0
	}
	lo, hi := big.NewInt(int64(l.offset)), big.NewInt(int64(l.offset))
	for k, d := range l.shape {
		e := new(big.Int).Mul(big.NewInt(int64(l.strides[k])), big.NewInt(int64(d-1)))
		if e.Sign() < 0 {
			lo.Add(lo, e)
		} else {
			hi.Add(hi, e)
		}
	}
	hi.Add(hi, big.NewInt(int64(itemSize)))
	if lo.Sign() < 0 || hi.Cmp(big.NewInt(int64(bufLen))) > 0 {
		return false, 0
	}
	if (misalign+l.offset)%align != 0 {
		return false, 0
	}
	for k, d := range l.shape {
		if d > 1 && l.strides[k]%align != 0 {
			return false, 0
		}
	}
	return true, int(prod.Int64())
}

func FuzzLayoutCheck(f *testing.F) {
	seed := func(vals ...int64) []byte {
		b := make([]byte, 8*len(vals))
		for i, v := range vals {
			binary.LittleEndian.PutUint64(b[8*i:], uint64(v))
		}
		return b
	}
	f.Add(seed(2|3<<8, 64, 0, 2, 4, 32, 8))
	f.Add(seed(1|3<<8, 64, 56, 8, -8))
	f.Add(seed(3, 100, 5, 0, 1<<40, 1<<40, 1, 1, 1))
	f.Add(seed(2|1<<16|2<<8, 33, 1, 3, 3, 4, 12))
	f.Add(seed(1<<20, 10))
	f.Add(seed(2|1<<21, 10))
	f.Add(seed(2, 64, 0, -9223372036854775807, 2, 8, 8))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, bufLen, itemSize, misalign := layoutFromBytes(data)
		align := itemSize
		if itemSize == 16 {
			align = 8
		}
		g, err := l.check(bufLen, itemSize, align, misalign, false)
		ok, size := oracle(l, bufLen, itemSize, align, misalign)
		if ok != (err == nil) {
			t.Fatalf("shape %v strides %v offset %d buf %d item %d misalign %d: check says %v, oracle says valid=%v",
				l.shape, l.strides, l.offset, bufLen, itemSize, misalign, err, ok)
		}
		if err != nil {
			for _, s := range []error{ErrShape, ErrStrides, ErrOverflow, ErrMisaligned} {
				if errors.Is(err, s) {
					return
				}
			}
			t.Fatalf("error %v wraps no layout sentinel", err)
		}
		if g.size != size {
			t.Fatalf("size %d, oracle %d", g.size, size)
		}
		if size == 0 || size > 1<<12 {
			return
		}
		// Brute force: every element inside the buffer and aligned; and if check calls the
		// layout unique, no two elements overlap.
		seen := make(map[int]bool, size)
		idx := make([]int, len(l.shape))
		for {
			off := l.offset
			for k, i := range idx {
				off += i * l.strides[k]
			}
			if off < 0 || off+itemSize > bufLen || (misalign+off)%align != 0 {
				t.Fatalf("element %v at byte %d escapes or is misaligned (buf %d)", idx, off, bufLen)
			}
			if g.unique {
				for b := off; b < off+itemSize; b++ {
					if seen[b] {
						t.Fatalf("layout called unique, but byte %d is reached twice (shape %v strides %v)", b, l.shape, l.strides)
					}
					seen[b] = true
				}
			}
			k := len(idx) - 1
			for ; k >= 0; k-- {
				if idx[k]++; idx[k] < l.shape[k] {
					break
				}
				idx[k] = 0
			}
			if k < 0 {
				break
			}
		}
	})
}

func FuzzParseFormat(f *testing.F) {
	for _, s := range []string{"d", "<f", ">Zd", "!q", "@P", "=n", "", "dd", "<", "Z", "Zx", "?", "c", "e", "l", "<L", "E", ">E", "EE"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseFormat(s)
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("ParseFormat(%q): %v does not wrap ErrFormat", s, err)
			}
			return
		}
		if d.ItemSize() <= 0 || d.Align() <= 0 || d.ItemSize()%d.Align() != 0 || d.Kind() == KindInvalid {
			t.Fatalf("ParseFormat(%q) = %+v", s, d)
		}
		if d.Format() != s && d.Format() != s[1:] {
			t.Fatalf("ParseFormat(%q).Format() = %q", s, d.Format())
		}
		e, err := ParseFormat(d.Format())
		if err != nil || e != d {
			t.Fatalf("round trip of %q: %+v %v", s, e, err)
		}
	})
}

// FuzzCast builds a strided view from the input, casts it, and checks the result against the
// rules of Cast and against the source's bytes.
func FuzzCast(f *testing.F) {
	f.Add(uint8(2), uint8(3), uint8(4), uint8(1), int8(1), uint8(0), uint16(2))
	f.Add(uint8(4), uint8(4), uint8(0), uint8(4), int8(-1), uint8(1), uint16(0))
	f.Add(uint8(1), uint8(1), uint8(3), uint8(1), int8(2), uint8(2), uint16(3))
	f.Fuzz(func(t *testing.T, rows, cols, start, stop uint8, step int8, to uint8, dim uint16) {
		r, c := int(rows%9), int(cols%9)
		v := New[int32](r, c)
		for x := range v.Runs() {
			for k := range x {
				x[k] = int32(k)
			}
		}
		if c > 0 {
			lo := int(start) % (c + 1)
			hi := lo + int(stop)%(c-lo+1)
			st := int(step)
			if st == 0 {
				st = 1
			}
			v = v.Slice(1, lo, hi, st)
		}
		var shape []int
		if dim > 0 {
			shape = []int{int(dim % 64)}
		}
		switch to % 3 {
		case 0:
			fuzzCast[uint8](t, v, shape)
		case 1:
			fuzzCast[float64](t, v, shape)
		case 2:
			fuzzCast[int16](t, v, shape)
		}
	})
}

// fuzzCast casts v to U and checks the outcome against Cast's rules, in their order.
func fuzzCast[U Elem](t *testing.T, v *View[int32], shape []int) {
	w, err := Cast[U](v, shape...)
	usz, _ := itemInfo[U]()
	switch {
	case !v.IsCContiguous():
		if !errors.Is(err, ErrNotContiguous) {
			t.Fatalf("non-contiguous cast: %v", err)
		}
	case shape == nil && v.NBytes()%usz != 0, shape != nil && shape[0]*usz != v.NBytes():
		if !errors.Is(err, ErrShape) {
			t.Fatalf("size mismatch: %v", err)
		}
	case err != nil:
		if !errors.Is(err, ErrMisaligned) {
			t.Fatalf("cast: %v", err)
		}
	default:
		if string(w.ToBytes(COrder)) != string(v.ToBytes(COrder)) || w.NBytes() != v.NBytes() {
			t.Fatal("cast changed the bytes")
		}
	}
}

// FuzzString prints random layouts, empty and huge ones included (dims up to 2**40 over a
// few bytes through zero strides), and checks the text against a naive printer built on At
// (for views small enough not to be summarized) or against the count of elements NumPy's
// summary prints. Printing must neither allocate in proportion to a dim nor crash.
func FuzzString(f *testing.F) {
	f.Add(uint8(2), uint64(1<<40), uint64(0), uint64(3), uint64(0), int64(0), int64(8))
	f.Add(uint8(3), uint64(2), uint64(3), uint64(1001), uint64(0), int64(16), int64(2))
	f.Add(uint8(1), uint64(5), uint64(0), uint64(0), uint64(0), int64(-2), int64(0))
	f.Fuzz(func(t *testing.T, nd uint8, d0, d1, d2, d3 uint64, s0, s1 int64) {
		nd %= 5
		dims := []int{int(d0 % (1 << 41)), int(d1 % 9), int(d2 % 1100), int(d3 % 4)}[:nd]
		buf := make([]byte, 64)
		for i := range buf {
			buf[i] = byte(i * 37)
		}
		strides := make([]int, nd)
		for k := range strides {
			if k == 0 {
				strides[k] = int(s0%5) * 2
			} else if k == 1 {
				strides[k] = int(s1%5) * 2
			}
			if dims[k] > 16 {
				strides[k] = 0 // only a zero stride keeps a long axis inside 64 bytes
			}
		}
		off := 0
		for k, s := range strides {
			if s < 0 && dims[k] > 0 {
				off -= s * (dims[k] - 1)
			}
		}
		v, err := NewStrided[int16](buf, off, dims, strides)
		if err != nil {
			return
		}
		s := v.String()
		if v.Size() == 0 {
			if nd > 0 && s != "[]" {
				t.Fatalf("empty view %v prints %q", dims, s)
			}
			return
		}
		if v.Size() <= printThreshold {
			if want := naiveString(v); s != want {
				t.Fatalf("shape %v strides %v:\n%s\nwant\n%s", dims, strides, s, want)
			}
			return
		}
		want := 1
		for _, d := range dims {
			want *= min(d, 2*printEdge+1)
			if d > 2*printEdge {
				want -= want / (2*printEdge + 1) // the "..." entry prints no element
			}
		}
		fields := strings.FieldsFunc(s, func(r rune) bool { return r == '[' || r == ']' || r == ' ' || r == '\n' })
		n := 0
		for _, f := range fields {
			if f != "..." {
				n++
			}
		}
		if n != want {
			t.Fatalf("shape %v: %d elements printed, want %d", dims, n, want)
		}
	})
}

// naiveString prints v as NumPy's str does, without summarizing, through At.
func naiveString(v *View[int16]) string {
	shape := v.Shape()
	if len(shape) == 0 {
		return fmt.Sprint(v.At())
	}
	idx := make([]int, len(shape))
	width := 0
	var cells []string
	var collect func(k int)
	collect = func(k int) {
		if k == len(shape) {
			c := fmt.Sprint(v.At(idx...))
			width = max(width, len(c))
			cells = append(cells, c)
			return
		}
		for i := range shape[k] {
			idx[k] = i
			collect(k + 1)
		}
	}
	collect(0)
	var b strings.Builder
	next := 0
	var rec func(k int)
	rec = func(k int) {
		b.WriteString("[")
		for i := range shape[k] {
			if i > 0 {
				if k == len(shape)-1 {
					b.WriteString(" ")
				} else {
					b.WriteString(strings.Repeat("\n", len(shape)-1-k) + strings.Repeat(" ", k+1))
				}
			}
			if k == len(shape)-1 {
				fmt.Fprintf(&b, "%*s", width, cells[next])
				next++
			} else {
				rec(k + 1)
			}
		}
		b.WriteString("]")
	}
	rec(0)
	return b.String()
}
