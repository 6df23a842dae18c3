#!/usr/bin/python3
"""Writes testdata/select.json, the NumPy vectors for View.Select (basic slicing, a[...]).

Run with Debian's Python after `apt-get install -y python3-numpy`:

    /usr/bin/python3 testdata/gen_select.py

Each case is a random base view over a 1-D buffer holding arange(n) of one element type
(C-contiguous, transposed, reversed, strided, or a mix), and a random selection mixing
indices (negative and out of range among them), slices with omitted parts, negative steps
and bounds far out of range, None and Ellipsis. The file is one JSON object:

    {"numpy": version, "cases": [case, ...]}
    case = [type, n, offset, shape, strides, selection, want]

type is the Go element type; the base view has the given byte offset, shape and byte strides
over a buffer of n elements whose element k holds k. A selection item is an integer (I),
null (NewAxis), "..." (Ellipsis) or [start, stop, step] with null for an omitted part.
want is NumPy's verdict, "IndexError" or "ValueError" (a step of zero), or
[shape, strides, offset, c_contiguous, f_contiguous, elements], where elements are the
result's values in C order (the k of each element; int8 wraps, as Go's int8(k) does).

The generator is seeded, so the output is reproducible.
"""
import json
import os
import random
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
R = random.Random(20261129)

TYPES = {"int8": "i1", "int16": "i2", "int32": "i4", "int64": "i8", "float32": "f4",
         "float64": "f8", "complex64": "c8", "complex128": "c16"}

# Bounds far out of range, all within a Go int64.
HUGE = [2**62, -2**62, sys.maxsize, -sys.maxsize - 1, 1000, -1000]
STEPS = [1, 2, 3, -1, -2, -3, 4, -5, 7, 2**40, -2**40]


def addr(a):
    return a.__array_interface__["data"][0]


def rand_shape():
    nd = R.choice([0, 1, 1, 2, 2, 3, 3, 4, 5])
    maxd = {0: 1, 1: 9, 2: 7, 3: 5, 4: 4, 5: 3}[nd]
    shape = []
    for _ in range(nd):
        r = R.random()
        if r < 0.07:
            shape.append(0)
        elif r < 0.25:
            shape.append(1)
        else:
            shape.append(R.randint(2, maxd))
    return shape


def base_view(goname, shape):
    """A view of the given shape over arange(n) of goname's dtype, laid out at random."""
    dt = np.dtype(TYPES[goname])
    nd = len(shape)
    if nd == 0:
        n = R.randint(1, 4)
        buf = np.arange(n).astype(dt)
        i = R.randrange(n)
        return buf, buf[i:i + 1].reshape(())
    layout = R.choice(["c", "c", "transposed", "reversed", "strided", "mixed", "mixed"])
    perm = list(range(nd))
    steps = [1] * nd
    if layout in ("transposed", "mixed"):
        R.shuffle(perm)
    if layout in ("reversed", "mixed"):
        steps = [R.choice([1, -1]) for _ in range(nd)]
    if layout in ("strided", "mixed"):
        for _ in range(R.randint(1, 2)):
            k = R.randrange(nd)
            steps[k] *= R.choice([2, 3])
    # Build a C-contiguous parent in permuted axis order, cut the axes out of it, and
    # transpose back so that the result has the asked shape.
    pshape, pslices = [], []
    for k in perm:
        d, st = shape[k], steps[k]
        pad = R.randint(0, 1)
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
    lead = R.randint(0, 2)
    n = lead + int(np.prod(pshape, dtype=np.int64))
    buf = np.arange(n).astype(dt)
    parent = buf[lead:].reshape(pshape)
    v = parent[tuple(pslices)]
    inv = [perm.index(k) for k in range(nd)]
    v = v.transpose(inv)
    assert list(v.shape) == shape, (v.shape, shape, layout, pslices)
    return buf, v


def rand_bound(n):
    r = R.random()
    if r < 0.1:
        return R.choice(HUGE)
    return R.randint(-n - 2, n + 2)


def rand_index(n):
    if n > 0 and R.random() < 0.85:
        return R.randint(-n, n - 1)
    return R.choice([n, n + 1, -n - 1, -n - 5, 2**62, -2**62, -sys.maxsize - 1])


def rand_slice(n):
    start = None if R.random() < 0.35 else rand_bound(n)
    stop = None if R.random() < 0.35 else rand_bound(n)
    r = R.random()
    if r < 0.4:
        step = None
    elif r < 0.985:
        step = R.choice(STEPS)
    else:
        step = 0
    if start is not None and stop is not None and R.random() < 0.5:
        # Mostly in the step's direction, so that fewer results are empty.
        start, stop = sorted([start, stop], reverse=step is not None and step < 0)
    return [start, stop, step]


def rand_selection(shape):
    nd = len(shape)
    r = R.random()
    if r < 0.9:
        m = R.randint(0, nd)
    else:
        m = nd + R.randint(1, 2)  # too many indices
    ell = R.random() < 0.35
    split = R.randint(0, m) if ell else m
    # The axis each consuming item applies to: leading items from the front, the items
    # after an Ellipsis from the back.
    axes = list(range(split)) + list(range(nd - (m - split), nd))
    items = []
    for j in range(m):
        k = axes[j]
        n = shape[k] if 0 <= k < nd else R.randint(0, 3)
        if R.random() < 0.3:
            items.append(rand_index(n))
        else:
            items.append(rand_slice(n))
    if ell:
        items.insert(split, "...")
        if R.random() < 0.05:
            items.insert(R.randint(0, len(items)), "...")
    for _ in range(R.choice([0, 0, 0, 1, 1, 2])):
        items.insert(R.randint(0, len(items)), None)
    return items


def key(items):
    out = []
    for x in items:
        if x == "...":
            out.append(Ellipsis)
        elif isinstance(x, list):
            out.append(slice(*x))
        else:
            out.append(x)
    # NumPy returns a scalar, not a view, when integers index every axis and there is no
    # Ellipsis; a trailing Ellipsis (no change otherwise) makes it a 0-d view.
    if Ellipsis not in out:
        out.append(Ellipsis)
    return tuple(out)


def gen(n):
    cases = []
    names = list(TYPES)
    while len(cases) < n:
        goname = names[len(cases) % len(names)]
        shape = rand_shape()
        buf, v = base_view(goname, shape)
        items = rand_selection(shape)
        off = addr(v) - addr(buf)
        if v.size == 0:
            # NumPy's data pointer of an empty view may lie past the buffer; ndview keeps an
            # empty view's offset inside it. Nothing selected from it is non-empty, and the
            # offset of an empty result is not compared.
            off = min(max(off, 0), buf.nbytes)
        base = [goname, int(buf.size), off, list(v.shape), list(v.strides), items]
        try:
            w = v[key(items)]
        except IndexError:
            cases.append(base + ["IndexError"])
            continue
        except ValueError:
            cases.append(base + ["ValueError"])
            continue
        assert isinstance(w, np.ndarray)
        elems = [int(x.real) if np.iscomplexobj(w) else int(x) for x in w.ravel(order="C")]
        cases.append(base + [[list(w.shape), list(w.strides), addr(w) - addr(buf),
                              bool(w.flags.c_contiguous), bool(w.flags.f_contiguous), elems]])
    return cases


if __name__ == "__main__":
    cases = gen(5000)
    with open(os.path.join(HERE, "select.json"), "w") as f:
        f.write('{"numpy":%s,"cases":[\n' % json.dumps(np.__version__))
        f.write(",\n".join(json.dumps(c, separators=(",", ":")) for c in cases))
        f.write("\n]}\n")
