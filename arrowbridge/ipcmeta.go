package arrowbridge

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/ndview/ndview"
)

// The metadata of an Arrow IPC file (its footer, with the schema and the index of the record
// batches, and the message in front of each batch's body) is flatbuffers, which arrow-go
// reads without checking a single offset: a damaged file makes it slice out of range (a
// panic, which guard recovers), allocate as many fields as a corrupted vector length says or
// as many bytes as a compressed buffer's length prefix says (2^45: an out-of-memory death,
// which nothing recovers), or loop over them. So OpenFile and ColumnIn first read the same
// metadata here, every offset, vtable, vector and string checked to lie in its buffer, and
// hand the file to arrow-go only when everything it will read is sound: then the allocations
// arrow-go makes are those the metadata implies. The reads mirror arrow-go v18.5.2's
// (ipc/file_reader.go, ipc/metadata.go) field for field.

// Flatbuffer types (Schema.fbs: union Type) and message headers (Message.fbs).
const (
	fbNull            = 1
	fbInt             = 2
	fbFloatingPoint   = 3
	fbBinary          = 4
	fbUtf8            = 5
	fbBool            = 6
	fbDecimal         = 7
	fbDate            = 8
	fbTime            = 9
	fbTimestamp       = 10
	fbInterval        = 11
	fbList            = 12
	fbStruct          = 13
	fbUnion           = 14
	fbFixedSizeBinary = 15
	fbFixedSizeList   = 16
	fbMap             = 17
	fbDuration        = 18
	fbLargeBinary     = 19
	fbLargeUtf8       = 20
	fbLargeList       = 21
	fbRunEndEncoded   = 22
	fbBinaryView      = 23
	fbUtf8View        = 24
	fbListView        = 25
	fbLargeListView   = 26

	headerRecordBatch = 3
	metadataV5        = 4 // MetadataVersion.V5

	maxNesting = 64 // arrow-go's kMaxNestingDepth: the deepest column its loader reads
)

// fbuf is a flatbuffer whose reads are bounds-checked. work bounds the tables and string
// bytes a reader visits: offsets only point forward, so tables cannot form cycles, but they
// can share children (a field whose children vector names one child a thousand times, each
// with a thousand children...), which would make arrow-go build far more than the buffer
// holds. A buffer written by an Arrow writer shares nothing, so its tables (at least 4 bytes
// each) and strings fit within its length.
type fbuf struct {
	b      []byte
	tables int // tables left to visit
	chars  int // string bytes left to visit
}

func newFbuf(b []byte) *fbuf { return &fbuf{b: b, tables: len(b)/4 + 1, chars: len(b)} }

var errShared = errors.New("its tables are shared more than once over (or nested too deeply)")

// u32 reads the uint32 at p.
func (f *fbuf) u32(p int) (int, error) {
	if p < 0 || p > len(f.b)-4 {
		return 0, fmt.Errorf("offset %d outside %d bytes of metadata", p, len(f.b))
	}
	return int(binary.LittleEndian.Uint32(f.b[p:])), nil
}

// root returns the root table, whose offset is the first word (flatbuffers' GetRootAs).
func (f *fbuf) root() (fbTable, error) {
	u, err := f.u32(0)
	if err != nil {
		return fbTable{}, err
	}
	return f.table(u)
}

// fbTable is a table whose vtable lies in the buffer.
type fbTable struct {
	f   *fbuf
	pos int // where the table starts
	vt  int // where its vtable starts
	vtn int // the vtable's length in bytes
}

// table checks the table at pos and its vtable.
func (f *fbuf) table(pos int) (fbTable, error) {
	if f.tables--; f.tables < 0 {
		return fbTable{}, errShared
	}
	if pos < 0 || pos > len(f.b)-4 {
		return fbTable{}, fmt.Errorf("table at %d outside %d bytes of metadata", pos, len(f.b))
	}
	vt := pos - int(int32(binary.LittleEndian.Uint32(f.b[pos:])))
	if vt < 0 || vt > len(f.b)-4 {
		return fbTable{}, fmt.Errorf("vtable at %d outside %d bytes of metadata", vt, len(f.b))
	}
	vtn := int(binary.LittleEndian.Uint16(f.b[vt:]))
	if vtn < 4 || vtn > len(f.b)-vt {
		return fbTable{}, fmt.Errorf("vtable of %d bytes at %d in %d bytes of metadata", vtn, vt, len(f.b))
	}
	return fbTable{f, pos, vt, vtn}, nil
}

// field returns where the field in slot (0 for the first) lies, or 0 if it is absent, having
// checked that its size bytes lie in the buffer.
func (t fbTable) field(slot, size int) (int, error) {
	o := 4 + 2*slot
	if o >= t.vtn {
		return 0, nil
	}
	if t.vt+o+2 > len(t.f.b) {
		return 0, fmt.Errorf("vtable at %d runs past %d bytes of metadata", t.vt, len(t.f.b))
	}
	fo := int(binary.LittleEndian.Uint16(t.f.b[t.vt+o:]))
	if fo == 0 {
		return 0, nil
	}
	p := t.pos + fo
	if p > len(t.f.b)-size {
		return 0, fmt.Errorf("field at %d runs past %d bytes of metadata", p, len(t.f.b))
	}
	return p, nil
}

// int reads the signed little-endian scalar of size bytes in slot, or def if it is absent.
func (t fbTable) int(slot, size int, def int64) (int64, error) {
	p, err := t.field(slot, size)
	if err != nil || p == 0 {
		return def, err
	}
	b := t.f.b[p:]
	switch size {
	case 1:
		return int64(int8(b[0])), nil
	case 2:
		return int64(int16(binary.LittleEndian.Uint16(b))), nil
	case 4:
		return int64(int32(binary.LittleEndian.Uint32(b))), nil
	}
	return int64(binary.LittleEndian.Uint64(b)), nil
}

// child returns the table slot points to, and whether it is present.
func (t fbTable) child(slot int) (fbTable, bool, error) {
	p, err := t.field(slot, 4)
	if err != nil || p == 0 {
		return fbTable{}, false, err
	}
	u, _ := t.f.u32(p)
	c, err := t.f.table(p + u)
	return c, err == nil, err
}

// vector returns where the elements of the vector in slot start and how many there are,
// having checked that n elements of elem bytes lie in the buffer. An absent vector is empty.
func (t fbTable) vector(slot, elem int) (start, n int, err error) {
	p, err := t.field(slot, 4)
	if err != nil || p == 0 {
		return 0, 0, err
	}
	u, _ := t.f.u32(p)
	v := p + u
	if n, err = t.f.u32(v); err != nil {
		return 0, 0, err
	}
	start = v + 4
	if n > (len(t.f.b)-start)/elem {
		return 0, 0, fmt.Errorf("vector of %d elements of %d bytes at %d runs past %d bytes of metadata", n, elem, v, len(t.f.b))
	}
	return start, n, nil
}

// tableAt returns element i of a vector of tables that starts at start.
func (f *fbuf) tableAt(start, i int) (fbTable, error) {
	p := start + 4*i
	u, err := f.u32(p)
	if err != nil {
		return fbTable{}, err
	}
	return f.table(p + u)
}

// str checks the string in slot and returns it.
func (t fbTable) str(slot int) (string, error) {
	start, n, err := t.vector(slot, 1)
	if err != nil {
		return "", err
	}
	if t.f.chars -= n; t.f.chars < 0 {
		return "", errShared
	}
	return string(t.f.b[start : start+n]), nil
}

// keyValues checks a vector of KeyValue tables (custom_metadata).
func (t fbTable) keyValues(slot int) error {
	start, n, err := t.vector(slot, 4)
	if err != nil {
		return err
	}
	for i := range n {
		kv, err := t.f.tableAt(start, i)
		if err != nil {
			return err
		}
		if _, err := kv.str(0); err != nil {
			return err
		}
		if _, err := kv.str(1); err != nil {
			return err
		}
	}
	return nil
}

// ipcField is what the checker keeps of a schema field: enough to know what arrow-go's
// loader reads for it, and how large each buffer it decompresses can be.
type ipcField struct {
	typ      int // the flatbuffer Type
	bits     int // the width of a value of a fixed-width type (1 for Bool)
	dense    bool
	name     string
	children []*ipcField
}

// ipcBlock is an entry of the footer's index of record batches (File.fbs: struct Block).
type ipcBlock struct {
	offset int64
	meta   int32
	body   int64
}

// ipcMeta is the checked metadata of an IPC file.
type ipcMeta struct {
	fields  []*ipcField
	batches []ipcBlock
}

// checkFile checks everything arrow-go's NewMappedFileReader reads of data: the magic, the
// footer and the schema.
func checkFile(data []byte) (*ipcMeta, error) {
	const tail = 10 // int32 footer length, "ARROW1"
	if len(data) <= 2*6+4 {
		return nil, fmt.Errorf("%d bytes are too few for an Arrow IPC file", len(data))
	}
	if string(data[len(data)-6:]) != "ARROW1" {
		return nil, errors.New("not an Arrow IPC file (no ARROW1 at its end)")
	}
	size := int(binary.LittleEndian.Uint32(data[len(data)-tail:]))
	if size <= 0 || size > len(data)-tail-6 {
		return nil, fmt.Errorf("footer of %d bytes in a file of %d", size, len(data))
	}
	f := newFbuf(data[len(data)-tail-size : len(data)-tail])
	footer, err := f.root()
	if err != nil {
		return nil, fmt.Errorf("footer: %v", err)
	}
	m := new(ipcMeta)
	if err := m.checkFooter(footer); err != nil {
		return nil, fmt.Errorf("footer: %v", err)
	}
	return m, nil
}

func (m *ipcMeta) checkFooter(footer fbTable) error {
	if _, err := footer.int(0, 2, 0); err != nil { // version
		return err
	}
	schema, ok, err := footer.child(1)
	if err != nil {
		return err
	}
	if !ok {
		return errors.New("no schema")
	}
	if _, err := schema.int(0, 2, 0); err != nil { // endianness
		return err
	}
	start, n, err := schema.vector(1, 4)
	if err != nil {
		return err
	}
	m.fields = make([]*ipcField, n)
	for i := range n {
		ft, err := schema.f.tableAt(start, i)
		if err != nil {
			return err
		}
		if m.fields[i], err = checkField(ft, 1); err != nil {
			return fmt.Errorf("field %d: %v", i, err)
		}
	}
	if err := schema.keyValues(2); err != nil {
		return err
	}
	if _, n, err := footer.vector(2, 24); err != nil {
		return err
	} else if n > 0 {
		return errors.New("dictionary batches: dictionary-encoded columns are not supported (arrow-go's mapped reader cannot read them)")
	}
	start, n, err = footer.vector(3, 24)
	if err != nil {
		return err
	}
	m.batches = make([]ipcBlock, n)
	for i := range m.batches {
		b := footer.f.b[start+24*i:]
		m.batches[i] = ipcBlock{
			offset: int64(binary.LittleEndian.Uint64(b)),
			meta:   int32(binary.LittleEndian.Uint32(b[8:])),
			body:   int64(binary.LittleEndian.Uint64(b[16:])),
		}
	}
	return nil
}

// checkField checks a Field table (and its children) at nesting depth.
func checkField(t fbTable, depth int) (*ipcField, error) {
	if depth > maxNesting+1 {
		return nil, fmt.Errorf("columns nested more than %d deep", maxNesting)
	}
	name, err := t.str(0)
	if err != nil {
		return nil, err
	}
	if _, err := t.int(1, 1, 0); err != nil { // nullable
		return nil, err
	}
	typ, err := t.int(2, 1, 0)
	if err != nil {
		return nil, err
	}
	fld := &ipcField{typ: int(uint8(typ)), name: name}
	data, ok, err := t.child(3)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("column %q has no type", name)
	}
	if _, ok, err := t.child(4); err != nil {
		return nil, err
	} else if ok {
		return nil, fmt.Errorf("column %q is dictionary-encoded, which arrow-go's mapped reader cannot read", name)
	}
	start, n, err := t.vector(5, 4)
	if err != nil {
		return nil, err
	}
	fld.children = make([]*ipcField, n)
	for i := range n {
		ct, err := t.f.tableAt(start, i)
		if err != nil {
			return nil, err
		}
		if fld.children[i], err = checkField(ct, depth+1); err != nil {
			return nil, err
		}
	}
	if err := t.keyValues(6); err != nil {
		return nil, err
	}
	if err := fld.checkType(data); err != nil {
		return nil, fmt.Errorf("column %q: %v", name, err)
	}
	return fld, nil
}

// checkType reads the type table of fld as arrow-go's concreteTypeFromFB does (with the
// flatbuffer defaults of absent fields), refusing what arrow-go refuses.
func (fld *ipcField) checkType(t fbTable) error {
	kids := func(want int) error {
		if len(fld.children) != want {
			return fmt.Errorf("type %d with %d children, not %d", fld.typ, len(fld.children), want)
		}
		return nil
	}
	scalar := func(slot, size int, def int64) int64 {
		v, err := t.int(slot, size, def)
		if err != nil {
			return math.MinInt64 // refused below as an invalid value
		}
		return v
	}
	switch fld.typ {
	case fbNull, fbBinary, fbUtf8, fbLargeBinary, fbLargeUtf8, fbBinaryView, fbUtf8View, fbStruct:
	case fbBool:
		fld.bits = 1
	case fbInt:
		switch bw := scalar(0, 4, 0); bw {
		case 8, 16, 32, 64:
			fld.bits = int(bw)
		default:
			return fmt.Errorf("integers of %d bits", bw)
		}
		if _, err := t.int(1, 1, 0); err != nil {
			return err
		}
	case fbFloatingPoint:
		switch p := scalar(0, 2, 0); p {
		case 0, 1, 2: // HALF, SINGLE, DOUBLE
			fld.bits = 16 << p
		default:
			return fmt.Errorf("floating point precision %d", p)
		}
	case fbDecimal:
		if scalar(0, 4, 0) == math.MinInt64 || scalar(1, 4, 0) == math.MinInt64 {
			return errors.New("bad decimal")
		}
		switch bw := scalar(2, 4, 128); bw {
		case 32, 64, 128, 256:
			fld.bits = int(bw)
		default:
			return fmt.Errorf("decimals of %d bits", bw)
		}
	case fbDate:
		switch u := scalar(0, 2, 1); u {
		case 0, 1: // DAY, MILLISECOND
			fld.bits = 32 << u
		default:
			return fmt.Errorf("date unit %d", u)
		}
	case fbTime:
		if u := scalar(0, 2, 1); u < 0 || u > 3 {
			return fmt.Errorf("time unit %d", u)
		}
		switch bw := scalar(1, 4, 32); bw {
		case 32, 64:
			fld.bits = int(bw)
		default:
			return fmt.Errorf("times of %d bits", bw)
		}
	case fbTimestamp, fbDuration:
		def := int64(0)
		if fld.typ == fbDuration {
			def = 1
		}
		if u := scalar(0, 2, def); u < 0 || u > 3 {
			return fmt.Errorf("time unit %d", u)
		}
		if fld.typ == fbTimestamp {
			if _, err := t.str(1); err != nil {
				return err
			}
		}
		fld.bits = 64
	case fbInterval:
		switch u := scalar(0, 2, 0); u {
		case 0, 1, 2: // YEAR_MONTH, DAY_TIME, MONTH_DAY_NANO
			fld.bits = 32 << u
		default:
			return fmt.Errorf("interval unit %d", u)
		}
	case fbFixedSizeBinary:
		w := scalar(0, 4, 0)
		if w == math.MinInt64 {
			return errors.New("bad fixed-size binary")
		}
		fld.bits = 8 * int(max(w, 0))
	case fbList, fbLargeList, fbListView, fbLargeListView:
		return kids(1)
	case fbFixedSizeList:
		if n := scalar(0, 4, 0); n <= 0 {
			return fmt.Errorf("fixed-size lists of %d values", n)
		}
		return kids(1)
	case fbMap:
		if _, err := t.int(0, 1, 0); err != nil {
			return err
		}
		return kids(1)
	case fbRunEndEncoded:
		return kids(2)
	case fbUnion:
		mode := scalar(0, 2, 0)
		if mode == math.MinInt64 {
			return errors.New("bad union")
		}
		fld.dense = mode == 1
		if _, _, err := t.vector(1, 4); err != nil {
			return err
		}
	default:
		return fmt.Errorf("unknown type %d", fld.typ)
	}
	return nil
}

// checkBatch checks the message of record batch i and its body before arrow-go's
// RecordBatchAt reads them: every table and vector arrow-go reads lies in the message, every
// buffer it loads lies in the body, and no compressed buffer says it decompresses to more
// than its column's metadata implies (length × width for fixed-width buffers, padded to 64
// bytes as Arrow's writers pad them), than ndview.MemoryLimit (all of the batch's buffers
// together), or than its compressed frames can hold (framebound.go).
func (m *ipcMeta) checkBatch(data []byte, i int) error {
	blk := m.batches[i]
	switch {
	case blk.offset < 0 || blk.meta < 8 || blk.body < 0 || blk.offset%8 != 0 || blk.meta%8 != 0 || blk.body%8 != 0:
		return fmt.Errorf("index entry (offset %d, metadata %d, body %d bytes) is damaged", blk.offset, blk.meta, blk.body)
	case blk.offset > int64(len(data)) || int64(blk.meta) > int64(len(data))-blk.offset || blk.body > int64(len(data))-blk.offset-int64(blk.meta):
		return fmt.Errorf("message of %d+%d bytes at %d runs past the file's %d bytes", blk.meta, blk.body, blk.offset, len(data))
	}
	meta := data[blk.offset : blk.offset+int64(blk.meta)]
	body := data[blk.offset+int64(blk.meta) : blk.offset+int64(blk.meta)+blk.body]
	switch binary.LittleEndian.Uint32(meta) { // as arrow-go's mappedFileBlock.NewMessage
	case 0:
	case 0xFFFFFFFF:
		meta = meta[8:]
	default:
		meta = meta[4:]
	}
	f := newFbuf(meta)
	msg, err := f.root()
	if err != nil {
		return fmt.Errorf("message: %v", err)
	}
	version, err := msg.int(0, 2, 0)
	if err != nil {
		return fmt.Errorf("message: %v", err)
	}
	if h, err := msg.int(1, 1, 0); err != nil || uint8(h) != headerRecordBatch {
		return fmt.Errorf("message is not a record batch (header type %d, %v)", uint8(h), err)
	}
	rb, ok, err := msg.child(2)
	if err == nil && !ok {
		err = errors.New("no header")
	}
	if err == nil {
		err = msg.keyValues(4)
	}
	if err != nil {
		return fmt.Errorf("message: %v", err)
	}
	w := batchWalk{body: body, version: version, limit: ndview.MemoryLimit()}
	if err := w.init(rb); err != nil {
		return fmt.Errorf("record batch: %v", err)
	}
	for _, fld := range m.fields {
		if err := w.array(fld, 0); err != nil {
			return fmt.Errorf("column %q: %v", fld.name, err)
		}
	}
	return nil
}

// batchWalk walks the columns of a record batch as arrow-go's arrayLoaderContext does,
// taking field nodes and buffers in the same order, and checks each buffer the loader reads.
type batchWalk struct {
	body       []byte
	version    int64
	limit      int // ndview.MemoryLimit, read once per batch
	compressed bool
	codec      int64 // 0 LZ4_FRAME, 1 ZSTD

	fb          *fbuf
	nodes       int // where the FieldNode structs start (16 bytes each)
	nnodes      int
	bufs        int // where the Buffer structs start (16 bytes each)
	nbufs       int
	variadic    int // where the variadic buffer counts start (int64 each)
	nvariadic   int
	hasVariadic bool // the counts are present (possibly none of them)
	inode, ibuf int
	ivariadic   int
	total       int // bytes decompressed so far
}

func (w *batchWalk) init(rb fbTable) error {
	w.fb = rb.f
	if _, err := rb.int(0, 8, 0); err != nil { // length
		return err
	}
	var err error
	if w.nodes, w.nnodes, err = rb.vector(1, 16); err != nil {
		return err
	}
	if w.bufs, w.nbufs, err = rb.vector(2, 16); err != nil {
		return err
	}
	if c, ok, err := rb.child(3); err != nil {
		return err
	} else if ok {
		codec, err := c.int(0, 1, 0)
		if err != nil {
			return err
		}
		if codec != 0 && codec != 1 { // LZ4_FRAME, ZSTD
			return fmt.Errorf("compression codec %d", codec)
		}
		w.codec = codec
		if _, err := c.int(1, 1, 0); err != nil {
			return err
		}
		w.compressed = true
	}
	if w.variadic, w.nvariadic, err = rb.vector(4, 8); err != nil {
		return err
	}
	p, _ := rb.field(4, 4)
	w.hasVariadic = p != 0
	return nil
}

// node takes the next field node: its length and null count. (arrow-go's accessors would
// read past the end of the vector; a batch with too few nodes is refused instead.)
func (w *batchWalk) node() (length, nulls int64, err error) {
	if w.inode >= w.nnodes {
		return 0, 0, fmt.Errorf("%d field nodes for more columns", w.nnodes)
	}
	b := w.fb.b[w.nodes+16*w.inode:]
	w.inode++
	length, nulls = int64(binary.LittleEndian.Uint64(b)), int64(binary.LittleEndian.Uint64(b[8:]))
	if length < 0 {
		return 0, 0, fmt.Errorf("length %d", length)
	}
	return length, nulls, nil
}

// skip passes over a buffer the loader does not read.
func (w *batchWalk) skip() { w.ibuf++ }

// buffer checks the next buffer, which the loader reads: it lies in the body, and if it is
// compressed it holds its uncompressed length first, at most bound bytes (bound < 0: at most
// the memory limit).
func (w *batchWalk) buffer(bound int) error {
	i := w.ibuf
	w.ibuf++
	if i >= w.nbufs {
		return fmt.Errorf("%d buffers for more columns", w.nbufs)
	}
	b := w.fb.b[w.bufs+16*i:]
	off, n := int64(binary.LittleEndian.Uint64(b)), int64(binary.LittleEndian.Uint64(b[8:]))
	if off < 0 || n < 0 || off > int64(len(w.body)) || n > int64(len(w.body))-off {
		return fmt.Errorf("buffer %d (%d bytes at %d) runs past the body's %d bytes", i, n, off, len(w.body))
	}
	if n == 0 || !w.compressed {
		return nil
	}
	if n < 8 {
		return fmt.Errorf("compressed buffer %d of %d bytes has no length", i, n)
	}
	size := int64(binary.LittleEndian.Uint64(w.body[off:]))
	switch {
	case size == -1: // stored uncompressed
		return nil
	case size < 0:
		return fmt.Errorf("compressed buffer %d says it holds %d bytes", i, size)
	case bound >= 0 && size > int64(bound):
		return fmt.Errorf("compressed buffer %d says it holds %d bytes; its column's metadata allows %d", i, size, bound)
	case size > int64(w.limit-w.total):
		return overLimit{fmt.Sprintf("compressed buffers of %d bytes and more exceed the memory limit of %d bytes (ndview.MemoryLimit)", int64(w.total)+size, w.limit)}
	}
	if most := frameBound(w.codec, w.body[off+8:off+n]); size > most {
		return fmt.Errorf("compressed buffer %d says it holds %d bytes; its %d bytes of compressed frames hold at most %d", i, size, n-8, most)
	}
	w.total += int(size)
	return nil
}

// bytesFor returns the bytes of n values of bits each, padded to 64 as Arrow's writers pad
// buffers, or -1 (no bound but the memory limit) if that overflows.
func bytesFor(n int64, bits int) int {
	if n > (math.MaxInt64-7-63)/int64(max(bits, 1)) {
		return -1
	}
	b := (n*int64(bits) + 7) / 8
	return int((b + 63) &^ 63)
}

// common takes the field node and the validity bitmap of a column of flatbuffer type typ
// (arrow-go's loadCommon) and returns its length.
func (w *batchWalk) common(typ int) (int64, error) {
	length, nulls, err := w.node()
	if err != nil {
		return 0, err
	}
	validity := typ != fbNull
	if w.version >= metadataV5 && (typ == fbUnion || typ == fbRunEndEncoded) {
		validity = false
	}
	if validity {
		if nulls == 0 {
			w.skip()
		} else if err := w.buffer(bytesFor(length, 1)); err != nil {
			return 0, err
		}
	}
	return length, nil
}

// array walks one column (arrow-go's loadArray) at nesting depth.
func (w *batchWalk) array(fld *ipcField, depth int) error {
	if depth > maxNesting {
		return fmt.Errorf("nested more than %d deep", maxNesting)
	}
	offsets := func(n int64, bits int) int { // n+1 offsets
		return bytesFor(n+1, bits)
	}
	if fld.typ == fbBinaryView || fld.typ == fbUtf8View {
		return w.binaryView(fld)
	}
	n, err := w.common(fld.typ)
	if err != nil {
		return err
	}
	switch fld.typ {
	case fbNull: // no buffers
	case fbBool, fbInt, fbFloatingPoint, fbDecimal, fbDate, fbTime, fbTimestamp, fbInterval, fbDuration:
		if n == 0 {
			w.skip()
			return nil
		}
		return w.buffer(bytesFor(n, fld.bits))
	case fbFixedSizeBinary:
		return w.buffer(bytesFor(n, fld.bits))
	case fbBinary, fbUtf8:
		if err := w.buffer(offsets(n, 32)); err != nil {
			return err
		}
		return w.buffer(-1)
	case fbLargeBinary, fbLargeUtf8:
		if err := w.buffer(offsets(n, 64)); err != nil {
			return err
		}
		return w.buffer(-1)
	case fbList, fbMap:
		if err := w.buffer(offsets(n, 32)); err != nil {
			return err
		}
	case fbLargeList:
		if err := w.buffer(offsets(n, 64)); err != nil {
			return err
		}
	case fbListView, fbLargeListView:
		bits := 32
		if fld.typ == fbLargeListView {
			bits = 64
		}
		if err := w.buffer(bytesFor(n, bits)); err != nil {
			return err
		}
		if err := w.buffer(bytesFor(n, bits)); err != nil {
			return err
		}
	case fbUnion:
		if n == 0 {
			w.skip()
			if fld.dense {
				w.skip()
			}
		} else {
			if err := w.buffer(bytesFor(n, 8)); err != nil {
				return err
			}
			if fld.dense {
				if err := w.buffer(bytesFor(n, 32)); err != nil {
					return err
				}
			}
		}
	}
	switch fld.typ {
	case fbList, fbLargeList, fbListView, fbLargeListView, fbFixedSizeList, fbMap, fbStruct, fbUnion, fbRunEndEncoded:
		// Only nested types load their children (arrow-go ignores those of others).
		for _, c := range fld.children {
			if err := w.array(c, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// binaryView walks a BinaryView or Utf8View column: its count of variadic data buffers
// (taken before the field node, as arrow-go takes it), validity, views and data buffers.
func (w *batchWalk) binaryView(fld *ipcField) error {
	// arrow-go reads no counts as 0, and reads a count past the end of the vector (its
	// flatbuffer accessors check no index): that is refused here, as short node and buffer
	// vectors are.
	var nv int64
	if w.hasVariadic {
		if w.ivariadic >= w.nvariadic {
			return fmt.Errorf("%d variadic buffer counts for more columns", w.nvariadic)
		}
		nv = int64(binary.LittleEndian.Uint64(w.fb.b[w.variadic+8*w.ivariadic:]))
	}
	w.ivariadic++
	n, err := w.common(fld.typ)
	if err != nil {
		return err
	}
	if nv < 0 || nv > int64(w.nbufs-w.ibuf) {
		return fmt.Errorf("%d variadic buffers, of %d buffers left", nv, w.nbufs-w.ibuf)
	}
	if err := w.buffer(bytesFor(n, 128)); err != nil {
		return err
	}
	for range nv {
		if err := w.buffer(-1); err != nil {
			return err
		}
	}
	return nil
}

// overLimit is a batch whose buffers together claim more than ndview.MemoryLimit: refused as a
// damaged batch (ErrFormat) that is also too large (ErrOverflow), whether the claim is a lie
// or the truth.
type overLimit struct{ msg string }

func (e overLimit) Error() string { return e.msg }
func (e overLimit) Unwrap() error { return ndview.ErrOverflow }
