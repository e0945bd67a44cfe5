"""numpy's ICA for the bench: the algorithms of scripts/golden/make_ica_golden.py (scikit-learn's
FastICA, MNE's extended Infomax with the seeded generator ported), on an (n, t, C) .npy file.

Usage: python3 numpy_ica.py DATA.npy --algorithm fastica|infomax [--fun logcosh|exp]
       [--mode parallel|deflation] [--rank R] [--seed S] [--max-iter N] --out OUT.json
Times the centering and whitening and the iterations (without loading), writes the unmixing matrix
(rank x C, row-major), n_iter and the seconds to OUT.json.
"""

import argparse
import importlib.util
import json
import time
from pathlib import Path

import numpy as np

GOLDEN = Path(__file__).resolve().parents[3] / "scripts" / "golden" / "make_ica_golden.py"
spec = importlib.util.spec_from_file_location("make_ica_golden", GOLDEN)
golden = importlib.util.module_from_spec(spec)
spec.loader.exec_module(golden)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("--algorithm", default="fastica")
    parser.add_argument("--fun", default="logcosh")
    parser.add_argument("--mode", default="parallel")
    parser.add_argument("--rank", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-iter", type=int, default=200)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    x = np.load(args.data).astype(np.float64)
    start = time.perf_counter()
    n, t, c = x.shape
    xr = x.reshape(n * t, c)
    xc = xr - xr.mean(axis=0)
    rank = args.rank or c
    k, _ = golden.whiten(xc, rank)
    z = xc @ k.T
    if args.algorithm == "fastica":
        normal = golden.normal_generator(args.seed)
        w_init = np.array([normal() for _ in range(rank * rank)]).reshape(rank, rank)
        fit = golden.fastica_parallel if args.mode == "parallel" else golden.fastica_deflation
        w, iterations = fit(z, args.fun, w_init, args.max_iter, 1e-4)
    else:
        w, iterations = golden.infomax(z, args.seed, True, args.max_iter, 1e-12)
    unmixing, _, _ = golden.finish(w, k, xc)
    seconds = time.perf_counter() - start
    Path(args.out).write_text(
        json.dumps({"seconds": seconds, "n_iter": iterations, "unmixing": unmixing.reshape(-1).tolist()})
    )


if __name__ == "__main__":
    main()
