#!/usr/bin/python3
"""Writes .npy files with NumPy for ndview's npy tests, and manifest.json describing them.

Run with Debian's Python after `apt-get install -y python3-numpy`:

    /usr/bin/python3 npy/testdata/gen_npy.py

Every array's element at C-order index i is value(kind, i) below; the Go tests compute the
same values, so each file is checked element by element. "view" cases are np.save of a
strided view of such an array; the Go tests make the same view and must write the same bytes.
"""
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DTYPES = ["i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8", "f4", "f8", "c8", "c16"]


def values(dt, n):
    i = np.arange(n)
    if dt.kind in "iu":
        return (i % 100).astype(dt)
    if dt.kind == "f":
        return (i / 4 - 3).astype(dt)
    return (i / 4 - 3 + 1j * (i % 7)).astype(dt)


def make(descr, shape, fortran):
    dt = np.dtype(descr)
    n = int(np.prod(shape)) if shape else 1
    a = values(dt, n).reshape(shape)
    return np.asfortranarray(a) if fortran else np.ascontiguousarray(a)


def main():
    cases = []

    def save(name, a, version=None, **extra):
        path = os.path.join(HERE, name)
        if version is None:
            np.save(path, a)
        else:
            with open(path, "wb") as f:
                np.lib.format.write_array(f, a, version=version)
        cases.append(dict(file=name, descr=a.dtype.str, shape=list(a.shape),
                          fortran=bool(a.flags.f_contiguous and not a.flags.c_contiguous),
                          version=list(version or (1, 0)), **extra))

    for d in DTYPES:
        orders = ["<", ">"] if np.dtype(d).itemsize > 1 else ["|"]
        for bo in orders:
            descr = bo + d
            for fortran in (False, True):
                a = make(descr, (3, 4, 2), fortran)
                save(f"{d}_{'be' if bo == '>' else 'le'}_{'F' if fortran else 'C'}.npy", a)
    save("f8_0d.npy", make("<f8", (), False))
    save("i4_empty.npy", make("<i4", (0, 3), False))
    save("u1_empty1d.npy", make("|u1", (0,), False))
    save("c8_1d.npy", make("<c8", (5,), False))
    save("f4_v2.npy", make("<f4", (2, 3), False), version=(2, 0))
    save("i2_v3.npy", make("<i2", (4,), False), version=(3, 0))
    save("f8_F_v2.npy", make("<f8", (2, 5), True), version=(2, 0))
    save("f8_big_axis.npy", make("<f8", (1234567, 0), False))

    # 33 to 64 dimensions. NumPy 2 reads and writes them (its NPY_MAXDIMS is 64); NumPy 1.24,
    # which this script runs on, cannot make such an array. These files are derived from
    # NumPy 2's lib/format.py rules rather than written by np.save: its _write_array_header
    # is 1.24's (the repr of the sorted dict, GROWTH_AXIS_MAX_DIGITS spare spaces, padding to
    # ARRAY_ALIGN, format 1.0 while the header fits in 65,535 bytes), so 1.24's function
    # writes the header np.save of NumPy 2 writes, and the data is that of the same array
    # without its length-1 axes, which change neither the order nor the bytes.
    def save_numpy2(name, descr, shape, fortran):
        dt = np.dtype(descr)
        n = int(np.prod(shape))
        a = values(dt, n).reshape([d for d in shape if d != 1])
        with open(os.path.join(HERE, name), "wb") as f:
            d = {"descr": np.lib.format.dtype_to_descr(dt), "fortran_order": fortran, "shape": tuple(shape)}
            np.lib.format._write_array_header(f, d, None)
            f.write(a.tobytes(order="F" if fortran else "C"))
        cases.append(dict(file=name, descr=dt.str, shape=list(shape), fortran=fortran,
                          version=[1, 0], numpy2=True))

    d64 = (2,) + (1,) * 62 + (3,)
    save_numpy2("f8_64d_C.npy", "<f8", d64, False)
    save_numpy2("f8_64d_F.npy", "<f8", d64, True)
    save_numpy2("i2_64d_be.npy", ">i2", d64, False)
    save_numpy2("u1_33d.npy", "|u1", (1,) * 31 + (2, 3), False)
    save_numpy2("f4_64d_empty.npy", "<f4", (0,) + (1,) * 62 + (4,), False)

    # Views: np.save of a strided view; ops are ndview's (axis, start, stop, step) slices and
    # transposes, applied to make("<" + dtype, base, False).
    def view(name, d, base, ops):
        a = make(("|" if np.dtype(d).itemsize == 1 else "<") + d, base, False)
        v = a
        for op in ops:
            if op[0] == "slice":
                _, axis, start, stop, step = op
                idx = [slice(None)] * v.ndim
                idx[axis] = slice(start, stop)
                v = v[tuple(idx)]
                idx[axis] = slice(None, None, step)
                v = v[tuple(idx)]
            else:
                v = v.transpose(op[1]) if op[1] else v.T
        save(name, v, view=dict(base=list(base), ops=ops))

    view("view_reversed.npy", "f8", (4, 5), [["slice", 1, 0, 5, -1]])
    view("view_strided.npy", "i4", (6, 7), [["slice", 0, 1, 6, 2], ["slice", 1, 0, 7, 3]])
    view("view_transposed.npy", "f4", (3, 4), [["transpose", []]])
    view("view_permuted.npy", "u2", (2, 3, 4), [["transpose", [1, 2, 0]]])
    view("view_transposed_sliced.npy", "c16", (5, 6), [["transpose", []], ["slice", 0, 1, 5, 1]])
    view("view_column.npy", "i8", (4, 6), [["slice", 1, 2, 3, 1]])
    view("view_u1_reversed.npy", "u1", (3, 9), [["slice", 1, 0, 9, -2]])

    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        json.dump({"numpy": np.__version__, "cases": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
