#!/usr/bin/python3
"""Peer for the GenderML gradient-boosted trees: scikit-learn's HistGradientBoostingClassifier.

1. Decodes ../shared/data/kaggle-gender to 50x50 gray pixels with PIL
   (convert('L').resize((50, 50), BOX)) and writes them, with labels, to a binary file that
   benchmarks/GbdtBench reads too (skipped when the file already exists).
2. Fits sklearn at the settings of GenderML's defaults (max_iter=100, max_leaf_nodes=20,
   min_samples_leaf=10, learning_rate=0.2, max_bins=255, l2_regularization=0, early stopping off)
   and prints test accuracy, fit wall time and fit CPU time (all threads) as one JSON line.

Binary file layout (little-endian): b"GBDTDATA", int32 train rows, int32 test rows, int32 width,
int32 height, train pixels (rows x width*height uint8, row-major), train labels (uint8, 1 = male),
test pixels, test labels.

Threads: set OMP_NUM_THREADS (run.sh sets 2 and OMP_WAIT_POLICY=PASSIVE).
Usage: gbdt_peers.py --data-dir DIR --out /tmp/gbdt-kaggle50.bin [--decode-only] [--proba-out FILE]
"""
import argparse
import csv
import json
import os
import struct
import time

import numpy as np
from PIL import Image

SIZE = 50


def decode(data_dir, out_path):
    rows = {"train": [], "test": []}
    with open(os.path.join(data_dir, "manifest.csv"), newline="") as f:
        for r in csv.DictReader(f):
            rows[r["split"]].append((r["file"], 1 if r["label"] == "male" else 0))
    blobs = []
    for split in ("train", "test"):
        items = sorted(rows[split])
        x = np.empty((len(items), SIZE * SIZE), dtype=np.uint8)
        y = np.empty(len(items), dtype=np.uint8)
        for i, (path, label) in enumerate(items):
            with Image.open(os.path.join(data_dir, path)) as im:
                g = im.convert("L").resize((SIZE, SIZE), Image.BOX)
                x[i] = np.asarray(g, dtype=np.uint8).reshape(-1)
            y[i] = label
        blobs.append((x, y))
    tmp = out_path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(b"GBDTDATA")
        f.write(struct.pack("<4i", len(blobs[0][1]), len(blobs[1][1]), SIZE, SIZE))
        for x, y in blobs:
            f.write(x.tobytes())
            f.write(y.tobytes())
    os.replace(tmp, out_path)


def load(path):
    with open(path, "rb") as f:
        assert f.read(8) == b"GBDTDATA", path + ": not a GBDTDATA file"
        ntr, nte, w, h = struct.unpack("<4i", f.read(16))
        d = w * h
        xtr = np.frombuffer(f.read(ntr * d), dtype=np.uint8).reshape(ntr, d)
        ytr = np.frombuffer(f.read(ntr), dtype=np.uint8)
        xte = np.frombuffer(f.read(nte * d), dtype=np.uint8).reshape(nte, d)
        yte = np.frombuffer(f.read(nte), dtype=np.uint8)
    return xtr, ytr, xte, yte


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", default=os.path.join(os.path.dirname(__file__), "../../../shared/data/kaggle-gender"))
    ap.add_argument("--out", default="/tmp/gbdt-kaggle50.bin")
    ap.add_argument("--decode-only", action="store_true")
    ap.add_argument("--proba-out", help="also write the test probabilities P(male) as float32 here")
    args = ap.parse_args()
    if not os.path.exists(args.out):
        t = time.perf_counter()
        decode(args.data_dir, args.out)
        print(json.dumps({"decoded": args.out, "seconds": round(time.perf_counter() - t, 1)}), flush=True)
    if args.decode_only:
        return
    from sklearn.ensemble import HistGradientBoostingClassifier

    xtr, ytr, xte, yte = load(args.out)
    clf = HistGradientBoostingClassifier(
        max_iter=100, max_leaf_nodes=20, min_samples_leaf=10, learning_rate=0.2,
        max_bins=255, l2_regularization=0.0, early_stopping=False, random_state=0)
    t, c = time.perf_counter(), time.process_time()
    clf.fit(xtr, ytr)
    fit, cpu = time.perf_counter() - t, time.process_time() - c
    proba = clf.predict_proba(xte)[:, 1].astype(np.float32)
    acc = float(((proba >= 0.5) == (yte == 1)).mean())
    if args.proba_out:
        proba.tofile(args.proba_out)
    print(json.dumps({"impl": "sklearn", "threads": int(os.environ.get("OMP_NUM_THREADS", "0")),
                      "accuracy": round(acc * 100, 2), "fit_seconds": round(fit, 1), "fit_cpu_seconds": round(cpu, 1)}), flush=True)


if __name__ == "__main__":
    main()
