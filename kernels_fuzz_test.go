package ndview

import "testing"

// convFuzzCase converts raw, read as S, into D with Convert and checks each element against
// Convert of that element alone (one element never reaches a vector kernel: it is the Go
// definition the kernels must match bit for bit), and that nothing past dst is written.
type convFuzzCase struct {
	name string
	run  func(t *testing.T, raw []byte, soff, doff int)
}

func convFuzzCaseOf[D, S Elem](name string) convFuzzCase {
	return convFuzzCase{name, func(t *testing.T, raw []byte, soff, doff int) {
		ssz, dsz := sizeOf[S](), sizeOf[D]()
		n := len(raw) / ssz
		sbuf := make([]S, soff+n)
		copy(bytesOf(sbuf)[soff*ssz:], raw)
		src, err := FromSlice(sbuf[soff:])
		if err != nil {
			t.Fatal(err)
		}
		dbuf := make([]D, doff+n+8)
		db := bytesOf(dbuf)
		for i := range db {
			db[i] = 0xa5
		}
		dst, err := FromSlice(dbuf[doff : doff+n])
		if err != nil {
			t.Fatal(err)
		}
		Convert(dst, src)
		one := make([]D, 1)
		ov, _ := FromSlice(one)
		for i := range n {
			Convert(ov, src.Slice(0, i, i+1, 1))
			if got, want := bytesOf(dbuf[doff+i:doff+i+1]), bytesOf(one); string(got) != string(want) {
				t.Fatalf("%s, %d elements (source offset %d, destination offset %d): element %d is % x, alone % x", name, n, soff, doff, i, got, want)
			}
		}
		for i, b := range db[(doff+n)*dsz:] {
			if b != 0xa5 {
				t.Fatalf("%s, %d elements: byte %d past the destination written", name, n, i)
			}
		}
		for i, b := range db[:doff*dsz] {
			if b != 0xa5 {
				t.Fatalf("%s, %d elements: byte %d before the destination written", name, n, i)
			}
		}
	}}
}

// convFuzzCases are the conversions with vector kernels somewhere (amd64, arm64), and their
// neighbours.
var convFuzzCases = func() []convFuzzCase {
	var cs []convFuzzCase
	add := func(c ...convFuzzCase) { cs = append(cs, c...) }
	from := func(d string, mk func(s string) []convFuzzCase) { add(mk(d)...) }
	from("float32", func(d string) []convFuzzCase {
		return []convFuzzCase{
			convFuzzCaseOf[float32, float64](d + "←float64"), convFuzzCaseOf[float32, Float16](d + "←Float16"),
			convFuzzCaseOf[float32, BFloat16](d + "←BFloat16"), convFuzzCaseOf[float32, int8](d + "←int8"),
			convFuzzCaseOf[float32, uint8](d + "←uint8"), convFuzzCaseOf[float32, int32](d + "←int32"),
			convFuzzCaseOf[float32, Float8E4M3](d + "←Float8E4M3"),
		}
	})
	from("float64", func(d string) []convFuzzCase {
		return []convFuzzCase{
			convFuzzCaseOf[float64, float32](d + "←float32"), convFuzzCaseOf[float64, Float16](d + "←Float16"),
			convFuzzCaseOf[float64, BFloat16](d + "←BFloat16"), convFuzzCaseOf[float64, int32](d + "←int32"),
		}
	})
	from("Float16", func(d string) []convFuzzCase {
		return []convFuzzCase{
			convFuzzCaseOf[Float16, float32](d + "←float32"), convFuzzCaseOf[Float16, float64](d + "←float64"),
			convFuzzCaseOf[Float16, BFloat16](d + "←BFloat16"),
		}
	})
	from("BFloat16", func(d string) []convFuzzCase {
		return []convFuzzCase{
			convFuzzCaseOf[BFloat16, float32](d + "←float32"), convFuzzCaseOf[BFloat16, float64](d + "←float64"),
			convFuzzCaseOf[BFloat16, Float16](d + "←Float16"),
		}
	})
	add(convFuzzCaseOf[Float8E4M3, float32]("Float8E4M3←float32"), convFuzzCaseOf[int32, float32]("int32←float32"),
		convFuzzCaseOf[uint8, float64]("uint8←float64"))
	return cs
}()

// FuzzConvert checks Convert's contiguous runs, where the vector kernels (and their
// non-vector tails) run, against the Go conversion of each element alone, on bit patterns
// the fuzzer picks: NaN payloads, subnormals, halfway cases, saturating integers.
func FuzzConvert(f *testing.F) {
	for k := range convFuzzCases {
		seed := []byte{byte(k), byte(k % 8), byte(k % 5)}
		for i := range 96 {
			seed = append(seed, byte(i*37+k), 0x7f, 0xff, 0x80, 0x00, 0x7c, 0x01)
		}
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 3 {
			return
		}
		c := convFuzzCases[int(data[0])%len(convFuzzCases)]
		c.run(t, data[3:], int(data[1]%8), int(data[2]%8))
	})
}
