#!/usr/bin/python3
"""The vector kernels' workloads in NumPy, one pass of each: prints medians in ns as JSON.

`go run ./bench -vector` runs this once per round, between its own measurements of the same
workloads, and reports the median of the per-round ratios."""
import json
import sys
import time

import numpy as np

from numpy_bench import median_ns  # beside this file


def main():
    out = {"numpy": np.__version__}
    x = np.sin(np.arange(4 << 20, dtype=np.float64))  # the data of the Go workloads
    y = x.astype(np.float32)
    for name, a in (("f64", x), ("f32", y)):
        out["max_" + name] = median_ns(a.max, 10, repeat=5)
        out["min_" + name] = median_ns(a.min, 10, repeat=5)
        out["argmax_" + name] = median_ns(a.argmax, 10, repeat=5)
        out["argmin_" + name] = median_ns(a.argmin, 10, repeat=5)
    sq = x.reshape(2048, 2048)
    out["argmax_axis_last"] = median_ns(lambda: sq.argmax(axis=-1), 10, repeat=5)
    out["sum_f64"] = median_ns(x.sum, 10, repeat=5)
    out["sum_axis0"] = median_ns(lambda: sq.sum(axis=0), 10, repeat=5)
    out["sum_axis1"] = median_ns(lambda: sq.sum(axis=1), 10, repeat=5)
    big = np.sin(np.arange(16 << 20, dtype=np.float64))
    d32 = np.empty(16 << 20, np.float32)
    d64 = np.empty(16 << 20, np.float64)
    out["conv_f64_f32"] = median_ns(lambda: np.copyto(d32, big, casting="unsafe"), 3, repeat=5)
    s32 = big.astype(np.float32)
    out["conv_f32_f64"] = median_ns(lambda: np.copyto(d64, s32), 3, repeat=5)
    h = big.astype(np.float16)
    out["conv_f16_f32"] = median_ns(lambda: np.copyto(d32, h), 3, repeat=5)
    d16 = np.empty(16 << 20, np.float16)
    out["conv_f32_f16"] = median_ns(lambda: np.copyto(d16, s32, casting="unsafe"), 3, repeat=5)
    out["conv_f64_f16"] = median_ns(lambda: np.copyto(d16, big, casting="unsafe"), 3, repeat=5)
    d64[:] = h
    out["conv_f16_f64"] = median_ns(lambda: np.copyto(d64, h), 3, repeat=5)
    i8 = (big * 100).astype(np.int8)
    out["conv_i8_f32"] = median_ns(lambda: np.copyto(d32, i8), 3, repeat=5)
    u8 = ((big + 1) * 100).astype(np.uint8)
    out["conv_u8_f32"] = median_ns(lambda: np.copyto(d32, u8), 3, repeat=5)
    i32 = (big * 1e6).astype(np.int32)
    out["conv_i32_f32"] = median_ns(lambda: np.copyto(d32, i32, casting="unsafe"), 3, repeat=5)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
