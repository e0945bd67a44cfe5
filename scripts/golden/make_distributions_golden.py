"""Write fixtures/golden/distributions.json: scipy.special / scipy.stats values for the quantile
code of @tt/decompose-core (src/distributions.ts).

Run from the repository root: python3 scripts/golden/make_distributions_golden.py

No input files, no random numbers: a fixed grid of arguments and scipy's float64 results.

- log_gamma: [x, scipy.special.gammaln(x)]
- regularized_gamma: [a, x, scipy.special.gammainc(a, x), scipy.special.gammaincc(a, x)]
- regularized_beta: [x, a, b, scipy.special.betainc(a, b, x), scipy.special.betaincc(a, b, x)]
- normal_quantile: [p, scipy.stats.norm.ppf(p)]
- chi_square_quantile: [p, df, scipy.stats.chi2.ppf(p, df)] (df need not be an integer)
- f_quantile: [p, d1, d2, scipy.stats.f.ppf(p, d1, d2)]
"""

import json
from pathlib import Path

import scipy
from scipy import special, stats

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "fixtures" / "golden" / "distributions.json"

PROBABILITIES = [1e-6, 0.001, 0.01, 0.05, 0.1, 0.3, 0.5, 0.7, 0.9, 0.95, 0.975, 0.99, 0.999, 1 - 1e-6]

log_gamma = [[x, float(special.gammaln(x))] for x in [1e-8, 0.1, 0.5, 1, 1.5, 2, 3.7, 10, 42.5, 171, 1e4, 1e6]]

regularized_gamma = []
for a in [0.05, 0.5, 1, 1.5, 2.5, 7, 30.25, 150, 2000, 60000]:
    for factor in [0.01, 0.3, 0.8, 1, 1.2, 2, 5]:
        x = a * factor
        regularized_gamma.append([a, x, float(special.gammainc(a, x)), float(special.gammaincc(a, x))])

regularized_beta = []
for a, b in [(0.5, 0.5), (0.5, 3), (1, 1), (2, 5), (5, 2), (1.5, 72.5), (10, 10), (3, 21000), (0.3, 0.7), (150, 40)]:
    for x in [1e-6, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99]:
        regularized_beta.append(
            [x, a, b, float(special.betainc(a, b, x)), float(special.betaincc(a, b, x))]
        )

normal_quantile = [[p, float(stats.norm.ppf(p))] for p in PROBABILITIES]

chi_square_quantile = []
for df in [0.3, 1, 2, 2.7, 5, 11.4, 30, 100, 1234.5, 20000]:
    for p in PROBABILITIES:
        chi_square_quantile.append([p, df, float(stats.chi2.ppf(p, df))])

f_quantile = []
for d1, d2 in [(1, 1), (1, 10), (2, 148), (3, 197), (4, 146), (5, 2), (10, 30), (2.5, 7.5), (50, 42287), (8, 8)]:
    for p in PROBABILITIES:
        f_quantile.append([p, d1, d2, float(stats.f.ppf(p, d1, d2))])

golden = {
    "source": "scripts/golden/make_distributions_golden.py",
    "scipy": scipy.__version__,
    "log_gamma": log_gamma,
    "regularized_gamma": regularized_gamma,
    "regularized_beta": regularized_beta,
    "normal_quantile": normal_quantile,
    "chi_square_quantile": chi_square_quantile,
    "f_quantile": f_quantile,
}
OUT.write_text(json.dumps(golden, indent=1) + "\n")
print(f"wrote {OUT.relative_to(ROOT)}")
