"""Write fixtures/golden/cp-degeneracy.json: numpy's Tucker congruences for the CP degeneracy check.

Run from the repository root: python3 scripts/golden/make_cp_degeneracy_golden.py

No input files; every case is drawn from a seeded numpy Generator, so two runs with the same
numpy write the same bytes.

The congruence (what @tt/decompose-cp reports as diagnostics.degeneracy.congruence)
---------------------------------------------------------------------------------
For factors F_0 (instances x R), F_1, ..., F_m (one per mode), the congruence of components r and
s is Tucker's congruence coefficient taken over all modes, the "triple cosine" of Harshman and
Lundy's and Bro's degeneracy check:

    congruence[r, s] = prod_k cos(F_k[:, r], F_k[:, s]),  cos(x, y) = x.y / (|x| |y|)

(a zero column has cosine 0 with every other column). Components whose congruence approaches -1
cancel each other (a two-factor degeneracy); below -0.85 the model is troublesome (Krijnen 1993,
as cited by Bro 1997, PARAFAC. Tutorial and applications, Chemometr. Intell. Lab. 38, 149-171).

Cases
-----
- `planted_pair` and `four_way_planted`: factors given in the file (unit columns not required);
  the second component of every mode is the negated first plus a little noise, so that pair's
  congruence is near -1 with three modes and near +1 with four (a product of four cosines near
  -1); the other pairs are random.
- `swamp`: a tensor of rank 3 that rank-2 approximations approach without reaching (border rank
  2: a x a x b + a x b x a + b x a x a, plus 1% noise). The rank-2 CP-ALS of
  make_cp_golden.py (same algorithm as the TypeScript method) runs into a two-factor degeneracy
  ("swamp"): its two components grow and cancel, their congruence creeps toward -1 (-0.94 after
  1000 sweeps) and the fit does not converge. The core consistency stays positive here, which is
  why the check looks at the congruence too. `expected` holds that fit's iterations, convergence,
  weights, core consistency and congruence.
"""

import json
import os

import numpy as np

from make_cp_golden import cp_als

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))


def congruence(factors):
    """Tucker's congruence of every pair of components, multiplied over the modes."""
    R = factors[0].shape[1]
    out = np.ones((R, R))
    for F in factors:
        norms = np.linalg.norm(F, axis=0)
        unit = F / np.where(norms > 0, norms, 1.0)
        cos = unit.T @ unit
        for r in range(R):
            if norms[r] == 0:
                cos[r, :] = 0.0
                cos[:, r] = 0.0
        np.fill_diagonal(cos, 1.0)
        out *= cos
    return out


def most_negative(C):
    R = C.shape[0]
    if R < 2:
        return None
    best = None
    for r in range(R):
        for s in range(r + 1, R):
            if best is None or C[r, s] < best[2]:
                best = (r, s, C[r, s])
    return {"components": [best[0] + 1, best[1] + 1], "congruence": float(best[2])}


def planted(rng, dims, R, noise):
    factors = [rng.standard_normal((d, R)) for d in dims]
    for F in factors:
        F[:, 1] = -F[:, 0] + noise * rng.standard_normal(F.shape[0])
    return factors


def factor_case(name, factors):
    C = congruence(factors)
    return {
        "name": name,
        "shapes": [list(F.shape) for F in factors],
        "factors": [F.reshape(-1).tolist() for F in factors],
        "expected": {"congruence": C.reshape(-1).tolist(), "most_negative": most_negative(C)},
    }


def swamp(rng, dims, noise):
    a, b = [], []
    for d in dims:
        u = rng.standard_normal(d)
        v = rng.standard_normal(d)
        a.append(u / np.linalg.norm(u))
        b.append(v / np.linalg.norm(v))
    X = (
        np.einsum("i,j,k->ijk", a[0], a[1], b[2])
        + np.einsum("i,j,k->ijk", a[0], b[1], a[2])
        + np.einsum("i,j,k->ijk", b[0], a[1], a[2])
    )
    E = rng.standard_normal(X.shape)
    return X + noise * np.linalg.norm(X) / np.linalg.norm(E) * E


def main():
    rng = np.random.default_rng(20250119)
    cases = [
        factor_case("planted_pair", planted(rng, (12, 7, 5), 3, 0.05)),
        factor_case("four_way_planted", planted(rng, (9, 6, 5, 4), 4, 0.1)),
    ]
    X = swamp(rng, (8, 6, 5), 0.01)
    config = {"rank": 2, "init": "svd", "tol": 1e-10, "n_iter_max": 1000}
    res = cp_als(X, 2, config["tol"], config["n_iter_max"])
    R = 2
    factors = [np.array(f).reshape(-1, R) for f in res["factors"]]
    C = congruence(factors)
    cases.append(
        {
            "name": "swamp",
            "axes": ["instance", "a", "b"],
            "shape": list(X.shape),
            "data": X.reshape(-1).tolist(),
            "config": config,
            "expected": {
                "iterations": res["iterations"],
                "converged": res["converged"],
                "weights": res["weights"],
                "core_consistency": res["core_consistency"],
                "congruence": C.reshape(-1).tolist(),
                "most_negative": most_negative(C),
            },
        }
    )
    out = {
        "generator": "scripts/golden/make_cp_degeneracy_golden.py",
        "numpy": np.__version__,
        "cases": cases,
    }
    path = os.path.join(ROOT, "fixtures/golden/cp-degeneracy.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    for c in cases:
        e = c["expected"]
        extra = ""
        if "core_consistency" in e:
            extra = f" cc {e['core_consistency']:.1f} iterations {e['iterations']} converged {e['converged']} weights {e['weights']}"
        print(f"{c['name']}: most negative {e['most_negative']}{extra}")


if __name__ == "__main__":
    main()
