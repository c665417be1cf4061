#!/usr/bin/python3
"""PyTorch twin of `FaceApiBench layers`: F.conv2d on the face ResNet's conv shapes, batch 32, best of 15 after warm-up.

Usage: OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 faceresnet_layers_peer.py --threads 1
"""
import argparse
import json
import time

import torch
import torch.nn.functional as F

SHAPES = [(3, 32, 150, 7, 2), (32, 32, 35, 3, 1), (64, 64, 17, 3, 1), (128, 128, 8, 3, 1), (256, 256, 4, 3, 1)]

ap = argparse.ArgumentParser()
ap.add_argument("--threads", type=int, default=1)
a = ap.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(1)
for c, oc, hw, k, s in SHAPES:
    pad = 1 if s == 1 else 0
    x, w, b = torch.rand(32, c, hw, hw), torch.rand(oc, c, k, k), torch.zeros(oc)
    best = float("inf")
    with torch.inference_mode():
        for r in range(17):
            t0 = time.perf_counter()
            y = F.conv2d(x, w, b, s, pad)
            if r >= 2:
                best = min(best, time.perf_counter() - t0)
    gflop = 2.0 * y.numel() * c * k * k / 1e9
    print(json.dumps({"framework": "pytorch " + torch.__version__, "conv": f"{c}->{oc} {hw}x{hw} k{k} s{s}", "batch": 32,
                      "threads": a.threads, "ms": round(best * 1000, 2), "gflops": round(gflop / best, 1)}))
