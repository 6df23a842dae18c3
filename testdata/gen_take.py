#!/usr/bin/python3
"""Writes testdata/take.json, the NumPy vectors for Take and TakeInto (np.take, mode "raise").

Run with Debian's Python after `apt-get install -y python3-numpy`:

    /usr/bin/python3 testdata/gen_take.py

Each case is a C-contiguous base array of one element type whose element k (in C order)
holds value(type, k) below (take_test.go computes the same), a list of view operations
applied to it in order, and np.take(view, indices, axis). The file is one JSON object:

    {"numpy": version, "cases": [case, ...]}
    case = [type, base_shape, ops, indices, axis, want]

type is "int32" or "float64". An op is ["T", perm] (ndview's Transpose(perm...), NumPy's
a.transpose(perm)) or ["S", axis, start, stop, step] (ndview's Slice(axis, start, stop,
step): elements [start, stop) of the axis, every |step|-th, from the end when step < 0;
NumPy's a[..., start:stop, ...][..., ::step, ...]). want is "IndexError" or "AxisError" when
NumPy raises, else [shape, values]: the result's shape and its values in C order.

Shapes have up to 4 axes, empty and length-1 axes among them (and 0-d bases, which NumPy
takes as 1-d); axes are drawn in [-ndim-1, ndim] (some out of range); index lists are empty or
up to 6 indices, negative, repeated and (sometimes) out of range ones among them.

The generator is seeded, so the output is reproducible.
"""
import json
import os
import random

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
R = random.Random(20261206)

DTYPES = {"int32": np.int32, "float64": np.float64}


def value(typ, k):
    """Element k of a base; take_test.go's takeValue computes the same."""
    v = (k * 37 + 11) % 201 - 100
    return v if typ == "int32" else v * 0.25


def rand_shape():
    nd = R.choice([0, 1, 1, 2, 2, 2, 3, 3, 4])
    maxd = {0: 1, 1: 9, 2: 6, 3: 4, 4: 3}[nd]
    shape = []
    for _ in range(nd):
        r = R.random()
        shape.append(0 if r < 0.08 else 1 if r < 0.2 else R.randint(2, maxd))
    return shape


def rand_ops(shape):
    """Random Transpose and Slice ops on a view of the given shape; returns ops, new shape."""
    ops = []
    shape = list(shape)
    for _ in range(R.choice([0, 0, 1, 1, 2, 3])):
        if not shape:
            break
        if R.random() < 0.4:
            perm = list(range(len(shape)))
            R.shuffle(perm)
            ops.append(["T", perm])
            shape = [shape[p] for p in perm]
        else:
            ax = R.randrange(len(shape))
            n = shape[ax]
            start = R.randint(0, n)
            stop = R.randint(start, n)
            step = R.choice([1, 2, 3, -1, -2, -3])
            ops.append(["S", ax, start, stop, step])
            shape[ax] = len(range(start, stop)[::step])
    return ops, shape


def apply(a, ops):
    for op in ops:
        if op[0] == "T":
            a = a.transpose(op[1])
        else:
            _, ax, start, stop, step = op
            sl = [slice(None)] * a.ndim
            sl[ax] = slice(start, stop)
            a = a[tuple(sl)]
            sl[ax] = slice(None, None, step)
            a = a[tuple(sl)]
    return a


def rand_indices(n):
    m = R.choice([0, 1, 2, 3, 4, 6])
    out = []
    for _ in range(m):
        r = R.random()
        if r < 0.06:
            out.append(R.choice([n, -n - 1, n + 5, -n - 7]))  # out of range
        elif n == 0:
            out.append(R.choice([0, -1, 1]))
        else:
            out.append(R.randint(-n, n - 1))
    if out and R.random() < 0.2:
        out.append(out[0])  # repeated
    return out


def case():
    typ = R.choice(list(DTYPES))
    base_shape = rand_shape()
    size = int(np.prod(base_shape, dtype=np.int64))
    base = np.array([value(typ, k) for k in range(size)], dtype=DTYPES[typ]).reshape(base_shape)
    ops, shape = rand_ops(base_shape)
    a = apply(base, ops)
    assert list(a.shape) == shape
    nd = max(len(shape), 1)
    axis = R.randint(-nd - 1, nd) if R.random() < 0.1 else R.randint(-nd, nd - 1)
    n = (shape[axis] if shape else 1) if -nd <= axis < nd else 0
    indices = rand_indices(n)
    try:
        r = np.take(a, np.array(indices, dtype=np.intp), axis=axis)
        want = [list(r.shape), [v.item() for v in r.ravel()]]
    except np.AxisError:
        want = "AxisError"
    except IndexError:
        want = "IndexError"
    return [typ, base_shape, ops, indices, axis, want]


def main():
    cases = [case() for _ in range(600)]
    # A few fixed cases: 0-d bases, empty axes, empty outer axes (where NumPy checks no
    # index), negative strides.
    fixed = [
        ["float64", [], [], [0, -1, 0], 0],
        ["int32", [], [], [0], -1],
        ["int32", [], [], [1], 0],
        ["int32", [], [], [0], 1],
        ["float64", [0], [], [], 0],
        ["float64", [0], [], [0], 0],
        ["float64", [2, 0], [], [0], 1],
        ["float64", [0, 0], [], [0], 1],
        ["int32", [0, 3], [], [5], 1],
        ["int32", [3, 0], [], [5], 0],
        ["int32", [3, 0], [], [2, -3], 0],
        ["int32", [4, 5], [["S", 0, 0, 4, -1], ["S", 1, 0, 5, -2]], [2, -1, 0, 2], 1],
        ["float64", [3, 4, 2], [["T", [2, 0, 1]]], [3, 0, -4], -1],
    ]
    for typ, base_shape, ops, indices, axis in fixed:
        size = int(np.prod(base_shape, dtype=np.int64))
        base = np.array([value(typ, k) for k in range(size)], dtype=DTYPES[typ]).reshape(base_shape)
        a = apply(base, ops)
        try:
            r = np.take(a, np.array(indices, dtype=np.intp), axis=axis)
            want = [list(r.shape), [v.item() for v in r.ravel()]]
        except np.AxisError:
            want = "AxisError"
        except IndexError:
            want = "IndexError"
        cases.append([typ, base_shape, ops, indices, axis, want])
    with open(os.path.join(HERE, "take.json"), "w") as f:
        json.dump({"numpy": np.__version__, "cases": cases}, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
