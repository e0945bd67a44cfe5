"""Write fixtures/golden/viewer.json: numpy references for the viewer's scatter density bins.

Run from the repository root: python3 scripts/golden/make_viewer_golden.py

No input files; the points come from a seeded numpy Generator, so two runs with the same numpy
write the same bytes.

Density bins (apps/viewer/src/scatter-density.ts binPoints)
-----------------------------------------------------------
numpy.histogram2d of the points over the window [x_min, x_max] x [y_min, y_max] with `width` x
`height` equal bins: half-open bins except the last, which holds its upper edge; points outside
the window are left out. The viewer's grid has row 0 at the top (y max), so the golden is the
histogram transposed (rows = y bins) and flipped upside down, flattened row by row.
"""

import json
import os

import numpy as np

OUT = os.path.join("fixtures", "golden", "viewer.json")


def density_case(rng, n, width, height, window):
    x = rng.normal(0.0, 1.0, n)
    y = 0.5 * x + rng.normal(0.0, 0.7, n)
    x_min, x_max, y_min, y_max = window
    counts, _, _ = np.histogram2d(
        x, y, bins=[width, height], range=[[x_min, x_max], [y_min, y_max]]
    )
    grid = np.flipud(counts.T).astype(np.int64)
    return {
        "x": x.tolist(),
        "y": y.tolist(),
        "width": width,
        "height": height,
        "window": {"xMin": x_min, "xMax": x_max, "yMin": y_min, "yMax": y_max},
        "counts": grid.ravel().tolist(),
    }


def main():
    rng = np.random.default_rng(20261204)
    golden = {
        "numpy": np.__version__,
        "density": [
            density_case(rng, 500, 7, 5, (-2.5, 2.5, -2.0, 2.0)),
            density_case(rng, 300, 16, 9, (-1.0, 3.0, -3.0, 1.5)),
        ],
    }
    with open(OUT, "w") as out:
        json.dump(golden, out, indent=1)
        out.write("\n")


if __name__ == "__main__":
    main()
