#!/usr/bin/python3
"""PyTorch 1.13 peer of OptimizerStep.cs: one optimizer step (SGD+Nesterov, Adam, AdamW; single-tensor and
foreach variants) and clip_grad_norm_ over the same parameter shapes; prints medians as JSON lines.
Run: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 benchmarks/optim/optimizer_step_peer.py [threads]
"""
import json
import sys
import time

import torch

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
torch.set_num_threads(threads)


def cnn2():
    return [[32, 1, 3, 3], [32], [64, 32, 3, 3], [64], [128, 64 * 11 * 11], [128], [1, 128], [1]]


def resnet18():
    shapes = [[64, 3, 7, 7], [64], [64]]
    in_channels = 64
    for channels in [64, 128, 256, 512]:
        for block in range(2):
            inp = in_channels if block == 0 else channels
            shapes += [[channels, inp, 3, 3], [channels], [channels], [channels, channels, 3, 3], [channels], [channels]]
            if block == 0 and inp != channels:
                shapes += [[channels, inp, 1, 1], [channels], [channels]]
            in_channels = channels
    return shapes + [[1, 512], [1]]


for network, shapes in [("cnn2-50-gray", cnn2()), ("resnet18-64-rgb", resnet18())]:
    gen = torch.Generator().manual_seed(1)
    params = [torch.nn.Parameter(torch.rand(*s, generator=gen) - 0.5) for s in shapes]
    for p in params:
        p.grad = torch.rand(p.shape, generator=gen) - 0.5
    count = sum(p.numel() for p in params)
    cases = []
    for foreach in (False, True):
        suffix = "_foreach" if foreach else ""
        cases += [
            ("sgd_nesterov" + suffix, torch.optim.SGD(params, lr=0.01, momentum=0.9, nesterov=True, weight_decay=1e-4, foreach=foreach).step),
            ("adam" + suffix, torch.optim.Adam(params, lr=1e-3, foreach=foreach).step),
            ("adamw" + suffix, torch.optim.AdamW(params, lr=1e-3, weight_decay=0.01, foreach=foreach).step),
        ]
    cases.append(("clip_grad_norm", lambda: torch.nn.utils.clip_grad_norm_(params, 1e9)))
    for name, step in cases:
        with torch.no_grad():
            for _ in range(20):
                step()
            repeats = 30 if count > 5_000_000 else 200
            times = []
            for _ in range(repeats):
                start = time.perf_counter()
                step()
                times.append((time.perf_counter() - start) * 1000)
        times.sort()
        median = times[len(times) // 2]
        touched = 28 if name.startswith("adam") else 4 if name == "clip_grad_norm" else 16
        print(json.dumps({"impl": "pytorch-1.13", "threads": threads, "network": network, "parameters": count, "op": name,
                          "median_ms": round(median, 3), "gb_per_s_touched": round(count * touched / median / 1e6, 1)}))
