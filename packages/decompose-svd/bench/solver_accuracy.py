"""The exact SVD and scikit-learn's randomized_svd defaults on one matrix, for solvers.bench.ts.

Usage:
  python3 solver_accuracy.py X.npy --rank 8 --center instance|none --seeds 3 --exact DIR

X.npy (float32 or float64, n x ...) is reshaped to n x -1 in C order.

- The exact SVD: LAPACK on the matrix in float64, centered per column when --center instance
  (scikit-learn's PCA): the eigen decomposition of M^T M (dsyrk, then dsyevr for the largest
  rank + 10 eigenpairs), singular values the square roots. Squaring costs nothing here: the
  leading singular values come out to about eps * (s_1 / s_k)^2 relative. Its timing is not
  reported. Computed once: DIR/exact_s.npy (the rank + 10 singular values) and DIR/exact_v.npy
  (float64, p x rank, the first right singular vectors) are written, and read by later calls.
- scikit-learn's randomized_svd with every default, written out in numpy/scipy (scikit-learn is
  not installed here): n_oversamples=10; n_iter="auto", 7 when rank < 0.1 * min(n, p), else 4;
  power_iteration_normalizer="auto", an LU factorization (scipy.linalg.lu, permute_l=True) after
  each product when n_iter > 2, none otherwise; transpose="auto", M.T when n < p; the final QR and
  SVD (gesdd) as scikit-learn; test matrix np.random.RandomState(seed).normal, cast to X's dtype
  as scikit-learn does; the centering of PCA in X's dtype. For each seed 0 .. --seeds-1: the time
  of centering + randomized_svd (time.perf_counter, data in memory), the largest relative error of
  the first `rank` singular values and the largest principal angle (degrees) between the span of
  the first `rank` right singular vectors and the exact one.

Prints one JSON line: {"exact_singular_values": [...], "sklearn": [{"seed", "seconds",
"max_relative_error", "largest_angle_degrees"}], "passes": 2 * n_iter + 2, "n_iter": n_iter,
"threads": OPENBLAS_NUM_THREADS}.
"""

import argparse
import json
import os
import time

import numpy as np
import scipy.linalg
from scipy.linalg.blas import dsyrk


def exact(x, center, rank):
    m = x.astype(np.float64)
    if center:
        m -= m.mean(axis=0)
    gram = dsyrk(1.0, m, trans=1, lower=0)
    p = gram.shape[0]
    count = min(p, rank + 10)
    values, vectors = scipy.linalg.eigh(
        gram, lower=False, driver="evr", subset_by_index=[p - count, p - 1]
    )
    order = np.argsort(values)[::-1]
    return np.sqrt(np.maximum(values[order], 0)), vectors[:, order]


def sklearn_default(x, center, rank, seed):
    """scikit-learn's PCA centering and randomized_svd(m, rank) with every default: s, Vt."""
    m = x - x.mean(axis=0) if center else x
    transpose = m.shape[0] < m.shape[1]
    if transpose:
        m = m.T
    size = rank + 10
    n_iter = 7 if rank < 0.1 * min(m.shape) else 4
    q = np.random.RandomState(seed).normal(size=(m.shape[1], size)).astype(m.dtype, copy=False)
    for _ in range(n_iter):
        if n_iter > 2:
            q, _ = scipy.linalg.lu(m @ q, permute_l=True, check_finite=False)
            q, _ = scipy.linalg.lu(m.T @ q, permute_l=True, check_finite=False)
        else:
            q = m.T @ (m @ q)
    q, _ = scipy.linalg.qr(m @ q, mode="economic", check_finite=False)
    uhat, s, vt = scipy.linalg.svd(
        q.T @ m, full_matrices=False, check_finite=False, lapack_driver="gesdd"
    )
    if transpose:
        return s[:rank], (q @ uhat)[:, :rank].T, n_iter
    return s[:rank], vt[:rank], n_iter


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("path")
    parser.add_argument("--rank", type=int, required=True)
    parser.add_argument("--center", choices=["instance", "none"], default="instance")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--exact", required=True)
    args = parser.parse_args()

    x = np.load(args.path)
    x = np.ascontiguousarray(x.reshape(x.shape[0], -1))
    center = args.center == "instance"
    k = args.rank
    s_path = os.path.join(args.exact, "exact_s.npy")
    v_path = os.path.join(args.exact, "exact_v.npy")
    if os.path.exists(s_path):
        exact_s, exact_v = np.load(s_path), np.load(v_path)
    else:
        exact_s, exact_v = exact(x, center, k)
        exact_v = np.ascontiguousarray(exact_v[:, :k])
        np.save(s_path, exact_s)
        np.save(v_path, exact_v)

    runs = []
    n_iter = 0
    for seed in range(args.seeds):
        start = time.perf_counter()
        s, vt, n_iter = sklearn_default(x, center, k, seed)
        seconds = time.perf_counter() - start
        error = np.max(np.abs(s - exact_s[:k]) / exact_s[:k])
        cosines = np.linalg.svd(exact_v[:, :k].T @ vt.T.astype(np.float64), compute_uv=False)
        angle = np.degrees(np.arccos(min(1.0, cosines.min())))
        runs.append(
            {
                "seed": seed,
                "seconds": seconds,
                "max_relative_error": float(error),
                "largest_angle_degrees": float(angle),
            }
        )
    print(
        json.dumps(
            {
                "exact_singular_values": exact_s.tolist(),
                "sklearn": runs,
                "n_iter": n_iter,
                "passes": 2 * n_iter + 2,
                "threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
            }
        )
    )


if __name__ == "__main__":
    main()
