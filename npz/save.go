package npz

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"strings"
	"unicode/utf8"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/internal/atomicfile"
	"github.com/ndview/ndview/internal/npyformat"
)

// Layout of what Save writes. Each member's local header carries an extra field of
// Android's zipalign type (ID 0xd935: a uint16 alignment, then zero padding) sized so that
// the member's data, the .npy file, starts on a 64-byte boundary of the archive; the .npy
// header is a multiple of 64 bytes long (np.save's rule), so the array data is aligned for
// every element type and Map views it in place. Zip readers skip extra fields they do not
// know (Python's zipfile, and so np.load, among them).
const (
	alignExtraID = 0xd935
	alignment    = 64

	fileHeaderLen = 30        // a zip local file header, before the name
	uint32max     = 1<<32 - 1 // sizes from here on need ZIP64
	dosDate1980   = 1<<5 | 1  // 1980-01-01, the earliest MS-DOS date: output is reproducible
	versionZip20  = 20        // version needed to extract: 2.0 (deflate)
	versionZip45  = 45        // 4.5: ZIP64
	flagDataDesc  = 0x8       // sizes and CRC-32 follow the data
	flagUTF8      = 0x800     // the name is UTF-8
	maxNameLen    = 1<<16 - 1 // the zip name length field
	memberMode    = fs.FileMode(0o644)
)

// Save writes the arrays to an uncompressed .npz file at path, as np.savez does: member
// names[i] + ".npy" holds arrays[i] as np.save would write it (C order, or Fortran order for
// an array that is Fortran- but not C-contiguous), in the order given. Unlike np.savez,
// each member is padded so that its array data starts on a 64-byte boundary of the file,
// so Map views every member in place; np.load reads the file as any other. The file is
// written atomically: a temporary file in the same directory, synced, then renamed over
// path, so a reader never sees a partial archive. Output is reproducible (member
// timestamps are 1980-01-01). Each array is copied out once (its ToBytes), one at a time.
//
// Names are what np.load's keys will be. NumPy accepts any string; Save accepts those that
// make a safe zip member name: valid UTF-8, no backslash or NUL, and, split at "/", no
// empty, "." or ".." element ("layer1/weight" is fine, "../x" and "/x" are not). Names must
// be distinct.
//
// Save returns an error wrapping ndview.ErrShape if names and arrays differ in length,
// ndview.ErrFormat for a name it refuses, a nil array or an element type NumPy has no dtype
// for (bfloat16), ndview.ErrReleased for a released view, and the errors of creating,
// writing and renaming the file (an *fs.PathError inside); on error path is left as it was.
func Save(path string, names []string, arrays []ndview.Array) error {
	return save("Save", path, names, arrays, false)
}

// SaveCompressed is Save with every member deflated, as np.savez_compressed does (zlib's
// default level). Compressed members cannot be mapped: Load inflates them.
func SaveCompressed(path string, names []string, arrays []ndview.Array) error {
	return save("SaveCompressed", path, names, arrays, true)
}

type member struct {
	name   string // in the zip: the array's name + ".npy"
	header []byte
	order  ndview.Order
	a      ndview.Array
}

func save(fn, path string, names []string, arrays []ndview.Array, compress bool) error {
	if len(names) != len(arrays) {
		return &ndview.Error{Op: "npz." + fn, Path: path, Kind: ndview.ErrShape, Msg: fmt.Sprintf("%d names for %d arrays", len(names), len(arrays))}
	}
	// Everything that can be refused is refused before the file is created.
	members := make([]member, len(names))
	seen := make(map[string]bool, len(names))
	for i, name := range names {
		if err := checkName(name); err != nil {
			return failf(fn, path, nil, "name %q %s", name, err)
		}
		if seen[name] {
			return failf(fn, path, nil, "name %q appears twice", name)
		}
		seen[name] = true
		if arrays[i] == nil {
			return failf(fn, path, nil, "array %q is nil", name)
		}
		h, order, err := npyformat.ArrayHeader(arrays[i])
		if err != nil {
			return rewrapf(err, fn, path, "array %q", name)
		}
		members[i] = member{name: name + ".npy", header: h, order: order, a: arrays[i]}
	}
	err := atomicfile.Write(path, func(w io.Writer) error {
		cw := &countWriter{w: w}
		zw := zip.NewWriter(cw)
		for _, m := range members {
			if err := writeMember(zw, cw, m, compress); err != nil {
				return err
			}
		}
		return zw.Close()
	})
	if err != nil {
		return rewrap(err, fn, path)
	}
	return nil
}

// checkName says what is wrong with name as an array name, or returns nil.
func checkName(name string) error {
	switch member := name + ".npy"; {
	case !utf8.ValidString(name):
		return fmt.Errorf("is not UTF-8")
	case strings.ContainsAny(name, "\\\x00"):
		return fmt.Errorf("contains a backslash or NUL")
	case !fs.ValidPath(member):
		return fmt.Errorf("is not a relative slash-separated path without empty, '.' or '..' elements")
	case len(member) > maxNameLen:
		return fmt.Errorf("is longer than a zip name can be")
	}
	return nil
}

// writeMember writes one .npy member. Its sizes and CRC-32 are known before its local
// header is written (the data is in memory), so they go in the header, as zipfile writes
// them; a member of 4 GiB or more has them in a ZIP64 data descriptor instead, as
// archive/zip writes large members, and ZIP64 fields in the central directory.
func writeMember(zw *zip.Writer, cw *countWriter, m member, compress bool) error {
	data := m.a.ToBytes(m.order)
	shape := m.a.Shape()
	want := uint64(m.a.DType().ItemSize())
	for _, d := range shape {
		want *= uint64(d) // no overflow: ArrayHeader checked the size
	}
	if uint64(len(data)) != want {
		return &ndview.Error{Kind: ndview.ErrShape, Msg: fmt.Sprintf("array %q: ToBytes gave %d bytes; shape %v of %s needs %d", m.name, len(data), shape, m.a.DType(), want)}
	}
	crc := crc32.Update(crc32.ChecksumIEEE(m.header), crc32.IEEETable, data)
	size := uint64(len(m.header)) + uint64(len(data))
	fh := &zip.FileHeader{
		Name:   m.name,
		Method: zip.Store,
		//lint:ignore SA1019 CreateRaw writes ModifiedDate as given; Modified would be ignored by CreateRaw (only CreateHeader converts it, adding a timestamp extra field NumPy does not write)
		ModifiedDate:       dosDate1980,
		CRC32:              crc,
		CompressedSize64:   size,
		UncompressedSize64: size,
	}
	fh.SetMode(memberMode)
	if !isASCII(m.name) {
		fh.Flags |= flagUTF8 // CreateRaw does not set it
	}
	var body []byte
	if compress {
		var buf bytes.Buffer
		fw, err := flate.NewWriter(&buf, flate.DefaultCompression)
		if err != nil {
			return err
		}
		fw.Write(m.header) // a bytes.Buffer does not fail
		fw.Write(data)
		if err := fw.Close(); err != nil {
			return err
		}
		body = buf.Bytes()
		fh.Method = zip.Deflate
		fh.CompressedSize64 = uint64(len(body))
	} else {
		if err := zw.Flush(); err != nil { // so that cw.n is where the local header starts
			return err
		}
		fh.Extra = alignExtra(cw.n + fileHeaderLen + int64(len(m.name)))
	}
	version := uint16(versionZip20)
	if fh.CompressedSize64 >= uint32max || fh.UncompressedSize64 >= uint32max {
		version = versionZip45
		fh.Flags |= flagDataDesc
	}
	fh.ReaderVersion = version
	fh.CreatorVersion = fh.CreatorVersion&0xff00 | version
	w, err := zw.CreateRaw(fh)
	if err != nil {
		return err
	}
	if compress {
		_, err = w.Write(body)
		return err
	}
	if _, err := w.Write(m.header); err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// alignExtra returns the extra field that, written at file offset start, ends on an
// alignment boundary: ID 0xd935, its length, the alignment (uint16), then zeros.
func alignExtra(start int64) []byte {
	pad := (alignment - (start+6)%alignment) % alignment
	e := make([]byte, 6+pad)
	binary.LittleEndian.PutUint16(e[0:], alignExtraID)
	binary.LittleEndian.PutUint16(e[2:], uint16(2+pad))
	binary.LittleEndian.PutUint16(e[4:], alignment)
	return e
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// countWriter counts the bytes written through it: the offset in the file being written.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
