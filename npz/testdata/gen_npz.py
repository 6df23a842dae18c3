#!/usr/bin/env python3
"""Writes the .npz files NumPy makes, for npz's tests: numpy_stored.npz (np.savez) and
numpy_compressed.npz (np.savez_compressed) of the same arrays, and numpy_manifest.json,
which says for each array its dtype, shape, order and exact bytes (little-endian, C order,
as hex), and for each member of each file where its .npy and its array data start.

Run from the repository root with NumPy 1.24:  /usr/bin/python3 npz/testdata/gen_npz.py
"""
import json
import os
import struct
import zipfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def bits(dtype, words):
    """An array of dtype whose elements have exactly these bit patterns."""
    u = {2: np.uint16, 4: np.uint32, 8: np.uint64}[np.dtype(dtype).itemsize]
    return np.array(words, dtype=u).view(dtype)


def arrays():
    a = {}
    a["f8"] = np.array([[0.0, -0.0, 1.5], [np.nan, np.inf, 5e-324]])
    a["f8_snan"] = bits("<f8", [0x7FF0000000000123, 0xFFF8000000000001, 0x8000000000000001])
    a["f4"] = np.array([1.0, -0.0, 1e-45, np.inf, -np.inf, 3.4028235e38, 0.1], dtype=np.float32)
    a["f4_snan"] = bits("<f4", [0x7F800001, 0xFFC00123])
    a["f2"] = np.array([1.0, 0.5, np.nan, -np.inf, 6e-8, 65504.0], dtype=np.float16)
    a["i1"] = np.array([-128, -1, 0, 127], dtype=np.int8)
    a["u1"] = np.arange(24, dtype=np.uint8).reshape(2, 3, 4) * 11
    a["i2"] = np.array([-32768, -1, 0, 32767], dtype=np.int16)
    a["u2"] = np.array([0, 1, 65535], dtype=np.uint16)
    a["i4"] = np.array([[-(2**31), -1], [0, 2**31 - 1]], dtype=np.int32)
    a["u4"] = np.array([0, 2**32 - 1], dtype=np.uint32)
    a["i8"] = np.array([-(2**63), -1, 0, 2**63 - 1], dtype=np.int64)
    a["u8"] = np.array([0, 2**64 - 1], dtype=np.uint64)
    a["c16"] = np.array([1 + 2j, complex(-0.0, -np.inf), complex(np.nan, 1)], dtype=np.complex128)
    a["c8"] = np.array([[1 - 1j, 0.5j]], dtype=np.complex64)
    a["be_f8"] = np.arange(6, dtype=">f8").reshape(3, 2) / 3
    a["be_i4"] = np.array([1, -2, 3 << 20], dtype=">i4")
    a["be_c8"] = np.array([1 + 2j, -3.5j], dtype=">c8")
    a["be_f2"] = np.array([1.0, -2.0, 0.25], dtype=">f2")
    a["fortran"] = np.asfortranarray(np.arange(12.0).reshape(3, 4))
    a["fortran_i2"] = np.asfortranarray(np.arange(24, dtype=np.int16).reshape(2, 3, 4) - 5)
    a["empty"] = np.zeros((0, 3))
    a["empty_i4"] = np.zeros(0, dtype=np.int32)
    a["scalar"] = np.array(7, dtype=np.int64)
    a["scalar_f8"] = np.array(2.5)
    a["layer1/weight"] = np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32)
    a["unicode_\u540d"] = np.array([1, 2, 3], dtype=np.uint8)
    a["bytes"] = np.arange(1000, dtype=np.uint16).astype(np.uint8)
    return a


def offsets(path):
    """Where each member's .npy and array data start in the file."""
    out = {}
    raw = open(path, "rb").read()
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            h = info.header_offset
            sig, = struct.unpack_from("<I", raw, h)
            assert sig == 0x04034B50
            nlen, xlen = struct.unpack_from("<HH", raw, h + 26)
            start = h + 30 + nlen + xlen
            major = raw[start + 6]
            if major == 1:
                hlen = 10 + struct.unpack_from("<H", raw, start + 8)[0]
            else:
                hlen = 12 + struct.unpack_from("<I", raw, start + 8)[0]
            name = info.filename[: -len(".npy")]
            out[name] = {"method": info.compress_type, "npy_offset": start, "data_offset": start + hlen}
    return out


def main():
    a = arrays()
    stored = os.path.join(HERE, "numpy_stored.npz")
    compressed = os.path.join(HERE, "numpy_compressed.npz")
    np.savez(stored, **a)
    np.savez_compressed(compressed, **a)
    manifest = {
        "numpy": np.__version__,
        "order": list(a),
        "arrays": {},
        "files": {"numpy_stored.npz": offsets(stored), "numpy_compressed.npz": offsets(compressed)},
    }
    for name, x in a.items():
        le = x.astype(x.dtype.newbyteorder("<")) if x.dtype.byteorder == ">" else x
        manifest["arrays"][name] = {
            "descr": x.dtype.str,
            "shape": list(x.shape),
            "fortran": bool(x.flags.f_contiguous and not x.flags.c_contiguous),
            "le_hex": le.tobytes(order="C").hex(),
        }
    # Check what was written reads back exactly, before anyone relies on it.
    for path in (stored, compressed):
        with np.load(path) as z:
            assert z.files == list(a), z.files
            for name, x in a.items():
                y = z[name]
                assert y.dtype == x.dtype and y.shape == x.shape and y.tobytes() == x.tobytes(), name
    with open(os.path.join(HERE, "numpy_manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, ensure_ascii=True)
        f.write("\n")


if __name__ == "__main__":
    main()
