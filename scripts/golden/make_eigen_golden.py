"""Write fixtures/golden/eigen.json: symmetric matrices large enough for the divide and conquer
of @tt/linalg's kernel eigensolver, and numpy.linalg.eigh's results for them.

Run from the repository root: python3 scripts/golden/make_eigen_golden.py

The matrices are not stored; each case names a generator the TypeScript tests reproduce bit for
bit (every step is an IEEE operation on exactly representable values, or a sum in a fixed order):

- lcg(seed): the uniform numbers state / 2**32 - 0.5, state_{t+1} = (1664525 state_t + 1013904223)
  mod 2**32 from state_0 = seed, filling matrices row-major in C order.
- "gram": X = lcg (rows x cols); S[a, b] = sum over i = 0..rows-1, in that order, of X[i, a] X[i, b].
  With rows < cols it is singular: cols - rows eigenvalues are zero (to rounding), a deflation test.
- "wilkinson": the tridiagonal W+ of order cols (diagonal |i - (cols - 1) / 2|, off-diagonal 1),
  whose largest eigenvalues come in pairs closer than 1e-13 relative.
- "clustered": diag(values) with values[i] = 1 + floor(i / 8) + 1e-9 * (i % 3), a diagonal made
  of clusters (repeated values and values 1e-9 apart): all deflation.

Expected: eigenvalues (numpy.linalg.eigh, descending), and for the first and last three
eigenvalues (well separated in every case but wilkinson's top pairs, which are skipped) the
eigenvector with the sign that makes its largest-magnitude entry positive.
"""

import json
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]


def lcg(count, seed):
    out = np.empty(count)
    state = seed
    for i in range(count):
        state = (state * 1664525 + 1013904223) % 2**32
        out[i] = state / 2**32 - 0.5
    return out


def gram(rows, cols, seed):
    x = lcg(rows * cols, seed).reshape(rows, cols)
    s = np.zeros((cols, cols))
    for i in range(rows):
        s = s + np.outer(x[i], x[i])
    return s


def wilkinson(cols):
    s = np.diag(np.abs(np.arange(cols) - (cols - 1) / 2))
    s += np.diag(np.ones(cols - 1), 1) + np.diag(np.ones(cols - 1), -1)
    return s


def clustered(cols):
    i = np.arange(cols)
    return np.diag(1 + (i // 8) + 1e-9 * (i % 3))


def flipped(v):
    return v * np.sign(v[np.argmax(np.abs(v))])


def case(name, generator, s, vector_indices):
    values, vectors = np.linalg.eigh(s)
    values, vectors = values[::-1], vectors[:, ::-1]
    return {
        "name": name,
        "generator": generator,
        "expected": {
            "values": values.tolist(),
            "vectors": {str(j): flipped(vectors[:, j]).tolist() for j in vector_indices},
        },
    }


n = 300
cases = [
    case("gram", {"kind": "gram", "rows": 400, "cols": n, "seed": 3}, gram(400, n, 3), [0, 1, 2, n - 3, n - 2, n - 1]),
    case("gram_singular", {"kind": "gram", "rows": 40, "cols": 120, "seed": 5}, gram(40, 120, 5), [0, 1, 2]),
    case("wilkinson", {"kind": "wilkinson", "cols": 201}, wilkinson(201), [198, 199, 200]),
    case("clustered", {"kind": "clustered", "cols": 100}, clustered(100), []),
]

out = ROOT / "fixtures" / "golden" / "eigen.json"
out.write_text(json.dumps({"numpy": np.__version__, "cases": cases}, separators=(",", ":")) + "\n")
print(f"wrote {out.relative_to(ROOT)} ({out.stat().st_size} bytes)")
