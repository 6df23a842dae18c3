#!/usr/bin/python3
"""Writes the NumPy / CPython-memoryview differential vectors under testdata/.

Run with Debian's Python after `apt-get install -y python3-numpy`:

    /usr/bin/python3 testdata/gen_vectors.py

views.json   random base arrays of every Elem type and random chains of Slice / Index /
             Transpose / Reshape, with NumPy's shape, strides, offset, flags and bytes after
             every step, and the byte offset a write to one element lands on.
cast.json    memoryview.cast (through 'B') of contiguous and strided views.
tobytes.json memoryview.tobytes('C'|'F'|'A') and .hex() of strided views.
equal.json   memoryview == between views, NaNs included.

The generator is seeded, so the output is reproducible.
"""
import json
import os
import random

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
R = random.Random(20261124)

# Go type name -> NumPy dtype (native order).
TYPES = {
    "int8": "i1", "uint8": "u1", "int16": "i2", "uint16": "u2", "int32": "i4", "uint32": "u4",
    "int64": "i8", "uint64": "u8", "int": "i8", "uint": "u8", "uintptr": "u8",
    "float32": "f4", "float64": "f8", "complex64": "c8", "complex128": "c16",
}
STRUCT = {"int8": "b", "uint8": "B", "int16": "h", "uint16": "H", "int32": "i", "uint32": "I",
          "int64": "q", "uint64": "Q", "int": "n", "uint": "N", "uintptr": "P",
          "float32": "f", "float64": "d"}


def rand_shape(maxdim=5, maxnd=4, allow_zero=True):
    nd = R.randint(0, maxnd)
    lo = 0 if allow_zero and R.random() < 0.15 else 1
    return [R.randint(lo, maxdim) for _ in range(nd)]


def base_array(goname, shape):
    dt = np.dtype(TYPES[goname])
    n = int(np.prod(shape, dtype=np.int64)) if shape else 1
    raw = bytes(R.getrandbits(8) for _ in range(n * dt.itemsize))
    return np.frombuffer(bytearray(raw), dtype=dt).reshape(shape), raw


def addr(a):
    return a.__array_interface__["data"][0]


def state(v, base):
    return {"shape": list(v.shape), "strides": list(v.strides), "offset": addr(v) - addr(base),
            "c": bool(v.flags.c_contiguous), "f": bool(v.flags.f_contiguous)}


def ax(axis, s):
    return (slice(None),) * axis + (s, Ellipsis)


def random_op(v):
    nd = v.ndim
    kinds = ["reshape"]
    if nd > 0:
        kinds += ["slice", "slice", "index", "transpose"]
    k = R.choice(kinds)
    if k == "slice":
        axis = R.randrange(nd)
        n = v.shape[axis]
        start = R.randint(0, n)
        stop = R.randint(start, n)
        step = R.choice([1, 1, 2, 3, -1, -1, -2, -3, 5])
        w = v[ax(axis, slice(start, stop))][ax(axis, slice(None, None, step))]
        return ["slice", axis, start, stop, step], w
    if k == "index":
        axis = R.randrange(nd)
        if v.shape[axis] == 0:
            return None, None
        i = R.randrange(v.shape[axis])
        return ["index", axis, i], v[ax(axis, i)]
    if k == "transpose":
        if R.random() < 0.3:
            return ["transpose", []], v.T
        axes = list(range(nd))
        R.shuffle(axes)
        return ["transpose", axes], v.transpose(axes)
    # reshape: a random factorization of the size, sometimes with -1, sometimes wrong
    size = v.size
    shape = factorize(size)
    if shape and R.random() < 0.25:
        shape[R.randrange(len(shape))] = -1
    if R.random() < 0.08:
        shape = shape + [R.randint(2, 3)]
    w = v.view()
    try:
        w.shape = tuple(shape)
    except AttributeError:  # NumPy would need a copy
        return ["reshape", shape, "copy"], None
    except ValueError:  # sizes differ, or a -1 it cannot infer
        return ["reshape", shape, "size"], None
    return ["reshape", shape, ""], w


def factorize(size):
    if size == 0:
        shape = [R.randint(0, 3) for _ in range(R.randint(1, 3))]
        shape[R.randrange(len(shape))] = 0
        return shape
    shape = []
    s = size
    for _ in range(R.randint(0, 4)):
        divs = [d for d in range(1, s + 1) if s % d == 0]
        d = R.choice(divs)
        shape.append(d)
        s //= d
    if s != 1 or not shape:
        shape.append(s)
    while R.random() < 0.2:
        shape.insert(R.randrange(len(shape) + 1), 1)
    return shape


def gen_views(n):
    cases = []
    names = list(TYPES)
    while len(cases) < n:
        goname = names[len(cases) % len(names)]
        base, raw = base_array(goname, rand_shape())
        v = base
        steps = []
        for _ in range(R.randint(1, 6)):
            op, w = random_op(v)
            if op is None:
                continue
            if w is None:
                steps.append({"op": op})
                continue
            v = w
            steps.append({"op": op, "want": state(v, base)})
        case = {"type": goname, "base_shape": list(base.shape), "base": raw.hex(), "steps": steps,
                "data": v.tobytes().hex()}
        if v.size > 0:
            idx = [R.randrange(d) for d in v.shape]
            off = addr(v) - addr(base) + sum(i * s for i, s in zip(idx, v.strides))
            case["set"] = {"idx": idx, "offset": off}
        cases.append(case)
    return cases


def strided_view(goname, allow_zero=True):
    base, raw = base_array(goname, rand_shape(maxdim=6, allow_zero=allow_zero))
    v = base
    ops = []
    for _ in range(R.randint(0, 3)):
        op, w = random_op(v)
        if op is None or w is None:
            continue
        v = w
        ops.append(op)
    return base, raw, ops, v


CAST_TYPES = ["int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64",
              "float32", "float64", "complex64", "complex128"]


def gen_cast(n):
    cases = []
    while len(cases) < n:
        src = R.choice(CAST_TYPES)
        dst = R.choice(CAST_TYPES)
        base, raw, ops, v = strided_view(src, allow_zero=False)
        if v.size == 0:
            continue
        dsz = np.dtype(TYPES[dst]).itemsize
        nbytes = v.nbytes
        shape = None
        r = R.random()
        if r < 0.5 and nbytes % dsz == 0:
            shape = factorize(nbytes // dsz)
        elif r < 0.7:
            shape = factorize(max(1, nbytes // dsz + R.choice([-1, 1])))
        case = {"type": src, "to": dst, "base_shape": list(base.shape), "base": raw.hex(), "ops": ops,
                "shape": shape}
        m = memoryview(v)
        try:
            mb = m.cast("B")
        except TypeError:
            case["err"] = "contiguous"
            cases.append(case)
            continue
        fmt = STRUCT.get(dst, "B")
        try:
            if dst.startswith("complex"):
                # struct has no complex code: check the size arithmetic with a stand-in of
                # the same item size ('Q' for 8 bytes, 16 bytes as two 'Q's per element).
                if dst == "complex64":
                    mc = mb.cast("Q", shape) if shape is not None else mb.cast("Q")
                    got_shape = list(mc.shape)
                else:
                    if shape is None:
                        mc = mb.cast("Q")
                        if len(mc) % 2:
                            raise ValueError("length is not a multiple of itemsize")
                        got_shape = [len(mc) // 2]
                    else:
                        if int(np.prod(shape)) * 16 != nbytes:
                            raise ValueError("product(shape) * itemsize != buffer size")
                        got_shape = list(shape)
                got = mb.tobytes()
            else:
                mc = mb.cast(fmt, shape) if shape is not None else mb.cast(fmt)
                got_shape = list(mc.shape)
                got = mc.tobytes()
        except (TypeError, ValueError):  # product(shape) * itemsize != buffer size, ...
            case["err"] = "shape"
            cases.append(case)
            continue
        case["want_shape"] = got_shape
        case["want"] = got.hex()
        cases.append(case)
    return cases


def gen_tobytes(n):
    cases = []
    names = list(TYPES)
    while len(cases) < n:
        goname = names[len(cases) % len(names)]
        base, raw, ops, v = strided_view(goname)
        m = memoryview(v)
        cases.append({"type": goname, "base_shape": list(base.shape), "base": raw.hex(), "ops": ops,
                      "C": m.tobytes("C").hex(), "F": m.tobytes("F").hex(), "A": m.tobytes("A").hex(),
                      "hex": m.hex()})
    return cases


def gen_equal(n):
    cases = []
    names = [t for t in TYPES if not t.startswith("complex")]
    while len(cases) < n:
        goname = names[len(cases) % len(names)]
        dt = np.dtype(TYPES[goname])
        shape = rand_shape(maxdim=4)
        size = int(np.prod(shape)) if shape else 1
        # few distinct values so that equal views are common; NaNs for float types
        vals = [R.choice([0, 1, 2]) for _ in range(size)]
        a = np.array(vals, dtype=dt).reshape(shape)
        if dt.kind == "f" and size and R.random() < 0.2:
            a.reshape(-1)[R.randrange(size)] = np.nan
        r = R.random()
        if r < 0.3:
            b = a.copy()
        elif r < 0.5:
            b = a.copy()
            if size:
                b.reshape(-1)[R.randrange(size)] = 2 - b.reshape(-1)[0]
        elif r < 0.7 and a.ndim >= 2:
            b = np.ascontiguousarray(a.T)
        elif r < 0.8:
            b = np.array(vals, dtype=dt).reshape(factorize(size)) if size else a.copy()
        else:
            b = a.copy()
        # lay b out strided: a reversed copy viewed back through [::-1] on every axis
        bs = b
        if b.ndim and b.size:
            flipped = np.ascontiguousarray(b[(slice(None, None, -1),) * b.ndim])
            bs = flipped[(slice(None, None, -1),) * b.ndim]
        cases.append({"type": goname, "a_shape": list(a.shape), "a": a.tobytes().hex(),
                      "b_shape": list(b.shape), "b": flipped.tobytes().hex() if bs is not b else b.tobytes().hex(),
                      "b_reversed": bs is not b,
                      "equal": memoryview(a) == memoryview(bs), "self_equal": memoryview(a) == memoryview(a)})
    return cases


def dump(name, obj):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(obj, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    dump("views.json", {"numpy": np.__version__, "cases": gen_views(1500)})
    dump("cast.json", gen_cast(600))
    dump("tobytes.json", gen_tobytes(400))
    dump("equal.json", gen_equal(400))
