"""Time numpy's PCA centering plus scikit-learn's randomized SVD, the baseline for the TS solver.

Usage:
  python3 numpy_randomized_svd.py X.npy --rank 8 --oversamples 10 --power-iterations 7 \
      --center instance|none [--repeat 3] [--algorithm randomized|exact] [--qr scipy|numpy]

X.npy (float32 or float64, shape n x ...) is reshaped to n x -1 in C order and kept in its
dtype. Timed (time.perf_counter, loading excluded, best of --repeat):

- centering (--center instance): M = X - X.mean(axis=0), in X's dtype;
- randomized (default): scikit-learn's randomized_svd (Halko et al. 2011) with
  power_iteration_normalizer="QR", transpose=False, written in numpy:
    l = rank + oversamples
    Omega = np.random.default_rng(0).standard_normal((p, l)), cast to X's dtype
      (scikit-learn also draws float64 normals and casts them)
    Q = M @ Omega
    for each power iteration: Q = qr(Q); Q = M.T @ Q; Q = qr(Q); Q = M @ Q
    Q = qr(Q)                        (qr: the economic Q factor)
    B = Q.T @ M
    Uhat, s, Vt = svd(B, full_matrices=False)   (scipy.linalg.svd, gesdd, as scikit-learn)
    U = Q @ Uhat; svd_flip(U, Vt, u_based_decision=False); keep the first `rank`
  The QR is scipy.linalg.qr(mode="economic", check_finite=False) by default: measured faster
  than numpy.linalg.qr on 12288 x 18 float32 panels (both keep float32); --qr numpy switches.
  Note: scikit-learn's randomized_svd defaults to transpose="auto", which works on M.T when
  n < p; this script never transposes.
- exact (--algorithm exact, small inputs): np.linalg.svd(M, full_matrices=False).

Prints one JSON line: {"seconds": best, "seconds_all": [...], "singular_values": [top rank],
"threads": OPENBLAS_NUM_THREADS or "default", ...}.

With --out DIR, the last fit is also written as a user's script would: DIR/scores.npy (U * s),
DIR/components.npy (Vt) and DIR/singular_values.npy. Run as a whole process with --repeat 1 it is
the reference of `tt decompose`: interpreter start, imports, np.load, fit and write.
"""

import argparse
import json
import os
import time

import numpy as np
import scipy.linalg


def svd_flip(u, vt):
    """scikit-learn >= 1.5 svd_flip with u_based_decision=False."""
    max_abs_rows = np.argmax(np.abs(vt), axis=1)
    signs = np.sign(vt[range(vt.shape[0]), max_abs_rows])
    return u * signs, vt * signs[:, None]


def qr_scipy(a):
    return scipy.linalg.qr(a, mode="economic", check_finite=False)[0]


def qr_numpy(a):
    return np.linalg.qr(a, mode="reduced")[0]


def center(x, how):
    if how == "instance":
        return x - x.mean(axis=0)
    return x


def randomized(x, args, qr):
    m = center(x, args.center)
    size = args.rank + args.oversamples
    omega = np.random.default_rng(0).standard_normal((m.shape[1], size)).astype(m.dtype, copy=False)
    q = m @ omega
    for _ in range(args.power_iterations):
        q = qr(q)
        q = m.T @ q
        q = qr(q)
        q = m @ q
    q = qr(q)
    b = q.T @ m
    uhat, s, vt = scipy.linalg.svd(b, full_matrices=False, check_finite=False, lapack_driver="gesdd")
    u = q @ uhat
    u, vt = svd_flip(u, vt)
    return u[:, : args.rank], s[: args.rank], vt[: args.rank]


def exact(x, args, qr):
    m = center(x, args.center)
    u, s, vt = np.linalg.svd(m, full_matrices=False)
    u, vt = svd_flip(u, vt)
    return u[:, : args.rank], s[: args.rank], vt[: args.rank]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("path")
    parser.add_argument("--rank", type=int, required=True)
    parser.add_argument("--oversamples", type=int, default=10)
    parser.add_argument("--power-iterations", type=int, default=7)
    parser.add_argument("--center", choices=["instance", "none"], default="instance")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--algorithm", choices=["randomized", "exact"], default="randomized")
    parser.add_argument("--qr", choices=["scipy", "numpy"], default="scipy")
    parser.add_argument("--out", help="directory to write scores, components and singular values")
    args = parser.parse_args()

    x = np.load(args.path)
    if x.dtype not in (np.float32, np.float64):
        raise SystemExit(f"expected float32 or float64, got {x.dtype}")
    x = np.ascontiguousarray(x.reshape(x.shape[0], -1))
    n, p = x.shape
    if not 1 <= args.rank <= min(n, p):
        raise SystemExit(f"rank must be in 1..{min(n, p)}")
    run = randomized if args.algorithm == "randomized" else exact
    qr = qr_scipy if args.qr == "scipy" else qr_numpy

    seconds = []
    for _ in range(max(1, args.repeat)):
        start = time.perf_counter()
        u, s, vt = run(x, args, qr)
        seconds.append(time.perf_counter() - start)
    if args.out is not None:
        os.makedirs(args.out, exist_ok=True)
        np.save(os.path.join(args.out, "scores.npy"), u * s)
        np.save(os.path.join(args.out, "components.npy"), vt)
        np.save(os.path.join(args.out, "singular_values.npy"), s)

    print(
        json.dumps(
            {
                "seconds": min(seconds),
                "seconds_all": seconds,
                "singular_values": [float(v) for v in s],
                "threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
                "algorithm": args.algorithm,
                "qr": args.qr if args.algorithm == "randomized" else None,
                "shape": [n, p],
                "dtype": str(x.dtype),
                "rank": args.rank,
                "oversamples": args.oversamples,
                "power_iterations": args.power_iterations,
                "center": args.center,
            }
        )
    )


if __name__ == "__main__":
    main()
