"""Write fixtures/golden/svd.json: SVD/PCA cases (data, config) and numpy's results for them.

Run from the repository root: python3 scripts/golden/make_svd_golden.py

The script reads only files under fixtures/ (iris/tensor.npy, eeglab_epochs/tensor.npy and
eeglab_epochs/axis0_epochs.csv) and draws everything else from a seeded numpy Generator, so two
runs with the same numpy write the same bytes.

Semantics (the TypeScript SVD/PCA method follows exactly this)
--------------------------------------------------------------
Input: a tensor X of shape (n, d1, ..., dm) with named axes; the first axis is always called
"instance" and holds the rows of the decomposition. The config is the JSON object the method
takes; absent fields take the defaults given here.

1. missing: "error" (default) | "drop" | "mask".
   An instance "has a NaN" when any of its entries (over all the other axes) is NaN.
   - "error": if any instance has a NaN, the result is {"error_rows": [its indices, ascending]}
     and nothing is computed.
   - "drop": the instances with a NaN are removed BEFORE anything else (mean, scale, SVD);
     kept_rows lists the kept indices of the input, ascending. n is the number of kept rows.
   - "mask": all instances are kept; the mean and scale are computed from the observed
     entries only (nan-functions), the missing entries are imputed as in step 6.
2. center: "none" (default) | "global" | {"over": [axis names]}.
   mu = nanmean(X, axis=over, keepdims=True); "global" is the nanmean of all entries.
   Xc = X - mu (Xc = X for "none").
3. scale: "none" (default) | {"zscore": {"over": [axes]}} | {"robust": {"over": [axes]}}.
   sigma is computed from the data X itself, over the listed axes, keepdims (as a scaler fitted
   on its own axes, independent of the centering):
   - zscore: sigma = nanstd(X, ddof=0), about the mean of X over those same axes;
   - robust: sigma = nanpercentile(X, 75) - nanpercentile(X, 25), "linear" interpolation
     (numpy's default: position q/100 * (count - 1) in the sorted observed values).
   Every sigma entry equal to 0 is replaced by 1. Xp = Xc / sigma.
4. weights: {"<axis name>": [w_0, ..., w_{len-1}]} (default none): Xp is multiplied by w
   broadcast along that axis (several axes multiply in turn). Weights do not change mean/scale.
5. Xf = Xp reshaped to n x p in C order (last axis fastest), p = d1 * ... * dm, float64.
6. mask only: M = the NaN positions of Xf. Fill M with 0. Then for it = 1, 2, ..., 100:
     U, s, Vt = svd(Xf) (exact, as in 7); k as in 8 from this s;
     Xhat = U[:, :k] * s[:k] @ Vt[:k]; new = Xhat[M]; old = Xf[M] (the current fill);
     delta = ||new - old||_2 / ||Xf||_F (Xf with the current, old fill);
     Xf[M] = new; iterations = it; stop if delta < 1e-10.
   The outputs below are then computed from the final Xf (after the last update).
7. SVD: U, s, Vt = np.linalg.svd(Xf, full_matrices=False) in float64, then scikit-learn >= 1.5
   svd_flip(u_based_decision=False): for every row of Vt the entry of largest absolute value
   (np.argmax: the first one on ties) is made positive, the matching column of U is flipped
   with it.
8. rank: an integer k (1 <= k <= min(n, p)), or {"explained_variance": t, "max": m}: the
   smallest k with cumsum(explained_variance_ratio over all min(n, p) values)[k-1] >= t
   (min(n, p) if none reaches t), then capped at m and at min(n, p).
9. Outputs (expected):
   n, p, k;
   singular_values: all min(n, p) values of s;
   total_variance = ||Xf||_F^2 / (n - 1) (sum of squares of all entries);
   explained_variance = s[:k]^2 / (n - 1); explained_variance_ratio = that / total_variance;
   components = Vt[:k] (k x p, flattened row-major);
   scores = U[:, :k] * s[:k] (n x k, flattened row-major);
   recon_error[i] = ||Xf[i] - scores[i] @ Vt[:k]||_2 for each of the n rows;
   mean = mu flattened, mean_shape = its keepdims shape with the reduced axes dropped
   ([] for "global"), both null for center "none";
   scale, scale_shape likewise for sigma (null for scale "none");
   kept_rows (drop only); iterations (mask only).

Each case: name, axes, shape, data (flat C order, null for NaN; null for eeg, whose tensor the
test reads from data_file), config, expected. The eeg case selects instances first (query on
axis0_epochs.csv, a null rt_ms never selected) and stores only a few of the outputs.
"""

import csv
import json
from pathlib import Path

import numpy as np

SEED = 20261124
rng = np.random.default_rng(SEED)

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"


# ---------------------------------------------------------------- the reference method


def svd_flip(u, vt):
    """scikit-learn >= 1.5 svd_flip with u_based_decision=False."""
    max_abs_rows = np.argmax(np.abs(vt), axis=1)
    signs = np.sign(vt[range(vt.shape[0]), max_abs_rows])
    return u * signs, vt * signs[:, None]


def flipped_svd(xf):
    u, s, vt = np.linalg.svd(xf, full_matrices=False)
    u, vt = svd_flip(u, vt)
    return u, s, vt


def axis_positions(axes, names):
    return tuple(axes.index(name) for name in names)


def reduced_shape(shape, positions):
    return [int(d) for i, d in enumerate(shape) if i not in positions]


def resolve_rank(rank, s, total, n, p):
    kmax = min(n, p)
    if isinstance(rank, int):
        assert 1 <= rank <= kmax
        return rank
    ratio = s**2 / (n - 1) / total
    reached = np.nonzero(np.cumsum(ratio) >= rank["explained_variance"])[0]
    k = int(reached[0]) + 1 if reached.size else kmax
    return min(k, rank["max"], kmax)


def decompose(x, axes, config):
    x = np.asarray(x, dtype=np.float64)
    n = x.shape[0]
    missing = config.get("missing", "error")
    nan_rows = np.nonzero(np.isnan(x.reshape(n, -1)).any(axis=1))[0]
    out = {}
    if missing == "error":
        if nan_rows.size:
            return {"error_rows": nan_rows.tolist()}
    elif missing == "drop":
        kept = np.setdiff1d(np.arange(n), nan_rows)
        x = x[kept]
        n = x.shape[0]
        out["kept_rows"] = kept.tolist()
    else:
        assert missing == "mask"

    center = config.get("center", "none")
    if center == "none":
        mu, mu_shape, xc = None, None, x
    else:
        positions = tuple(range(x.ndim)) if center == "global" else axis_positions(axes, center["over"])
        mu = np.nanmean(x, axis=positions, keepdims=True)
        mu_shape = reduced_shape(x.shape, positions)
        xc = x - mu

    scale = config.get("scale", "none")
    if scale == "none":
        sigma, sigma_shape, xp = None, None, xc
    else:
        (kind, spec), = scale.items()
        positions = axis_positions(axes, spec["over"])
        if kind == "zscore":
            sigma = np.nanstd(x, axis=positions, keepdims=True, ddof=0)
        else:
            assert kind == "robust"
            sigma = np.nanpercentile(x, 75, axis=positions, keepdims=True) - np.nanpercentile(
                x, 25, axis=positions, keepdims=True
            )
        sigma = np.where(sigma == 0, 1.0, sigma)
        sigma_shape = reduced_shape(x.shape, positions)
        xp = xc / sigma

    for name, w in config.get("weights", {}).items():
        position = axes.index(name)
        bshape = [1] * x.ndim
        bshape[position] = len(w)
        xp = xp * np.asarray(w, dtype=np.float64).reshape(bshape)

    xf = np.array(xp.reshape(n, -1), dtype=np.float64, order="C")
    p = xf.shape[1]

    if missing == "mask":
        holes = np.isnan(xf)
        xf[holes] = 0.0
        for it in range(1, 101):
            u, s, vt = flipped_svd(xf)
            k = resolve_rank(config["rank"], s, np.sum(xf * xf) / (n - 1), n, p)
            new = ((u[:, :k] * s[:k]) @ vt[:k])[holes]
            delta = np.linalg.norm(new - xf[holes]) / np.linalg.norm(xf)
            xf[holes] = new
            out["iterations"] = it
            if delta < 1e-10:
                break
    elif np.isnan(xf).any():
        raise AssertionError("NaN left after the missing policy")

    u, s, vt = flipped_svd(xf)
    total = np.sum(xf * xf) / (n - 1)
    k = resolve_rank(config["rank"], s, total, n, p)
    ev = s[:k] ** 2 / (n - 1)
    scores = u[:, :k] * s[:k]
    components = vt[:k]
    recon = np.linalg.norm(xf - scores @ components, axis=1)
    out = {
        "n": n,
        "p": p,
        "k": k,
        "singular_values": s.tolist(),
        "explained_variance": ev.tolist(),
        "explained_variance_ratio": (ev / total).tolist(),
        "total_variance": float(total),
        "components": components.ravel().tolist(),
        "scores": scores.ravel().tolist(),
        "recon_error": recon.tolist(),
        "mean": None if mu is None else mu.ravel().tolist(),
        "mean_shape": mu_shape,
        "scale": None if sigma is None else sigma.ravel().tolist(),
        "scale_shape": sigma_shape,
        **out,
    }
    return out


# ---------------------------------------------------------------- the cases


def flat_data(x):
    return [None if np.isnan(v) else float(v) for v in np.asarray(x, dtype=np.float64).ravel()]


cases = []


def add(name, axes, x, config):
    cases.append(
        {
            "name": name,
            "axes": axes,
            "shape": list(x.shape),
            "data": flat_data(x),
            "config": config,
            "expected": decompose(x, axes, config),
        }
    )


MATRIX = ["instance", "feature"]
BY_INSTANCE = {"over": ["instance"]}

tall = rng.standard_normal((40, 7)) * np.array([3, 2, 1.5, 1, 0.5, 0.2, 0.1]) + rng.standard_normal(7)
add("tall", MATRIX, tall, {"center": BY_INSTANCE, "rank": 5})

add("wide", MATRIX, rng.standard_normal((8, 30)), {"center": "none", "rank": 6})

add(
    "rank_deficient",
    MATRIX,
    rng.standard_normal((30, 3)) @ rng.standard_normal((3, 12)),
    {"center": BY_INSTANCE, "rank": 3},
)

constant = rng.standard_normal((25, 6)) * 2 + 1
constant[:, 1] = 2.5
constant[:, 4] = -1.0
add(
    "constant_columns",
    MATRIX,
    constant,
    {"center": BY_INSTANCE, "scale": {"zscore": {"over": ["instance"]}}, "rank": 3},
)

t = np.linspace(0, 1, 10)
amp = 1 + 0.5 * rng.standard_normal((20, 1, 1))
shift = 0.1 * rng.standard_normal((20, 1, 1))
slow = 0.5 * rng.standard_normal((20, 1, 1))
gain = np.array([1.0, -0.6, 2.0]).reshape(1, 1, 3)
offset = np.array([0.5, -1.0, 3.0]).reshape(1, 1, 3)
wave = amp * np.sin(2 * np.pi * (t.reshape(1, 10, 1) - shift)) * gain
wave = wave + slow * np.cos(np.pi * t.reshape(1, 10, 1)) + offset
tensor3 = wave + 0.1 * rng.standard_normal((20, 10, 3))
add(
    "tensor3",
    ["instance", "sample", "channel"],
    tensor3,
    {
        "center": {"over": ["instance", "sample"]},
        "scale": {"zscore": {"over": ["instance", "sample"]}},
        "weights": {"channel": [1, 0.5, 2]},
        "rank": 4,
    },
)

robust = rng.standard_normal((30, 5)) * np.array([1, 2, 0.5, 3, 1]) + np.array([0, 1, -2, 5, 0])
robust[[4, 11, 23], [0, 3, 1]] = [15.0, -40.0, 9.0]  # outliers the IQR ignores
add(
    "robust_global",
    MATRIX,
    robust,
    {"center": "global", "scale": {"robust": {"over": ["instance"]}}, "rank": 2},
)

nan_drop = rng.standard_normal((30, 6)) + np.arange(6)
nan_drop[3, 2] = np.nan
nan_drop[17, [0, 5]] = np.nan
add("nan_drop", MATRIX, nan_drop, {"center": BY_INSTANCE, "missing": "drop", "rank": 2})

nan_mask = rng.standard_normal((40, 2)) @ rng.standard_normal((2, 8)) + np.linspace(-2, 2, 8)
nan_mask += 0.01 * rng.standard_normal((40, 8))
holes = rng.choice(nan_mask.size, size=16, replace=False)
nan_mask.ravel()[holes] = np.nan
assert not np.isnan(nan_mask).all(axis=0).any() and not np.isnan(nan_mask).all(axis=1).any()
add("nan_mask", MATRIX, nan_mask, {"center": BY_INSTANCE, "missing": "mask", "rank": 2})

nan_error = rng.standard_normal((12, 4))
nan_error[[2, 5, 9], [1, 3, 0]] = np.nan
add("nan_error", MATRIX, nan_error, {"center": BY_INSTANCE, "missing": "error", "rank": 2})
assert cases[-1]["expected"] == {"error_rows": [2, 5, 9]}

add("ev_target", MATRIX, tall, {"center": BY_INSTANCE, "rank": {"explained_variance": 0.9, "max": 5}})

spectrum = 10 * 0.8 ** np.arange(80)
left, _ = np.linalg.qr(rng.standard_normal((300, 80)))
right, _ = np.linalg.qr(rng.standard_normal((80, 80)))
add("decaying", MATRIX, (left * spectrum) @ right.T, {"center": "none", "rank": 10})

# Iris: fixtures/iris/tensor.npy, float64 150 x 1 x 4 (flowers x sample x features).
iris = np.load(FIXTURES / "iris" / "tensor.npy")
assert iris.shape == (150, 1, 4) and iris.dtype == np.float64
add("iris", ["instance", "sample", "feature"], iris, {"center": BY_INSTANCE, "rank": 2})
published = [0.92461872, 0.05306648]
assert np.allclose(cases[-1]["expected"]["explained_variance_ratio"], published, atol=5e-9)
cases[-1]["data_file"] = "fixtures/iris/tensor.npy"
cases[-1]["published"] = {
    "explained_variance_ratio": published,
    "source": "scikit-learn examples/decomposition/plot_pca_vs_lda.py (see fixtures/iris/README.txt)",
}

# EEG: fixtures/eeglab_epochs/tensor.npy, float32 80 x 384 x 32 (epoch x time x channel).
eeg = np.load(FIXTURES / "eeglab_epochs" / "tensor.npy")
assert eeg.shape == (80, 384, 32) and eeg.dtype == np.float32
with open(FIXTURES / "eeglab_epochs" / "axis0_epochs.csv", newline="") as f:
    epochs = list(csv.DictReader(f))
assert len(epochs) == 80
query = "lock_event_type == 'square' and rt_ms > 400"
selected = [
    i
    for i, row in enumerate(epochs)
    if row["lock_event_type"] == "square" and row["rt_ms"] != "" and float(row["rt_ms"]) > 400
]
eeg_config = {"center": BY_INSTANCE, "rank": 5}
full = decompose(eeg[selected].astype(np.float64), ["instance", "time", "channel"], eeg_config)
k, p = full["k"], full["p"]
cases.append(
    {
        "name": "eeg",
        "axes": ["instance", "time", "channel"],
        "shape": list(eeg.shape),
        "data": None,
        "data_file": "fixtures/eeglab_epochs/tensor.npy",
        "dtype": "float32",
        "selection": {
            "query": query,
            "table": "fixtures/eeglab_epochs/axis0_epochs.csv",
            "ids": [epochs[i]["id"] for i in selected],
            "rows": selected,
        },
        "config": eeg_config,
        "expected": {
            "n": full["n"],
            "p": p,
            "k": k,
            "singular_values": full["singular_values"][:10],
            "explained_variance_ratio": full["explained_variance_ratio"],
            "total_variance": full["total_variance"],
            "components_head": [
                v for r in range(k) for v in full["components"][r * p : r * p + 20]
            ],
            "components_head_shape": [k, 20],
            "scores_head": full["scores"][: 3 * k],
            "scores_head_shape": [3, k],
        },
    }
)

out = FIXTURES / "golden" / "svd.json"
document = {"numpy": np.__version__, "seed": SEED, "cases": cases}
out.write_text(json.dumps(document, separators=(",", ":"), allow_nan=False) + "\n")
print(f"wrote {out.relative_to(ROOT)} ({out.stat().st_size} bytes)")
