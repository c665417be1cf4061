#!/usr/bin/env python3
"""McNemar's test between two models' predictions on the same images (`genderml evaluate --predictions` output).

Usage: mcnemar.py A.csv B.csv
Prints each model's accuracy, the images only A got right (b) and only B got right (c), and the two-sided p-value of
the exact binomial test of b against c (McNemar's exact test), with the chi-square form beside it.
"""
import csv, math, sys

def read(path):
    with open(path, newline="") as f:
        return {r["path"]: r["predicted"] == r["label"] for r in csv.DictReader(f)}

a, b = read(sys.argv[1]), read(sys.argv[2])
common = sorted(set(a) & set(b))
only_a = sum(a[k] and not b[k] for k in common)
only_b = sum(b[k] and not a[k] for k in common)
n = only_a + only_b
# Exact two-sided binomial p-value of min(only_a, only_b) successes in n trials at 1/2.
k = min(only_a, only_b)
p = min(1.0, 2 * sum(math.comb(n, i) for i in range(k + 1)) / 2 ** n) if n else 1.0
chi2 = (abs(only_a - only_b) - 1) ** 2 / n if n else 0.0
acc = lambda d: 100 * sum(d[k] for k in common) / len(common)
print(f"images {len(common)} (A {len(a)}, B {len(b)})")
print(f"accuracy A {acc(a):.2f}%, B {acc(b):.2f}%, difference {acc(a) - acc(b):+.2f} points")
print(f"right only in A {only_a}, only in B {only_b}; McNemar exact p = {p:.3g} (chi-square with continuity {chi2:.2f})")
