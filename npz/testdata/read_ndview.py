#!/usr/bin/env python3
"""Reads the .npz files ndview wrote (ndview_stored.npz by npz.Save, ndview_compressed.npz
by npz.SaveCompressed) with NumPy, compares every array with ndview_expected.json (dtype,
shape, order, exact bytes), checks the zip's CRCs and that every stored member's array data
starts on a 64-byte boundary, and writes the verdict to ndview_verdict.json, with the
SHA-256 of what it read so that Go's TestNumPyVerdict can tell whether Save still writes it.

Run from the repository root with NumPy 1.24, after `go test ./npz -run TestNumPyVerdict
-update` rewrote the files:  /usr/bin/python3 npz/testdata/read_ndview.py
"""
import hashlib
import json
import os
import struct
import zipfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = ["ndview_stored.npz", "ndview_compressed.npz"]


def sha256(b):
    return hashlib.sha256(b).hexdigest()


def data_offsets(raw, z):
    """Where the array data of each stored member starts in the file."""
    out = {}
    for info in z.infolist():
        if info.compress_type != zipfile.ZIP_STORED:
            continue
        h = info.header_offset
        nlen, xlen = struct.unpack_from("<HH", raw, h + 26)
        start = h + 30 + nlen + xlen
        if raw[start + 6] == 1:
            hlen = 10 + struct.unpack_from("<H", raw, start + 8)[0]
        else:
            hlen = 12 + struct.unpack_from("<I", raw, start + 8)[0]
        out[info.filename[: -len(".npy")]] = start + hlen
    return out


def judge(path, expected):
    raw = open(path, "rb").read()
    entry = {"sha256": sha256(raw), "ok": True, "members": {}, "member_sha256": {}}
    with zipfile.ZipFile(path) as z:
        bad = z.testzip()
        if bad is not None:
            entry["ok"] = False
            entry["zip_error"] = "bad CRC in " + bad
        for info in z.infolist():
            entry["member_sha256"][info.filename[: -len(".npy")]] = sha256(z.read(info))
        offsets = data_offsets(raw, z)
    with np.load(path) as d:
        names = [e["name"] for e in expected]
        if d.files != names:
            entry["ok"] = False
            entry["names_error"] = "np.load lists %r" % (d.files,)
        for e in expected:
            name, problems = e["name"], []
            try:
                y = d[name]
            except Exception as exc:  # report, do not stop
                entry["members"][name] = "np.load failed: %r" % (exc,)
                entry["ok"] = False
                continue
            if y.dtype.str != e["descr"]:
                problems.append("dtype %s, want %s" % (y.dtype.str, e["descr"]))
            if list(y.shape) != e["shape"]:
                problems.append("shape %r, want %r" % (y.shape, e["shape"]))
            fortran = bool(y.ndim > 1 and y.flags.f_contiguous and not y.flags.c_contiguous)
            if fortran != e["fortran"]:
                problems.append("Fortran order %s, want %s" % (fortran, e["fortran"]))
            le = y.astype(y.dtype.newbyteorder("<")) if y.dtype.byteorder == ">" else y
            if le.tobytes(order="C").hex() != e["le_hex"]:
                problems.append("bytes %s, want %s" % (le.tobytes(order="C").hex(), e["le_hex"]))
            if name in offsets and offsets[name] % 64 != 0:
                problems.append("array data at byte %d, not 64-byte aligned" % offsets[name])
            entry["members"][name] = "; ".join(problems) or "ok"
            if problems:
                entry["ok"] = False
    return entry


def main():
    exp_path = os.path.join(HERE, "ndview_expected.json")
    expected = json.load(open(exp_path))
    verdict = {
        "numpy": np.__version__,
        "expected_sha256": sha256(open(exp_path, "rb").read()),
        "files": {f: judge(os.path.join(HERE, f), expected) for f in FILES},
    }
    verdict["ok"] = all(v["ok"] for v in verdict["files"].values())
    with open(os.path.join(HERE, "ndview_verdict.json"), "w") as f:
        json.dump(verdict, f, indent=1, sort_keys=True, ensure_ascii=True)
        f.write("\n")
    print("ok" if verdict["ok"] else "NOT OK: see ndview_verdict.json")


if __name__ == "__main__":
    main()
