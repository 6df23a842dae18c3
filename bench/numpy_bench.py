#!/usr/bin/python3
"""The bench workloads in NumPy; prints medians in ns as JSON (run by `go run ./bench`)."""
import json
import time

import numpy as np


def median_ns(f, number, repeat=7):
    ts = []
    for _ in range(repeat):
        t0 = time.perf_counter_ns()
        for _ in range(number):
            f()
        ts.append((time.perf_counter_ns() - t0) / number)
    ts.sort()
    return ts[len(ts) // 2]


def main():
    out = {"numpy": np.__version__}
    a = np.arange(4 << 20, dtype=np.int64)
    out["sum_contig"] = median_ns(lambda: a.sum(), 20)
    b = np.arange(2048 * 2048, dtype=np.int64).reshape(2048, 2048)
    s = b[::2, ::3]
    out["sum_strided"] = median_ns(lambda: s.sum(), 20)
    m = np.arange(1024 * 1024, dtype=np.float64).reshape(1024, 1024)

    def at_loop():
        t = 0.0
        for i in range(1024):
            row = m  # index the 2-D array, as At(i, j) does
            for j in range(1024):
                t += row[i, j]
        return t
    out["at_loop"] = median_ns(at_loop, 1, repeat=3)
    src = np.arange(4096 * 4096, dtype=np.float64).reshape(4096, 4096)
    dst = np.empty_like(src)
    out["copyto_T"] = median_ns(lambda: np.copyto(dst, src.T), 3)
    v = np.zeros((4096, 4096))
    out["view_slice"] = median_ns(lambda: v[:, 1:2048:2], 100000)
    out["view_index"] = median_ns(lambda: v[2048], 100000)
    out["view_transpose"] = median_ns(lambda: v.T, 100000)
    out["view_reshape"] = median_ns(lambda: v.reshape(2048, -1), 100000)
    out["view_cast"] = median_ns(lambda: v.view(np.uint8), 100000)
    x = np.sin(np.arange(4 << 20, dtype=np.float64))  # the data of the Go reduction workloads
    out["sum_f64"] = median_ns(lambda: np.sum(x), 20)
    out["max_f64"] = median_ns(lambda: np.max(x), 20)
    out["argmax_f64"] = median_ns(lambda: np.argmax(x), 20)
    sq = x.reshape(2048, 2048)
    out["sum_axis0"] = median_ns(lambda: sq.sum(axis=0), 20)
    out["sum_axis1"] = median_ns(lambda: sq.sum(axis=1), 20)
    out["argmax_axis1"] = median_ns(lambda: np.argmax(sq, axis=1), 20)
    # Take's workload: 4096 random rows of a 4096² float32 table into a new array (the same
    # size and kind of gather as the Go side's; NumPy's indices are its own draw).
    table = np.sin(np.arange(4096 * 4096, dtype=np.float32)).reshape(4096, 4096)
    idx = np.random.default_rng(7).integers(0, 4096, 4096)
    out["take_rows"] = median_ns(lambda: table.take(idx, axis=0), 5)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
