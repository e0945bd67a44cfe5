"""Write fixtures/golden/outliers.json: Hotelling's T², the Q residual (SPE), their control limits
and the outlier score of SVD/PCA fits, computed with numpy and scipy.

Run from the repository root: python3 scripts/golden/make_outliers_golden.py

Reads fixtures/iris/tensor.npy; everything else comes from a seeded numpy Generator.

Semantics (the TypeScript SVD/PCA method follows exactly this)
--------------------------------------------------------------
X (n x p after flattening; instances with a NaN dropped first under missing "drop") is centered
per column (center {"over": ["instance"]}, PCA) or left as is (center "none", SVD): Xf.
U, s, Vt = np.linalg.svd(Xf, full_matrices=False), signs by svd_flip (u_based_decision=False);
k = the rank; c = the confidence (config outlier_confidence), alpha = 1 - c.

- lambda_j = s_j^2 / (n - 1) for all min(n, p) values (scikit-learn's explained_variance_).
- scores T = U[:, :k] * s[:k]; t2_i = sum_c T_ic^2 / lambda_c (Hotelling's T²).
- q_i = ||Xf_i - T_i Vt[:k]||^2 (the Q residual / SPE; the square of recon_error).
- t2_limit = k (n - 1) / (n - k) * F.ppf(c, k, n - k).
- theta_m = sum_{j > k} lambda_j^m, m = 1, 2, 3 (the discarded eigenvalues).
- Jackson & Mudholkar (1979): h0 = 1 - 2 theta1 theta3 / (3 theta2^2), z = norm.ppf(c),
  q_limit_jackson_mudholkar = theta1 * (z sqrt(2 theta2 h0^2) / theta1 + 1
                                       + theta2 h0 (h0 - 1) / theta1^2) ^ (1 / h0),
  defined only when h0 > 0 and the bracket is > 0 (else null).
- Box (1954): g = theta2 / theta1, h = theta1^2 / theta2, q_limit_box = g * chi2.ppf(c, h).
- Moments of Q (Nomikos & MacGregor 1995): m = mean(q), v = var(q, ddof=1), g = v / (2 m),
  h = 2 m^2 / v, q_limit_moments = g * chi2.ppf(c, h).
- q_limit = Jackson & Mudholkar where defined, else Box (q_limit_method names which).
- outlier_score_i = max(t2_i / t2_limit, q_i / q_limit).

Each case: name, shape, axes, data (flat C order, null for NaN; null for Iris, read from
data_file), config, expected: n, k, kept_rows, t2, q, recon_error, t2_limit, theta, h0,
q_limit_jackson_mudholkar, q_limit_box, q_limit_moments, q_limit, q_limit_method, outlier_score.
"""

import json
from pathlib import Path

import numpy as np
from scipy import stats

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
OUT = FIXTURES / "golden" / "outliers.json"
rng = np.random.default_rng(20260319)


def svd_flip(u, vt):
    max_abs_rows = np.argmax(np.abs(vt), axis=1)
    signs = np.sign(vt[range(vt.shape[0]), max_abs_rows])
    return u * signs, vt * signs[:, None]


def jackson_mudholkar(theta, c):
    t1, t2, t3 = theta
    h0 = 1 - 2 * t1 * t3 / (3 * t2**2)
    if not h0 > 0:
        return h0, None
    z = stats.norm.ppf(c)
    bracket = z * np.sqrt(2 * t2 * h0**2) / t1 + 1 + t2 * h0 * (h0 - 1) / t1**2
    return h0, (float(t1 * bracket ** (1 / h0)) if bracket > 0 else None)


def outliers(x, config):
    n_all = x.shape[0]
    xf = np.asarray(x, dtype=np.float64).reshape(n_all, -1)
    kept = np.nonzero(~np.isnan(xf).any(axis=1))[0]
    xf = xf[kept]
    n, p = xf.shape
    if config.get("center", "none") != "none":
        xf = xf - xf.mean(axis=0)
    k = config["rank"]
    c = config.get("outlier_confidence", 0.95)
    u, s, vt = np.linalg.svd(xf, full_matrices=False)
    u, vt = svd_flip(u, vt)
    lam = s**2 / (n - 1)
    scores = u[:, :k] * s[:k]
    t2 = np.sum(scores**2 / lam[:k], axis=1)
    q = np.sum((xf - scores @ vt[:k]) ** 2, axis=1)
    t2_limit = k * (n - 1) / (n - k) * stats.f.ppf(c, k, n - k)
    rest = lam[k:]
    theta = [float(np.sum(rest**m)) for m in (1, 2, 3)]
    h0, jm = jackson_mudholkar(theta, c)
    box = theta[1] / theta[0] * stats.chi2.ppf(c, theta[0] ** 2 / theta[1])
    m, v = q.mean(), q.var(ddof=1)
    moments = v / (2 * m) * stats.chi2.ppf(c, 2 * m**2 / v)
    q_limit = jm if jm is not None else box
    score = np.maximum(t2 / t2_limit, q / q_limit)
    return {
        "n": int(n),
        "k": k,
        "kept_rows": kept.tolist(),
        "t2": t2.tolist(),
        "q": q.tolist(),
        "recon_error": np.sqrt(q).tolist(),
        "t2_limit": float(t2_limit),
        "theta": theta,
        "h0": float(h0),
        "q_limit_jackson_mudholkar": jm,
        "q_limit_box": float(box),
        "q_limit_moments": float(moments),
        "q_limit": float(q_limit),
        "q_limit_method": "jackson_mudholkar" if jm is not None else "box",
        "outlier_score": score.tolist(),
    }


cases = []


def add(name, x, config, inline=True):
    cases.append(
        {
            "name": name,
            "shape": list(x.shape),
            "axes": ["instance", "sample", "feature"] if x.ndim == 3 else ["instance", "feature"],
            "data": [None if np.isnan(v) else float(v) for v in x.ravel()] if inline else None,
            "config": config,
            "expected": outliers(x, config),
        }
    )


PCA = {"over": ["instance"]}

# (a) Iris, 150 x 1 x 4: PCA and the uncentered SVD.
iris = np.load(FIXTURES / "iris" / "tensor.npy")
assert iris.shape == (150, 1, 4) and iris.dtype == np.float64
add("iris_pca", iris, {"center": PCA, "rank": 2}, inline=False)
cases[-1]["data_file"] = "fixtures/iris/tensor.npy"
add("iris_svd", iris, {"center": "none", "rank": 2, "outlier_confidence": 0.99}, inline=False)
cases[-1]["data_file"] = "fixtures/iris/tensor.npy"

# (b) 200 x 12: three latent factors plus noise, with planted outliers. Rows 5 and 50 lie far
# out along the model (large T², small Q); rows 17 and 120 leave the model's plane (large Q);
# rows 30 and 77 have a missing value and are dropped.
n, p = 200, 12
loadings = rng.standard_normal((3, p))
planted = rng.standard_normal((n, 3)) * [3.0, 2.0, 1.0] @ loadings + 0.3 * rng.standard_normal((n, p))
planted[5] += 15 * loadings[0]
planted[50] -= 12 * loadings[1]
off_model = rng.standard_normal(p)
planted[17] += 3 * off_model
planted[120] -= 2.5 * off_model
planted[30, 4] = np.nan
planted[77, 0] = np.nan
add("planted", planted, {"center": PCA, "rank": 3, "missing": "drop", "outlier_confidence": 0.99})
expected = cases[-1]["expected"]
rows = expected["kept_rows"]
flagged = [rows[i] for i, v in enumerate(expected["outlier_score"]) if v > 1]
assert {5, 50, 17, 120} <= set(flagged), flagged

# (c) 120 x 60: a strong third component left out of a rank-2 model over flat noise. The
# discarded spectrum is one large eigenvalue and many small ones, so h0 <= 0: Box's limit.
n, p = 120, 60
basis = rng.standard_normal((3, p))
wide = rng.standard_normal((n, 3)) * [5.0, 4.0, 1.0] @ basis + 1.0 * rng.standard_normal((n, p))
add("box_fallback", wide, {"center": PCA, "rank": 2})
assert cases[-1]["expected"]["q_limit_method"] == "box", cases[-1]["expected"]["h0"]

OUT.write_text(json.dumps({"source": "scripts/golden/make_outliers_golden.py", "cases": cases}) + "\n")
print(f"wrote {OUT.relative_to(ROOT)}")
for c in cases:
    e = c["expected"]
    print(c["name"], e["t2_limit"], e["q_limit"], e["q_limit_method"], e["h0"], e["q_limit_box"], e["q_limit_moments"])
