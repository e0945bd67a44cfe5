"""Write fixtures/golden/pyramid.json: numpy's multiscale pyramids of a small odd-shaped tensor.

Run from the repository root: python3 scripts/golden/make_pyramid_golden.py

No input files; the tensor is drawn from a seeded numpy Generator, so two runs with the same
numpy write the same bytes.

The tensor is instance x sample x channel = 37 x 23 x 2 float32 (neither length a multiple of 2
or 4), with a few NaN elements, a validity mask (0 = masked) and a sort key per instance (with
ties and one missing value, NaN).

Level L of a pyramid with factor f reduces bins of f**L instances x f**L samples of each channel,
computed here straight from the base (not level from level, as the TypeScript builder streams):

- the bins start at 0, f**L, 2 f**L, ... along each reduced axis; the last bin is partial and
  reduces the elements it has, as numpy.ufunc.reduceat does with those start indices;
- NaN and masked elements are skipped; `mean` is the sum of the valid elements over their count,
  `min` and `max` their extremes; a bin without a valid element is NaN in all three;
- levels are added until both reduced axes are down to 1 (the builder's targetBytes = 0).

Cases: factor 2 and factor 4 in the stored order, and factor 2 with the instances sorted by the
key (numpy.argsort(kind="stable"): ascending, ties in the stored order, NaN last), which is the
pyramid of the sorted tensor x[order].

JSON: NaN is written as null.
"""

import json
import os

import numpy as np

SHAPE = (37, 23, 2)
OUT = os.path.join("fixtures", "golden", "pyramid.json")


def as_list(values):
    """A nested list with None for NaN."""
    flat = np.asarray(values, dtype=np.float64).ravel()
    return [None if np.isnan(v) else float(v) for v in flat]


def levels(x, mask, factor):
    """Mean, min and max of every level, from the base, until both reduced axes are 1."""
    valid = mask.astype(bool) & ~np.isnan(x)
    x64 = x.astype(np.float64)
    out = []
    level = 1
    while True:
        step = factor**level
        rows = np.arange(0, x.shape[0], step)
        cols = np.arange(0, x.shape[1], step)

        def reduce(ufunc, values):
            return ufunc.reduceat(ufunc.reduceat(values, rows, axis=0), cols, axis=1)

        total = reduce(np.add, np.where(valid, x64, 0.0))
        count = reduce(np.add, valid.astype(np.int64))
        low = reduce(np.minimum, np.where(valid, x64, np.inf))
        high = reduce(np.maximum, np.where(valid, x64, -np.inf))
        empty = count == 0
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(empty, np.nan, total / np.maximum(count, 1))
        out.append(
            {
                "level": level,
                "shape": list(total.shape),
                "mean": as_list(mean.astype(np.float32)),
                "min": as_list(np.where(empty, np.nan, low).astype(np.float32)),
                "max": as_list(np.where(empty, np.nan, high).astype(np.float32)),
            }
        )
        if total.shape[0] == 1 and total.shape[1] == 1:
            return out
        level += 1


def main():
    rng = np.random.default_rng(20261204)
    x = rng.normal(size=SHAPE).astype(np.float32)
    x[3, 4, 0] = np.nan
    x[36, 22, 1] = np.nan
    x[10, :, 1] = np.nan  # a whole row of one channel
    mask = np.ones(SHAPE, dtype=np.uint8)
    mask[5, 0:6, :] = 0
    mask[32:37, 16:23, 0] = 0  # the last bins of channel 0 at level 1 to 3 are all masked
    key = np.round(rng.uniform(0, 10, size=SHAPE[0])).astype(np.float64)
    key[7] = np.nan
    order = np.argsort(key, kind="stable")
    golden = {
        "source": "scripts/golden/make_pyramid_golden.py (numpy %s)" % np.__version__,
        "shape": list(SHAPE),
        "data": as_list(x),
        "mask": mask.ravel().tolist(),
        "key": as_list(key),
        "order": order.tolist(),
        "cases": {
            "factor2": {"factor": 2, "levels": levels(x, mask, 2)},
            "factor4": {"factor": 4, "levels": levels(x, mask, 4)},
            "factor2_sorted": {"factor": 2, "levels": levels(x[order], mask[order], 2)},
        },
    }
    with open(OUT, "w") as f:
        json.dump(golden, f, separators=(",", ":"))
        f.write("\n")
    print("wrote", OUT)


if __name__ == "__main__":
    main()
