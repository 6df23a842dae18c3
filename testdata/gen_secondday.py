#!/usr/bin/python3
"""Writes testdata/secondday.json, the NumPy vectors for Concatenate, Stack, ArgMaxAxis and
ArgMinAxis.

Run with Debian's Python after `apt-get install -y python3-numpy`:

    /usr/bin/python3 testdata/gen_secondday.py

The file is one JSON object {"numpy": version, "join": [case, ...], "arg": [case, ...]}.

Every input is a view of a base array, described by [base_shape, transform]; the Go test
builds the same view the same way:

    "c"  the base itself (C-contiguous)
    "t"  base.T (the base has the view's shape reversed)
    "r"  base[::-1, ::-1, ...] (every axis reversed: negative strides)
    "s"  base[::2, ::2, ...] (the base is twice as long on every axis)
    "b"  np.broadcast_to(base, shape) (the base has 1 on axis 0: a zero stride)

join case = [op, axis, [[base_shape, transform, shape], ...], want]: op is "concatenate" or
"stack"; input i's base holds arange(size) + 1000*(i+1) as int32, in C order. want is
"ValueError" or "AxisError" when NumPy raises, else [shape, values in C order].

arg case = [op, type, base_shape, transform, shape, codes, axis, want]: op is "argmax" or
"argmin", type "float64" or "int16"; the base's elements in C order are codes[i] looked up
in FLOATS or INTS below (NaN, infinities, signed zeros, many ties). want is "ValueError"
(an empty axis), "AxisError", or [shape, indices in C order].

The generator is seeded, so the output is reproducible.
"""
import json
import os
import random

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
R = random.Random(20261206)

FLOATS = {"a": float("nan"), "b": float("inf"), "c": float("-inf"), "d": 0.0, "e": -0.0,
          "f": 1.0, "g": -1.0, "h": 2.5, "i": -2.5, "j": 0.5, "k": 1e300, "l": -1e-300,
          "m": 3.0, "n": -3.0}
INTS = {"a": -32768, "b": 32767, "c": 0, "d": 1, "e": -1, "f": 2, "g": -2, "h": 100, "i": -100}


def base_shape(shape, tr):
    if tr == "t":
        return list(reversed(shape))
    if tr == "s":
        return [2 * d for d in shape]
    if tr == "b" and shape:
        return [1] + list(shape[1:])
    return list(shape)


def view(base, tr, shape):
    if tr == "t":
        return base.T
    if tr == "r":
        return base[(slice(None, None, -1),) * base.ndim]
    if tr == "s":
        return base[(slice(None, None, 2),) * base.ndim]
    if tr == "b":
        return np.broadcast_to(base, shape)
    return base


def transform():
    return R.choice("cccctrsb")


def outcome(f):
    try:
        r = f()
    except np.AxisError:
        return "AxisError"
    except ValueError:
        return "ValueError"
    return [list(r.shape), [x.item() for x in r.ravel()]]


def rand_axis(nd):
    if R.random() < 0.12:
        return R.choice([nd, nd + 1, -nd - 1, -nd - 3, 7])
    return R.randrange(-nd, nd) if nd else R.choice([0, -1])


def join_case(op):
    nd = R.choice([0, 1, 1, 2, 2, 3, 3, 4]) if op == "stack" else R.choice([0, 1, 2, 2, 3, 3, 4])
    if op == "concatenate" and nd == 0 and R.random() < 0.7:
        nd = 1
    common = [R.choice([0, 1, 2, 2, 3, 3]) for _ in range(nd)]
    if R.random() < 0.85:
        common = [d if d else R.choice([1, 2]) for d in common]  # empty mostly along the axis
    ninp = R.choice([1, 2, 2, 3, 3, 4]) if R.random() > 0.03 else 0
    axis = rand_axis(nd + 1 if op == "stack" else nd)
    k = axis % nd if (op == "concatenate" and nd and -nd <= axis < nd) else None
    shapes = []
    for _ in range(ninp):
        s = list(common)
        if k is not None:
            s[k] = R.choice([0, 1, 2, 3, 4])
        shapes.append(s)
    if ninp and R.random() < 0.12:  # a mismatch
        i = R.randrange(ninp)
        s = list(shapes[i])
        if R.random() < 0.3 or not s:
            s = s + [2] if len(s) < 4 else s[:-1]
        else:
            j = R.randrange(len(s))
            if k is None or j != k or op == "stack":
                s[j] += 1
        shapes[i] = s
    arrays, desc = [], []
    for i, s in enumerate(shapes):
        tr = transform()
        bs = base_shape(s, tr)
        base = (np.arange(int(np.prod(bs)), dtype=np.int32) + 1000 * (i + 1)).reshape(bs)
        arrays.append(view(base, tr, s))
        desc.append([bs, tr, s])
    if op == "stack":
        want = outcome(lambda: np.stack(arrays, axis=axis))
    else:
        want = outcome(lambda: np.concatenate(arrays, axis=axis))
    return [op, axis, desc, want]


def arg_case(op, empty=False):
    typ = R.choice(["float64", "float64", "float64", "int16"])
    nd = R.choice([0, 1, 1, 2, 2, 2, 3, 3, 4])
    shape = [R.choice([1, 2, 3, 4, 5]) for _ in range(nd)]
    if nd and R.random() < 0.2:  # a long axis, for the 8-lane kernels
        shape[R.randrange(nd)] = R.choice([17, 24, 40])
        shape = [d if d in (17, 24, 40) else min(d, 3) for d in shape]
    axis = rand_axis(nd)
    if empty and nd:
        j = R.randrange(nd)
        shape[j] = 0
        if R.random() < 0.6:
            axis = j - R.choice([0, nd])
    elif nd and R.random() < 0.05:
        shape[R.randrange(nd)] = 0
    tr = transform()
    bs = base_shape(shape, tr)
    size = int(np.prod(bs)) if bs else 1
    table = FLOATS if typ == "float64" else INTS
    keys = list(table)
    if typ == "float64" and R.random() < 0.5:
        keys = keys[1:]  # no NaN
    if R.random() < 0.4:
        keys = R.sample(keys, 3)  # many ties
    codes = "".join(R.choice(keys) for _ in range(size))
    base = np.array([table[c] for c in codes], dtype=np.float64 if typ == "float64" else np.int16).reshape(bs)
    a = view(base, tr, shape)
    f = np.argmax if op == "argmax" else np.argmin
    want = outcome(lambda: f(a, axis=axis))
    return [op, typ, bs, tr, shape, codes, axis, want]


def main():
    join = [join_case(op) for op in ["concatenate", "stack"] for _ in range(220)]
    arg = [arg_case(op) for op in ["argmax", "argmin"] for _ in range(260)]
    arg += [arg_case(op, empty=True) for op in ["argmax", "argmin"] for _ in range(25)]
    out = {"numpy": np.__version__, "join": join, "arg": arg}
    with open(os.path.join(HERE, "secondday.json"), "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
