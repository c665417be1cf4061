#!/usr/bin/python3
"""Scratch checks of logistic-regression variants on the 50x50 gray features dumped by logreg_peers.py (OUT folder).

  smooth C:S ...  L2 plus a smoothness penalty 0.5*S*||Dw||^2 (D: horizontal and vertical pixel differences), L-BFGS-B
  gamma           scikit-learn LogisticRegression on sqrt(x), x^2, log1p(8x), per-image centred x, C in {0.03, 0.1}
  l1 C ...        an L1 penalty instead of L2 (scikit-learn, liblinear)

Prints test accuracy. Used for docs/BENCHMARKS.md ("Logistic regression: variants tried in session 4").
  /usr/bin/python3 benchmarks/linear/logreg_variants.py /tmp/logreg50 smooth 0.1:0 0.1:10 0.1:100
  /usr/bin/python3 benchmarks/linear/logreg_variants.py /tmp/logreg50 gamma
  /usr/bin/python3 benchmarks/linear/logreg_variants.py /tmp/logreg50 l1 0.1 0.3 1      (session 5)
"""
import sys, time, warnings
import numpy as np

S = 50


def load(folder, split):
    y = np.fromfile(f"{folder}/{split}_y.u8", dtype=np.uint8)
    return np.fromfile(f"{folder}/{split}_X.f32", dtype="<f4").reshape(len(y), S * S), y


def smooth(X, y, Xt, yt, pairs):
    from scipy.optimize import minimize
    from scipy.special import expit
    X, Xt, y = X.astype(np.float64), Xt.astype(np.float64), y.astype(np.float64)

    def penalty(w):
        W = w.reshape(S, S)
        dx, dy = np.diff(W, axis=1), np.diff(W, axis=0)
        g = np.zeros((S, S))
        g[:, 1:] += dx; g[:, :-1] -= dx; g[1:, :] += dy; g[:-1, :] -= dy
        return (dx * dx).sum() + (dy * dy).sum(), 2 * g.reshape(-1)

    for C, s in pairs:
        def f(p):
            w, b = p[:-1], p[-1]
            z = X @ w + b
            r = expit(z) - y
            pen, gp = penalty(w)
            value = C * (np.logaddexp(0, z) - y * z).sum() + 0.5 * (w @ w) + 0.5 * s * pen
            return value, np.append(C * (X.T @ r) + w + 0.5 * s * gp, C * r.sum())
        t = time.time()
        p = minimize(f, np.zeros(X.shape[1] + 1), jac=True, method="L-BFGS-B", options={"maxiter": 2000, "gtol": 1e-5}).x
        print(f"smooth C={C} S={s}: test {(((Xt @ p[:-1] + p[-1]) > 0) == yt).mean() * 100:.2f}% ({time.time() - t:.0f} s)", flush=True)


def gamma(X, y, Xt, yt):
    from sklearn.linear_model import LogisticRegression
    warnings.filterwarnings("ignore")
    for name, f in [("sqrt", np.sqrt), ("square", np.square), ("log1p(8x)", lambda a: np.log1p(8 * a)),
                    ("centred per image", lambda a: a - a.mean(axis=1, keepdims=True))]:
        for C in (0.03, 0.1):
            m = LogisticRegression(C=C, max_iter=3000, tol=1e-5).fit(f(X), y)
            print(f"{name} C={C}: test {(m.predict(f(Xt)) == yt).mean() * 100:.2f}%", flush=True)


def l1(X, y, Xt, yt, cs):
    from sklearn.linear_model import LogisticRegression
    warnings.filterwarnings("ignore")
    for C in cs:
        t = time.time()
        m = LogisticRegression(penalty="l1", solver="liblinear", C=C, max_iter=1000, tol=1e-4).fit(X.astype(np.float64), y)
        print(f"l1 C={C}: test {(m.predict(Xt.astype(np.float64)) == yt).mean() * 100:.2f}%, {(m.coef_ != 0).sum()} non-zero weights"
              f" ({time.time() - t:.0f} s)", flush=True)


if __name__ == "__main__":
    folder, mode = sys.argv[1], sys.argv[2]
    (X, y), (Xt, yt) = load(folder, "train"), load(folder, "test")
    if mode == "smooth":
        smooth(X, y, Xt, yt, [tuple(float(v) for v in a.split(":")) for a in sys.argv[3:]])
    elif mode == "l1":
        l1(X, y, Xt, yt, [float(v) for v in sys.argv[3:]])
    else:
        gamma(X, y, Xt, yt)
