#!/usr/bin/env python3
"""Accuracy of `genderml evaluate --predictions` output on the dataset's labels and on the audited labels.

Usage: corrected.py PREDICTIONS.csv [FLAGGED.csv]
FLAGGED.csv (default: kaggle-gender-test-flagged.csv beside this script) lists test images whose label a person
judged wrong: file (relative to the dataset root), label (as in the dataset), judged (the label it should have).
"""
import csv
import os
import sys

preds = sys.argv[1]
flagged = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "kaggle-gender-test-flagged.csv")
fix = {}
with open(flagged, newline="") as f:
    for row in csv.DictReader(f):
        fix[row["file"].replace("\\", "/")] = row["judged"]

n = right = right_fixed = matched = 0
with open(preds, newline="") as f:
    for row in csv.DictReader(f):
        path = row["path"].replace("\\", "/")
        key = next((k for k in (path[path.find(p):] for p in ("test/", "train/") if p in path)), path)
        truth = fix.get(key)
        matched += truth is not None
        n += 1
        right += row["predicted"] == row["label"]
        right_fixed += row["predicted"] == (truth or row["label"])
print(f"images {n}, flagged labels among them {matched}")
print(f"accuracy on the dataset's labels {100 * right / n:.2f}%")
print(f"accuracy with the {matched} flagged labels corrected {100 * right_fixed / n:.2f}%")
