"""Write fixtures/golden/linalg.json: test matrices and numpy's SVD, eigh and QR results.

Run from the repository root: python3 scripts/golden/make_linalg_golden.py
"""

import json
from pathlib import Path

import numpy as np

rng = np.random.default_rng(20261123)


def svd_flip(u, vt):
    """scikit-learn >= 1.5 svd_flip with u_based_decision=False."""
    max_abs_rows = np.argmax(np.abs(vt), axis=1)
    signs = np.sign(vt[range(vt.shape[0]), max_abs_rows])
    u = u * signs
    vt = vt * signs[:, None]
    return u, vt


def with_spectrum(m, n, s):
    u, _ = np.linalg.qr(rng.standard_normal((m, len(s))))
    v, _ = np.linalg.qr(rng.standard_normal((n, len(s))))
    return (u * s) @ v.T


def rank_deficient():
    a = rng.standard_normal((30, 3)) @ rng.standard_normal((3, 10))
    a[:, 4] = 2.5  # a constant column, the fourth direction of the span
    return a


constant = rng.standard_normal((20, 6))
constant[:, 2] = 1.0

matrices = {
    "tall": rng.standard_normal((60, 8)),
    "wide": rng.standard_normal((7, 40)),
    "square": rng.standard_normal((25, 25)),
    "rank_deficient": rank_deficient(),
    "constant_column": constant,
    "ill_conditioned": with_spectrum(40, 12, np.logspace(0, -8, 12)),
}

cases = []
for name, a in matrices.items():
    m, n = a.shape
    u, s, vt = np.linalg.svd(a, full_matrices=False)
    _, vt_flipped = svd_flip(u, vt)
    g = a.T @ a
    g = (g + g.T) / 2
    eig = np.linalg.eigh(g)[0][::-1]
    case = {
        "name": name,
        "rows": m,
        "cols": n,
        "rank": int(np.linalg.matrix_rank(a)),
        "A": a.ravel().tolist(),
        "gram": g.ravel().tolist(),
        "singular_values": s.tolist(),
        "vt_flipped": vt_flipped.ravel().tolist(),
        "gram_eigenvalues": eig.tolist(),
    }
    if m >= n:
        case["qr_r_diag_abs"] = np.abs(np.diag(np.linalg.qr(a, mode="reduced")[1])).tolist()
    cases.append(case)

out = Path(__file__).resolve().parents[2] / "fixtures" / "golden" / "linalg.json"
out.write_text(json.dumps({"numpy": np.__version__, "seed": 20261123, "cases": cases}) + "\n")
print(f"wrote {out} ({out.stat().st_size} bytes)")
