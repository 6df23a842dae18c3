#!/usr/bin/env python3
"""Writes gguf/testdata/hostile/*.gguf, one file per rule of ggml's GGUF reader
(gguf_init_from_reader in src/gguf.cpp, ggml-org/ggml d99724f2) and per thing it leaves
unchecked, and hostile.json, what each file is meant to test:

  expect "reject"     ggml refuses the file, and so must gguf.Open;
  expect "accept"     ggml reads the file, and so must gguf.Open;
  expect "miss-eof"   ggml reads it (no_alloc does not look at tensor data) but a tensor's
                      data lies past the end of the file: gguf.Open refuses;
  expect "miss-wrap"  ggml reads it because its int64 element count wraps: gguf.Open refuses.

The verdicts ggml itself gives are in ../ggml-verdicts.txt (see README.md); the Go test
checks that every file's expectation agrees with them. Pure Python, no gguf-py:

    python3 gguf/testdata/gen/hostile.py
"""

import json
import os
import struct
import sys

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "hostile")

U8, I8, U16, I16, U32, I32, F32, BOOL, STR, ARR, U64, I64, F64 = range(13)
F32T, F16T, Q4_0, Q8_0, Q4_K, I8T, I32T, I64T, BF16 = 0, 1, 2, 8, 12, 24, 26, 27, 30


def u32(x): return struct.pack("<I", x & 0xFFFFFFFF)
def i32(x): return struct.pack("<i", x)
def u64(x): return struct.pack("<Q", x & 0xFFFFFFFFFFFFFFFF)
def i64(x): return struct.pack("<q", x)
def gstr(b): return u64(len(b)) + b


class G:
    """A GGUF file as labelled fields, so that it can be cut at any field."""

    def __init__(self, version=3, nt=None, nkv=None):
        self.version, self.nt, self.nkv = version, nt, nkv
        self.kvs, self.infos, self.data = [], [], []
        self.align = 32
        self.pad_data = True

    def kv(self, key, typ, payload):
        self.kvs.append([("key len", u64(len(key))), ("key", key), ("type", u32(typ)), ("value", payload)])
        return self

    def arr(self, key, elem, n, payload):
        self.kvs.append([("key len", u64(len(key))), ("key", key), ("type", u32(ARR)), ("elem type", u32(elem)),
                         ("count", u64(n)), ("elements", payload)])
        return self

    def tensor(self, name, ne, typ, offset=None, data=b""):
        self.infos.append([name, ne, typ, offset, data])
        return self

    def fields(self):
        f = [("magic", b"GGUF"), ("version", u32(self.version)),
             ("tensor count", u64(len(self.infos) if self.nt is None else self.nt)),
             ("kv count", u64(len(self.kvs) if self.nkv is None else self.nkv))]
        for i, kv in enumerate(self.kvs):
            f += [("kv%d %s" % (i, lab), b) for lab, b in kv]
        at = 0
        for i, (name, ne, typ, offset, data) in enumerate(self.infos):
            f += [("t%d name len" % i, u64(len(name))), ("t%d name" % i, name), ("t%d n_dims" % i, u32(len(ne)))]
            f += [("t%d ne%d" % (i, j), u64(d)) for j, d in enumerate(ne)]
            f += [("t%d type" % i, u32(typ)), ("t%d offset" % i, u64(at if offset is None else offset))]
            at += len(data) + (-len(data)) % self.align
        hdr = sum(len(b) for _, b in f)
        if self.infos:
            f.append(("padding", b"\0" * ((-hdr) % self.align)))
        for i, (_, _, _, _, data) in enumerate(self.infos):
            f.append(("t%d data" % i, data))
            if self.pad_data or i < len(self.infos) - 1:  # pad_data False: no padding after the last
                f.append(("t%d padding" % i, b"\0" * ((-len(data)) % self.align)))
        return [(lab, b) for lab, b in f]

    def bytes(self):
        return b"".join(b for _, b in self.fields())


def base():
    """A small valid file with a field of every kind, to cut."""
    g = G()
    g.kv(b"general.architecture", STR, gstr(b"llama"))
    g.kv(b"n", U32, u32(7))
    g.arr(b"scores", F32, 3, struct.pack("<3f", 1, 2, 3))
    g.arr(b"tokens", STR, 2, gstr(b"ab") + gstr(b"c"))
    g.tensor(b"w", [4, 2], F32T, data=struct.pack("<8f", *range(8)))
    g.tensor(b"b", [3], I8T, data=b"\x01\x02\x03")
    return g


def f32tensor(name=b"w", ne=(4,), **kw):
    n = 1
    for d in ne:
        n *= d
    return G().kv(b"a", U8, b"\x01").tensor(name, list(ne), F32T, data=b"\0" * (4 * n), **kw)


def main():
    os.makedirs(OUT, exist_ok=True)
    for old in os.listdir(OUT):
        if old.endswith(".gguf"):
            os.remove(os.path.join(OUT, old))
    cases = []

    def add(name, data, expect, why):
        assert not data.startswith((b"\x7fELF", b"\xfe\xed\xfa", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"MZ"))
        assert len(data) < 1 << 16, name
        with open(os.path.join(OUT, name + ".gguf"), "wb") as out:
            out.write(data)
        cases.append({"file": name + ".gguf", "expect": expect, "why": why})

    good = base()
    add("base", good.bytes(), "accept", "the file every truncation below is cut from")

    # Magic and version.
    add("magic_bad", b"GGUG" + good.bytes()[4:], "reject", "magic GGUG")
    add("magic_lower", b"gguf" + good.bytes()[4:], "reject", "magic in lower case")
    add("empty", b"", "reject", "no bytes at all")
    for v, expect in [(0, "reject"), (1, "reject"), (2, "accept"), (4, "reject"), (0x10000, "reject"),
                      (0x02000000, "reject"), (0xFFFFFFFF, "reject")]:
        g = base()
        g.version = v
        add("version_%x" % v, g.bytes(), expect, "version %d" % v)
    b = bytearray(good.bytes())
    b[4:8] = struct.pack(">I", 3)
    add("bigendian_version", bytes(b), "reject", "version 3 written big-endian")

    # Counts.
    for name, nt, nkv in [("ntensors_negative", -1, None), ("nkv_negative", None, -1),
                          ("ntensors_huge", 1 << 62, None), ("nkv_huge", None, 1 << 40),
                          ("ntensors_int64_min", -(1 << 63), None), ("ntensors_one_more", 3, None),
                          ("nkv_one_more", None, 5), ("nkv_one_less", None, 3)]:
        g = base()
        g.nt, g.nkv = nt, nkv
        add(name, g.bytes(), "reject", "counts %s %s" % (nt, nkv))

    # Truncation inside every field of the base file (and at each field's start).
    fields = good.fields()
    at = 0
    for i, (lab, b) in enumerate(fields):
        for cut, tag in [(0, "start"), (len(b) // 2, "mid")]:
            if tag == "mid" and len(b) < 2:
                continue
            if tag == "start" and (i == 0 or len(b) == 0):
                continue
            data = good.bytes()[:at + cut]
            expect = "reject"  # a read past the end, or (in the header's padding) the data section
            if lab.endswith(" data") or lab == "t0 padding":
                expect = "miss-eof"  # the header is whole; a tensor's data is not
            elif lab == "t1 padding":
                expect = "accept"  # only the last tensor's padding is missing
            add("trunc_%02d_%s_%s" % (i, lab.replace(" ", "_"), tag), data, expect, "cut %s %s" % (tag, lab))
        at += len(b)

    # Strings and arrays.
    add("key_len_over_2_30", G().kv(b"k", U8, b"\1").bytes().replace(u64(1) + b"k", u64((1 << 30) + 1) + b"k", 1), "reject", "key length 2**30+1")
    add("key_len_past_end", G().kv(b"k", U8, b"\1").bytes().replace(u64(1) + b"k", u64(100) + b"k", 1), "reject", "key length past the end")
    add("key_len_2_63", G().kv(b"k", U8, b"\1").bytes().replace(u64(1) + b"k", u64(1 << 63) + b"k", 1), "reject", "key length 2**63")
    add("string_len_over_2_30", G().kv(b"s", STR, u64((1 << 30) + 1) + b"abc").bytes(), "reject", "string value of 2**30+1 bytes")
    add("string_len_past_end", G().kv(b"s", STR, u64(50) + b"abc").bytes(), "reject", "string value past the end")
    add("string_len_max", G().kv(b"s", STR, u64((1 << 64) - 1) + b"abc").bytes(), "reject", "string value of 2**64-1 bytes")
    add("array_len_over_2_30", G().arr(b"a", U8, (1 << 30) + 1, b"\0" * 64).bytes(), "reject", "array of 2**30+1 u8")
    add("array_len_past_end", G().arr(b"a", U32, 1000, b"\0" * 64).bytes(), "reject", "array of 1000 u32 in 64 bytes")
    add("array_len_huge", G().arr(b"a", U64, 1 << 61, b"\0" * 64).bytes(), "reject", "array of 2**61 u64")
    add("array_strings_2_40", G().arr(b"a", STR, 1 << 40, b"\0" * 64).bytes(), "reject", "array of 2**40 strings")
    add("array_strings_past_end", G().arr(b"a", STR, 9, gstr(b"x") * 8).bytes(), "reject", "9 strings, 8 present")
    add("array_string_over_2_30", G().arr(b"a", STR, 2, gstr(b"x") + u64((1 << 30) + 1) + b"y" * 16).bytes(), "reject", "a string of 2**30+1 bytes in an array")
    add("array_string_past_end", G().arr(b"a", STR, 2, gstr(b"x") + u64(100) + b"y" * 16).bytes(), "reject", "a string past the end in an array")
    add("array_empty", G().arr(b"a", U32, 0, b"").arr(b"s", STR, 0, b"").bytes(), "accept", "empty arrays")
    add("array_exact_end", G().arr(b"a", U16, 3, b"\1\0\2\0\3\0").bytes(), "accept", "an array that ends the file")
    add("key_empty", G().kv(b"", U8, b"\1").bytes(), "reject", "an empty key")
    add("key_duplicate", G().kv(b"k", U8, b"\1").kv(b"k", U8, b"\1").bytes(), "reject", "a key given twice")
    add("key_duplicate_other_type", G().kv(b"k", U8, b"\1").kv(b"k", STR, gstr(b"v")).bytes(), "reject", "a key given twice, with another type")
    add("key_nul", G().kv(b"a\0b", U8, b"\1").kv(b"a\0c", U8, b"\1").bytes(), "accept", "keys with NUL bytes that differ after it (ggml compares keys as std::string)")
    add("key_not_utf8", G().kv(b"\xff\xfe", STR, gstr(b"\xc3")).bytes(), "accept", "key and value that are not UTF-8")
    add("value_type_13", G().kv(b"k", 13, b"\1" * 8).bytes(), "reject", "value type 13")
    add("value_type_negative", G().kv(b"k", -1, b"\1" * 8).bytes(), "reject", "value type -1")
    add("value_type_huge", G().kv(b"k", 0x7FFFFFFF, b"\1" * 8).bytes(), "reject", "value type 2**31-1")
    add("array_elem_type_13", G().arr(b"a", 13, 1, b"\1" * 8).bytes(), "reject", "array element type 13")
    add("array_nested", G().arr(b"a", ARR, 1, u32(U8) + u64(1) + b"\1").bytes(), "reject", "an array of arrays")
    add("array_nested_empty", G().arr(b"a", ARR, 0, b"").bytes(), "reject", "an empty array of arrays")
    add("bool_two", G().kv(b"b", BOOL, b"\2").arr(b"bs", BOOL, 3, b"\0\1\xff").bytes(), "accept", "bool bytes 2 and 255 (ggml reads any non-zero byte as true)")
    add("every_scalar", G().kv(b"u8", U8, b"\xff").kv(b"i8", I8, b"\x80").kv(b"u16", U16, u32(65535)[:2])
        .kv(b"i16", I16, b"\x00\x80").kv(b"u32", U32, u32(1)).kv(b"i32", I32, i32(-1)).kv(b"f32", F32, struct.pack("<f", 1.5))
        .kv(b"bool", BOOL, b"\1").kv(b"str", STR, gstr(b"")).kv(b"u64", U64, u64(-1)).kv(b"i64", I64, i64(-5))
        .kv(b"f64", F64, struct.pack("<d", -0.25)).bytes(), "accept", "one value of every scalar type")

    # Alignment.
    add("align_u64", G().kv(b"general.alignment", U64, u64(32)).bytes(), "reject", "general.alignment a u64")
    add("align_i32", G().kv(b"general.alignment", I32, i32(32)).bytes(), "reject", "general.alignment an i32")
    add("align_string", G().kv(b"general.alignment", STR, gstr(b"32")).bytes(), "reject", "general.alignment a string")
    add("align_array", G().arr(b"general.alignment", U32, 1, u32(32)).bytes(), "reject", "general.alignment an array of one u32")
    add("align_zero", G().kv(b"general.alignment", U32, u32(0)).bytes(), "reject", "general.alignment 0")
    add("align_three", G().kv(b"general.alignment", U32, u32(3)).bytes(), "reject", "general.alignment 3")
    add("align_2_31", G().kv(b"general.alignment", U32, u32(1 << 31)).bytes(), "accept", "general.alignment 2**31, no tensors")
    g = G().kv(b"general.alignment", U32, u32(1 << 31)).tensor(b"t", [1], I8T, data=b"\1")
    g.align = 1 << 31
    add("align_2_31_tensor", b"".join(b for lab, b in g.fields() if "padding" not in lab), "reject", "general.alignment 2**31: the data section would start past the end")
    g = G().kv(b"general.alignment", U32, u32(1)).tensor(b"a", [3], I8T, data=b"\1\2\3").tensor(b"b", [2], F32T, data=b"\0" * 8)
    g.align = 1
    add("align_one", g.bytes(), "accept", "general.alignment 1: a misaligned F32 tensor")
    g = G().kv(b"general.alignment", U32, u32(64)).tensor(b"a", [3], I8T, data=b"\1\2\3").tensor(b"b", [2], F32T, data=b"\0" * 8)
    g.align = 64
    add("align_64", g.bytes(), "accept", "general.alignment 64")

    # Tensor names, dimensions and types.
    add("name_63", f32tensor(name=b"n" * 63).bytes(), "accept", "a name of 63 bytes")
    add("name_64", f32tensor(name=b"n" * 64).bytes(), "reject", "a name of 64 bytes")
    add("name_len_over_2_30", f32tensor().bytes().replace(u64(1) + b"w", u64((1 << 30) + 1) + b"w", 1), "reject", "a name of 2**30+1 bytes")
    add("name_empty", f32tensor(name=b"").bytes(), "accept", "an empty tensor name")
    g = f32tensor(name=b"w")
    g.tensor(b"w", [4], F32T, data=b"\0" * 16)
    add("name_duplicate", g.bytes(), "reject", "a tensor name given twice")
    g = f32tensor(name=b"w\0x")
    g.tensor(b"w\0y", [4], F32T, data=b"\0" * 16)
    add("name_duplicate_nul", g.bytes(), "reject", "names that are equal up to a NUL byte (ggml compares C strings)")
    g = f32tensor(name=b"w")
    g.tensor(b"w\0", [4], F32T, data=b"\0" * 16)
    add("name_duplicate_trailing_nul", g.bytes(), "reject", "w and w\\0")
    add("ndims_0", G().tensor(b"s", [], F32T, data=b"\0\0\x80\x3f").bytes(), "accept", "n_dims 0: one element")
    add("ndims_4", f32tensor(ne=(1, 2, 1, 3)).bytes(), "accept", "n_dims 4")
    g = f32tensor(ne=(1, 1, 1, 1))
    g.infos[0][1] = [1, 1, 1, 1, 1]
    add("ndims_5", g.bytes(), "reject", "n_dims 5")
    g = f32tensor()
    g.infos[0][1] = [1] * 1000
    add("ndims_1000", g.bytes(), "reject", "n_dims 1000")
    add("ne_negative", f32tensor().bytes().replace(u64(4) + u32(F32T), i64(-4) + u32(F32T), 1), "reject", "ne[0] = -4")
    g = f32tensor(ne=(2, 2))
    g.infos[0][1] = [2, -1]
    add("ne1_negative", g.bytes(), "reject", "ne[1] = -1")
    for name, ne, typ, expect, why in [
        ("ne_max", [(1 << 63) - 1], I8T, "reject", "2**63-1 elements"),
        ("ne_count_ggml", [1 << 33, (1 << 31) + 1], I8T, "reject", "2**64+2**33 elements: the wrapped count is positive and ggml's test catches it"),
        ("ne_wrap_zero", [1 << 32, 1 << 32], F32T, "miss-wrap", "ne [2**32, 2**32]: ggml's count wraps to 0"),
        ("ne_wrap_negative", [1 << 32, 1 << 31], I8T, "miss-wrap", "ne [2**32, 2**31] of I8: the count wraps to -2**63 and the size test passes for 1-byte types"),
        ("ne_wrap_4d", [1 << 16, 1 << 16, 1 << 16, 1 << 16], I8T, "miss-wrap", "ne [2**16]*4: wraps to 0"),
        ("ne_bytes_over_2_64", [1 << 62], F32T, "reject", "2**62 F32 elements: 2**64 bytes"),
        ("ne_empty_huge", [0, 1 << 62, 1 << 62], F32T, "accept", "an empty tensor with huge other dimensions (no view can describe it)"),
        ("ne_big_past_end", [1 << 40], I8T, "miss-eof", "2**40 I8 elements in a small file"),
    ]:
        add(name, G().tensor(b"t", ne, typ, data=b"\0" * 16).bytes(), expect, why)
    for typ, why in [(4, "Q4_2, removed"), (5, "Q4_3, removed"), (31, "Q4_0_4_4, removed"), (33, "removed"), (36, "IQ4_NL_4_4, removed"),
                     (38, "removed"), (43, "past the last type"), (1000, "unknown"), (-1, "negative")]:
        add("type_%d" % typ if typ >= 0 else "type_negative", G().tensor(b"t", [32], typ & 0xFFFFFFFF, data=b"\0" * 32).bytes(), "reject", "ggml type %d: %s" % (typ, why))
    add("type_q8_0_ok", G().tensor(b"t", [64, 2], Q8_0, data=b"\0" * (4 * 34)).bytes(), "accept", "Q8_0, ne[0] = 64")
    add("type_q8_0_row_33", G().tensor(b"t", [33, 2], Q8_0, data=b"\0" * (4 * 34)).bytes(), "reject", "Q8_0, ne[0] = 33")
    add("type_q4_k_row_100", G().tensor(b"t", [100], Q4_K, data=b"\0" * 144).bytes(), "reject", "Q4_K, ne[0] = 100")
    add("type_q4_k_row_0", G().tensor(b"t", [0, 5], Q4_K, data=b"").bytes(), "accept", "Q4_K, ne[0] = 0")

    # Offsets.
    def two(off0=None, off1=None, sizes=(16, 16)):
        g = G().kv(b"a", U8, b"\1")
        g.tensor(b"a", [sizes[0] // 4], F32T, offset=off0, data=b"\0" * sizes[0])
        g.tensor(b"b", [sizes[1] // 4], F32T, offset=off1, data=b"\0" * sizes[1])
        return g
    add("offsets_ok", two().bytes(), "accept", "offsets 0 and 32")
    add("offset_gap", two(off1=64).bytes() + b"\0" * 64, "reject", "a gap between the tensors")
    add("offset_first_not_0", two(off0=32, off1=64).bytes() + b"\0" * 64, "reject", "the first tensor at 32")
    add("offset_reorder", two(off0=32, off1=0).bytes(), "reject", "the tensors swapped")
    add("offset_overlap", two(off1=8).bytes(), "reject", "the second tensor inside the first")
    add("offset_misaligned", two(off1=16).bytes(), "reject", "the second tensor right after the first, not padded")
    add("offset_huge", two(off1=1 << 63).bytes(), "reject", "offset 2**63")
    add("data_past_eof", two().bytes()[:-40], "miss-eof", "the second tensor's data cut short")
    g = two()
    g.pad_data = False
    add("no_final_padding", g.bytes(), "accept", "no padding after the last tensor")
    add("trailing_bytes", two().bytes() + b"trailing", "accept", "bytes after the last tensor")
    g = G().kv(b"a", STR, gstr(b"xyz"))
    add("no_tensors_no_padding", g.bytes(), "accept", "no tensors: the header is not padded")
    add("no_tensors_trailing", g.bytes() + b"\xff" * 7, "accept", "no tensors, trailing bytes")
    add("header_only", G().bytes(), "accept", "24 bytes: no pairs, no tensors")
    g = G().kv(b"a", U8, b"\1").tensor(b"z", [0], F32T, data=b"")
    add("zero_size_tensor_last", b"".join(b for lab, b in g.fields() if lab != "padding"), "reject", "one empty tensor: the data section (the header padded) must still be inside the file")
    add("zero_size_tensor_padded", g.bytes(), "accept", "one empty tensor, header padded")

    with open(os.path.join(OUT, "hostile.json"), "w") as out:
        json.dump({"generator": "gguf/testdata/gen/hostile.py", "files": cases}, out, indent=1)
        out.write("\n")


if __name__ == "__main__":
    sys.exit(main())
