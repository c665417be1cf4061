#!/usr/bin/python3
"""Peers of `genderml compare`: the same models on the same 50x50 gray pixels in scikit-learn and PyTorch.

logreg: sklearn LogisticRegression(solver="lbfgs", C, max_iter).
dense:  Flatten -> Linear(2500, 128) + ReLU -> Linear(128, 1).
cnn2:   Conv(32, 3x3) + ReLU + MaxPool2 -> Conv(64, 3x3) + ReLU + MaxPool2 -> Linear(64*10*10, 128) + ReLU -> Linear(128, 1).
Networks train as `genderml compare --no-augment --validation 0` does: AdamW (weight decay 1e-4), one-cycle
learning rate (peak 1e-3 dense, 2e-3 cnn2), batch 64 (last partial batch dropped), BCE-with-logits on one logit
with class weights n/(2 n_class), global gradient-norm clip 5, no augmentation, no validation, shuffled each epoch.
Pixels: PIL convert("L"), resize((50, 50), BILINEAR), /255. Prints one JSON line per model:
training seconds (fit only, decoding excluded), inference ms per image, test accuracy.

  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=2 \
    /usr/bin/python3 benchmarks/classifiers/peers.py --data ../shared/data/kaggle-gender --models logreg,dense,cnn2 --epochs 5
"""
import argparse, json, os, time
import numpy as np
from PIL import Image

SIZE = 50


def load_split(root, split, limit):
    xs, ys = [], []
    for label, cls in enumerate(["female", "male"]):
        folder = os.path.join(root, split, cls)
        names = sorted(os.listdir(folder))[: limit or None]
        for name in names:
            try:
                with Image.open(os.path.join(folder, name)) as im:
                    g = im.convert("L").resize((SIZE, SIZE), Image.BILINEAR)
            except Exception:
                continue
            xs.append(np.asarray(g, dtype=np.uint8))
            ys.append(label)
    return np.stack(xs), np.asarray(ys, dtype=np.int64)


def fit_logreg(xtr, ytr, xte, yte, a):
    from sklearn.linear_model import LogisticRegression
    xtr = xtr.reshape(len(xtr), -1).astype(np.float32) / 255
    xte = xte.reshape(len(xte), -1).astype(np.float32) / 255
    m = LogisticRegression(solver="lbfgs", C=a.C, max_iter=a.max_iter)
    t = time.perf_counter()
    m.fit(xtr, ytr)
    fit = time.perf_counter() - t
    t = time.perf_counter()
    pred = m.predict(xte)
    ms = (time.perf_counter() - t) * 1000 / len(xte)
    return fit, ms, float((pred == yte).mean()), {"n_iter": int(m.n_iter_[0])}


def fit_net(kind, xtr, ytr, xte, yte, a):
    import torch
    from torch import nn
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    if kind == "dense":
        net = nn.Sequential(nn.Flatten(), nn.Linear(SIZE * SIZE, 128), nn.ReLU(), nn.Linear(128, 1))
        lr = a.lr or 1e-3
    else:
        s = ((SIZE - 2) // 2 - 2) // 2
        net = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
                            nn.Flatten(), nn.Linear(64 * s * s, 128), nn.ReLU(), nn.Linear(128, 1))
        lr = a.lr or 2e-3
    x = torch.from_numpy(xtr).unsqueeze(1)            # uint8, scaled per batch as ours
    y = torch.from_numpy(ytr).float()
    n, batch = len(x), a.batch
    steps = (n // batch) * a.epochs
    opt = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps, pct_start=0.3)
    counts = np.bincount(ytr, minlength=2)
    w = torch.tensor([n / (2 * counts[0]), n / (2 * counts[1])], dtype=torch.float32)
    gen = torch.Generator().manual_seed(a.seed)
    t = time.perf_counter()
    net.train()
    for _ in range(a.epochs):
        order = torch.randperm(n, generator=gen)
        for b in range(n // batch):
            idx = order[b * batch:(b + 1) * batch]
            xb = x[idx].float() / 255
            yb = y[idx]
            logits = net(xb).squeeze(1)
            loss = nn.functional.binary_cross_entropy_with_logits(logits, yb, weight=w[yb.long()])
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(net.parameters(), 5.0)
            opt.step()
            sched.step()
    fit = time.perf_counter() - t
    net.eval()
    xt = torch.from_numpy(xte).unsqueeze(1)
    t = time.perf_counter()
    with torch.no_grad():
        out = torch.cat([net(xt[i:i + 64].float() / 255).squeeze(1) for i in range(0, len(xt), 64)])
    ms = (time.perf_counter() - t) * 1000 / len(xt)
    acc = float(((out > 0).long().numpy() == yte).mean())
    return fit, ms, acc, {"epochs": a.epochs, "lr": lr, "torch": torch.__version__}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--models", default="logreg,dense,cnn2")
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=0)
    ap.add_argument("--C", type=float, default=1.0)
    ap.add_argument("--max-iter", type=int, default=500)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--limit", type=int, default=0, help="at most this many images per class and split (0 = all)")
    a = ap.parse_args()
    t = time.perf_counter()
    xtr, ytr = load_split(a.data, "train", a.limit)
    xte, yte = load_split(a.data, "test", a.limit)
    print(json.dumps({"decoded": [len(ytr), len(yte)], "decode_s": round(time.perf_counter() - t, 1)}), flush=True)
    for kind in a.models.split(","):
        fit, ms, acc, extra = fit_logreg(xtr, ytr, xte, yte, a) if kind == "logreg" else fit_net(kind, xtr, ytr, xte, yte, a)
        print(json.dumps({"peer": kind, "train_s": round(fit, 2), "ms_per_image": round(ms, 4), "test_acc": acc, **extra}), flush=True)


if __name__ == "__main__":
    main()
