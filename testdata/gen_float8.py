#!/usr/bin/python3
"""Writes the float8 test vectors of float8_test.go: cd testdata && /usr/bin/python3 gen_float8.py
(standard library only; a few minutes).

Debian has no ml_dtypes, so this is an independent reference for ml_dtypes' default
(non-saturating) conversions of float8_e4m3fn ("E4M3") and float8_e5m2 ("E5M2"), in exact
rational arithmetic: every finite float8 value is a Fraction built from the format's
definition, an input is the Fraction of float.as_integer_ratio(), and an input rounds to
whichever float8 value is nearer, by comparing exact distances, ties to the even bit
pattern. Above the largest finite value the candidates go on with one more value, max + one
unit of the top binade (480 for E4M3, 65536 for E5M2), whose pattern is max + 1; rounding
to it (or any value past it) is overflow, as IEEE 754 defines it (round as if the exponent
were unbounded). That is what ml_dtypes/include/float8.h ConvertImpl computes:

  E4M3: 0x7E (448) is the largest finite value; overflow, +-Inf and NaN give the NaN with
        the input's sign, 0x7F / 0xFF. 464 is the tie of 448 (0x7E, even) and 480 (0x7F):
        it gives 448; anything above 464 gives NaN.
  E5M2: 0x7B (57344) is the largest finite value; overflow and +-Inf give +-Inf 0x7C / 0xFC;
        61440 is the tie of 0x7B and 0x7C (even): Inf. NaN gives the quiet NaN 0x7E / 0xFE
        (payload dropped, sign kept).
  Both: +-0 stays +-0; anything at most half the smallest subnormal (2^-10, 2^-17) gives
        zero with the input's sign; float32 and float64 subnormal inputs are ordinary tiny
        values (zero here). A float64 rounds once, straight from its value (ml_dtypes'
        float8(double) converts from double directly; its NumPy array cast float64 ->
        float8 goes through float32 and may round twice: not what ndview does).
  Decoding: exact; NaN patterns give the float's quiet NaN with the pattern's sign
        (0x7FC00000 / 0xFFC00000, 0x7FF8000000000000 / 0xFFF8000000000000), no payload.

Files, all little-endian, gzip-compressed without a timestamp:

  float8_decode.bin.gz  for E4M3 then E5M2: the 256 patterns decoded to float32 (256 uint32
                        bit patterns), then to float64 (256 uint64).
  float8_f32.bin.gz     float32 -> float8 cases: n uint32 inputs (both signs stored), then n
                        E4M3 results (uint8), then n E5M2 results. Every float8 value and
                        every midpoint of neighbouring values (the midpoint to the overflow
                        value and the one below the smallest subnormal included) exactly and
                        1 and 2 float32 ulps either side; every power of two 2^-149 .. 2^127
                        and its neighbours; float32 subnormals; +-0, +-Inf, NaNs with various
                        payloads and signs; random in-range values.
  float8_f64.bin.gz     float64 -> float8 cases: n uint64 inputs, then n E4M3 results (one
                        rounding), n E5M2 results, then n E4M3 and n E5M2 results of the same
                        input rounded to float32 first (double rounding, for the test to see
                        they differ). Midpoints exactly, 1 and 2 float64 ulps either side,
                        within 2^-30 relative either side (the double-rounding traps: through
                        float32 they become the midpoint, then round to even), powers of two
                        2^-1074 .. 2^1023, subnormals, specials, NaN payloads.
  float8_rand.bin.gz    random inputs made by splitmix64 (seed 0x6e6476696577f8, shared with
                        the Go test, which makes the same inputs): n32 = 50000 float32 of
                        random bits and 50000 of random exponent 2^-20 .. 2^17 (see rand32),
                        then n64 = 25000 float64 of random bits and 25000 of random exponent
                        (see rand64). Only results are stored: the E4M3 results of the float32
                        inputs, their E5M2 results, then the same for the float64 inputs.
  float8_f32_runs.txt   every float32 bit pattern, as runs: for E4M3 and E5M2, "type first
                        result" lines (hex) in increasing order of first, each run of positive
                        float32 bit patterns from first up to the next line's first (the last
                        run ending at 0x7FFFFFFF, NaNs included) converting to result; a
                        negative pattern gives the result with the sign bit set. Found by
                        binary search with the exact reference and checked at every edge.
"""
import bisect
import gzip
import math
import struct
from fractions import Fraction

SEED = 0x6E6476696577F8
MASK64 = (1 << 64) - 1


class Format:
    """A float8 format: its finite values as Fractions, indexed by bit pattern."""

    def __init__(self, name, ebits, mbits, bias, ieee):
        self.name = name
        self.mbits = mbits
        self.bias = bias
        emax = (1 << ebits) - 1
        vals = []
        for p in range(128):
            e, m = p >> mbits, p & ((1 << mbits) - 1)
            if ieee and e == emax:
                break  # Inf and NaNs from 0x7C up
            if not ieee and p == 0x7F:
                break  # the only NaN
            vals.append(self.value(e, m))
        self.maxp = len(vals) - 1
        # One more value past the largest: max + one unit of the top binade.
        vals.append(2 * vals[-1] - vals[-2])
        self.vals = vals
        if ieee:
            self.nan, self.over = 0x7E, 0x7C  # quiet NaN; Inf
        else:
            self.nan = self.over = 0x7F  # no Inf: NaN for both

    def value(self, e, m):
        if e == 0:
            return Fraction(m, 1 << self.mbits) * Fraction(2) ** (1 - self.bias)
        return (1 + Fraction(m, 1 << self.mbits)) * Fraction(2) ** (e - self.bias)

    def decode(self, p):
        """(sign, Fraction), (sign, 'inf') or (sign, 'nan')."""
        s = p >> 7
        p &= 0x7F
        if p <= self.maxp:
            return s, self.vals[p]
        if p == self.over and self.nan != self.over:
            return s, "inf"
        return s, "nan"

    def encode(self, s, v):
        """The pattern for sign s and v, a Fraction >= 0, 'inf' or 'nan'."""
        sign = s << 7
        if v == "nan":
            return sign | self.nan
        if v == "inf":
            return sign | self.over
        i = bisect.bisect_right(self.vals, v) - 1  # vals[i] <= v < vals[i+1]
        if i >= self.maxp + 1:
            return sign | self.over
        lo, hi = self.vals[i], self.vals[i + 1]
        dlo, dhi = v - lo, hi - v
        if dlo < dhi:
            r = i
        elif dhi < dlo:
            r = i + 1
        else:
            r = i if i % 2 == 0 else i + 1  # tie: the even pattern
        if r > self.maxp:
            return sign | self.over
        return sign | r


E4M3 = Format("e4m3", 4, 3, 7, ieee=False)
E5M2 = Format("e5m2", 5, 2, 15, ieee=True)
FORMATS = (E4M3, E5M2)

assert E4M3.maxp == 0x7E and E4M3.vals[0x7E] == 448 and E4M3.vals[0x7F] == 480
assert E4M3.vals[1] == Fraction(1, 2**9) and E4M3.vals[8] == Fraction(1, 2**6)
assert E5M2.maxp == 0x7B and E5M2.vals[0x7B] == 57344 and E5M2.vals[0x7C] == 65536
assert E5M2.vals[1] == Fraction(1, 2**16) and E5M2.vals[4] == Fraction(1, 2**14)


def f32(b):
    return struct.unpack("<f", struct.pack("<I", b))[0]


def f64(b):
    return struct.unpack("<d", struct.pack("<Q", b))[0]


def bits32(x):
    return struct.unpack("<I", struct.pack("<f", x))[0]


def bits64(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def exact(x):
    """A Python float (a float32 widened exactly, or a float64) as (sign, value)."""
    s = 1 if math.copysign(1.0, x) < 0 else 0
    if math.isnan(x):
        return s, "nan"
    if math.isinf(x):
        return s, "inf"
    return s, Fraction(*abs(x).as_integer_ratio())


def enc32(fmt, b):
    return fmt.encode(*exact(f32(b)))


def enc64(fmt, b):
    return fmt.encode(*exact(f64(b)))


def round_to_f32(b):
    """The float32 nearest the float64 with bits b, ties to even (C's (float)x), as bits;
    NaNs keep their sign (their payload does not matter here)."""
    x = f64(b)
    if math.isnan(x):
        return (b >> 63) << 31 | 0x7FC00000
    try:
        return bits32(x)
    except OverflowError:  # rounds past FLT_MAX: Inf
        return (b >> 63) << 31 | 0x7F800000


def write(name, data):
    with open(name, "wb") as f:
        f.write(gzip.compress(data, compresslevel=9, mtime=0))


def u32s(xs):
    return struct.pack("<%dI" % len(xs), *xs)


def u64s(xs):
    return struct.pack("<%dQ" % len(xs), *xs)


def splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & MASK64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return state, z ^ (z >> 31)


def rand32(n):
    """n float32 bit patterns of random bits, then n of random sign, mantissa and exponent
    2^-20 .. 2^17 (biased 107 .. 144): one splitmix64 draw each."""
    st, out = SEED, []
    for _ in range(n):
        st, r = splitmix64(st)
        out.append(r & 0xFFFFFFFF)
    for _ in range(n):
        st, r = splitmix64(st)
        out.append((r >> 63) << 31 | (107 + (r >> 32) % 38) << 23 | (r & 0x7FFFFF))
    return out, st


def rand64(n, st):
    """n float64 bit patterns of random bits, then n of random sign, mantissa and exponent
    2^-20 .. 2^17 (biased 1003 .. 1040): one splitmix64 draw each, then two each."""
    out = []
    for _ in range(n):
        st, r = splitmix64(st)
        out.append(r)
    for _ in range(n):
        st, r = splitmix64(st)
        st, q = splitmix64(st)
        out.append((q >> 63) << 63 | (1003 + (q >> 32) % 38) << 52 | (r & (1 << 52) - 1))
    return out


def both_signs32(xs):
    return [x & 0x7FFFFFFF for x in xs] + [x | 0x80000000 for x in xs]


def both_signs64(xs):
    return [x & 0x7FFFFFFFFFFFFFFF for x in xs] + [x | 0x8000000000000000 for x in xs]


# --- Decoding: all 256 patterns of each format.
dec = b""
for fmt in FORMATS:
    d32, d64 = [], []
    for p in range(256):
        s, v = fmt.decode(p)
        if v == "nan":
            d32.append(s << 31 | 0x7FC00000)
            d64.append(s << 63 | 0x7FF8000000000000)
            continue
        x = math.inf if v == "inf" else float(v)
        assert v == "inf" or Fraction(*x.as_integer_ratio()) == v  # exact in float64
        x = -x if s else x
        d32.append(bits32(x))  # exact in float32 too
        d64.append(bits64(x))
        assert f32(d32[-1]) == x
    dec += u32s(d32) + u64s(d64)
write("float8_decode.bin.gz", dec)

# Rounding edges: every finite value and every midpoint between neighbours, from the one
# below the smallest subnormal to the one between the largest and the overflow value.
edges = set()
for fmt in FORMATS:
    for i in range(fmt.maxp + 1):
        edges.add(fmt.vals[i])
        edges.add((fmt.vals[i] + fmt.vals[i + 1]) / 2)
    edges.add(fmt.vals[fmt.maxp + 1])
edges = sorted(edges)
for e in edges:
    assert Fraction(*float(e).as_integer_ratio()) == e  # exact in float32 and float64

# --- float32 -> float8.
in32 = set()
for e in edges:
    b = bits32(float(e))
    for k in range(-2, 3):
        if 0 <= b + k <= 0x7F800000:
            in32.add(b + k)
for k in range(-149, 128):
    b = bits32(math.ldexp(1.0, k))
    in32.update(x for x in (b - 2, b - 1, b, b + 1, b + 2) if 0 <= x < 0x7F800000)
# Subnormal float32s: the smallest and largest few, and a spread between.
in32.update(range(0, 64))
in32.update(range(0x7FFFC0, 0x800040))
in32.update(range(0, 0x800000, 0x1FFF))
in32.update([0x00400000, 0x7F7FFFFF, 0x7F7FFFFE, 0x7F800000])
# NaNs: signaling and quiet, payloads high and low.
nans = [0x7F800001, 0x7F800002, 0x7F8FFFFF, 0x7FA00000, 0x7FBFFFFF, 0x7FC00000, 0x7FC00001,
        0x7FD55555, 0x7FE00000, 0x7FFFFFFE, 0x7FFFFFFF]
nans += [0x7F800000 | 1 << k for k in range(23)]
in32.update(nans)
st = 20260520
for _ in range(5000):  # random in and around both formats' ranges
    st, r = splitmix64(st)
    in32.add((100 + (r >> 32) % 50) << 23 | (r & 0x7FFFFF))
in32 = sorted(both_signs32(sorted(in32)))
o4 = [enc32(E4M3, b) for b in in32]
o5 = [enc32(E5M2, b) for b in in32]
write("float8_f32.bin.gz", u32s(in32) + bytes(o4) + bytes(o5))

# --- float64 -> float8, and the same through float32.
in64 = set()
traps = {fmt.name: 0 for fmt in FORMATS}
for e in edges:
    b = bits64(float(e))
    for k in range(-2, 3):
        if 0 <= b + k <= 0x7FF0000000000000:
            in64.add(b + k)
    if e > 0:
        # Within 2^-30 relative: float32 rounds these to the midpoint itself.
        for r in (1 + 2.0**-30, 1 - 2.0**-30, 1 + 2.0**-40, 1 - 2.0**-40):
            in64.add(bits64(float(e) * r))
for k in range(-1074, 1024):
    b = bits64(math.ldexp(1.0, k))
    in64.update(x for x in (b - 1, b, b + 1) if 0 <= x < 0x7FF0000000000000)
in64.update(range(0, 64))
in64.update(range(0xFFFFFFFFFFFC0, 0x10000000000040))
in64.update([0x7FEFFFFFFFFFFFFF, 0x7FF0000000000000])
# float64s just beyond float32's range: Inf through float32, overflow either way.
in64.update([bits64(3.4028235677973366e38), 0x47EFFFFFF0000000, 0x47EFFFFFF0000001])
in64.update([0x7FF0000000000001, 0x7FF0000000000002, 0x7FF000003FFFFFFF, 0x7FF4000000000000,
             0x7FF7FFFFFFFFFFFF, 0x7FF8000000000000, 0x7FF8000000000001, 0x7FFFFFFFFFFFFFFF])
in64.update(0x7FF0000000000000 | 1 << k for k in range(52))
in64 = sorted(both_signs64(sorted(in64)))
o4, o5, v4, v5 = [], [], [], []
for b in in64:
    n = round_to_f32(b)
    for fmt, direct, via in ((E4M3, o4, v4), (E5M2, o5, v5)):
        direct.append(enc64(fmt, b))
        via.append(enc32(fmt, n))
        if direct[-1] != via[-1]:
            traps[fmt.name] += 1
            # Double rounding only ever moves a result one step, at a midpoint's edge.
            assert abs((direct[-1] & 0x7F) - (via[-1] & 0x7F)) == 1
write("float8_f64.bin.gz", u64s(in64) + bytes(o4) + bytes(o5) + bytes(v4) + bytes(v5))
# Through float32, 1 + 2^-4 + 2^-30 rounds to the tie 1 + 2^-4, then to even: 1.
x = bits64(1 + 2.0**-4 + 2.0**-30)
assert enc64(E4M3, x) == 0x39 and enc32(E4M3, round_to_f32(x)) == 0x38
x = bits64(1 + 2.0**-3 + 2.0**-30)
assert enc64(E5M2, x) == 0x3D and enc32(E5M2, round_to_f32(x)) == 0x3C
assert traps["e4m3"] > 0 and traps["e5m2"] > 0, traps

# --- Random inputs (made again by the Go test): results only.
r32, st = rand32(50000)
r64 = rand64(25000, st)
write("float8_rand.bin.gz", bytes(enc32(E4M3, b) for b in r32) +
      bytes(enc32(E5M2, b) for b in r32) + bytes(enc64(E4M3, b) for b in r64) +
      bytes(enc64(E5M2, b) for b in r64))

# --- Every float32, as runs of positive bit patterns with the same result.
lines = []
for fmt in FORMATS:
    # Results go up with the input's bit pattern; find where each result starts.
    starts = [(0, 0)]
    for r in range(1, fmt.over + 1):
        lo, hi = 0, 0x7F800000  # enc(lo) < r <= enc(hi)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if enc32(fmt, mid) >= r:
                hi = mid
            else:
                lo = mid
        assert enc32(fmt, hi) == r and enc32(fmt, hi - 1) == r - 1, (fmt.name, r)
        starts.append((hi, r))
    nan = 0x7F800001
    if fmt.over == fmt.nan:
        assert enc32(fmt, nan) == fmt.over  # E4M3: NaN continues the overflow run
    else:
        assert enc32(fmt, 0x7F800000) == fmt.over and enc32(fmt, nan) == fmt.nan
        starts.append((nan, fmt.nan))
    for first, r in starts:
        lines.append("%s %08x %02x\n" % (fmt.name, first, r))
with open("float8_f32_runs.txt", "w") as f:
    f.writelines(lines)

print("decode 2x256, f32 cases %d, f64 cases %d (double-rounding traps: %s), random %d + %d"
      % (len(in32), len(in64), traps, len(r32), len(r64)))
