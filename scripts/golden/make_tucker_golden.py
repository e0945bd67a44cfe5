"""Write fixtures/golden/tucker.json: HOSVD and HOOI (Tucker) results of numpy for the tests of
@tt/decompose-tucker.

Run from the repository root: OPENBLAS_NUM_THREADS=1 python3 scripts/golden/make_tucker_golden.py

Reads only fixtures/amino_acids_bro/tensor.npy; the synthetic cases are drawn from a seeded numpy
Generator. Two runs with the same numpy and OPENBLAS_NUM_THREADS=1 write the same bytes (OpenBLAS's
threaded kernels round differently from run to run).

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

Masked HOOI (missing: "mask"), by EM imputation
-----------------------------------------------
W marks the observed entries. The missing entries of the (preprocessed) X start at 0 (the mean
after centering over the instances, which takes the observed entries only); the HOSVD start is
that of the zero-filled X. An iteration is the HOOI iteration above on the filled X, then
relative_error = ‖W ∘ (X - Xhat)‖ / ‖W ∘ X‖ over the observed entries only, Xhat the iteration's
model, then every missing entry is set to Xhat's value there (the E step). Stop as in 3, on the
change of that observed relative error. The model is the last iteration's; recon_error per
instance counts its observed entries only.
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


def reconstruct(G, U):
    """The full tensor of the core G and the factors U."""
    Xhat = G
    for l in range(G.ndim):
        Xhat = mode_dot(Xhat, U[l].T, l)
    return Xhat


def hooi_iteration(X, U, ranks):
    """One HOOI iteration (step 2): U[0], ..., U[m] updated in turn, in place; returns the core."""
    for k in range(X.ndim):
        Y = X
        for l in range(X.ndim):
            if l != k:
                Y = mode_dot(Y, U[l], l)
        U[k] = leading(unfold(Y, k), ranks[k])
    G = X
    for l in range(X.ndim):
        G = mode_dot(G, U[l], l)
    return G


def hooi(X, ranks, tol, n_iter_max):
    U = hosvd(X, ranks)
    start = [u.copy() for u in U[1:]]
    normX = float(np.linalg.norm(X))
    history = []
    converged = False
    for it in range(n_iter_max):
        G = hooi_iteration(X, U, ranks)
        history.append(np.sqrt(abs(normX**2 - float((G * G).sum()))) / normX)
        if it > 0 and abs(history[-2] - history[-1]) < tol:
            converged = True
            break
    E = (X - reconstruct(G, U)).reshape(X.shape[0], -1)
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


def hooi_masked(X, W, ranks, tol, n_iter_max):
    """HOOI with EM imputation of the entries where W is False (see the module comment)."""
    Xf = np.where(W, X, 0.0)
    U = hosvd(Xf, ranks)
    start = [u.copy() for u in U[1:]]
    norm_observed = float(np.linalg.norm(X[W]))
    history = []
    converged = False
    for it in range(n_iter_max):
        G = hooi_iteration(Xf, U, ranks)
        Xhat = reconstruct(G, U)
        E = np.where(W, X - Xhat, 0.0).reshape(X.shape[0], -1)
        history.append(float(np.linalg.norm(E)) / norm_observed)
        Xf = np.where(W, X, Xhat)
        if it > 0 and abs(history[-2] - history[-1]) < tol:
            converged = True
            break
    rel = history[-1]
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
        "imputed": Xhat[~W].tolist(),
        "stop_margin": stop_margin(history, tol),
    }


def stop_margin(history, tol):
    """How far the stopping test was from flipping: min |(|change| - tol)| / tol over the changes."""
    changes = np.abs(np.diff(history))
    return float(np.min(np.abs(changes - tol)) / tol) if tol > 0 else None


def masked_case(name, axes, X, missing, config):
    """A masked case: `data` holds every value (the missing ones too, for the recovery check)."""
    W = np.ones(X.shape, dtype=bool)
    W.reshape(-1)[missing] = False
    Xfit = X
    if config.get("center") is not None:
        Xfit = X - np.nanmean(np.where(W, X, np.nan), axis=0)
    res = hooi_masked(Xfit, W, config["ranks"], config["tol"], config["n_iter_max"])
    return {
        "name": name,
        "axes": axes,
        "shape": list(X.shape),
        "data": X.reshape(-1).tolist(),
        "missing": [int(x) for x in missing],
        "config": config,
        "expected": res,
    }


def masked_cases():
    """Masked HOOI: ~10% of the entries missing at random; whole fibres missing, centered."""
    rng = np.random.default_rng(20261206)
    X = low_rank(rng, (20, 7, 6), (3, 2, 3), 0.1)
    missing = np.sort(rng.choice(X.size, size=X.size // 10, replace=False))
    config = {
        "ranks": [3, 2, 3],
        "init": "hosvd",
        "tol": 1e-10,
        "n_iter_max": 500,
        "missing": "mask",
    }
    axes = ["instance", "sample", "channel"]
    cases = [masked_case("masked_random", axes, X, missing, config)]
    Xc = low_rank(rng, (15, 6, 5), (3, 3, 2), 0.1) + 2.0
    flat = np.arange(Xc.size).reshape(Xc.shape)
    fibres = np.concatenate([flat[4, 2, :], flat[7, :, 1]])
    others = np.setdiff1d(flat.reshape(-1), fibres)
    scattered = rng.choice(others, size=Xc.size // 20, replace=False)
    missing = np.unique(np.concatenate([fibres, scattered]))
    config = {
        "ranks": [3, 3, 2],
        "init": "hosvd",
        "tol": 1e-10,
        "n_iter_max": 500,
        "missing": "mask",
        "center": {"over": ["instance"]},
    }
    cases.append(masked_case("masked_fibres_centered", axes, Xc, missing, config))
    return cases


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
    cases.extend(masked_cases())
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
        margin = f" stop margin {e['stop_margin']:.3g}" if "stop_margin" in e else ""
        print(
            f"{c['name']}: fit {e['fit']:.8f} iterations {e['iterations']}"
            f" converged {e['converged']}{margin}"
        )


if __name__ == "__main__":
    main()
