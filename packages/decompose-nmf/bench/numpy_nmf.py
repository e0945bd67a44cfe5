"""numpy's NMF for the bench: scikit-learn's coordinate descent and multiplicative (Frobenius)
updates as in scripts/golden/make_nmf_golden.py, vectorized over rows (each row's update does not
depend on the others'), on float32 data as scikit-learn keeps it.

Usage: python3 numpy_nmf.py DATA.npy INIT_DIR --solver cd|mu --iterations N [--out DIR]
Loads the (n, p) float32 array, starts from INIT_DIR/W0.npy and H0.npy, runs N iterations (no stopping
test), saves W and H to DIR when given, and prints JSON: load and fit seconds, the error.
"""

import argparse
import json
import os
import time

import numpy as np

EPSILON = np.finfo(np.float32).eps


def cd_update(W, HHt, XHt):
    """_update_cdnmf_fast, all rows at once: for each column t in turn."""
    violation = 0.0
    for t in range(W.shape[1]):
        grad = W @ HHt[t] - XHt[:, t]
        pg = np.where(W[:, t] == 0, np.minimum(grad, 0), grad)
        violation += float(np.abs(pg).sum())
        if HHt[t, t] != 0:
            W[:, t] = np.maximum(W[:, t] - grad / HHt[t, t], 0)
    return violation


def iterate(X, W, H, solver):
    if solver == "cd":
        Ht = np.ascontiguousarray(H.T)
        cd_update(W, Ht.T @ Ht, X @ Ht)
        cd_update(Ht, W.T @ W, X.T @ W)
        return W, np.ascontiguousarray(Ht.T)
    numerator = X @ H.T
    denominator = W @ (H @ H.T)
    denominator[denominator == 0] = EPSILON
    W = W * (numerator / denominator)
    numerator = W.T @ X
    denominator = (W.T @ W) @ H
    denominator[denominator == 0] = EPSILON
    return W, H * (numerator / denominator)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("init")
    parser.add_argument("--solver", choices=["cd", "mu"], default="cd")
    parser.add_argument("--iterations", type=int, default=30)
    parser.add_argument("--out")
    args = parser.parse_args()
    start = time.perf_counter()
    X = np.load(args.data)
    W = np.load(os.path.join(args.init, "W0.npy"))
    H = np.load(os.path.join(args.init, "H0.npy"))
    loaded = time.perf_counter()
    for _ in range(args.iterations):
        W, H = iterate(X, W, H, args.solver)
    fitted = time.perf_counter()
    error = float(np.sqrt(np.sum((X - W @ H) ** 2, dtype=np.float64)))
    if args.out:
        os.makedirs(args.out, exist_ok=True)
        np.save(os.path.join(args.out, "W.npy"), W)
        np.save(os.path.join(args.out, "H.npy"), H)
    print(
        json.dumps(
            {
                "load_seconds": loaded - start,
                "fit_seconds": fitted - loaded,
                "iteration_seconds": (fitted - loaded) / args.iterations,
                "error": error,
            }
        )
    )


if __name__ == "__main__":
    main()
