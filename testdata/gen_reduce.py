#!/usr/bin/python3
"""Writes testdata/reduce.json, the NumPy vectors for Sum, Prod, Min, Max, Mean, ArgMin and ArgMax.

Run with Debian's Python after `apt-get install -y python3-numpy`:

    /usr/bin/python3 testdata/gen_reduce.py

Each case is a view over a 1-D buffer whose elements come from a seeded generator that
reduce_test.go reproduces bit for bit (value() below), so the file holds no data, only the
layouts and NumPy's answers. The file is one JSON object:

    {"numpy": version, "cases": [case, ...]}
    case = [type, seed, mode, n, offset, shape, strides, op, axes, want]

type is the Go element type; the buffer holds n elements, element i being value(type, seed,
mode, i); the view has the given byte offset, shape and byte strides over it (C-contiguous,
transposed, reversed, strided or a mix). op is sum, prod, min, max, mean, argmin or argmax;
axes is null (all axes; NumPy's axis=None) or a list of axes, negative ones among them. want
is "ValueError" when NumPy raises (an empty reduction without identity), else [shape, hex]:
the result's shape and its bytes in C order (little-endian), or for argmin and argmax the
multi-index np.unravel_index(np.argmax(a), a.shape). Sums and products are taken in the
element type (dtype=a.dtype: integers wrap as Go's do, where NumPy would widen), means in
float64 (dtype=np.float64: ndview's Mean of float32 accumulates in float64).

The generator is seeded, so the output is reproducible.
"""
import json
import os
import random
import warnings

import numpy as np

np.seterr(all="ignore")  # NaN and infinity among the data
warnings.simplefilter("ignore")  # the mean of an empty slice

HERE = os.path.dirname(os.path.abspath(__file__))
R = random.Random(20261130)

TYPES = {"int8": "<i1", "int16": "<i2", "int32": "<i4", "int64": "<i8",
         "uint8": "<u1", "uint16": "<u2", "uint32": "<u4", "uint64": "<u8",
         "float32": "<f4", "float64": "<f8", "complex64": "<c8", "complex128": "<c16"}
FLOATS = ["float32", "float64"]
COMPLEX = ["complex64", "complex128"]
INTS = [t for t in TYPES if t not in FLOATS + COMPLEX]
M64 = (1 << 64) - 1


def mix(z):
    """splitmix64's output function of z + the golden gamma."""
    z = (z + 0x9E3779B97F4A7C15) & M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


SPECIALS = [float("nan"), float("inf"), float("-inf"), 0.0, -0.0]


def real(seed, mode, i):
    """A float64 that reduce_test.go's realValue computes identically."""
    r = mix(((seed << 32) ^ i) & M64)
    m = (r >> 11) * 2.0 ** -53  # [0, 1), exact
    if mode == "unit":
        return m - 0.5
    if mode == "near1":
        return 0.75 + m / 2
    if mode == "special" and (r >> 5) % 8 == 0:
        return SPECIALS[(r >> 9) % 5]
    if mode == "nan" and (r >> 5) % 64 == 0:
        return float("nan")
    if mode == "zmax":  # zeros of both signs and negatives: Max is often a zero
        return [0.0, -0.0, -(1 + m)][(r >> 5) % 3]
    if mode == "zmin":
        return [0.0, -0.0, 1 + m][(r >> 5) % 3]
    return (m - 0.5) * 2.0 ** ((r & 31) - 16)  # "wide" and the rest of the others


def integer(seed, mode, i, bits, signed):
    r = mix(((seed << 32) ^ i) & M64)
    if mode == "small":
        x = (r >> 7) % 7 - 3
    else:
        x = r & ((1 << bits) - 1)
        if signed and x >= 1 << (bits - 1):
            x -= 1 << bits
    return x % (1 << bits) if not signed else x


def buffer(goname, seed, mode, n):
    dt = np.dtype(TYPES[goname])
    if goname in INTS:
        bits = dt.itemsize * 8
        signed = goname.startswith("int")
        return np.array([integer(seed, mode, i, bits, signed) for i in range(n)], dtype=dt)
    if goname in COMPLEX:
        parts = np.array([real(seed, mode, k) for k in range(2 * n)], dtype=np.float64)
        ft = np.float32 if goname == "complex64" else np.float64
        parts = parts.astype(ft)
        out = np.empty(n, dtype=dt)
        out.real = parts[0::2]
        out.imag = parts[1::2]
        return out
    return np.array([real(seed, mode, i) for i in range(n)], dtype=np.float64).astype(dt)


def addr(a):
    return a.__array_interface__["data"][0]


def layout_view(shape, layout):
    """Returns (n, lead, pshape, pslices, inv) describing a view of the given shape cut from a
    C-contiguous parent in permuted axis order."""
    nd = len(shape)
    perm = list(range(nd))
    steps = [1] * nd
    if layout in ("transposed", "mixed"):
        R.shuffle(perm)
    if layout in ("reversed", "mixed"):
        steps = [R.choice([1, -1]) for _ in range(nd)]
    if layout in ("strided", "mixed"):
        for _ in range(R.randint(1, 2)):
            if nd:
                k = R.randrange(nd)
                steps[k] *= R.choice([2, 3])
    pshape, pslices = [], []
    for k in perm:
        d, st = shape[k], steps[k]
        pad = R.randint(0, 1) if layout != "c" else 0
        length = max(d - 1, 0) * abs(st) + 1 + pad
        if d == 0:
            length = R.randint(0, 2)
            pslices.append(slice(length, length) if st > 0 else slice(0, 0, -1))
        elif st > 0:
            pslices.append(slice(pad, pad + (d - 1) * st + 1, st))
        else:
            first = length - 1 - pad
            last = first + (d - 1) * st
            pslices.append(slice(first, last - 1 if last > 0 else None, st))
        pshape.append(length)
    lead = R.randint(0, 2) if layout != "c" else R.choice([0, 0, 1])
    n = lead + int(np.prod(pshape, dtype=np.int64))
    inv = [perm.index(k) for k in range(nd)]
    return n, lead, pshape, pslices, inv


def make_view(goname, seed, mode, shape, layout):
    n, lead, pshape, pslices, inv = layout_view(shape, layout)
    buf = buffer(goname, seed, mode, n)
    if not shape:
        v = buf[lead:lead + 1].reshape(())  # indexing with () would give a scalar, not a view
    else:
        v = buf[lead:].reshape(pshape)[tuple(pslices)].transpose(inv)
    assert list(v.shape) == shape, (v.shape, shape)
    off = addr(v) - addr(buf)
    if v.size == 0:
        off = min(max(off, 0), buf.nbytes)
    return buf, v, off


def hexbytes(a):
    return np.ascontiguousarray(a).tobytes().hex()


def run_op(v, op, axes):
    ax = None if axes is None else tuple(axes)
    try:
        if op == "sum":
            r = np.sum(v, axis=ax, dtype=v.dtype)
        elif op == "prod":
            r = np.prod(v, axis=ax, dtype=v.dtype)
        elif op == "max":
            r = np.max(v, axis=ax)
        elif op == "min":
            r = np.min(v, axis=ax)
        elif op == "mean":
            r = np.mean(v, axis=ax, dtype=np.float64)
        elif op in ("argmax", "argmin"):
            f = np.argmax if op == "argmax" else np.argmin
            i = f(v)
            return [[], [int(x) for x in np.unravel_index(i, v.shape)]]
        else:
            raise AssertionError(op)
    except ValueError:
        return "ValueError"
    r = np.asarray(r)
    return [list(r.shape), hexbytes(r)]


def case(goname, seed, mode, shape, layout, op, axes):
    buf, v, off = make_view(goname, seed, mode, shape, layout)
    want = run_op(v, op, axes)
    return [goname, seed, mode, int(buf.size), off, list(v.shape), list(v.strides), op, axes, want]


def rand_shape():
    nd = R.choice([0, 1, 1, 2, 2, 2, 3, 3, 4])
    maxd = {0: 1, 1: 40, 2: 12, 3: 7, 4: 5}[nd]
    shape = []
    for _ in range(nd):
        r = R.random()
        if r < 0.04:
            shape.append(0)
        elif r < 0.15:
            shape.append(1)
        else:
            shape.append(R.randint(2, maxd))
    return shape


def small_result(shape, axes):
    """axes, or the longest axis when the result of reducing over axes would be large."""
    if axes is None:
        return None
    nd = len(shape)
    kept = [d for k, d in enumerate(shape) if k not in [a % nd for a in axes]]
    if int(np.prod(kept)) <= 1000:
        return axes
    return [shape.index(max(shape))]


def rand_axes(nd):
    if nd == 0 or R.random() < 0.3:
        return None
    ks = R.sample(range(nd), R.randint(1, nd))
    return [k - nd if R.random() < 0.3 else k for k in ks]


def mode_for(goname, op):
    if goname in INTS:
        return R.choice(["bits", "small"]) if op == "prod" else "bits"
    if op == "prod":
        return "near1"
    if op in ("max", "argmax"):
        return R.choice(["wide", "unit", "special", "nan", "zmax"])
    if op in ("min", "argmin"):
        return R.choice(["wide", "unit", "special", "nan", "zmin"])
    return R.choice(["wide", "wide", "unit", "special"])


def gen():
    cases = []
    seed = 1
    # Whole C-contiguous sums around NumPy's block sizes: promised bit for bit.
    for size in [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 63, 64, 65, 127, 128, 129, 130, 255,
                 256, 257, 1000, 4096, 8191, 8192, 8193, 16383, 16384, 16385, 20000, 50000]:
        for goname in FLOATS + COMPLEX:
            seed += 1
            cases.append(case(goname, seed, "wide", [size], "c", "sum", None))
        if size >= 16 and size % 4 == 0:
            for goname in FLOATS:
                seed += 1
                cases.append(case(goname, seed, "unit", [4, size // 4], "c", "sum", None))
                seed += 1
                cases.append(case(goname, seed, "wide", [2, 2, size // 4], "c", "sum", [0, 1, 2]))
            seed += 1
            cases.append(case("float64", seed, "wide", [size], "c", "mean", None))
    # Larger views along axes, for the bound, and whole sums of other layouts.
    for _ in range(80):
        seed += 1
        goname = R.choice(FLOATS + COMPLEX)
        shape = R.choice([[300, 40], [40, 300], [2000, 3], [3, 2000], [9000, 2], [30, 20, 30],
                          [20000], [10, 1000, 2]])
        layout = R.choice(["c", "c", "transposed", "reversed", "strided", "mixed"])
        op = R.choice(["sum", "sum", "sum", "mean"] if goname in FLOATS else ["sum"])
        axes = small_result(shape, rand_axes(len(shape)))
        cases.append(case(goname, seed, R.choice(["wide", "unit"]), shape, layout, op, axes))
    for _ in range(40):
        seed += 1
        goname = R.choice(FLOATS + INTS)
        op = R.choice(["max", "min", "argmax", "argmin"])
        shape = R.choice([[300, 40], [2000, 3], [3, 2000], [20000], [30, 20, 30]])
        layout = R.choice(["c", "transposed", "reversed", "strided", "mixed"])
        axes = None if op.startswith("arg") else small_result(shape, rand_axes(len(shape)))
        cases.append(case(goname, seed, mode_for(goname, op), shape, layout, op, axes))
    # Random small views, layouts, types, operations and axes.
    ops = ["sum", "sum", "prod", "min", "max", "mean", "argmin", "argmax"]
    while len(cases) < 4000:
        seed += 1
        op = R.choice(ops)
        types = list(TYPES) if op in ("sum", "prod") else FLOATS + INTS
        goname = R.choice(types)
        shape = rand_shape()
        layout = R.choice(["c", "c", "transposed", "reversed", "strided", "mixed", "mixed"])
        if not shape:
            layout = "c"
        axes = None if op.startswith("arg") else rand_axes(len(shape))
        cases.append(case(goname, seed, mode_for(goname, op), shape, layout, op, axes))
    return cases


if __name__ == "__main__":
    cases = gen()
    with open(os.path.join(HERE, "reduce.json"), "w") as f:
        f.write('{"numpy":%s,"cases":[\n' % json.dumps(np.__version__))
        f.write(",\n".join(json.dumps(c, separators=(",", ":")) for c in cases))
        f.write("\n]}\n")
