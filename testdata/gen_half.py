#!/usr/bin/python3
"""Writes the float16 test vectors of half_test.go from NumPy (run with NumPy 1.24: Debian's
python3-numpy): cd testdata && /usr/bin/python3 gen_half.py [--no-crc]. --no-crc leaves
half_f32_crc.txt as it is, which takes ten minutes to write.

Files, all little-endian, gzip-compressed without a timestamp:

  half_f16.bin.gz  every float16 bit pattern 0..65535 converted to float32 (65536 uint32 bit
                   patterns), then to float64 (65536 uint64).
  half_f32.bin.gz  float32 -> float16 cases: n uint32 inputs, then n uint16 results.
                   Every positive rounding boundary (the midpoint of two neighbouring float16
                   values and the float32 values either side of it, the largest finite
                   value's midpoint to Inf included), specials, NaN payloads, random values.
  half_f64.bin.gz  float64 -> float16 cases: n uint64 inputs, then n uint16 results: each
                   midpoint, its float64 neighbours, and values within 2^-30 of it relative
                   (double-rounding traps: through float32 they round to the midpoint, then
                   to even), specials, NaN payloads, random values.
  half_f32_crc.txt the CRC-32 (IEEE, as zlib.crc32) of the float16 results of all 2^32 float32
                   bit patterns, in 256 chunks of 2^24 patterns (chunk k: patterns k<<24 up),
                   results as little-endian uint16: "k crc" per line, in hex.

Negative inputs are not stored: the script asserts that NumPy's result for -x is the result
for x with the sign bit set, for every stored input (NaNs included), and the Go test checks
both signs.
"""
import gzip
import sys
import warnings
import zlib

import numpy as np

warnings.simplefilter("ignore", RuntimeWarning)  # overflow to Inf is what is tested

assert np.__version__.startswith("1.24"), np.__version__


def write(name, *arrays):
    data = b"".join(a.astype(a.dtype.newbyteorder("<")).tobytes() for a in arrays)
    with open(name, "wb") as f:
        f.write(gzip.compress(data, compresslevel=9, mtime=0))


def f16_of_bits32(b):
    return b.view(np.float32).astype(np.float16).view(np.uint16)


def f16_of_bits64(b):
    return b.view(np.float64).astype(np.float16).view(np.uint16)


def check_sign(inp, out, signbit, f16):
    neg = f16(inp | signbit)
    assert (neg == (out | 0x8000)).all(), "NumPy is not sign-symmetric here"


rng = np.random.default_rng(20260512)

# --- float16 -> float32, float64: every bit pattern.
h = np.arange(65536, dtype=np.uint32).astype(np.uint16).view(np.float16)
f32 = h.astype(np.float32).view(np.uint32)
f64 = h.astype(np.float64).view(np.uint64)
write("half_f16.bin.gz", f32, f64)

# Positive finite float16 values and their midpoints (the last one, between 65504 and
# 65536, is where values start to overflow to Inf).
pos = np.arange(0x7C00, dtype=np.uint16).view(np.float16).astype(np.float64)
nxt = np.arange(1, 0x7C01, dtype=np.uint16)
nxt_val = np.where(nxt == 0x7C00, 65536.0, nxt.view(np.float16).astype(np.float64))
mid = (pos + nxt_val) / 2  # exact in float64 and in float32

# --- float32 -> float16.
m32 = mid.astype(np.float32)
assert (m32.astype(np.float64) == mid).all()
p32 = pos.astype(np.float32)
cases = [
    m32, np.nextafter(m32, np.float32(np.inf)), np.nextafter(m32, np.float32(0)),
    p32, np.nextafter(p32, np.float32(np.inf)),
]
bits32 = [c.view(np.uint32) for c in cases]
special32 = [
    0x00000000, 0x00000001, 0x007FFFFF, 0x00800000, 0x33000000, 0x33000001, 0x32FFFFFF,
    0x33800000, 0x387FC000, 0x387FE000, 0x38800000, 0x3F800000, 0x477FE000, 0x477FEFFF,
    0x477FF000, 0x477FF001, 0x47800000, 0x7F7FFFFF, 0x7F800000,
    # NaNs: quiet and signaling, payloads that survive the narrowing and ones that do not.
    0x7F800001, 0x7F801FFF, 0x7F802000, 0x7F803FFF, 0x7FA00000, 0x7FBFFFFF, 0x7FC00000,
    0x7FC00001, 0x7FE00000, 0x7FFFE000, 0x7FFFFFFF,
]
special32 += [0x7F800000 | (1 << k) for k in range(23)]
bits32.append(np.array(special32, dtype=np.uint32))
bits32.append(rng.integers(0, 1 << 31, 5000, dtype=np.uint32))
# Random values in and around float16's range: exponents 2^-27 .. 2^17.
e = rng.integers(127 - 27, 127 + 17, 5000, dtype=np.uint32)
bits32.append((e << 23) | rng.integers(0, 1 << 23, 5000, dtype=np.uint32))
in32 = np.unique(np.concatenate(bits32) & np.uint32(0x7FFFFFFF))
out32 = f16_of_bits32(in32)
check_sign(in32, out32, np.uint32(0x80000000), f16_of_bits32)
write("half_f32.bin.gz", in32, out32)

# --- float64 -> float16.
rel = 2.0 ** -30
cases = [
    mid, np.nextafter(mid, np.inf), np.nextafter(mid, 0), mid * (1 + rel), mid * (1 - rel),
]
bits64 = [c.view(np.uint64) for c in cases]
special64 = [
    0x0000000000000000, 0x0000000000000001, 0x0010000000000000,
    0x3E60000000000000, 0x3E60000000000001, 0x3E5FFFFFFFFFFFFF, 0x3E70000000000000,
    0x3FF0000000000000, 0x3FF0020000400000,  # 1 + 2^-11 + 2^-30: 0x3C01 (0x3C00 via float32)
    0x40EFFC0000000000, 0x40EFFDFFFFFFFFFF, 0x40EFFE0000000000, 0x40EFFE0000000001,
    0x40F0000000000000, 0x7FEFFFFFFFFFFFFF, 0x7FF0000000000000,
    0x7FF0000000000001, 0x7FF000003FFFFFFF, 0x7FF0040000000000, 0x7FF4000000000000,
    0x7FF7FFFFFFFFFFFF, 0x7FF8000000000000, 0x7FF8000000000001, 0x7FFFFFFFFFFFFFFF,
]
special64 += [0x7FF0000000000000 | (1 << k) for k in range(52)]
bits64.append(np.array(special64, dtype=np.uint64))
bits64.append(rng.integers(0, 1 << 63, 5000, dtype=np.uint64))
e = rng.integers(1023 - 27, 1023 + 17, 5000, dtype=np.uint64)
bits64.append((e << np.uint64(52)) | rng.integers(0, 1 << 52, 5000, dtype=np.uint64))
in64 = np.unique(np.concatenate(bits64) & np.uint64(0x7FFFFFFFFFFFFFFF))
out64 = f16_of_bits64(in64)
check_sign(in64, out64, np.uint64(0x8000000000000000), f16_of_bits64)
assert out64[np.searchsorted(in64, 0x3FF0020000400000)] == 0x3C01
write("half_f64.bin.gz", in64, out64)

print("f32 cases %d, f64 cases %d" % (len(in32), len(in64)))
if "--no-crc" in sys.argv:
    sys.exit(0)

# --- all of float32 -> float16, as checksums (slow: ten minutes).
lines = []
chunk = np.arange(1 << 24, dtype=np.uint32)
for k in range(256):
    out = f16_of_bits32(chunk | np.uint32(k << 24)).astype("<u2")
    lines.append("%02x %08x\n" % (k, zlib.crc32(out.tobytes())))
with open("half_f32_crc.txt", "w") as f:
    f.writelines(lines)
