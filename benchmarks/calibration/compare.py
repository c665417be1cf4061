#!/usr/bin/env python3
"""Calibration maps compared on held-out scores: which one, fitted on a model's validation part, gives the lowest ECE on test.

Usage: compare.py CARD.json VALIDATION.csv TEST.csv [FLAGGED.csv]
CARD.json is `genderml model card M.zip --json`; VALIDATION.csv and TEST.csv are `genderml evaluate --predictions`
output on the validation part the model held out (benchmarks/calibration/validation-manifest.py) and on `test`.
The predictions carry the model's calibrated P(male); the card's map is inverted to get the raw scores back.
Every map is fitted on VALIDATION.csv only and scored on TEST.csv: ECE (10 equal-width bins of P(male), as
`evaluate`), on the dataset's labels and with the audited labels of benchmarks/label-audit corrected.
The last lines give the ECE a perfectly calibrated model would show on the same scores from sampling alone.
"""
import csv, json, math, os, random, sys

EPS = 1e-7
def logit(p):
    p = min(max(p, EPS), 1 - EPS); return math.log(p / (1 - p))
def sig(t):
    return 1 / (1 + math.exp(-t)) if t >= 0 else math.exp(t) / (1 + math.exp(t))

def ece(y, p, bins=10):
    n = len(y); c = [0] * bins; sp = [0.0] * bins; sy = [0.0] * bins
    for yi, pi in zip(y, p):
        b = 0
        while b < bins - 1 and (b + 1) / bins < pi: b += 1
        c[b] += 1; sp[b] += pi; sy[b] += yi
    return sum(c[b] / n * abs(sy[b] / c[b] - sp[b] / c[b]) for b in range(bins) if c[b])

def fit_scale(y, z, offset):
    """Newton on the mean log-loss of σ(a·z + b): b fixed at 0 (temperature) or fitted (Platt)."""
    a, b = 1.0, 0.0
    for _ in range(100):
        ga = gb = haa = hab = hbb = 0.0
        for yi, zi in zip(y, z):
            q = sig(a * zi + b); r = q - yi; w = q * (1 - q)
            ga += r * zi; gb += r; haa += w * zi * zi; hab += w * zi; hbb += w
        if offset:
            det = haa * hbb - hab * hab; da = (hbb * ga - hab * gb) / det; db = (haa * gb - hab * ga) / det
        else:
            da, db = ga / haa, 0.0
        a -= da; b -= db
        if abs(da) + abs(db) < 1e-10: break
    return lambda zz: sig(a * zz + b), (a, b)

def fit_isotonic(y, z):
    """Pool-adjacent-violators on the raw logit; a test score takes the value of its block (interpolated between blocks)."""
    pts = sorted(zip(z, y)); blocks = []  # [sum_y, n, z_lo, z_hi]
    for zi, yi in pts:
        blocks.append([yi, 1, zi, zi])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] >= blocks[-1][0] / blocks[-1][1]:
            s, n, lo, hi = blocks.pop(); blocks[-1][0] += s; blocks[-1][1] += n; blocks[-1][3] = hi
    xs = [(b[2] + b[3]) / 2 for b in blocks]; vs = [(b[0] + 0.5) / (b[1] + 1) for b in blocks]
    def f(zz):
        if zz <= xs[0]: return vs[0]
        if zz >= xs[-1]: return vs[-1]
        lo, hi = 0, len(xs) - 1
        while hi - lo > 1:
            m = (lo + hi) // 2
            if xs[m] <= zz: lo = m
            else: hi = m
        t = (zz - xs[lo]) / (xs[hi] - xs[lo]) if xs[hi] > xs[lo] else 0
        return vs[lo] + t * (vs[hi] - vs[lo])
    return f, len(blocks)

def fit_histogram(y, z, bins=15):
    """Equal-mass bins of the raw score; a test score takes its bin's fraction male (Laplace-smoothed)."""
    order = sorted(range(len(z)), key=lambda i: z[i]); n = len(z); edges = []; vals = []
    for k in range(bins):
        idx = order[k * n // bins:(k + 1) * n // bins]
        edges.append(z[idx[-1]]); vals.append((sum(y[i] for i in idx) + 0.5) / (len(idx) + 1))
    def f(zz):
        for e, v in zip(edges, vals):
            if zz <= e: return v
        return vals[-1]
    return f, bins

def read(path, scale, offset, fix):
    ys, yf, z = [], [], []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            pc = float(row["pMale"])
            # raw logit from the calibrated P(male): logit(p') = a·logit(p) + b.
            z.append((logit(pc) - offset) / scale)
            y = 1 if row["label"] == "male" else 0; ys.append(y)
            p = row["path"].replace("\\", "/"); key = next((p[p.find(s):] for s in ("test/", "train/") if s in p), p)
            yf.append(1 if fix.get(key, row["label"]) == "male" else 0)
    return ys, yf, z

card = json.load(open(sys.argv[1])); cal = card.get("calibration") or {}
scale, offset = cal.get("scale", 1.0), cal.get("offset", 0.0)
flagged = sys.argv[4] if len(sys.argv) > 4 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "label-audit", "kaggle-gender-test-flagged.csv")
fix = {r["file"]: r["judged"] for r in csv.DictReader(open(flagged, newline=""))}
vy, _, vz = read(sys.argv[2], scale, offset, {})
ty, tf, tz = read(sys.argv[3], scale, offset, fix)
print(f"model {card.get('kind')}: stored map {cal.get('method', 'none')} scale {scale:.4f} offset {offset:.4f}; "
      f"validation {len(vy)}, test {len(ty)}")
maps = [("raw", (lambda zz: sig(zz)), "")]
f, (a, b) = fit_scale(vy, vz, False); maps.append(("temperature", f, f"T={1 / a:.3f}"))
f, (a, b) = fit_scale(vy, vz, True); maps.append(("platt", f, f"a={a:.3f} b={b:.3f}"))
f, k = fit_isotonic(vy, vz); maps.append(("isotonic", f, f"{k} blocks"))
f, k = fit_histogram(vy, vz); maps.append(("histogram", f, f"{k} equal-mass bins"))
print(f"{'map':<12} {'fit':<20} {'ECE val (fit set)':>17} {'ECE test':>9} {'ECE test, audited':>18} {'log-loss test':>14}")
for name, f, note in maps:
    vp = [f(zz) for zz in vz]; tp = [f(zz) for zz in tz]
    ll = -sum(math.log(max(p if y else 1 - p, 1e-12)) for y, p in zip(ty, tp)) / len(ty)
    print(f"{name:<12} {note:<20} {100 * ece(vy, vp):>16.2f}% {100 * ece(ty, tp):>8.2f}% {100 * ece(tf, tp):>17.2f}% {ll:>14.4f}")
# The choice as a library could make it, on held-out training data only: 2-fold cross-validation inside the validation
# part (fit on one half, ECE on the other, both ways, 5 random halvings), mean ECE per map.
fits = {"temperature": lambda y, z: fit_scale(y, z, False)[0], "platt": lambda y, z: fit_scale(y, z, True)[0],
        "isotonic": lambda y, z: fit_isotonic(y, z)[0], "histogram": lambda y, z: fit_histogram(y, z)[0]}
cv = {k: [] for k in ["raw"] + list(fits)}
rng = random.Random(7)
for rep in range(5):
    idx = list(range(len(vy))); rng.shuffle(idx); halves = (idx[:len(idx) // 2], idx[len(idx) // 2:])
    for fit_half, score_half in (halves, halves[::-1]):
        sy = [vy[i] for i in score_half]; sz = [vz[i] for i in score_half]
        cv["raw"].append(ece(sy, [sig(z) for z in sz]))
        for k, fit in fits.items():
            f = fit([vy[i] for i in fit_half], [vz[i] for i in fit_half])
            cv[k].append(ece(sy, [f(z) for z in sz]))
print("validation 2-fold CV, mean ECE: " + ", ".join(f"{k} {100 * sum(v) / len(v):.2f}%" for k, v in cv.items()))
# Diagnostic only (never a choice): the same scalings fitted on the test scores themselves, the best a map of that
# shape could do there; what remains is the shape of the miscalibration, or a shift between validation and test.
for name, offset in (("temperature", False), ("platt", True)):
    f, (a, b) = fit_scale(ty, tz, offset); tp = [f(zz) for zz in tz]
    print(f"{name + ' fitted on test (diagnostic)':<40} a={a:.3f} b={b:.3f}: ECE test {100 * ece(ty, tp):.2f}%, audited {100 * ece(tf, tp):.2f}%")
print("fraction male: validation %.4f, test %.4f, test audited %.4f; mean raw P(male): validation %.4f, test %.4f" % (
    sum(vy) / len(vy), sum(ty) / len(ty), sum(tf) / len(tf), sum(sig(z) for z in vz) / len(vz), sum(sig(z) for z in tz) / len(tz)))
# Sampling floor: labels drawn from the test scores themselves (perfect calibration), 200 draws.
rng = random.Random(1)
for name, f, _ in maps[1:2]:
    tp = [f(zz) for zz in tz]
    draws = sorted(ece([1 if rng.random() < p else 0 for p in tp], tp) for _ in range(200))
    print(f"ECE of a perfectly calibrated model with {name}'s test scores (200 draws): median {100 * draws[100]:.2f}%, "
          f"95th percentile {100 * draws[189]:.2f}%")
