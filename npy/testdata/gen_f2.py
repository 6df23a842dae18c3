#!/usr/bin/python3
"""Writes the float16 .npy files of npy/half_test.go with NumPy 1.24 (Debian's python3-numpy):

    /usr/bin/python3 npy/testdata/gen_f2.py

f2_le.npy and f2_be.npy hold the same 2x3 float16 array, little- and big-endian, whose bit
patterns are BITS (a subnormal, a signaling NaN with a payload, -Inf, ...); f2_F.npy holds it
in Fortran order.
"""
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
BITS = [0x3C00, 0x0001, 0x7D01, 0xFC00, 0x7BFF, 0x8000]

a = np.array(BITS, dtype=np.uint16).view(np.float16).reshape(2, 3)
np.save(os.path.join(HERE, "f2_le.npy"), a.astype("<f2"))
np.save(os.path.join(HERE, "f2_be.npy"), a.astype(">f2"))
np.save(os.path.join(HERE, "f2_F.npy"), np.asfortranarray(a))
