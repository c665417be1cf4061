#!/usr/bin/python3
"""Peer figures for `genderml bench engine`: numpy (SGEMM) and PyTorch (SGEMM and training steps of the product's
cnn2, cnn3 and resnet, the architectures `bench engine` trains, at its batch of 64).

Prints {"numpy": {"sgemm": [...]}, "pytorch": {"sgemm": [...], "train": [...]}} with the same fields as
`genderml bench engine --json`. Each thread count runs in a fresh subprocess so that OpenBLAS and OpenMP pick it
up at start. Run with Debian's python3 (numpy, torch 1.13), OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset and
OMP_WAIT_POLICY=PASSIVE (run.sh does this).

usage: engine_peers.py [--threads N] [--skip-sgemm] [--skip-train]
"""
import json
import os
import statistics
import subprocess
import sys
import time

SHAPES = [(256, 256, 256), (512, 512, 512), (1024, 1024, 1024), (2048, 2048, 2048), (64, 2304 * 8, 576)]


def median_seconds(fn, min_repeats, min_seconds, cpu=None):
    """Median wall time of fn after one warm-up run; cpu (a list), if given, receives the mean process CPU time per run."""
    fn()
    times = []
    cpu_start = time.process_time()
    start = time.perf_counter()
    while len(times) < min_repeats or (time.perf_counter() - start < min_seconds and len(times) < 200):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    if cpu is not None:
        cpu.append((time.process_time() - cpu_start) / len(times))
    return statistics.median(times)


def child(threads, do_sgemm, do_train):
    import numpy as np
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    torch.set_num_threads(threads)
    out = {"numpy": {"sgemm": []}, "pytorch": {"sgemm": [], "train": []}}
    rng = np.random.default_rng(1)
    if do_sgemm:
        for m, n, k in SHAPES:
            a = rng.random((m, k), dtype=np.float32) - 0.5
            b = rng.random((k, n), dtype=np.float32) - 0.5
            c = np.empty((m, n), dtype=np.float32)
            s = median_seconds(lambda: np.matmul(a, b, out=c), 5, 0.5)
            out["numpy"]["sgemm"].append({"m": m, "n": n, "k": k, "threads": threads, "gflops": 2.0 * m * n * k / s / 1e9})
            ta, tb = torch.from_numpy(a), torch.from_numpy(b)
            tc = torch.empty(m, n)
            s = median_seconds(lambda: torch.mm(ta, tb, out=tc), 5, 0.5)
            out["pytorch"]["sgemm"].append({"m": m, "n": n, "k": k, "threads": threads, "gflops": 2.0 * m * n * k / s / 1e9})
    if do_train:
        torch.manual_seed(1)

        # The product's networks (src/GenderML/Classifiers/NetworkFactory.cs), layer for layer, as `bench engine`
        # trains them: batch 64, AdamW (lr 2e-3, no weight decay, as AdamOptions), BCE with logits, training mode (dropout and batch statistics on).
        def cnn2():  # 50x50 gray: (50-2)/2=24, (24-2)/2=11
            return nn.Sequential(
                nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
                nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
                nn.Flatten(), nn.Linear(64 * 11 * 11, 128), nn.ReLU(), nn.Linear(128, 1))

        def cnn3():  # 50x50 gray: 25, 12, 6
            return nn.Sequential(
                nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                nn.Conv2d(64, 128, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                nn.Dropout(0.25), nn.Flatten(), nn.Linear(128 * 6 * 6, 128), nn.ReLU(), nn.Dropout(0.5), nn.Linear(128, 1))

        class Block(nn.Module):  # Core's BasicBlock: 3x3 convs without bias, BN, 1x1 projection when the shape changes
            def __init__(self, cin, cout, stride):
                super().__init__()
                self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
                self.bn1 = nn.BatchNorm2d(cout)
                self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
                self.bn2 = nn.BatchNorm2d(cout)
                self.downsample = None
                if stride != 1 or cin != cout:
                    self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

            def forward(self, x):
                y = F.relu(self.bn1(self.conv1(x)))
                y = self.bn2(self.conv2(y))
                return F.relu(y + (x if self.downsample is None else self.downsample(x)))

        def resnet():  # the `resnet` preset on 64x64 RGB: ConvBN(32)+ReLU, blocks 32, 64/2, 128/2, 256/2, mean, Dense(1)
            return nn.Sequential(
                nn.Conv2d(3, 32, 3, 1, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU(),
                Block(32, 32, 1), Block(32, 64, 2), Block(64, 128, 2), Block(128, 256, 2),
                nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(256, 1))

        batch = 64
        for name, make, shape in [("cnn2-50-gray", cnn2, (batch, 1, 50, 50)),
                                  ("cnn3-50-gray", cnn3, (batch, 1, 50, 50)),
                                  ("resnet-64-rgb", resnet, (batch, 3, 64, 64))]:
            net = make()
            net.train()
            opt = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=0)
            loss_fn = nn.BCEWithLogitsLoss()
            x = torch.rand(shape)
            y = (torch.arange(batch) % 2).float().reshape(batch, 1)

            def step():
                opt.zero_grad()
                loss = loss_fn(net(x), y)
                loss.backward()
                opt.step()

            for _ in range(3):
                step()
            cpu = []
            s = median_seconds(step, 5, 3, cpu)
            out["pytorch"]["train"].append({"network": name, "batch": batch, "threads": threads, "imagesPerSecond": batch / s,
                                            "cpuMillisecondsPerStep": cpu[0] * 1000})
    return out


def main():
    args = sys.argv[1:]
    if args and args[0] == "--child":
        print(json.dumps(child(int(args[1]), args[2] == "1", args[3] == "1")))
        return
    threads = None
    if "--threads" in args:
        threads = int(args[args.index("--threads") + 1])
    do_sgemm = "--skip-sgemm" not in args
    do_train = "--skip-train" not in args
    train_threads = threads or os.cpu_count()
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OPENBLAS_L2_SIZE", None)
    env["OMP_WAIT_POLICY"] = "PASSIVE"
    # LD_LIBRARY_PATH (set by run.sh) selects OpenBLAS for numpy/torch; it passes through to the children.
    result = {"numpy": {"sgemm": []}, "pytorch": {"sgemm": [], "train": []}}
    gemm_threads = [threads] if threads else [1, 2]
    for t in sorted(set(gemm_threads + [train_threads])):
        env_t = dict(env, OPENBLAS_NUM_THREADS=str(t), OMP_NUM_THREADS=str(t), MKL_NUM_THREADS=str(t))
        sg = "1" if do_sgemm and t in gemm_threads else "0"
        tr = "1" if do_train and t == train_threads else "0"
        if sg == "0" and tr == "0":
            continue
        text = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", str(t), sg, tr],
                              env=env_t, check=True, capture_output=True, text=True).stdout
        part = json.loads(text)
        result["numpy"]["sgemm"] += part["numpy"]["sgemm"]
        result["pytorch"]["sgemm"] += part["pytorch"]["sgemm"]
        result["pytorch"]["train"] += part["pytorch"]["train"]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
