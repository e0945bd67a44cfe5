"""Write fixtures/golden/nmf.json: NMF cases (data, config) and numpy's results for them.

Run from the repository root: python3 scripts/golden/make_nmf_golden.py

scikit-learn is not available here, so this script holds numpy implementations of the
algorithms of scikit-learn's NMF (sklearn/decomposition/_nmf.py, 1.5), written from its
published update rules:

- _initialize_nmf with init "nndsvd", "nndsvda" (eps = 1e-6). The truncated SVD is numpy's
  exact np.linalg.svd (scikit-learn uses randomized_svd, which agrees with it on these small
  matrices to rounding); nndsvd does not depend on the signs of the singular vectors.
- solver "mu": _fit_multiplicative_update with _multiplicative_update_w/_h for beta_loss 2
  (Frobenius) and 1 (Kullback-Leibler), EPSILON = float32 eps, no regularization, the error
  checked every 10 iterations: stop when (previous - error) / error_at_init < tol;
  for beta_loss 1, H entries below float64 eps are set to 0 after each H update.
- solver "cd": _fit_coordinate_descent with _update_coordinate_descent and _update_cdnmf_fast
  (no shuffle, no regularization): stop when violation / violation_init <= tol.
- reconstruction_err = _beta_divergence(X, W, H, beta, square_root=True).

Inputs come from fixtures/iris/tensor.npy and from a seeded numpy Generator, so two runs with
the same numpy write the same bytes. Outputs per case: W (n x k), H (k x p), both flattened
row-major, n_iter, reconstruction_err and recon_error (per row, ||X_i - W_i H||_2).
"""

import json
import os

import numpy as np

EPSILON = float(np.finfo(np.float32).eps)
EPS64 = float(np.finfo(np.float64).eps)


def initialize(X, k, init, eps=1e-6):
    U, S, V = np.linalg.svd(X, full_matrices=False)
    U, S, V = U[:, :k], S[:k], V[:k]
    W = np.zeros_like(U)
    H = np.zeros_like(V)
    W[:, 0] = np.sqrt(S[0]) * np.abs(U[:, 0])
    H[0, :] = np.sqrt(S[0]) * np.abs(V[0, :])
    for j in range(1, k):
        x, y = U[:, j], V[j, :]
        x_p, y_p = np.maximum(x, 0), np.maximum(y, 0)
        x_n, y_n = np.abs(np.minimum(x, 0)), np.abs(np.minimum(y, 0))
        x_p_nrm, y_p_nrm = np.linalg.norm(x_p), np.linalg.norm(y_p)
        x_n_nrm, y_n_nrm = np.linalg.norm(x_n), np.linalg.norm(y_n)
        m_p, m_n = x_p_nrm * y_p_nrm, x_n_nrm * y_n_nrm
        if m_p > m_n:
            u, v, sigma = x_p / x_p_nrm, y_p / y_p_nrm, m_p
        else:
            u, v, sigma = x_n / x_n_nrm, y_n / y_n_nrm, m_n
        lbd = np.sqrt(S[j] * sigma)
        W[:, j] = lbd * u
        H[j, :] = lbd * v
    W[W < eps] = 0
    H[H < eps] = 0
    if init == "nndsvda":
        avg = X.mean()
        W[W == 0] = avg
        H[H == 0] = avg
    return W, H


def beta_divergence(X, W, H, beta):
    if beta == 2:
        return float(np.sqrt(np.sum((X - W @ H) ** 2)))
    WH = W @ H
    keep = X > EPSILON
    WH_data = WH[keep]
    X_data = X[keep]
    WH_data[WH_data < EPSILON] = EPSILON
    sum_WH = np.dot(np.sum(W, axis=0), np.sum(H, axis=1))
    res = np.dot(X_data, np.log(X_data / WH_data))
    res += sum_WH - X_data.sum()
    return float(np.sqrt(2 * max(res, 0)))


def mu_w(X, W, H, beta):
    if beta == 2:
        numerator = X @ H.T
        denominator = W @ (H @ H.T)
    else:
        WH = W @ H
        WH[WH < EPSILON] = EPSILON
        numerator = (X / WH) @ H.T
        denominator = np.sum(H, axis=1)[np.newaxis, :].repeat(W.shape[0], 0)
    denominator[denominator == 0] = EPSILON
    return W * (numerator / denominator)


def mu_h(X, W, H, beta):
    if beta == 2:
        numerator = W.T @ X
        denominator = W.T @ W @ H
    else:
        WH = W @ H
        WH[WH < EPSILON] = EPSILON
        numerator = W.T @ (X / WH)
        W_sum = np.sum(W, axis=0)
        W_sum[W_sum == 0] = 1.0
        denominator = W_sum[:, np.newaxis].repeat(H.shape[1], 1)
    denominator[denominator == 0] = EPSILON
    return H * (numerator / denominator)


def fit_mu(X, W, H, beta, max_iter, tol):
    error_at_init = beta_divergence(X, W, H, beta)
    previous = error_at_init
    converged = False
    for n_iter in range(1, max_iter + 1):
        W = mu_w(X, W, H, beta)
        H = mu_h(X, W, H, beta)
        if beta <= 1:
            H[H < EPS64] = 0.0
        if tol > 0 and n_iter % 10 == 0:
            error = beta_divergence(X, W, H, beta)
            if (previous - error) / error_at_init < tol:
                converged = True
                break
            previous = error
    return W, H, n_iter, converged


def cd_pass(X, W, Ht):
    HHt = Ht.T @ Ht
    XHt = X @ Ht
    violation = 0.0
    for t in range(W.shape[1]):
        for i in range(W.shape[0]):
            grad = -XHt[i, t] + HHt[t] @ W[i]
            pg = min(0.0, grad) if W[i, t] == 0 else grad
            violation += abs(pg)
            hess = HHt[t, t]
            if hess != 0:
                W[i, t] = max(W[i, t] - grad / hess, 0.0)
    return violation


def fit_cd(X, W, H, max_iter, tol):
    W = W.copy()
    Ht = np.ascontiguousarray(H.T)
    converged = False
    for n_iter in range(1, max_iter + 1):
        violation = cd_pass(X, W, Ht)
        violation += cd_pass(X.T, Ht, W)
        if n_iter == 1:
            violation_init = violation
        if violation_init == 0:
            converged = True
            break
        if violation / violation_init <= tol:
            converged = True
            break
    return W, Ht.T.copy(), n_iter, converged


def run(X, config):
    k = config["rank"]
    beta = 1 if config.get("beta_loss") == "kullback-leibler" else 2
    W, H = initialize(X, k, config.get("init", "nndsvda"))
    max_iter = config.get("max_iter", 200)
    tol = config.get("tol", 1e-4)
    if config.get("solver", "cd") == "mu":
        W, H, n_iter, converged = fit_mu(X, W, H, beta, max_iter, tol)
    else:
        W, H, n_iter, converged = fit_cd(X, W, H, max_iter, tol)
    return {
        "n": X.shape[0],
        "p": X.shape[1],
        "W": W.ravel().tolist(),
        "H": H.ravel().tolist(),
        "n_iter": n_iter,
        "converged": converged,
        "reconstruction_err": beta_divergence(X, W, H, beta),
        "recon_error": np.sqrt(np.sum((X - W @ H) ** 2, axis=1)).tolist(),
    }


def case(name, tensor, axes, config, weights=None):
    X = tensor.reshape(tensor.shape[0], -1).astype(np.float64)
    if weights is not None:
        for axis, w in weights.items():
            shape = [1] * tensor.ndim
            shape[axes.index(axis)] = len(w)
            X = (tensor * np.asarray(w).reshape(shape)).reshape(tensor.shape[0], -1)
        config = {**config, "weights": weights}
    return {
        "name": name,
        "axes": axes,
        "shape": list(tensor.shape),
        "data": tensor.ravel().tolist(),
        "config": config,
        "expected": run(X, config),
    }


def low_rank(rng, n, p, k, noise, zeros=0.0):
    X = rng.random((n, k)) @ rng.random((k, p)) + noise * rng.random((n, p))
    if zeros > 0:
        X[rng.random((n, p)) < zeros] = 0.0
    return X


def main():
    rng = np.random.default_rng(20261205)
    small = low_rank(rng, 30, 12, 3, 0.1)
    sparse = low_rank(rng, 40, 15, 4, 0.2, zeros=0.3)
    cube = low_rank(rng, 24, 20, 2, 0.05).reshape(24, 4, 5)
    iris = np.load(os.path.join("fixtures", "iris", "tensor.npy"))
    matrix = ["instance", "feature"]
    cases = [
        case("mu_frobenius_nndsvd", small, matrix, {"rank": 3, "solver": "mu", "init": "nndsvd"}),
        case("mu_frobenius_nndsvda", small, matrix, {"rank": 3, "solver": "mu", "init": "nndsvda"}),
        case(
            "mu_frobenius_fixed",
            sparse,
            matrix,
            {"rank": 4, "solver": "mu", "init": "nndsvda", "tol": 0, "max_iter": 60},
        ),
        case("cd_frobenius_nndsvd", small, matrix, {"rank": 3, "solver": "cd", "init": "nndsvd"}),
        case("cd_frobenius_nndsvda", sparse, matrix, {"rank": 4, "solver": "cd", "init": "nndsvda"}),
        case(
            "cd_fixed",
            sparse,
            matrix,
            {"rank": 3, "solver": "cd", "init": "nndsvd", "tol": 0, "max_iter": 40},
        ),
        case(
            "mu_kl_nndsvda",
            sparse,
            matrix,
            {"rank": 4, "solver": "mu", "beta_loss": "kullback-leibler", "init": "nndsvda"},
        ),
        case(
            "mu_kl_fixed",
            small,
            matrix,
            {
                "rank": 2,
                "solver": "mu",
                "beta_loss": "kullback-leibler",
                "init": "nndsvd",
                "tol": 0,
                "max_iter": 50,
            },
        ),
        case("cd_tensor3", cube, ["instance", "sample", "channel"], {"rank": 2, "solver": "cd"}),
        case(
            "mu_tensor3_weights",
            cube,
            ["instance", "sample", "channel"],
            {"rank": 2, "solver": "mu", "init": "nndsvda"},
            weights={"channel": [1.0, 0.5, 2.0, 1.0, 0.25]},
        ),
        case("iris_cd", iris, ["instance", "sample", "feature"], {"rank": 2, "solver": "cd"}),
        case(
            "iris_mu_kl",
            iris,
            ["instance", "sample", "feature"],
            {"rank": 3, "solver": "mu", "beta_loss": "kullback-leibler", "max_iter": 400},
        ),
    ]
    out = os.path.join("fixtures", "golden", "nmf.json")
    with open(out, "w") as f:
        json.dump({"numpy": np.__version__, "cases": cases}, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
