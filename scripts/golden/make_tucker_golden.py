"""Write fixtures/golden/tucker.json: HOSVD and HOOI (Tucker) results of numpy for the tests of
@tt/decompose-tucker.

Run from the repository root: python3 scripts/golden/make_tucker_golden.py

Reads only fixtures/amino_acids_bro/tensor.npy; the synthetic cases are drawn from a seeded numpy
Generator. Two runs with the same numpy write the same bytes.

The algorithm (as tensorly's tucker / partial_tucker with init "svd"; the TypeScript method
`tucker` follows it, forming Gram matrices where this script takes SVDs)
---------------------------------------------------------------------------------------------
X has shape (n, d1, ..., dm), m >= 2, mode 0 the instances; ranks (r0, r1, ..., rm).
Unfold(Y, k): mode k first, the other modes in order, C order.
sign(U): each column multiplied by the sign of its entry of largest magnitude (the first on ties),
so that entry is positive (tensorly's svd_flip with u_based_decision).

1. HOSVD start: for k = 1..m, Uk = sign(the rk leading left singular vectors of Unfold(X, k)).
   U0 needs no start: every iteration begins with it.
2. An iteration (HOOI): for k = 0, 1, ..., m in turn,
   Y = X multiplied on every mode l != k by Ul^T (the factors as they are now);
   Uk = sign(the rk leading left singular vectors of Unfold(Y, k)).
   Then the core G = X multiplied on every mode by Uk^T, and
   relative_error = sqrt(|‖X‖² - ‖G‖²|) / ‖X‖ (the factors are orthonormal).
3. Stop after the iteration whose relative error changed by less than tol from the previous
   one's (absolute change), or after n_iter_max iterations; converged = the tol test fired.
4. The model: U0, ..., Um and G of the last iteration; fit = 1 - relative_error with
   relative_error = ‖X - G x0 U0 x1 U1 ... xm Um‖ / ‖X‖; recon_error per instance, the norm of
   its row of X - Xhat. center {"over": ["instance"]} subtracts the mean over the instances of
   each cell first.
"""

import json
import os

import numpy as np

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))


def unfold(Y, k):
    return np.moveaxis(Y, k, 0).reshape(Y.shape[k], -1)


def mode_dot(Y, U, k):
    """Y multiplied on mode k by U^T (U is dk x r): mode k becomes r long."""
    return np.moveaxis(np.tensordot(U.T, np.moveaxis(Y, k, 0), axes=1), 0, k)


def signed(U):
    U = U.copy()
    for r in range(U.shape[1]):
        j = int(np.argmax(np.abs(U[:, r])))
        if U[j, r] < 0:
            U[:, r] = -U[:, r]
    return U


def leading(M, r):
    u, _, _ = np.linalg.svd(M, full_matrices=False)
    return signed(u[:, :r])


def hosvd(X, ranks):
    return [None] + [leading(unfold(X, k), ranks[k]) for k in range(1, X.ndim)]


def hooi(X, ranks, tol, n_iter_max):
    U = hosvd(X, ranks)
    start = [u.copy() for u in U[1:]]
    normX = float(np.linalg.norm(X))
    history = []
    converged = False
    for it in range(n_iter_max):
        for k in range(X.ndim):
            Y = X
            for l in range(X.ndim):
                if l != k:
                    Y = mode_dot(Y, U[l], l)
            U[k] = leading(unfold(Y, k), ranks[k])
        G = X
        for l in range(X.ndim):
            G = mode_dot(G, U[l], l)
        history.append(np.sqrt(abs(normX**2 - float((G * G).sum()))) / normX)
        if it > 0 and abs(history[-2] - history[-1]) < tol:
            converged = True
            break
    Xhat = G
    for l in range(X.ndim):
        Xhat = mode_dot(Xhat, U[l].T, l)
    E = (X - Xhat).reshape(X.shape[0], -1)
    rel = float(np.linalg.norm(E)) / normX
    return {
        "hosvd_factors": [u.reshape(-1).tolist() for u in start],
        "iterations": len(history),
        "converged": converged,
        "relative_error_history": history,
        "relative_error": rel,
        "fit": 1 - rel,
        "factors": [u.reshape(-1).tolist() for u in U],
        "core": G.reshape(-1).tolist(),
        "recon_error": np.sqrt((E * E).sum(axis=1)).tolist(),
    }


def low_rank(rng, shape, ranks, noise):
    X = rng.standard_normal(ranks)
    for k, d in enumerate(shape):
        X = mode_dot(X, rng.standard_normal((ranks[k], d)), k)
    E = rng.standard_normal(X.shape)
    return X + noise * np.linalg.norm(X) / np.linalg.norm(E) * E


def inline(name, axes, X, config, Xfit=None):
    ranks = config["ranks"]
    res = hooi(X if Xfit is None else Xfit, ranks, config["tol"], config["n_iter_max"])
    return {
        "name": name,
        "axes": axes,
        "shape": list(X.shape),
        "data": X.reshape(-1).tolist(),
        "config": config,
        "expected": res,
    }


def main():
    rng = np.random.default_rng(20261205)
    cases = []
    X = low_rank(rng, (20, 7, 6), (3, 2, 3), 0.1)
    config = {"ranks": [3, 2, 3], "init": "hosvd", "tol": 1e-12, "n_iter_max": 200}
    cases.append(inline("synthetic_3way", ["instance", "sample", "channel"], X, config))
    X4 = low_rank(rng, (10, 4, 5, 3), (2, 2, 3, 2), 0.2)
    config = {"ranks": [2, 2, 3, 2], "init": "hosvd", "tol": 1e-12, "n_iter_max": 200}
    cases.append(inline("four_way", ["instance", "a", "b", "c"], X4, config))
    Xc = low_rank(rng, (15, 6, 5), (4, 3, 3), 0.3) + 2.0
    config = {
        "ranks": [3, 3, 2],
        "init": "hosvd",
        "tol": 1e-12,
        "n_iter_max": 200,
        "center": {"over": ["instance"]},
    }
    cases.append(
        inline("centered", ["instance", "sample", "channel"], Xc, config, Xc - Xc.mean(axis=0))
    )
    amino = np.load(os.path.join(ROOT, "fixtures/amino_acids_bro/tensor.npy")).astype(float)
    config = {"ranks": [3, 3, 3], "init": "hosvd", "tol": 1e-10, "n_iter_max": 500}
    res = hooi(amino, config["ranks"], config["tol"], config["n_iter_max"])
    cases.append(
        {
            "name": "amino_acids",
            "source": "fixtures/amino_acids_bro/tensor.npy",
            "config": config,
            "expected": res,
        }
    )
    out = {
        "generator": "scripts/golden/make_tucker_golden.py",
        "numpy": np.__version__,
        "cases": cases,
    }
    with open(os.path.join(ROOT, "fixtures/golden/tucker.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    for c in cases:
        e = c["expected"]
        print(f"{c['name']}: fit {e['fit']:.8f} iterations {e['iterations']} converged {e['converged']}")


if __name__ == "__main__":
    main()
