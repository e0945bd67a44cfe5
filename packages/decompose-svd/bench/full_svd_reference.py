"""LAPACK's full SVD and symmetric eigen decomposition of one matrix, for full.bench.ts.

Usage:
  python3 full_svd_reference.py X.npy --out DIR [--repeat 3]

X.npy (float64, n x p) is centered per column (scikit-learn's PCA) in float64 and decomposed:

- svd: np.linalg.svd(M, full_matrices=False) (LAPACK gesdd); singular values to DIR/s.npy and
  Vt (signs by scikit-learn >= 1.5 svd_flip(u_based_decision=False)) to DIR/vt.npy;
- eigh: np.linalg.eigh(M.T @ M) (LAPACK syevd), the eigen decomposition the Gram solver does.

Each is timed with time.perf_counter (best of --repeat; centering and M.T @ M not included).
Prints one JSON line: {"svd_seconds": [...], "eigh_seconds": [...], "threads": ...}.
"""

import argparse
import json
import os
import time

import numpy as np


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("path")
    parser.add_argument("--out", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    m = np.load(args.path).astype(np.float64)
    m = m - m.mean(axis=0)
    svd_seconds = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        _, s, vt = np.linalg.svd(m, full_matrices=False)
        svd_seconds.append(time.perf_counter() - start)
    signs = np.sign(vt[np.arange(vt.shape[0]), np.argmax(np.abs(vt), axis=1)])
    np.save(os.path.join(args.out, "s.npy"), s)
    np.save(os.path.join(args.out, "vt.npy"), np.ascontiguousarray(vt * signs[:, None]))
    gram = m.T @ m
    eigh_seconds = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        np.linalg.eigh(gram)
        eigh_seconds.append(time.perf_counter() - start)
    print(
        json.dumps(
            {
                "svd_seconds": svd_seconds,
                "eigh_seconds": eigh_seconds,
                "threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
            }
        )
    )


if __name__ == "__main__":
    main()
