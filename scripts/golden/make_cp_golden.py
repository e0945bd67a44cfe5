"""Write fixtures/golden/cp.json: CP-ALS (PARAFAC) results of numpy for the CP method's tests.

Run from the repository root: python3 scripts/golden/make_cp_golden.py

Reads only fixtures/amino_acids_bro/tensor.npy and fixtures/covid19_serology/tensor.npy; the
synthetic case is drawn from a seeded numpy Generator. Two runs with the same numpy write the
same bytes.

The algorithm (the TypeScript method `cp` of @tt/decompose-cp follows exactly this)
-----------------------------------------------------------------------------------
X has shape (n, d1, ..., dm), m >= 2; A = X.reshape(n, p), p = d1 * ... * dm (C order).
Factors U0 (n x R) and Uk (dk x R, k = 1..m).

1. init "svd": for k = 1..m, Gk = X_(k) X_(k)^T (dk x dk, the mode-k unfolding); Uk = the
   eigenvectors of the R largest eigenvalues of Gk (descending), each column's sign chosen so
   that its entry of largest magnitude (the first on ties) is positive. (R <= dk here.)
   U0 needs no initial value: every sweep starts by solving for it.
2. A sweep:
   KR = khatri_rao(U1, ..., Um) (p x R, row index (j1, ..., jm) in C order);
   V0 = hadamard(Uk^T Uk, k = 1..m); U0 = (A @ KR) @ pinv(V0);
   T = A^T @ U0 (p x R: the second GEMM pass); G0 = U0^T U0;
   for k = 1..m: Mk = the MTTKRP of mode k, contracted from T with the factors Ul (l != k,
   l >= 1) as they are now; Vk = G0 * hadamard(Ul^T Ul, l >= 1, l != k);
   Uk = Mk @ pinv(Vk); for k < m normalize the columns of Uk to unit norm (a zero column stays).
   Relative error: e^2 = ||X||^2 - 2 sum(Mm * Um) + sum(G0 * G1 * ... * Gm) (Gm of the new,
   unnormalized Um); relative_error = sqrt(max(e^2, 0)) / ||X||. Then Um is normalized too.
   pinv(V): symmetric eigen decomposition, eigenvalues <= R * eps * max|eigenvalue| dropped.
3. Stop after the sweep whose relative error changed by less than tol from the previous sweep's
   (absolute change), or after n_iter_max sweeps. converged = the tol test fired.
4. The model is U0 (of the last sweep), U1, ..., U_{m-1}, lambda * Um (lambda = the norms Um
   had before its last normalization). Normalization: weight_r = ||U0[:, r]|| * lambda_r, every
   factor unit-norm per column. Signs: tensorly's cp_flip_sign(mode=0): for k = 1..m the sign of
   each column's sum (0 counts as +) is pushed into the column of U0. Components are sorted by
   weight, descending (stable). scores = U0 * weight (as the instance table reports them).
5. fit = 1 - relative_error, with relative_error = ||X - Xhat||_F / ||X||_F of the final model.
6. Core consistency (Bro & Kiers 2003): with F0 = scores and Fk the unit factors,
   G = X x_0 pinv(F0) x_1 pinv(F1) ... x_m pinv(Fm); CC = 100 * (1 - sum((G - I)^2) / R), I the
   superdiagonal of ones.
"""

import json
import os

import numpy as np

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))


def pinv_sym(V):
    w, Q = np.linalg.eigh(V)
    cutoff = V.shape[0] * np.finfo(float).eps * np.max(np.abs(w))
    inv = np.array([1.0 / x if abs(x) > cutoff else 0.0 for x in w])
    return (Q * inv) @ Q.T


def khatri_rao(factors):
    R = factors[0].shape[1]
    out = factors[0]
    for f in factors[1:]:
        out = (out[:, None, :] * f[None, :, :]).reshape(-1, R)
    return out


def mode_from_partial(T, dims, U, k):
    """MTTKRP of mode k (1-based over the non-instance modes) from T = A^T U0."""
    R = T.shape[1]
    t = T.reshape(*dims, R)
    for l in range(len(dims), 0, -1):
        if l == k:
            continue
        # contract axis l-1 of t with U[l]
        t = _contract(t, l - 1, U[l])
    return t.reshape(dims[k - 1], R)


def _contract(t, axis, F):
    t = np.moveaxis(t, axis, -2)  # (..., d, R)
    out = np.einsum("...dr,dr->...r", t, F)
    return out


def svd_init(X, R):
    n = X.shape[0]
    U = [None]
    for k in range(1, X.ndim):
        Xk = np.moveaxis(X, k, 0).reshape(X.shape[k], -1)
        w, Q = np.linalg.eigh(Xk @ Xk.T)
        order = np.argsort(-w, kind="stable")[:R]
        Q = Q[:, order]
        for r in range(R):
            j = np.argmax(np.abs(Q[:, r]))
            if Q[j, r] < 0:
                Q[:, r] = -Q[:, r]
        U.append(Q.copy())
    return U


def normalize(F):
    norms = np.sqrt((F * F).sum(axis=0))
    safe = np.where(norms > 0, norms, 1.0)
    return F / safe, norms


def cp_als(X, R, tol, n_iter_max, U=None):
    n = X.shape[0]
    dims = list(X.shape[1:])
    m = len(dims)
    A = X.reshape(n, -1)
    normX2 = float((A * A).sum())
    if U is None:
        U = svd_init(X, R)
    U = [None] + [u.copy() for u in U[1:]]
    history = []
    converged = False
    lam = np.ones(R)
    for it in range(n_iter_max):
        KR = khatri_rao(U[1:])
        V0 = np.ones((R, R))
        for k in range(1, m + 1):
            V0 *= U[k].T @ U[k]
        U0 = (A @ KR) @ pinv_sym(V0)
        T = A.T @ U0
        G0 = U0.T @ U0
        Mm = None
        for k in range(1, m + 1):
            Mk = mode_from_partial(T, dims, U, k)
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
        history.append(np.sqrt(max(e2, 0.0) / normX2))
        U[m], lam = normalize(U[m])
        if it > 0 and abs(history[-2] - history[-1]) < tol:
            converged = True
            break
    # Final model and its normalization.
    U0n, n0 = normalize(U0)
    weights = n0 * lam
    factors = [U0n] + [u.copy() for u in U[1:]]
    for k in range(1, m + 1):
        signs = np.where(factors[k].sum(axis=0) < 0, -1.0, 1.0)
        factors[k] *= signs
        factors[0] *= signs
    order = np.argsort(-weights, kind="stable")
    weights = weights[order]
    factors = [f[:, order] for f in factors]
    Xhat = (factors[0] * weights) @ khatri_rao(factors[1:]).T
    rel = float(np.linalg.norm(A - Xhat) / np.sqrt(normX2))
    scores = factors[0] * weights
    # core consistency
    G = np.linalg.pinv(scores) @ A  # R x p
    G = G.reshape(R, *dims)
    for k in range(1, m + 1):
        G = np.moveaxis(np.tensordot(np.linalg.pinv(factors[k]), np.moveaxis(G, k, 0), axes=1), 0, k)
    I = np.zeros([R] * (m + 1))
    for r in range(R):
        I[(r,) * (m + 1)] = 1.0
    cc = 100 * (1 - float(((G - I) ** 2).sum()) / R)
    recon = np.sqrt(((A - Xhat) ** 2).sum(axis=1))
    return {
        "iterations": len(history),
        "converged": converged,
        "relative_error_history": history,
        "relative_error": rel,
        "fit": 1 - rel,
        "weights": weights.tolist(),
        "factors": [f.reshape(-1).tolist() for f in factors],
        "scores": scores.reshape(-1).tolist(),
        "recon_error": recon.tolist(),
        "core_consistency": cc,
    }


def synthetic(rng, shape, R, noise):
    factors = [rng.standard_normal((d, R)) for d in shape]
    X = np.einsum("ir,jr,kr->ijk", *factors)
    if noise > 0:
        E = rng.standard_normal(X.shape)
        X = X + noise * np.linalg.norm(X) / np.linalg.norm(E) * E
    return X, factors


def main():
    cases = []
    amino = np.load(os.path.join(ROOT, "fixtures/amino_acids_bro/tensor.npy")).astype(float)
    res = cp_als(amino, 3, 1e-6, 1000)
    res.pop("scores")
    res.pop("recon_error")
    cases.append(
        {
            "name": "amino_acids",
            "source": "fixtures/amino_acids_bro/tensor.npy",
            "config": {"rank": 3, "init": "svd", "tol": 1e-6, "n_iter_max": 1000},
            "expected": res,
        }
    )
    covid = np.load(os.path.join(ROOT, "fixtures/covid19_serology/tensor.npy")).astype(float)
    for R in range(1, 7):
        res = cp_als(covid, R, 1e-8, 2000)
        res.pop("scores")
        res.pop("recon_error")
        res["factors"] = res["factors"][1:]  # the instance factor is long; keep the others
        cases.append(
            {
                "name": f"covid19_serology_rank{R}",
                "source": "fixtures/covid19_serology/tensor.npy",
                "config": {"rank": R, "init": "svd", "tol": 1e-8, "n_iter_max": 2000},
                "expected": res,
            }
        )
    rng = np.random.default_rng(20240609)
    X, _ = synthetic(rng, (30, 8, 6), 3, 0.1)
    res = cp_als(X, 3, 1e-10, 500)
    cases.append(
        {
            "name": "synthetic_noisy",
            "axes": ["instance", "sample", "channel"],
            "shape": list(X.shape),
            "data": X.reshape(-1).tolist(),
            "config": {"rank": 3, "init": "svd", "tol": 1e-10, "n_iter_max": 500},
            "expected": res,
        }
    )
    X4 = np.einsum("ir,jr,kr,lr->ijkl", *[rng.standard_normal((d, 2)) for d in (12, 5, 4, 3)])
    X4 = X4 + 0.05 * rng.standard_normal(X4.shape)
    res = cp_als(X4, 2, 1e-10, 500)
    cases.append(
        {
            "name": "four_way",
            "axes": ["instance", "a", "b", "c"],
            "shape": list(X4.shape),
            "data": X4.reshape(-1).tolist(),
            "config": {"rank": 2, "init": "svd", "tol": 1e-10, "n_iter_max": 500},
            "expected": res,
        }
    )
    out = {"generator": "scripts/golden/make_cp_golden.py", "numpy": np.__version__, "cases": cases}
    path = os.path.join(ROOT, "fixtures/golden/cp.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    for c in cases:
        e = c["expected"]
        print(f"{c['name']}: fit {e['fit']:.8f} iterations {e['iterations']} converged {e['converged']} cc {e['core_consistency']:.2f}")


if __name__ == "__main__":
    main()
