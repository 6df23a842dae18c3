#!/usr/bin/python3
"""Writes testdata/elementwise.json, the NumPy vectors for BroadcastTo, Convert/AsType, Copy
(with broadcasting), Apply2 and Equal over random layouts.

Run with Debian's Python after `apt-get install -y python3-numpy`:

    /usr/bin/python3 testdata/gen_elementwise.py

A layout is [offset, shape, strides], offset and strides in bytes, over a 1-D buffer. Layouts
are drawn at random: C order, transposed, reversed, stepped, padded, a mix of those, and for
operands that are only read also zero strides (a broadcast axis) and arbitrary, possibly
self-overlapping strides. The file is one JSON object:

    {"numpy": version, "checks": {...}, "broadcast": [...], "astype": [...],
     "copyto": [...], "apply2": [...], "equal": [...]}

broadcast  [type, n, offset, shape, strides, target, want]: np.broadcast_to of the view
           (offset, shape, strides) of a buffer of n elements whose element k holds k (Go's
           T(k): int8 wraps), to target. Sources include views broadcast once already (zero
           strides). want is "ValueError" or [shape, strides, offset, c_contiguous,
           f_contiguous, writeable, elements in C order as the k they hold].
astype     [src type, dst type, n, offset, shape, strides, buffer hex, result hex]: the view
           of the buffer (n elements of the src type, native byte order), and
           view.astype(dst) in C order. Values are only those both NumPy and ndview define:
           integers anywhere (they wrap), floats whose truncation is in the integer type's
           range (never NaN or infinite) when the result is an integer, finite floats in
           float32's range when the result is float32 or complex64, and otherwise any value
           but NaN (infinities included). Complex to real drops the imaginary part.
copyto     [type, n0, n1, dst layout, src buffer, src layout, want]: np.copyto(dst, src).
           Buffer 0 (n0 elements) holds dst, buffer 1 (n1 elements) a src that does not
           overlap; src buffer 0 means src lies in dst's buffer (overlapping operands).
           Element k of buffer j holds 1000*j + k (as T: int8 wraps). want is "ValueError"
           or dst's elements in C order afterwards; everything outside dst is unchanged.
           np.copyto accepts a src with extra leading axes of length 1 (a NumPy special case,
           as `d[...] = s` does); some cases have them.
apply2     [[dst, a, b types], [n0, n1, n2], dst layout, [a buffer, a layout],
           [b buffer, b layout], want]: d[...] = d*2 + a - 3*b (a and b converted to dst's
           type first), that is Apply2(d, a, b, f) with f(d, a, b) = d*2 + a - 3*b. Buffers
           are as for copyto, buffer 2 holding 2000 + k; a or b in buffer 0 overlap dst. want
           is "ValueError" when a and b do not broadcast to dst's shape by the ufunc rules
           (np.broadcast_shapes(d, a, b) != d), else dst's elements in C order afterwards.
equal      [type, buffer a hex, buffer b hex or null (b is in a's buffer), layout a,
           layout b, want]: np.array_equal(a, b) for views of one shape (NaN is unequal).

Overlapping operands follow ndview's rule, "as if the source were read in full first":
copyto's want is np.copyto(dst, src.copy()) and apply2's is computed into a temporary before
it is assigned. checks records how NumPy itself compares: of the copyto cases whose operands
share memory, how many np.copyto(dst, src) gets right ("copyto_overlap_as_copy") and the
indices of those it does not ("copyto_overlap_differs": NumPy 1.24 copies a 1-D source whose
stride has dst's sign with no temporary, wrong when the strides differ: with x = arange(8),
np.copyto(x[::2], x[:4]) gives [0 1 1 3 1 5 3 7], not [0 1 1 3 2 5 3 7]); and, for
same-shape overlapping ufunc operands, how often np.add(d, a, out=d)
equals d + a.copy() ("ufunc_overlap_as_copy" of "ufunc_overlap").

The generator is seeded, so the output is reproducible.
"""
import json
import math
import os
import random
import warnings

import numpy as np
from numpy.lib.stride_tricks import as_strided

HERE = os.path.dirname(os.path.abspath(__file__))
R = random.Random(20261130)

TYPES = {
    "int8": "i1", "uint8": "u1", "int16": "i2", "uint16": "u2", "int32": "i4", "uint32": "u4",
    "int64": "i8", "uint64": "u8", "float32": "f4", "float64": "f8", "complex64": "c8",
    "complex128": "c16",
}
INTS = ["int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64"]
FLOATS = ["float32", "float64"]
COMPLEX = ["complex64", "complex128"]

CHECKS = {"copyto_overlap": 0, "copyto_overlap_as_copy": 0, "copyto_overlap_differs": [],
          "ufunc_overlap": 0, "ufunc_overlap_as_copy": 0}


def dt(name):
    return np.dtype(TYPES[name])


def addr(a):
    return a.__array_interface__["data"][0]


# ---- shapes and layouts ----------------------------------------------------------------

def rand_shape(maxnd=5, zero=0.06):
    nd = R.choice([0, 1, 1, 2, 2, 2, 3, 3, 4, 5][: 1 + 2 * maxnd])
    nd = min(nd, maxnd)
    maxd = {0: 1, 1: 12, 2: 7, 3: 5, 4: 4, 5: 3}[nd]
    shape = []
    for _ in range(nd):
        r = R.random()
        if r < zero:
            shape.append(0)
        elif r < 0.22:
            shape.append(1)
        else:
            shape.append(R.randint(2, maxd))
    return shape


def size_of(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def rand_strides(shape, unique):
    """Strides in elements of a random layout of shape. With unique, no two elements share
    memory (a permuted, stepped, reversed, padded C parent); otherwise axes may also get a
    zero stride or an arbitrary one."""
    nd = len(shape)
    if nd == 0:
        return []
    kind = R.choice(["c", "c", "transposed", "reversed", "stepped", "mixed", "mixed", "mixed"])
    if not unique and R.random() < 0.08:
        return [R.randint(-5, 5) for _ in range(nd)]
    perm = list(range(nd))
    if kind in ("transposed", "mixed"):
        R.shuffle(perm)
    steps = [1] * nd
    if kind in ("reversed", "mixed"):
        steps = [R.choice([1, -1]) for _ in range(nd)]
    if kind in ("stepped", "mixed"):
        for _ in range(R.randint(1, 2)):
            k = R.randrange(nd)
            steps[k] *= R.choice([2, 3])
    pads = [R.choice([0, 0, 0, 1, 2]) if kind in ("stepped", "mixed") else 0 for _ in range(nd)]
    # Parent dims in perm order (outermost first), C strides over them.
    plen = {}
    for k in perm:
        plen[k] = max(shape[k] - 1, 0) * abs(steps[k]) + 1 + pads[k]
    strides = [0] * nd
    s = 1
    for k in reversed(perm):
        strides[k] = s * (1 if steps[k] > 0 else -1) * abs(steps[k])
        s *= plen[k]
    if not unique:
        for k in range(nd):
            if R.random() < 0.15:
                strides[k] = 0
    return strides


def span(shape, strides):
    """(lo, hi): the element offsets, relative to element (0,...,0), of the lowest and highest
    element a non-empty layout reaches."""
    lo = hi = 0
    for d, s in zip(shape, strides):
        e = s * (d - 1)
        if e < 0:
            lo += e
        else:
            hi += e
    return lo, hi


def own_buffer(shape, strides):
    """(n, offset) in elements for a layout in a buffer of its own."""
    if size_of(shape) == 0:
        n = R.randint(0, 3)
        return n, R.randint(0, n)
    lo, hi = span(shape, strides)
    lead, tail = R.randint(0, 2), R.randint(0, 2)
    return lead + hi - lo + 1 + tail, lead - lo


def place_in(n, shape, strides):
    """An offset in elements for the layout inside a buffer of n elements, or None."""
    if size_of(shape) == 0:
        return R.randint(0, n)
    lo, hi = span(shape, strides)
    if hi - lo + 1 > n:
        return None
    return R.randint(-lo, n - 1 - hi)


def c_strides(shape):
    strides = [0] * len(shape)
    s = 1
    for k in reversed(range(len(shape))):
        strides[k] = s
        s *= max(shape[k], 1)
    return strides


def view(buf, off, shape, strides):
    """The view (offset, shape, strides in elements) of a 1-D array buf."""
    isz = buf.itemsize
    base = buf[off:] if off < buf.size else buf[buf.size:]
    return as_strided(base, shape=tuple(shape), strides=tuple(s * isz for s in strides))


def lay(off, shape, strides, isz):
    return [off * isz, list(shape), [s * isz for s in strides]]


def kvalues(name, n, base=0):
    """Buffer whose element k holds base + k, converted as Go's T(k) does."""
    vals = np.arange(base, base + n, dtype=np.int64)
    if name in COMPLEX or name in FLOATS:
        return vals.astype(dt(name))
    return vals.astype(dt(name))  # integer astype wraps, as Go's conversion does


def as_ints(a):
    out = []
    for x in a.ravel(order="C"):
        if np.iscomplexobj(x):
            assert x.imag == 0
            x = x.real
        assert float(x) == int(x)
        out.append(int(x))
    return out


# ---- broadcast_to ----------------------------------------------------------------------

def broadcast_source(name):
    """A random source view over arange: maybe broadcast once already (zero strides)."""
    if R.random() < 0.3:
        # Broadcast a smaller view, then slice or transpose the result.
        inner = rand_shape(maxnd=3)
        strides = rand_strides(inner, True)
        n, off = own_buffer(inner, strides)
        buf = kvalues(name, n)
        v = view(buf, off, inner, strides)
        # Stretch some length-1 axes and add leading ones.
        tshape = [R.randint(0, 3) if d == 1 and R.random() < 0.6 else d for d in inner]
        tshape = [R.randint(1, 3) for _ in range(R.randint(0, 2))] + tshape
        v = np.broadcast_to(v, tuple(tshape))
        if v.ndim > 1 and R.random() < 0.5:
            p = list(range(v.ndim))
            R.shuffle(p)
            v = v.transpose(p)
        if v.ndim > 0 and R.random() < 0.5:
            k = R.randrange(v.ndim)
            sl = [slice(None)] * v.ndim
            sl[k] = slice(None, None, R.choice([-1, 2, -2]))
            v = v[tuple(sl)]
        if v.size == 0:
            return None
        return buf, v
    shape = rand_shape()
    strides = rand_strides(shape, R.random() < 0.7)
    n, off = own_buffer(shape, strides)
    buf = kvalues(name, n)
    return buf, view(buf, off, shape, strides)


def broadcast_target(shape):
    r = R.random()
    if r < 0.04:
        t = list(shape) + [1]
        t[R.randrange(len(t))] = -R.randint(1, 3)
        return t
    t = []
    for d in shape:
        if d == 1 and R.random() < 0.7:
            t.append(R.choice([0, 1, 2, 3, 4, 5]) if R.random() < 0.9 else 0)
        else:
            t.append(d)
    lead = [R.choice([0, 1, 1, 2, 3, 4]) for _ in range(R.choice([0, 0, 1, 1, 2, 3]))]
    t = lead + t
    if r < 0.22 and t:
        # Incompatible, most of the time: a changed dim or a dropped leading one.
        if R.random() < 0.6:
            k = R.randrange(len(t))
            t[k] = t[k] + R.choice([1, 2, -1]) if t[k] > 0 else 2
        else:
            t = t[R.randint(1, len(t)):]
    if len(t) > 32:
        t = t[-32:]
    return t


def gen_broadcast(count):
    cases = []
    names = list(TYPES)
    while len(cases) < count:
        name = names[len(cases) % len(names)]
        made = broadcast_source(name)
        if made is None:
            continue
        buf, v = made
        off = addr(v) - addr(buf)
        if v.size == 0:
            off = min(max(off, 0), buf.nbytes)
        target = broadcast_target(list(v.shape))
        if all(d >= 0 for d in target) and size_of(target) > 240:
            continue
        case = [name, int(buf.size), off, list(v.shape), list(v.strides), target]
        try:
            w = np.broadcast_to(v, tuple(target))
        except ValueError:
            cases.append(case + ["ValueError"])
            continue
        woff = addr(w) - addr(buf)
        ks = [int(x.real) if np.iscomplexobj(x) else int(x) for x in w.ravel(order="C")]
        cases.append(case + [[list(w.shape), list(w.strides), woff, bool(w.flags.c_contiguous),
                              bool(w.flags.f_contiguous), bool(w.flags.writeable), ks]])
    return cases


# ---- astype ----------------------------------------------------------------------------

def int_range(name):
    i = np.iinfo(dt(name))
    return int(i.min), int(i.max)


def rand_int_in(lo, hi):
    r = R.random()
    if r < 0.25:
        return R.choice([lo, hi, 0, 1, -1 if lo < 0 else 2, lo + 1, hi - 1])
    if r < 0.5:
        return R.randint(max(lo, -300), min(hi, 300))
    if r < 0.75:
        # Near a power of two (float rounding boundaries).
        e = R.randint(0, (hi - lo).bit_length() - 1)
        x = (1 << e) + R.randint(-3, 3)
        if lo < 0 and R.random() < 0.5:
            x = -x
        return min(max(x, lo), hi)
    return R.randint(lo, hi)


def rand_float(f32):
    """A random finite float (as a Python float), often with float32 rounding in mind."""
    r = R.random()
    if r < 0.15:
        return R.choice([0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 1e-45, 1.5e-39, 65504.0, 16777217.0])
    if r < 0.35:
        # Halfway between two adjacent float32s: a tie, rounded to even.
        a = np.float32(R.uniform(-1, 1) * 2.0 ** R.randint(-20, 40))
        b = np.nextafter(a, np.float32(np.inf), dtype=np.float32)
        return (float(a) + float(b)) / 2
    if r < 0.55:
        return R.uniform(-1, 1) * 2.0 ** R.randint(-149, 127)
    if f32:
        return R.uniform(-1, 1) * 2.0 ** R.randint(-30, 127)
    return R.uniform(-1, 1) * 2.0 ** R.randint(-1074, 1023)


def float_into_int(src, lo, hi):
    """A float of type src whose truncation lies in [lo, hi]."""
    while True:
        t = rand_int_in(lo, hi)
        if t > 0:
            x = t + R.random()
        elif t < 0:
            x = t - R.random()
        else:
            x = R.uniform(-0.999, 0.999) if R.random() < 0.8 else -0.0
        if R.random() < 0.2:
            x = float(t)
        v = np.array([x]).astype(dt(src))[0]
        if not np.isfinite(v):
            continue
        if lo <= int(v) <= hi:  # int() truncates exactly
            return v


def astype_value(src, dst):
    """A value of type src that both NumPy and ndview define when converted to dst."""
    sreal = "float32" if src == "complex64" else "float64" if src == "complex128" else src
    dreal = "float32" if dst == "complex64" else "float64" if dst == "complex128" else dst
    if src in INTS:
        lo, hi = int_range(src)
        return np.array([rand_int_in(lo, hi)], dtype=np.int64 if lo < 0 else np.uint64).astype(dt(src))[0]
    if dreal in INTS:
        lo, hi = int_range(dreal)
        re = float_into_int(sreal, lo, hi)
    else:
        f32 = sreal == "float32" or dreal == "float32"
        while True:
            x = rand_float(f32)
            if R.random() < 0.03:
                x = R.choice([math.inf, -math.inf])
            re = np.array([x]).astype(dt(sreal))[0]
            if not f32 or not np.isfinite(re) or abs(float(re)) <= float(np.finfo(np.float32).max):
                break
    if src in COMPLEX:
        while True:
            im = np.array([rand_float(sreal == "float32" or dreal == "float32")]).astype(dt(sreal))[0]
            if dst not in COMPLEX or dreal != "float32" or abs(float(im)) <= float(np.finfo(np.float32).max):
                break
        return np.array([complex(re, im)]).astype(dt(src))[0]
    return re


def gen_astype(per_pair):
    cases = []
    names = list(TYPES)
    for src in names:
        for dst in names:
            for _ in range(per_pair):
                shape = rand_shape(maxnd=3, zero=0.03)
                strides = rand_strides(shape, R.random() < 0.7)
                n, off = own_buffer(shape, strides)
                while n > 40:
                    shape = shape[1:]
                    strides = strides[1:]
                    n, off = own_buffer(shape, strides)
                buf = np.array([astype_value(src, dst) for _ in range(n)], dtype=dt(src))
                assert buf.dtype == dt(src)
                v = view(buf, off, shape, strides)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    w = v.astype(dt(dst))
                isz = dt(src).itemsize
                cases.append([src, dst, n, off * isz, list(shape), [s * isz for s in strides],
                              buf.tobytes().hex(), np.ascontiguousarray(w).tobytes().hex()])
    return cases


# ---- copyto and apply2 -------------------------------------------------------------------

def source_shape(dshape):
    """A shape that broadcasts to dshape (most of the time), or that np.copyto accepts with
    extra leading axes of length 1, or an incompatible one."""
    s = list(dshape)
    s = s[R.randint(0, len(s)):] if s and R.random() < 0.35 else s
    s = [1 if R.random() < 0.25 else d for d in s]
    r = R.random()
    if r < 0.05:
        s = [1] * R.randint(1, 2) + s  # np.copyto strips these; ufuncs refuse them
    elif r < 0.12 and s:
        k = R.randrange(len(s))
        s[k] = s[k] + R.choice([1, 2]) if s[k] != 1 else 2
    elif r < 0.14:
        s = [2] + s
    return s


def source_operand(name, dbuf, dsize, shape, bufid, overlap):
    """A source of shape: (buffer id, array, layout) in dst's buffer (overlap) or its own."""
    isz = dt(name).itemsize
    if overlap:
        for _ in range(10):
            strides = rand_strides(shape, False)
            off = place_in(dsize, shape, strides)
            if off is not None:
                break
        else:
            strides = c_strides(shape)
            off = place_in(dsize, shape, strides)
            if off is None:
                return None
        return 0, view(dbuf, off, shape, strides), lay(off, shape, strides, isz), dsize
    strides = rand_strides(shape, R.random() < 0.5)
    n, off = own_buffer(shape, strides)
    buf = kvalues(name, n, 1000 * bufid)
    return bufid, view(buf, off, shape, strides), lay(off, shape, strides, isz), n


def dst_operand(name):
    if R.random() < 0.04:
        # A large transposed 2-D copy: whole 8×8 tiles.
        shape = [R.randint(8, 20), R.randint(8, 20)]
    else:
        shape = rand_shape()
    strides = rand_strides(shape, True)
    n, off = own_buffer(shape, strides)
    buf = kvalues(name, n)
    return buf, view(buf, off, shape, strides), lay(off, shape, strides, dt(name).itemsize), n


def gen_copyto(count):
    cases = []
    names = ["int64", "float64", "int8", "int16", "int32", "complex128", "float32", "uint16"]
    while len(cases) < count:
        name = names[len(cases) % len(names)]
        dbuf, d, dlay, n0 = dst_operand(name)
        overlap = R.random() < 0.35
        src = source_operand(name, dbuf, n0, source_shape(list(d.shape)), 1, overlap)
        if src is None:
            continue
        sb, s, slay, n1 = src
        case = [name, n0, n1 if sb else 0, dlay, sb, slay]
        expect = dbuf.copy()
        try:
            np.copyto(view(expect, dlay[0] // expect.itemsize, d.shape, [x // expect.itemsize for x in d.strides]),
                      s.copy())
        except ValueError:
            try:
                np.copyto(d, s)
            except ValueError:
                cases.append(case + ["ValueError"])
                continue
            raise AssertionError("copyto of a copy refused, of the view accepted")
        np.copyto(d, s)
        if sb == 0 and s.size and d.size and np.shares_memory(d, s):
            CHECKS["copyto_overlap"] += 1
            if np.array_equal(dbuf, expect):
                CHECKS["copyto_overlap_as_copy"] += 1
            else:
                # NumPy 1.24 copies a 1-D overlapping source whose stride has dst's sign
                # without a temporary (array_assign_array.c), which is wrong when the two
                # strides differ: record the case; the vector keeps the copy's result.
                CHECKS["copyto_overlap_differs"].append(len(cases))
        else:
            assert np.array_equal(dbuf, expect), "np.copyto differs from np.copyto of a copy"
        d = view(expect, dlay[0] // expect.itemsize, d.shape, [x // expect.itemsize for x in d.strides])
        cases.append(case + [as_ints(d)])
    return cases


APPLY_TYPES = [["int64", "int64", "int64"], ["float64", "float64", "float64"],
               ["float64", "int32", "int64"]]


def apply2_expect(d, a, b):
    t = d.dtype
    return d * t.type(2) + a.astype(t) - t.type(3) * b.astype(t)


def gen_apply2(count):
    cases = []
    while len(cases) < count:
        types = APPLY_TYPES[len(cases) % len(APPLY_TYPES)]
        same = types[0] == types[1] == types[2]
        dbuf, d, dlay, n0 = dst_operand(types[0])
        ops = []
        for j, name in ((1, types[1]), (2, types[2])):
            overlap = same and R.random() < 0.35
            op = source_operand(name, dbuf, n0, source_shape(list(d.shape)), j, overlap)
            ops.append(op)
        if None in ops:
            continue
        (ab, a, alay, na), (bb, b, blay, nb) = ops
        case = [types, [n0, na if ab else 0, nb if bb else 0], dlay, [ab, alay], [bb, blay]]
        try:
            ok = np.broadcast_shapes(d.shape, a.shape, b.shape) == d.shape
        except ValueError:
            ok = False
        if not ok:
            cases.append(case + ["ValueError"])
            continue
        if ab == 0 and a.size and np.shares_memory(d, a) and a.shape == d.shape:
            # NumPy's ufuncs with out= treat an overlapping input as if copied first.
            before = dbuf.copy()
            probe = dbuf.copy()
            dv = view(probe, dlay[0] // probe.itemsize, d.shape, [x // probe.itemsize for x in d.strides])
            av = view(probe, alay[0] // probe.itemsize, a.shape, [x // probe.itemsize for x in a.strides])
            want = dv + av.copy()
            np.add(dv, av, out=dv)
            CHECKS["ufunc_overlap"] += 1
            if np.array_equal(dv, want):
                CHECKS["ufunc_overlap_as_copy"] += 1
            assert np.array_equal(dbuf, before)
        res = apply2_expect(d, a, b)
        d[...] = res
        cases.append(case + [as_ints(d)])
    return cases


# ---- equal -------------------------------------------------------------------------------

def small_values(name, n):
    if name in FLOATS or name in COMPLEX:
        pool = [0.0, 1.0, 1.0, -0.0, 2.0, float("nan")] if R.random() < 0.3 else [0.0, 1.0, 1.0, 2.0]
        vals = [R.choice(pool) for _ in range(n)]
        if name in COMPLEX:
            return np.array([complex(x, R.choice([0.0, 0.0, 1.0])) for x in vals], dtype=dt(name))
        return np.array(vals, dtype=dt(name))
    return np.array([R.choice([0, 1, 1, 2]) for _ in range(n)], dtype=dt(name))


def gen_equal(count):
    cases = []
    names = ["int8", "int64", "float32", "float64", "complex128", "uint16"]
    while len(cases) < count:
        name = names[len(cases) % len(names)]
        isz = dt(name).itemsize
        shape = rand_shape(maxnd=4)
        sa = rand_strides(shape, R.random() < 0.6)
        na, oa = own_buffer(shape, sa)
        if na > 64:
            continue
        abuf = small_values(name, na)
        a = view(abuf, oa, shape, sa)
        r = R.random()
        sb = rand_strides(shape, R.random() < 0.6)
        if r < 0.25 and size_of(shape) > 0:
            ob = place_in(na, shape, sb)
            if ob is None:
                sb = c_strides(shape)
                ob = place_in(na, shape, sb)
            if ob is None:
                continue
            bbuf, bhex = abuf, None
        else:
            nb, ob = own_buffer(shape, sb)
            if nb > 64:
                continue
            bbuf = small_values(name, nb)
            if r < 0.75:
                # b holds a's values in another layout, now and then with one changed.
                b = view(bbuf, ob, shape, sb)
                b[...] = a
                if b.size and R.random() < 0.4:
                    idx = tuple(R.randrange(d) for d in shape)
                    b[idx] = b[idx] + 1
            bhex = bbuf.tobytes().hex()
        b = view(bbuf, ob, shape, sb)
        cases.append([name, abuf.tobytes().hex(), bhex, lay(oa, shape, sa, isz),
                      lay(ob, shape, sb, isz), bool(np.array_equal(a, b))])
    return cases


if __name__ == "__main__":
    out = {
        "broadcast": gen_broadcast(1500),
        "astype": gen_astype(4),
        "copyto": gen_copyto(1500),
        "apply2": gen_apply2(1200),
        "equal": gen_equal(800),
    }
    with open(os.path.join(HERE, "elementwise.json"), "w") as f:
        f.write('{"numpy":%s,\n"checks":%s' % (json.dumps(np.__version__), json.dumps(CHECKS)))
        for k, cases in out.items():
            f.write(',\n"%s":[\n' % k)
            f.write(",\n".join(json.dumps(c, separators=(",", ":")) for c in cases))
            f.write("\n]")
        f.write("}\n")
    print({k: len(v) for k, v in out.items()}, CHECKS)
