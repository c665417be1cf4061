#!/usr/bin/python3
"""Milliseconds per convolution pass in PyTorch for the layers KernelBench --conv times.

Prints "torch LAYER threads forwardMs backwardInputMs backwardWeightMs" (median of timed batches after
warm-up). Run with OMP_WAIT_POLICY=PASSIVE (see run.sh). Usage: conv_peers.py [--threads 1,2] [--seconds S] [--cpu]
"""
import argparse
import time

import torch

# name: (batch, in channels, height, width, out channels, kernel, stride, padding) as in ConvBench.cs
LAYERS = {
    "cnn2.conv1": (256, 1, 50, 50, 32, 3, 1, 0),
    "cnn2.conv2": (256, 32, 24, 24, 64, 3, 1, 0),
    "r18.conv1": (64, 3, 64, 64, 64, 7, 2, 3),
    "r18.layer1": (64, 64, 16, 16, 64, 3, 1, 1),
    "r18.layer2": (64, 128, 8, 8, 128, 3, 1, 1),
    "r18.layer3": (64, 256, 4, 4, 256, 3, 1, 1),
    "r18.layer4": (64, 512, 2, 2, 512, 3, 1, 1),
}


def measure(run, seconds, cpu_time):
    clock = time.process_time if cpu_time else time.perf_counter
    start = time.perf_counter()
    calls = 0
    while time.perf_counter() - start < 0.5 or calls < 5:
        run()
        calls += 1
    samples = []
    total = time.perf_counter()
    while time.perf_counter() - total < seconds or len(samples) < 5:
        c0, reps = clock(), 0
        t0 = time.perf_counter()
        while True:
            run()
            reps += 1
            if time.perf_counter() - t0 >= 0.02:
                break
        samples.append((clock() - c0) / reps * 1e3)
    samples.sort()
    return samples[len(samples) // 2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument("--cpu", action="store_true")
    args = ap.parse_args()
    torch.manual_seed(1)
    for name, (n, c, h, w, oc, k, s, p) in LAYERS.items():
        x = torch.randn(n, c, h, w)
        wt = torch.randn(oc, c, k, k)
        b = torch.randn(oc)
        y = torch.nn.functional.conv2d(x, wt, b, s, p)
        dy = torch.randn_like(y)
        for t in (int(v) for v in args.threads.split(",")):
            torch.set_num_threads(t)
            with torch.no_grad():
                fwd = measure(lambda: torch.nn.functional.conv2d(x, wt, b, s, p), args.seconds, args.cpu)
            def backward(mask):
                torch.ops.aten.convolution_backward(dy, x, wt, [oc], [s, s], [p, p], [1, 1], False, [0, 0], 1, mask)
            bwd_in = measure(lambda: backward([True, False, False]), args.seconds, args.cpu)
            bwd_w = measure(lambda: backward([False, True, True]), args.seconds, args.cpu)
            print(f"torch {name} {t} {fwd:.3f} {bwd_in:.3f} {bwd_w:.3f}", flush=True)


if __name__ == "__main__":
    main()
