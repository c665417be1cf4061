#!/usr/bin/python3
"""Peer for benchmarks/LinearBench: scikit-learn LogisticRegression on 50x50 gray pixels.

Decodes every image of DATA/{train,test}/{female,male} with PIL (convert("L"),
resize((50, 50), BOX), /255 as float32), dumps the exact features it fits on to OUT
(raw little-endian, row-major: {split}_X.f32 = n x 2500 float32, {split}_y.u8 = 0 female / 1 male,
meta.json), then fits LogisticRegression(solver="lbfgs", C, max_iter) and prints accuracy and fit time.
LinearBench reads the same files, so both fit on bit-identical features.

Usage (see docs/BENCHMARKS.md):
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=2 \
    /usr/bin/python3 benchmarks/linear/logreg_peers.py --data ../shared/data/kaggle-gender --out /tmp/logreg50
"""
import argparse, json, os, sys, time
import numpy as np
from PIL import Image

SIZE = 50


def load_split(root, split):
    xs, ys, paths = [], [], []
    for label, cls in enumerate(["female", "male"]):
        folder = os.path.join(root, split, cls)
        for name in sorted(os.listdir(folder)):
            with Image.open(os.path.join(folder, name)) as im:
                g = im.convert("L").resize((SIZE, SIZE), Image.BOX)
            xs.append(np.asarray(g, dtype=np.float32).reshape(-1) / np.float32(255))
            ys.append(label)
            paths.append(f"{split}/{cls}/{name}")
    return np.stack(xs).astype(np.float32), np.asarray(ys, dtype=np.uint8), paths


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--C", type=float, default=1.0)
    ap.add_argument("--max-iter", type=int, default=500)
    ap.add_argument("--sweep", default="", help="comma-separated C values to also fit (e.g. 0.001,0.01,0.1)")
    ap.add_argument("--repeats", type=int, default=1)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    data = {}
    for split in ("train", "test"):
        xf = os.path.join(a.out, f"{split}_X.f32")
        yf = os.path.join(a.out, f"{split}_y.u8")
        if os.path.exists(xf) and os.path.exists(yf):
            y = np.fromfile(yf, dtype=np.uint8)
            x = np.fromfile(xf, dtype="<f4").reshape(len(y), SIZE * SIZE)
        else:
            t = time.perf_counter()
            x, y, _ = load_split(a.data, split)
            x.astype("<f4").tofile(xf)
            y.tofile(yf)
            print(f"decoded {split}: {x.shape} in {time.perf_counter() - t:.1f} s", flush=True)
        data[split] = (x, y)
    with open(os.path.join(a.out, "meta.json"), "w") as f:
        json.dump({"features": SIZE * SIZE, "train": int(len(data["train"][1])), "test": int(len(data["test"][1])),
                   "preprocessing": "PIL convert(L), resize(50x50, BOX), /255 float32"}, f)

    from sklearn import __version__ as skv
    from sklearn.linear_model import LogisticRegression
    (xtr, ytr), (xte, yte) = data["train"], data["test"]
    cs = [a.C] + [float(c) for c in a.sweep.split(",") if c]
    for c in cs:
        times, cpu = [], []
        for _ in range(a.repeats):
            m = LogisticRegression(solver="lbfgs", C=c, max_iter=a.max_iter)
            t, tc = time.perf_counter(), time.process_time()
            m.fit(xtr, ytr)
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - tc)
        acc = float((m.predict(xte) == yte).mean())
        tr = float((m.predict(xtr) == ytr).mean())
        print(json.dumps({"peer": f"sklearn {skv}", "C": c, "max_iter": a.max_iter, "n_iter": int(m.n_iter_[0]),
                          "fit_s": sorted(times)[len(times) // 2], "fit_all_s": times,
                          "cpu_s": sorted(cpu)[len(cpu) // 2],
                          "train_acc": tr, "test_acc": acc}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
