"""numpy HOOI of the same algorithm as @tt/decompose-tucker (scripts/golden/make_tucker_golden.py),
in numpy's fastest form for this shape: float32 data, per iteration the two GEMMs Z = A @ K
(K = kron(U1, ..., Um)) and T = A.T @ Z, the instance factor from the small Z^T Z, the other modes
and the core from W = T V diag(s)^-1 = A^T U0 (small, float64).

Usage: python3 numpy_tucker.py data.npy --dims 1793,3 --ranks 5,5,3 [--iterations 10] [--seed 1]

data.npy holds the n x p float32 unfolding. The whole-process reference of a `tucker` fit with
init "random", n_iter_max = --iterations and tol 0: load, ||X||^2, random orthonormal starts from
numpy's generator, the iterations, the last product for U0, and the factors and core written
next to data.npy (as a user's script would). Prints one line of JSON: the seconds of the load and
of the fit, the iterations and the fit.
"""

import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "scripts", "golden"))
from make_tucker_golden import leading, mode_dot, unfold  # noqa: E402


def kron(factors):
    out = np.ones((1, 1))
    for U in factors:
        out = np.kron(out, U)
    return out


def iteration(A, dims, U, r0):
    K = kron(U).astype(np.float32)
    Z = A @ K
    T = (Z.T @ A).T.astype(np.float64)  # A.T @ Z, in numpy's faster order
    w, V = np.linalg.eigh(Z.astype(np.float64).T @ Z.astype(np.float64))
    order = np.argsort(-w)[:r0]
    Vs = V[:, order] / np.sqrt(w[order])
    W = (T @ Vs).reshape(*dims, r0)  # A^T U0 as a tensor
    m = len(dims)
    for k in range(m):
        Y = W
        for l in range(m):
            if l != k:
                Y = mode_dot(Y, U[l], l)
        U[k] = leading(unfold(Y, k), U[k].shape[1])
    G = W
    for l in range(m):
        G = mode_dot(G, U[l], l)
    return K, Vs, G


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("--dims", required=True)
    parser.add_argument("--ranks", required=True)
    parser.add_argument("--iterations", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    dims = [int(x) for x in args.dims.split(",")]
    ranks = [int(x) for x in args.ranks.split(",")]
    start = time.perf_counter()
    A = np.load(args.data)
    loaded = time.perf_counter()
    normX2 = float(np.einsum("ij,ij->", A, A, dtype=np.float64))
    rng = np.random.default_rng(args.seed)
    U = [np.linalg.qr(rng.uniform(size=(d, r)))[0] for d, r in zip(dims, ranks[1:])]
    for _ in range(args.iterations):
        K, Vs, G = iteration(A, dims, U, ranks[0])
    U0 = (A @ K).astype(np.float64) @ Vs
    error = np.sqrt(abs(normX2 - float((G * G).sum()))) / np.sqrt(normX2)
    out = os.path.dirname(os.path.abspath(args.data))
    np.save(os.path.join(out, "tucker_U0.npy"), U0)
    for k, F in enumerate(U):
        np.save(os.path.join(out, f"tucker_U{k + 1}.npy"), F)
    np.save(os.path.join(out, "tucker_core.npy"), np.moveaxis(G, -1, 0))
    done = time.perf_counter()
    print(
        json.dumps(
            {
                "load_seconds": loaded - start,
                "fit_seconds": done - loaded,
                "iterations": args.iterations,
                "fit": 1 - error,
            }
        )
    )


if __name__ == "__main__":
    main()
