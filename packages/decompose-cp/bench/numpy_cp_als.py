"""numpy CP-ALS of the same algorithm as @tt/decompose-cp (scripts/golden/make_cp_golden.py), in
numpy's fastest form: float32 data, the MTTKRP as two GEMM passes (A @ khatri_rao, then A.T @ U0),
the other modes contracted from A.T @ U0, the error from the Gram matrices.

Usage: python3 numpy_cp_als.py data.npy --dims 1793,3 --rank 5 --init init.json
          [--sweeps 10] [--tol 1e-6] [--n-iter-max 200]
data.npy holds the n x p float32 unfolding; init.json the initial factors U1..Um (lists of rows).
Prints one line of JSON: seconds per sweep (mean over --sweeps timed sweeps after one warm-up),
the full fit's seconds, sweeps, converged flag and fit.

With --whole DIR it is instead the whole-process reference of `tt decompose -m cp` with
n_iter_max = --sweeps and tol 0: load, ||X||^2, --sweeps sweeps from the initial factors, and the
factors written to DIR as a user's script would (factor_<k>.npy, weights.npy); it prints the
seconds of the load and of the fit.
"""

import argparse
import json
import os
import sys
import time

import numpy as np

# The helpers of the golden script, so the reference algorithm is written once.
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "scripts", "golden"))
from make_cp_golden import khatri_rao, normalize, pinv_sym  # noqa: E402
from make_cp_golden import mode_from_partial as contract  # noqa: E402


def sweep(A, dims, U, R, normX2):
    m = len(dims)
    KR = khatri_rao(U[1:]).astype(np.float32)
    V0 = np.ones((R, R))
    for k in range(1, m + 1):
        V0 *= U[k].T @ U[k]
    M0 = (A @ KR).astype(np.float64)  # first GEMM pass
    U0 = M0 @ pinv_sym(V0)
    T = (U0.astype(np.float32).T @ A).T.astype(np.float64)  # second GEMM pass (faster than A.T @ U0)
    G0 = U0.T @ U0
    Mm = None
    for k in range(1, m + 1):
        Mk = contract(T, dims, U, k)
        Vk = G0.copy()
        for l in range(1, m + 1):
            if l != k:
                Vk *= U[l].T @ U[l]
        U[k] = Mk @ pinv_sym(Vk)
        if k < m:
            U[k], _ = normalize(U[k])
        Mm = Mk
    H = G0.copy()
    for k in range(1, m + 1):
        H *= U[k].T @ U[k]
    e2 = normX2 - 2 * float((Mm * U[m]).sum()) + float(H.sum())
    U[m], _ = normalize(U[m])
    return np.sqrt(max(e2, 0.0) / normX2)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("--dims", required=True)
    parser.add_argument("--rank", type=int, required=True)
    parser.add_argument("--init", required=True)
    parser.add_argument("--sweeps", type=int, default=10)
    parser.add_argument("--tol", type=float, default=1e-6)
    parser.add_argument("--n-iter-max", type=int, default=200)
    parser.add_argument("--whole", help="whole-process mode: write the factors to this directory")
    args = parser.parse_args()
    dims = [int(d) for d in args.dims.split(",")]
    started = time.perf_counter()
    A = np.load(args.data, mmap_mode=None)
    A = np.ascontiguousarray(A.reshape(A.shape[0], -1), dtype=np.float32)
    load_seconds = time.perf_counter() - started
    R = args.rank
    with open(args.init) as f:
        init = [None] + [np.array(u, dtype=np.float64) for u in json.load(f)]
    normX2 = float(np.einsum("ij,ij->", A, A, dtype=np.float64))
    if args.whole is not None:
        whole(A, dims, init, R, normX2, args, load_seconds)
        return

    U = [None] + [u.copy() for u in init[1:]]
    sweep(A, dims, U, R, normX2)  # warm-up
    started = time.perf_counter()
    for _ in range(args.sweeps):
        sweep(A, dims, U, R, normX2)
    per_sweep = (time.perf_counter() - started) / args.sweeps

    U = [None] + [u.copy() for u in init[1:]]
    started = time.perf_counter()
    history = []
    converged = False
    for it in range(args.n_iter_max):
        history.append(sweep(A, dims, U, R, normX2))
        if it > 0 and abs(history[-2] - history[-1]) < args.tol:
            converged = True
            break
    fit_seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "sweep_seconds": per_sweep,
                "fit_seconds": fit_seconds,
                "iterations": len(history),
                "converged": converged,
                "fit": 1 - history[-1],
            }
        )
    )


def whole(A, dims, init, R, normX2, args, load_seconds):
    """--sweeps sweeps from the initial factors, the factors written as .npy files."""
    started = time.perf_counter()
    U = [None] + [u.copy() for u in init[1:]]
    history = [sweep(A, dims, U, R, normX2) for _ in range(args.sweeps)]
    # The instance factor of the last factors, and the weights as the column norms.
    KR = khatri_rao(U[1:]).astype(np.float32)
    V0 = np.ones((R, R))
    for k in range(1, len(dims) + 1):
        V0 *= U[k].T @ U[k]
    U[0] = (A @ KR).astype(np.float64) @ pinv_sym(V0)
    U[0], weights = normalize(U[0])
    fit_seconds = time.perf_counter() - started
    os.makedirs(args.whole, exist_ok=True)
    for k, factor in enumerate(U):
        np.save(os.path.join(args.whole, f"factor_{k}.npy"), factor)
    np.save(os.path.join(args.whole, "weights.npy"), weights)
    print(
        json.dumps(
            {
                "load_seconds": load_seconds,
                "fit_seconds": fit_seconds,
                "sweeps": len(history),
                "fit": 1 - history[-1],
            }
        )
    )


if __name__ == "__main__":
    main()
