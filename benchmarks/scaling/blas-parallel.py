# How the machine's cores scale on their own, without Spark: the gemm shapes of one 784-1024-1024-10 step
# (forward and backward over R rows, float32) in P processes at once, each with one OpenBLAS thread (numpy's
# OpenBLAS). Prints each process's GFLOP/s; run-scaling's per-task slowdown compares against this.
# usage: OPENBLAS_NUM_THREADS=1 python3 blas-parallel.py ROWS PROCESSES [SECONDS]
import multiprocessing as mp
import sys
import time

import numpy as np

SIZES = [784, 1024, 1024, 10]


def step_gemms(rows, ws, acts, grads):
    flops = 0
    for i, w in enumerate(ws):  # forward: (rows x in) . (in x out)
        np.matmul(acts[i], w, out=acts[i + 1])
        flops += 2 * rows * w.shape[0] * w.shape[1]
    for i in reversed(range(len(ws))):  # backward: weight gradient, and the input gradient but for layer 0
        np.matmul(acts[i].T, grads[i + 1], out=grads_w[i])
        flops += 2 * rows * ws[i].shape[0] * ws[i].shape[1]
        if i > 0:
            np.matmul(grads[i + 1], ws[i].T, out=grads[i])
            flops += 2 * rows * ws[i].shape[0] * ws[i].shape[1]
    return flops


def worker(args):
    rows, seconds, start_at = args
    global grads_w
    rng = np.random.default_rng(1)
    ws = [rng.standard_normal((a, b), dtype=np.float32) * 0.01 for a, b in zip(SIZES, SIZES[1:])]
    acts = [rng.random((rows, n), dtype=np.float32) for n in SIZES]
    grads = [rng.random((rows, n), dtype=np.float32) for n in SIZES]
    grads_w = [np.empty_like(w) for w in ws]
    step_gemms(rows, ws, acts, grads)  # warm-up
    while time.time() < start_at:
        time.sleep(0.001)
    flops, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        flops += step_gemms(rows, ws, acts, grads)
    return flops / (time.perf_counter() - t0) / 1e9


if __name__ == "__main__":
    rows, procs = int(sys.argv[1]), int(sys.argv[2])
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 3.0
    start_at = time.time() + 2.0
    with mp.get_context("spawn").Pool(procs) as pool:
        rates = pool.map(worker, [(rows, seconds, start_at)] * procs)
    print(f"rows {rows} processes {procs}: GFLOP/s per process " + " ".join(f"{r:.1f}" for r in rates)
          + f"; mean {sum(rates) / len(rates):.1f}, total {sum(rates):.1f}")
