#!/usr/bin/env python3
"""The validation part `Trainer.Fit` holds out of kaggle-gender's `train` for a seed, as a CSV manifest (path,label).

Usage: validation-manifest.py SEED OUT.csv [DATA_ROOT] [FRACTION]
Re-implements Dataset.SplitStratified (src/GenderML.Data/Dataset.Split.cs): within each class, files ordered by the
seeded FNV-1a/SplitMix64 hash of their path relative to the data root, the first round(0.9·n) train, the next
round(0.1·n) validation. `genderml evaluate --data OUT.csv` then scores exactly the images a model calibrated on
(check: its ECE equals the card's `calibration.eceAfter`).
"""
import os, sys

MASK = (1 << 64) - 1

def split_hash(seed, text):
    h = 14695981039346656037 ^ (seed & 0xFFFFFFFF)
    for c in text:  # UTF-16 code units; the dataset's paths are ASCII
        h = ((h ^ ord(c)) * 1099511628211) & MASK
    h ^= ((seed & 0xFFFFFFFF) << 32) & MASK
    h = ((h ^ (h >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    h = ((h ^ (h >> 27)) * 0x94D049BB133111EB) & MASK
    return h ^ (h >> 31)

seed, out = int(sys.argv[1]), sys.argv[2]
root = os.path.abspath(sys.argv[3] if len(sys.argv) > 3 else os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "data", "kaggle-gender"))
fraction = float(sys.argv[4]) if len(sys.argv) > 4 else 0.1
rows = []
for cls in ("female", "male"):
    files = sorted((f"train/{cls}/{f}" for f in os.listdir(os.path.join(root, "train", cls))), key=lambda r: (split_hash(seed, r), r))
    n = len(files)
    n_train = int(n * (1 - fraction) + 0.5)
    n_val = min(n - n_train, int(n * fraction + 0.5))
    rows += [(os.path.join(root, r), cls) for r in files[n_train:n_train + n_val]]
with open(out, "w") as f:
    f.write("path,label\n")
    f.writelines(f"{p},{label}\n" for p, label in rows)
print(f"{len(rows)} images -> {out}")
