#!/usr/bin/python3
"""SGEMM GFLOP/s of numpy (OpenBLAS) and torch.mm, the peers for benchmarks/KernelBench.

Prints one line per (peer, shape, threads): "<peer> M N K threads gflops" (median of timed batches
after warm-up). Run with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset so OpenBLAS picks its
AVX-512 kernels, and OMP_WAIT_POLICY=PASSIVE (see run.sh).
Usage: sgemm_peers.py [--threads 1,2] [--shapes MxNxK,...] [--seconds S] [--peers numpy,torch] [--cpu]
"""
import argparse
import time

import numpy as np
from threadpoolctl import threadpool_limits

SHAPES = "256x256x256,512x512x512,1024x1024x1024,2048x2048x2048,64x18432x576,32x147456x9,128x36864x1152"


def measure(run, flops, seconds, cpu_time=False):
    clock = time.process_time if cpu_time else time.perf_counter
    start = time.perf_counter()
    calls = 0
    while time.perf_counter() - start < 0.6 or calls < 20:
        run()
        calls += 1
    samples = []
    total = time.perf_counter()
    while time.perf_counter() - total < seconds or len(samples) < 5:
        t0, c0 = time.perf_counter(), clock()
        reps = 0
        while True:
            run()
            reps += 1
            if time.perf_counter() - t0 >= 0.02:
                break
        samples.append(flops * reps / max(clock() - c0, 1e-9) / 1e9)
    samples.sort()
    return samples[len(samples) // 2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--shapes", default=SHAPES)
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument("--peers", default="numpy,torch")
    ap.add_argument("--cpu", action="store_true", help="divide by process CPU time instead of wall time")
    args = ap.parse_args()
    threads = [int(t) for t in args.threads.split(",")]
    shapes = [tuple(int(v) for v in s.split("x")) for s in args.shapes.split(",")]
    peers = args.peers.split(",")
    torch = None
    if "torch" in peers:
        import torch as torch_module
        torch = torch_module
    rng = np.random.default_rng(1)
    for m, n, k in shapes:
        a = (rng.random((m, k), dtype=np.float32) - 0.5)
        b = (rng.random((k, n), dtype=np.float32) - 0.5)
        c = np.empty((m, n), dtype=np.float32)
        flops = 2.0 * m * n * k
        for t in threads:
            if "numpy" in peers:
                with threadpool_limits(limits=t, user_api="blas"):
                    g = measure(lambda: np.matmul(a, b, out=c), flops, args.seconds, args.cpu)
                print(f"numpy {m} {n} {k} {t} {g:.1f}", flush=True)
            if torch is not None:
                torch.set_num_threads(t)
                ta, tb = torch.from_numpy(a), torch.from_numpy(b)
                tc = torch.empty((m, n), dtype=torch.float32)
                g = measure(lambda: torch.mm(ta, tb, out=tc), flops, args.seconds, args.cpu)
                print(f"torch {m} {n} {k} {t} {g:.1f}", flush=True)


if __name__ == "__main__":
    main()
