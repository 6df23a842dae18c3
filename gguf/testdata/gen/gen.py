#!/usr/bin/env python3
"""Writes gguf/testdata/gguf-py/*.gguf with gguf-py's GGUFWriter, and manifest.json, what the
Go tests expect of each file.

gguf-py is llama.cpp's Python package at llama.cpp commit 4228e138 (2026-07-29); the fork
Tribunus-dev/tessera carries it:

    git -C <tessera> archive 4228e138 gguf-py | tar -x -C /tmp/ggufpy
    PYTHONPATH=/tmp/ggufpy/gguf-py python3 gguf/testdata/gen/gen.py

It needs NumPy (checked with 1.24.2) and nothing else. Every file is written as gguf-py's
own scripts write files: GGUFWriter(path, arch), add_* calls, write_header_to_file,
write_kv_data_to_file, write_tensors_to_file, close. The manifest records, for each file,
the version and alignment, every key with its kind and value (in file order), and every
tensor with its ggml type, NumPy-order shape, absolute offset (as gguf-py's GGUFReader finds
it) and size, and the SHA-256 of the bytes that were given to the writer. Values are
encoded exactly: integers as decimal strings, floats as the hex of their bits, strings as
the hex of their bytes.
"""

import hashlib
import json
import os
import struct
import sys

import numpy as np

import gguf
from gguf import GGMLQuantizationType as Q
from gguf import GGUFValueType as V

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "gguf-py")
LLAMA_CPP_COMMIT = "4228e138"

rng = np.random.default_rng(20260821)

FMT = {V.UINT8: "<B", V.INT8: "<b", V.UINT16: "<H", V.INT16: "<h", V.UINT32: "<I", V.INT32: "<i",
       V.FLOAT32: "<f", V.UINT64: "<Q", V.INT64: "<q", V.FLOAT64: "<d"}


def enc(kind, v):
    """The manifest's text of one value of kind, as gguf-py packs it."""
    if kind == V.BOOL:
        return "true" if v else "false"
    if kind == V.STRING:
        b = v.encode("utf-8") if isinstance(v, str) else bytes(v)
        return b.hex()
    packed = struct.pack(FMT[kind], v)
    if kind == V.FLOAT32:
        return "0x%08x" % struct.unpack("<I", packed)[0]
    if kind == V.FLOAT64:
        return "0x%016x" % struct.unpack("<Q", packed)[0]
    return str(struct.unpack(FMT[kind], packed)[0])


class File:
    """One file: a GGUFWriter and the manifest entry that follows what is added to it."""

    def __init__(self, name, arch="ndview", endianess=gguf.GGUFEndian.LITTLE, expect="ok"):
        self.name = name
        self.path = os.path.join(OUT, name)
        self.w = gguf.GGUFWriter(self.path, arch, endianess=endianess)
        self.kvs = [{"key": "general.architecture", "kind": int(V.STRING), "value": enc(V.STRING, arch)}]
        self.tensors = []
        self.alignment = 32
        self.expect = expect

    def kv(self, key, kind, value, sub=None):
        if kind == V.ARRAY:
            self.w.add_key_value(key, value, V.ARRAY, sub_type=sub)
            if sub != V.ARRAY:
                self.kvs.append({"key": key, "kind": int(V.ARRAY), "elem": int(sub), "value": [enc(sub, x) for x in value]})
        else:
            self.w.add_key_value(key, value, kind)
            self.kvs.append({"key": key, "kind": int(kind), "value": enc(kind, value)})

    def align(self, a):
        self.w.add_custom_alignment(a)
        self.alignment = a
        self.kvs.append({"key": "general.alignment", "kind": int(V.UINT32), "value": str(a)})

    def tensor(self, name, arr, raw_dtype=None, shape=None):
        """Adds a tensor; shape is its NumPy-order shape in elements (for raw blocks)."""
        self.w.add_tensor(name, arr, raw_dtype=raw_dtype)
        t = raw_dtype if raw_dtype is not None else {
            np.dtype(np.float32): Q.F32, np.dtype(np.float16): Q.F16, np.dtype(np.float64): Q.F64,
            np.dtype(np.int8): Q.I8, np.dtype(np.int16): Q.I16, np.dtype(np.int32): Q.I32,
            np.dtype(np.int64): Q.I64}[arr.dtype]
        self.tensors.append({"name": name, "type": int(t), "shape": list(shape if shape is not None else arr.shape),
                             "size": int(arr.nbytes), "sha256": hashlib.sha256(np.ascontiguousarray(arr).tobytes()).hexdigest()})

    def write(self):
        self.w.write_header_to_file()
        self.w.write_kv_data_to_file()
        self.w.write_tensors_to_file()
        self.w.close()
        entry = {"file": self.name, "expect": self.expect}
        if self.expect == "ok":
            r = gguf.GGUFReader(self.path)
            offsets = {t.name: int(t.data_offset) for t in r.tensors}
            for t in self.tensors:
                t["offset"] = offsets[t["name"]]
            entry.update({"version": 3, "alignment": self.alignment, "kvs": self.kvs, "tensors": self.tensors})
        size = os.path.getsize(self.path)
        assert size < 1 << 20, (self.name, size)
        return entry


def floats(n, dtype):
    """n values of a float dtype, special values first."""
    special = np.array([0.0, -0.0, 1.0, -2.5, np.inf, -np.inf, np.nan, 1e-8, 65504.0, 3.0e38], dtype=np.float64)
    with np.errstate(over="ignore"):
        vals = np.concatenate([special.astype(dtype), (rng.standard_normal(max(n - len(special), 0)) * 100).astype(dtype)])
    return vals[:n]


def ints(n, dtype):
    info = np.iinfo(dtype)
    special = np.array([0, -1, 1, info.min, info.max], dtype=dtype)
    vals = np.concatenate([special, rng.integers(info.min, info.max, size=max(n - len(special), 0), dtype=dtype, endpoint=True)])
    return vals[:n]


def plain(shape, kind):
    n = int(np.prod(shape)) if len(shape) else 1
    if kind == "BF16":
        bits = rng.integers(0, 1 << 16, size=n, dtype=np.uint16)
        special = [0x3F80, 0x7F80, 0x7FC1, 0x8000]  # 1.0, +inf, a NaN, -0.0
        bits[:min(n, 4)] = special[:min(n, 4)]
        return bits.reshape(shape), Q.BF16
    dtype = {"F32": np.float32, "F16": np.float16, "F64": np.float64, "I8": np.int8, "I16": np.int16,
             "I32": np.int32, "I64": np.int64}[kind]
    vals = floats(n, dtype) if kind[0] == "F" else ints(n, dtype)
    return vals.reshape(shape), None


def blocks(t, shape):
    """Random bytes as blocks of ggml type t for a NumPy-order element shape: uint8 rows of
    RowBytes, as gguf-py's quantizers hand them to add_tensor with raw_dtype."""
    bs, bb = gguf.GGML_QUANT_SIZES[t]
    assert shape[-1] % bs == 0
    return rng.integers(0, 256, size=(*shape[:-1], shape[-1] // bs * bb), dtype=np.uint8)


def main():
    os.makedirs(OUT, exist_ok=True)
    files = []

    # Every metadata type: each scalar, bool, strings (empty, not UTF-8), arrays of each type.
    f = File("meta.gguf")
    f.kv("u8.min", V.UINT8, 0)
    f.kv("u8.max", V.UINT8, 255)
    f.kv("i8", V.INT8, -128)
    f.kv("u16", V.UINT16, 65535)
    f.kv("i16", V.INT16, -32768)
    f.kv("u32", V.UINT32, 4294967295)
    f.kv("i32", V.INT32, -2147483648)
    f.kv("f32", V.FLOAT32, 0.1)
    f.kv("f32.nan", V.FLOAT32, float("nan"))
    f.kv("f32.negzero", V.FLOAT32, -0.0)
    f.kv("f32.inf", V.FLOAT32, float("-inf"))
    f.kv("bool.true", V.BOOL, True)
    f.kv("bool.false", V.BOOL, False)
    f.kv("string", V.STRING, "héllo, wörld 🦙")
    f.kv("string.empty", V.STRING, "")
    f.kv("string.bytes", V.STRING, b"\xff\xfe\x00not utf-8")
    f.kv("u64", V.UINT64, 18446744073709551615)
    f.kv("i64", V.INT64, -9223372036854775808)
    f.kv("f64", V.FLOAT64, 0.1)
    f.kv("f64.nan", V.FLOAT64, float("nan"))
    f.kv("arr.u8", V.ARRAY, [0, 1, 255], V.UINT8)
    f.kv("arr.i8", V.ARRAY, [-128, 0, 127], V.INT8)
    f.kv("arr.u16", V.ARRAY, [0, 65535], V.UINT16)
    f.kv("arr.i16", V.ARRAY, [-32768, 32767, 1], V.INT16)
    f.kv("arr.u32", V.ARRAY, [1, 2, 4294967295], V.UINT32)
    f.kv("arr.i32", V.ARRAY, [-2147483648, 2147483647], V.INT32)
    f.kv("arr.f32", V.ARRAY, [0.5, float("nan"), -0.0, float("inf"), 1e-45], V.FLOAT32)
    f.kv("arr.bool", V.ARRAY, [True, False, True], V.BOOL)
    f.kv("arr.u64", V.ARRAY, [0, 18446744073709551615], V.UINT64)
    f.kv("arr.i64", V.ARRAY, [-9223372036854775808, 9223372036854775807], V.INT64)
    f.kv("arr.f64", V.ARRAY, [0.1, float("-inf"), 5e-324], V.FLOAT64)
    f.kv("arr.string", V.ARRAY, ["", "a", "", "héllo", b"\xc3", ""], V.STRING)
    f.kv("arr.bytes", V.ARRAY, b"\x00\x01\xfe\xff", V.UINT8)
    vocab = []
    for i in range(3000):
        vocab.append("" if i % 97 == 0 else "▁tok%d" % i + "x" * (i % 11))
    f.kv("tokenizer.ggml.tokens", V.ARRAY, vocab, V.STRING)
    f.kv("tokenizer.ggml.scores", V.ARRAY, [float(-i) for i in range(3000)], V.FLOAT32)
    f.kv("tokenizer.ggml.token_type", V.ARRAY, [1 + i % 6 for i in range(3000)], V.INT32)
    a, raw = plain((2, 3), "F32")
    f.tensor("one", a, raw)
    files.append(f.write())

    # 1-D to 4-D tensors of every plain type (BF16 as uint16 bits with raw_dtype BF16).
    f = File("plain.gguf")
    shapes = [(7,), (4, 6), (3, 4, 5), (2, 3, 4, 5)]
    for kind in ["F32", "F16", "BF16", "F64", "I8", "I16", "I32", "I64"]:
        for s in shapes:
            arr, raw = plain(s, kind)
            f.tensor("%s.%dd" % (kind.lower(), len(s)), arr, raw, shape=s)
    files.append(f.write())

    # Every alignment gguf-py can be given that tests care about, with tensors of odd sizes
    # so that some are misaligned for their element type at small alignments.
    for al in [1, 2, 4, 8, 32, 64, 4096]:
        f = File("align%d.gguf" % al)
        f.kv("before", V.UINT8, 7)
        f.align(al)
        f.kv("after", V.STRING, "x")
        for name, s, kind in [("i8", (3,), "I8"), ("f64", (2, 3), "F64"), ("f32", (5,), "F32"), ("i16", (7,), "I16"),
                              ("i64", (1,), "I64"), ("f16", (3,), "F16"), ("bf16", (3, 1), "BF16"), ("i32", (2, 1, 1, 3), "I32")]:
            arr, raw = plain(s, kind)
            f.tensor(name, arr, raw, shape=s)
        files.append(f.write())

    # Quantized tensors as raw blocks.
    f = File("quant.gguf")
    for name, t, s in [("q8_0", Q.Q8_0, (4, 64)), ("q8_0.3d", Q.Q8_0, (2, 3, 32)), ("q4_k", Q.Q4_K, (3, 512)),
                       ("q4_0", Q.Q4_0, (2, 32)), ("q5_1", Q.Q5_1, (1, 64)), ("q6_k", Q.Q6_K, (2, 256)),
                       ("iq4_nl", Q.IQ4_NL, (32,)), ("mxfp4", Q.MXFP4, (2, 2, 64)), ("tq2_0", Q.TQ2_0, (1, 256)),
                       ("iq2_xxs", Q.IQ2_XXS, (256,)), ("q2_k.4d", Q.Q2_K, (1, 2, 1, 256))]:
        f.tensor(name, blocks(t, s), t, shape=s)
    files.append(f.write())

    # Empty tensors and a tensor with no dimensions.
    f = File("empty_tensor.gguf")
    f.tensor("empty.f32", np.zeros((0, 3), np.float32))
    f.tensor("empty.i8", np.zeros((4, 0), np.int8))
    f.tensor("scalar", np.array(2.5, np.float32))
    f.tensor("after", np.arange(3, dtype=np.int16))
    files.append(f.write())

    # No tensors at all; and nothing at all (gguf-py always adds general.architecture: the
    # writer's table is emptied before it writes).
    f = File("notensors.gguf")
    f.kv("only", V.STRING, "metadata")
    files.append(f.write())
    f = File("nothing.gguf")
    f.w.kv_data[0].clear()
    f.kvs = []
    files.append(f.write())

    # A big-endian file and a nested array: gguf-py writes both, ggml refuses both.
    f = File("bigendian.gguf", endianess=gguf.GGUFEndian.BIG, expect="big-endian")
    f.kv("n", V.UINT32, 1)
    f.tensor("t", np.arange(4, dtype=np.float32))
    files.append(f.write())
    f = File("nested.gguf", expect="nested")
    f.kv("nested", V.ARRAY, [[1, 2], [3]], V.ARRAY)
    files.append(f.write())

    manifest = {"generator": "gguf/testdata/gen/gen.py", "gguf-py": "llama.cpp " + LLAMA_CPP_COMMIT,
                "numpy": np.__version__, "files": files}
    with open(os.path.join(OUT, "manifest.json"), "w") as out:
        json.dump(manifest, out, indent=1, ensure_ascii=True)
        out.write("\n")


if __name__ == "__main__":
    sys.exit(main())
