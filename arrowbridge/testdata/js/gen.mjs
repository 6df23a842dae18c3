// gen.mjs writes the Arrow IPC files that js_interop_test.go reads, with the JavaScript Arrow
// implementation (npm package apache-arrow, pinned in package.json), and the JSON of the
// values they hold:
//
//	../js_tensors.arrow       IPC file format, uncompressed: exactly as Arrow JS writes it
//	../js_tensors_lz4.arrow   the same batches, bodies compressed with LZ4_FRAME (lz4js)
//	../js_tensors_zstd.arrow  the same batches, bodies compressed with ZSTD (@bokuweb/zstd-wasm)
//	../js_tensors.json        the expected schema and values, batch by batch
//	../js_tensors_zstd_badprefix.arrow  the ZSTD file exactly as Arrow JS 21.2.0 writes it
//
// Arrow JS up to 21.2.0 writes the compressed length, not the uncompressed length the format
// requires, in the 8-byte prefix of each compressed body buffer (fixed upstream by
// apache/arrow-js pull request 470, not yet released). JS reads its own files back (its
// reader sizes buffers from the codec frame), but other readers cannot: arrow-go allocates
// the prefix's length and fails. So js_tensors_{lz4,zstd}.arrow are Arrow JS's bytes with
// only those prefixes corrected, as the fixed writer writes them; js_tensors_zstd_badprefix.arrow
// keeps the bytes as written, for the test that such a file is refused, not crashed on.
//
// Everything comes from fixed formulas: running it again gives the same bytes. Regenerate
// (needs node and the npm registry; the Go tests need neither) with
//
//	cd arrowbridge/testdata/js && npm ci && node gen.mjs
//
// and commit the outputs with any change to this script or package-lock.json.

import { writeFileSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
    Field, Schema, Struct, FixedSizeList, Float32, Float64, Int32, Int64,
    makeData, RecordBatch, RecordBatchFileWriter, tableFromIPC,
    compressionRegistry, CompressionType,
} from 'apache-arrow';
import lz4 from 'lz4js';
import { init as zstdInit, compress as zstdCompress, decompress as zstdDecompress } from '@bokuweb/zstd-wasm';

const arrowVersion = JSON.parse(readFileSync(new URL('./node_modules/apache-arrow/package.json', import.meta.url))).version;
const out = (name) => fileURLToPath(new URL('../' + name, import.meta.url));

// Rows per record batch: several batches of different lengths.
const ROWS = [40, 25, 17];

// The tensor columns, with their canonical arrow.fixed_shape_tensor metadata. shape is the
// physical (row-major) shape of one tensor; logical axis i is physical axis permutation[i];
// dim_names name the physical axes.
const TENSORS = [
    { name: 'tensor', value: 'float32', shape: [3, 4] },
    { name: 'tensor_t', value: 'float64', shape: [2, 5], permutation: [1, 0], dim_names: ['channel', 'time'] },
    // A permutation that is not its own inverse, so a reader that applies the inverse fails.
    { name: 'tensor_3d', value: 'float32', shape: [2, 3, 4], permutation: [2, 0, 1], dim_names: ['C', 'H', 'W'] },
];

const prod = (s) => s.reduce((a, b) => a * b, 1);

// Element k (physical, row-major) of the tensor in row r of batch b of column c: exact in
// float32 (multiples of 1/4 below 2^21) and distinct across rows, batches and columns.
function tensorValue(c, b, r, k) {
    const x = (c * 100000 + b * 10000 + r * 100 + k) / 4;
    return k % 2 ? -x : x;
}
// The plain columns.
const xy = (b, r, j) => (j === 0 ? b + r / 10 : -(b * 1000 + r) * 0.001); // float64, not exact in binary
const label = (b, r) => ((b + r) % 4) - 1; // int32, repetitive (so that LZ4 finds matches)
const id = (b, r) => (b % 2 ? -1n : 1n) * ((1n << 53n) + 1n + (BigInt(b) << 32n) + BigInt(r) * 3n); // int64 beyond 2^53

// logicalOrder returns the values of one tensor (physical row-major order) in the row-major
// order of its logical shape: logical index l is physical index p with p[perm[i]] = l[i].
function logicalOrder(phys, shape, perm) {
    if (!perm) return phys.slice();
    const n = shape.length;
    const lshape = perm.map((p) => shape[p]);
    const pstride = new Array(n);
    for (let i = n - 1, s = 1; i >= 0; i--) { pstride[i] = s; s *= shape[i]; }
    const outv = [];
    const l = new Array(n).fill(0);
    for (let count = 0; count < phys.length; count++) {
        let off = 0;
        for (let i = 0; i < n; i++) off += l[i] * pstride[perm[i]];
        outv.push(phys[off]);
        for (let i = n - 1; i >= 0; i--) { if (++l[i] < lshape[i]) break; l[i] = 0; }
    }
    return outv;
}

const arrowTypes = { float32: () => new Float32(), float64: () => new Float64() };
const arrays = { float32: Float32Array, float64: Float64Array };

function tensorMetadata(t) {
    // Keys in the order Arrow C++ writes them.
    const m = { shape: t.shape };
    if (t.permutation) m.permutation = t.permutation;
    if (t.dim_names) m.dim_names = t.dim_names;
    return JSON.stringify(m);
}

const fields = [
    ...TENSORS.map((t) => new Field(t.name,
        new FixedSizeList(prod(t.shape), new Field('item', arrowTypes[t.value](), false)), true,
        new Map([['ARROW:extension:name', 'arrow.fixed_shape_tensor'], ['ARROW:extension:metadata', tensorMetadata(t)]]))),
    new Field('xy', new FixedSizeList(2, new Field('item', new Float64(), false)), true),
    new Field('label', new Int32(), true),
    new Field('id', new Int64(), true),
];
const schema = new Schema(fields, new Map([['generator', 'arrowbridge/testdata/js/gen.mjs']]));

const expected = {
    generator: `apache-arrow ${arrowVersion} (JavaScript, Node ${process.version.split('.')[0]}), arrowbridge/testdata/js/gen.mjs`,
    files: { 'js_tensors.arrow': 'none', 'js_tensors_lz4.arrow': 'LZ4_FRAME', 'js_tensors_zstd.arrow': 'ZSTD' },
    // As Arrow JS wrote it, with compressed lengths in the buffer prefixes: not a valid file.
    bad_prefix: { 'js_tensors_zstd_badprefix.arrow': 'ZSTD' },
    columns: [
        ...TENSORS.map((t) => ({
            name: t.name, kind: 'tensor', value_type: t.value, shape: t.shape,
            permutation: t.permutation ?? null, dim_names: t.dim_names ?? null,
            logical_shape: t.permutation ? t.permutation.map((p) => t.shape[p]) : t.shape,
            extension_metadata: tensorMetadata(t),
        })),
        { name: 'xy', kind: 'fixed_size_list', value_type: 'float64', shape: [2] },
        { name: 'label', kind: 'primitive', value_type: 'int32', shape: [] },
        { name: 'id', kind: 'primitive', value_type: 'int64', shape: [] },
    ],
    // Per batch and column: shape, the shape of the view (rows, logical tensor shape...);
    // values, its elements in row-major order of that shape; storage (tensors with a
    // permutation), the elements as stored, row-major in the physical shape. int64 values
    // are strings, being beyond 2^53.
    batches: [],
};

const batches = ROWS.map((rows, b) => {
    const children = [];
    const cols = {};
    TENSORS.forEach((t, c) => {
        const size = prod(t.shape);
        const buf = new arrays[t.value](rows * size);
        const values = [];
        const storage = [];
        for (let r = 0; r < rows; r++) {
            const phys = [];
            for (let k = 0; k < size; k++) phys.push(tensorValue(c, b, r, k));
            buf.set(phys, r * size);
            storage.push(...phys);
            values.push(...logicalOrder(phys, t.shape, t.permutation));
        }
        const child = makeData({ type: fields[c].type.children[0].type, length: rows * size, nullCount: 0, data: buf });
        children.push(makeData({ type: fields[c].type, length: rows, nullCount: 0, child }));
        cols[t.name] = { shape: [rows, ...(t.permutation ? t.permutation.map((p) => t.shape[p]) : t.shape)], values };
        if (t.permutation) cols[t.name].storage = storage;
    });
    const xyBuf = new Float64Array(rows * 2);
    for (let r = 0; r < rows; r++) { xyBuf[2 * r] = xy(b, r, 0); xyBuf[2 * r + 1] = xy(b, r, 1); }
    const xyField = fields[TENSORS.length];
    children.push(makeData({ type: xyField.type, length: rows, nullCount: 0,
        child: makeData({ type: xyField.type.children[0].type, length: rows * 2, nullCount: 0, data: xyBuf }) }));
    cols.xy = { shape: [rows, 2], values: Array.from(xyBuf) };
    const labels = Int32Array.from({ length: rows }, (_, r) => label(b, r));
    children.push(makeData({ type: new Int32(), length: rows, nullCount: 0, data: labels }));
    cols.label = { shape: [rows], values: Array.from(labels) };
    const ids = BigInt64Array.from({ length: rows }, (_, r) => id(b, r));
    children.push(makeData({ type: new Int64(), length: rows, nullCount: 0, data: ids }));
    cols.id = { shape: [rows], values: Array.from(ids, String) };
    expected.batches.push({ rows, columns: cols });
    return new RecordBatch(schema, makeData({ type: new Struct(fields), length: rows, nullCount: 0, children }));
});

// Codecs: the JavaScript implementation compresses through codecs registered by the caller.
// The writer stores a buffer uncompressed (length prefix -1) when compressing does not make
// it smaller; count both kinds, so that each compressed file is known to hold real
// compressed buffers, and keep the buffers that were compressed, in order, to correct
// their prefixes.
const stats = {};
let encoded = [];
function register(type, name, encode, decode) {
    stats[name] = { compressed: 0, raw: 0 };
    compressionRegistry.set(type, {
        encode(data) {
            const z = encode(data);
            if (z.length < data.length) {
                stats[name].compressed++;
                encoded.push({ z, n: data.length });
            } else {
                stats[name].raw++;
            }
            return z;
        },
        decode,
    });
}
await zstdInit();
register(CompressionType.LZ4_FRAME, 'LZ4_FRAME', (d) => lz4.compress(d), (d) => lz4.decompress(d));
register(CompressionType.ZSTD, 'ZSTD', (d) => zstdCompress(d, 3), (d) => zstdDecompress(d));

const int64le = (n) => { const b = new Uint8Array(8); new DataView(b.buffer).setBigInt64(0, BigInt(n), true); return b; };

// fixPrefixes finds each compressed buffer, in the order the writer wrote them, preceded by
// the prefix the writer gave it (its compressed length), and writes the uncompressed length
// there instead.
function fixPrefixes(bytes) {
    const fixed = Uint8Array.from(bytes);
    const buf = Buffer.from(fixed.buffer);
    let at = 0;
    for (const { z, n } of encoded) {
        const needle = Buffer.concat([int64le(z.length), z]);
        const i = buf.indexOf(needle, at);
        if (i < 0) throw new Error('compressed buffer not found where the writer wrote it');
        fixed.set(int64le(n), i);
        at = i + needle.length;
    }
    return fixed;
}

function write(compressionType) {
    encoded = [];
    const bytes = RecordBatchFileWriter.writeAll(batches, { compressionType }).toUint8Array(true);
    return compressionType == null ? bytes : { asWritten: bytes, fixed: fixPrefixes(bytes) };
}
writeFileSync(out('js_tensors.arrow'), write(null));
writeFileSync(out('js_tensors_lz4.arrow'), write(CompressionType.LZ4_FRAME).fixed);
const zstdFile = write(CompressionType.ZSTD);
writeFileSync(out('js_tensors_zstd.arrow'), zstdFile.fixed);
writeFileSync(out('js_tensors_zstd_badprefix.arrow'), zstdFile.asWritten);
for (const [name, s] of Object.entries(stats)) {
    if (s.compressed === 0) throw new Error(`${name}: no buffer was compressed`);
}
writeFileSync(out('js_tensors.json'), JSON.stringify(expected, null, 0) + '\n');

// Read every file back with the JavaScript reader and compare with the JSON.
for (const name of [...Object.keys(expected.files), 'js_tensors_zstd_badprefix.arrow']) {
    const table = tableFromIPC(readFileSync(out(name)));
    if (table.batches.length !== ROWS.length) throw new Error(`${name}: ${table.batches.length} batches`);
    table.batches.forEach((batch, b) => {
        for (const f of table.schema.fields) {
            const col = batch.getChild(f.name);
            const want = expected.batches[b].columns[f.name];
            const flat = [];
            for (const v of col) {
                if (v && typeof v === 'object') flat.push(...Array.from(v.toArray ? v.toArray() : v));
                else flat.push(v);
            }
            const got = flat.map((x) => (typeof x === 'bigint' ? String(x) : x));
            const exp = want.storage ?? want.values;
            if (got.length !== exp.length || got.some((x, i) => x !== exp[i])) {
                throw new Error(`${name}: batch ${b} column ${f.name} reads back differently`);
            }
        }
        if (table.schema.fields[0].metadata.get('ARROW:extension:name') !== 'arrow.fixed_shape_tensor') {
            throw new Error(`${name}: field metadata lost`);
        }
    });
}
console.log(`apache-arrow ${arrowVersion}: wrote ${Object.keys(expected.files).join(', ')}, js_tensors_zstd_badprefix.arrow and js_tensors.json;`,
    `${ROWS.length} batches of ${ROWS.join(', ')} rows; buffers compressed/stored raw:`, JSON.stringify(stats));
