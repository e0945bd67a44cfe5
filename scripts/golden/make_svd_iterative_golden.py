"""Write fixtures/golden/svd-iterative.json: matrices for the iterative SVD solvers and numpy's
exact SVD of them, with the accuracy scikit-learn's randomized_svd reaches on them by default.

Run from the repository root: python3 scripts/golden/make_svd_iterative_golden.py

The matrices are too large to store; each case names a generator that the TypeScript tests
reproduce bit for bit:

- lcg(seed): the uniform numbers state / 2**32 - 0.5, state_{t+1} = (1664525 state_t + 1013904223)
  mod 2**32 from state_0 = seed, filling matrices row-major in C order, one stream per case.
- "slow_decay": A[i, j] = lcg[i * cols + j] / sqrt(j + 1), a slowly decaying spectrum (about
  sqrt(rows / 12) / sqrt(j + 1)) with near-ties, where the Krylov basis covers a small part of
  the row space.
- "low_rank": G (rows x r) then H (r x cols) from one stream, A[i, j] = sum over t = 0..r-1, in
  that order, of G[i, t] * H[t, j]: exactly rank r up to rounding.

Expected (numpy float64, np.linalg.svd, scikit-learn >= 1.5 svd_flip(u_based_decision=False)):
singular_values (the first 20), components (the first `rank` rows of Vt, flattened).

"sklearn_default" (slow_decay only): for seeds 0..4, the accuracy of scikit-learn's
randomized_svd with its defaults (n_oversamples=10, n_iter="auto": 7 when rank < 0.1 min(shape)
else 4, power_iteration_normalizer="auto": LU after each product when n_iter > 2, transpose="auto"),
written out below in numpy/scipy (scikit-learn is not installed here) with
np.random.RandomState(seed).normal test matrices: max_relative_error, the largest relative error of
the first `rank` singular values, and largest_angle_degrees, the largest principal angle between
the span of the first `rank` right singular vectors and the exact one.
"""

import json
from pathlib import Path

import numpy as np
import scipy.linalg

ROOT = Path(__file__).resolve().parents[2]


def lcg(count, seed):
    out = np.empty(count)
    state = seed
    for i in range(count):
        state = (state * 1664525 + 1013904223) % 2**32
        out[i] = state / 2**32 - 0.5
    return out


def slow_decay(rows, cols, seed):
    return lcg(rows * cols, seed).reshape(rows, cols) / np.sqrt(np.arange(1, cols + 1))


def low_rank(rows, cols, rank, seed):
    stream = lcg(rows * rank + rank * cols, seed)
    g = stream[: rows * rank].reshape(rows, rank)
    h = stream[rows * rank :].reshape(rank, cols)
    a = np.zeros((rows, cols))
    for t in range(rank):
        a = a + g[:, [t]] * h[[t], :]
    return a


def svd_flip(u, vt):
    """scikit-learn >= 1.5 svd_flip with u_based_decision=False."""
    max_abs_rows = np.argmax(np.abs(vt), axis=1)
    signs = np.sign(vt[range(vt.shape[0]), max_abs_rows])
    return u * signs, vt * signs[:, None]


def sklearn_randomized_svd(m, rank, seed):
    """scikit-learn's randomized_svd(m, rank) with every default; returns s and Vt (rank rows)."""
    transpose = m.shape[0] < m.shape[1]
    if transpose:
        m = m.T
    size = rank + 10
    n_iter = 7 if rank < 0.1 * min(m.shape) else 4
    q = np.random.RandomState(seed).normal(size=(m.shape[1], size))
    for _ in range(n_iter):
        if n_iter > 2:
            q, _ = scipy.linalg.lu(m @ q, permute_l=True, check_finite=False)
            q, _ = scipy.linalg.lu(m.T @ q, permute_l=True, check_finite=False)
        else:
            q = m.T @ (m @ q)
    q, _ = scipy.linalg.qr(m @ q, mode="economic", check_finite=False)
    uhat, s, vt = scipy.linalg.svd(q.T @ m, full_matrices=False, lapack_driver="gesdd")
    if transpose:
        return s[:rank], (q @ uhat)[:, :rank].T
    return s[:rank], vt[:rank]


def accuracy(s, vt, exact_s, exact_vt, rank):
    error = np.max(np.abs(s[:rank] - exact_s[:rank]) / exact_s[:rank])
    cosines = np.linalg.svd(exact_vt[:rank] @ vt[:rank].T, compute_uv=False)
    angle = np.degrees(np.arccos(min(1.0, cosines.min())))
    return {"max_relative_error": float(error), "largest_angle_degrees": float(angle)}


def case(name, generator, a, rank, with_sklearn):
    u, s, vt = np.linalg.svd(a, full_matrices=False)
    _, vt = svd_flip(u, vt)
    out = {
        "name": name,
        "generator": generator,
        "config": {"rank": rank, "center": "none"},
        "expected": {
            "singular_values": s[:20].tolist(),
            "components": vt[:rank].ravel().tolist(),
        },
    }
    if with_sklearn:
        out["sklearn_default"] = [
            {"seed": seed, **accuracy(*sklearn_randomized_svd(a, rank, seed), s, vt, rank)}
            for seed in range(5)
        ]
    return out


cases = [
    case(
        "slow_decay",
        {"kind": "slow_decay", "rows": 1000, "cols": 600, "seed": 7},
        slow_decay(1000, 600, 7),
        8,
        True,
    ),
    case(
        "low_rank",
        {"kind": "low_rank", "rows": 500, "cols": 300, "rank": 6, "seed": 11},
        low_rank(500, 300, 6, 11),
        6,
        False,
    ),
]

out = ROOT / "fixtures" / "golden" / "svd-iterative.json"
document = {"numpy": np.__version__, "scipy": scipy.__version__, "cases": cases}
out.write_text(json.dumps(document, separators=(",", ":"), allow_nan=False) + "\n")
print(f"wrote {out.relative_to(ROOT)} ({out.stat().st_size} bytes)")
