"""Write fixtures/golden/ica.json: FastICA and extended Infomax results of numpy for @tt/decompose-ica.

Run from the repository root: python3 scripts/golden/make_ica_golden.py

Everything is synthetic and seeded: four independent sources (Laplace, uniform, a sine, a
sawtooth) mixed into 6 channels plus a little Gaussian noise (20 instances x 100 samples x 6
channels). Most cases whiten to rank 4; one keeps every channel of the first 4 ("channels": 4),
since at full rank on 6 channels two components would be Gaussian noise, which ICA cannot
identify (the unmixing of those two depends on rounding).
Two runs with the same numpy write the same bytes. It also writes fixtures/golden/ica-eeg.json:
parallel FastICA and extended Infomax of the EEGLAB epochs (fixtures/eeglab_epochs/tensor.npy) at
full rank with seed 0.

The algorithm (the TypeScript method `ica` follows exactly this)
----------------------------------------------------------------
X: n x t x C, every (instance, sample) an observation: Xr = X.reshape(n*t, C), N = n*t rows.
1. Center each channel: Xc = Xr - mean(Xr, axis=0). Covariance S = Xc^T Xc / N.
2. Whitening: eigh(S), eigenvalues descending, each eigenvector signed so that its entry of
   largest magnitude is positive (the first on ties); K = diag(l[:r]^-1/2) E[:, :r]^T (r x C);
   Z = Xc K^T (N x r, unit covariance).
3a. FastICA (scikit-learn's _ica_par / _ica_def): w_init = r x r standard normals from the seed
   (the generator below, row by row); logcosh (alpha 1): g = tanh(u), g' = 1 - tanh(u)^2;
   exp: g = u exp(-u^2/2), g' = (1 - u^2) exp(-u^2/2). parallel: W = sym(w_init); repeat
   W1 = sym(g(W Z^T) Z / N - diag(mean g'(W Z^T)) W), lim = max | |diag(W1 W^T)| - 1 |, W = W1,
   stop when lim < tol; sym(W) = (W W^T)^(-1/2) W by eigh. deflation: unit j from
   w = w_init[j] / |w|; repeat w1 = Z^T g(Z w) / N - mean g'(Z w) w, Gram-Schmidt against the
   units before, normalize; lim = | |w1 . w| - 1 |; stop when lim < tol.
3b. Infomax: MNE-Python's mne.preprocessing.infomax (defaults: l_rate 0.01/log(r^2), block
   floor(sqrt(N/3)), w_change, anneal 60 deg / 0.9, n_subgauss 1, kurt_size 6000, ext_blocks 1,
   blowup 1e4 / 0.5, n_small_angle 20, use_bias), with its random numbers from the generator
   below: each pass's permutation is the stable argsort of N uniform draws, the kurtosis rows
   floor(u * (N - 1)) for kurt_size draws (only when kurt_size < N). W = weights^T. n_iter counts
   the passes made (MNE sets step to max_iter when a stop rule fires); restarts the blow-ups
   (weights beyond 1e8: start again from the identity at 0.9 times the learning rate).
4. Channel space: U = W K (unmixing, r x C), S = Xc U^T, A = pinv(U) (C x r). Each component
   scaled to unit variance (U row / std, A column * std), signed so that its largest |A| entry
   is positive, and sorted by explained variance ||A_k||^2 (descending).

The generator is @tt/decompose-core's uniformGenerator (xoshiro128** seeded by splitmix32, 53-bit
uniforms in (0, 1)) and normalGenerator (Box-Muller, cosine first), ported below.
"""

import json
import math
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "fixtures" / "golden" / "ica.json"
OUT_EEG = ROOT / "fixtures" / "golden" / "ica-eeg.json"
M32 = 0xFFFFFFFF


def rotl(x, k):
    return ((x << k) | (x >> (32 - k))) & M32


def uniform_generator(seed):
    z = seed & M32

    def splitmix():
        nonlocal z
        z = (z + 0x9E3779B9) & M32
        t = z
        t = ((t ^ (t >> 16)) * 0x85EBCA6B) & M32
        t = ((t ^ (t >> 13)) * 0xC2B2AE35) & M32
        return (t ^ (t >> 16)) & M32

    s = [splitmix(), splitmix(), splitmix(), splitmix()]

    def nxt():
        result = (rotl((s[1] * 5) & M32, 7) * 9) & M32
        t = (s[1] << 9) & M32
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 11)
        return result

    def uniform():
        a = nxt() >> 5
        b = nxt() >> 6
        return (a * 67108864 + b + 0.5) / 9007199254740992

    return uniform


def normal_generator(seed):
    uniform = uniform_generator(seed)
    spare = []

    def normal():
        if spare:
            return spare.pop()
        radius = math.sqrt(-2 * math.log(uniform()))
        angle = 2 * math.pi * uniform()
        spare.append(radius * math.sin(angle))
        return radius * math.cos(angle)

    return normal


def signed_columns(vectors):
    out = vectors.copy()
    for j in range(out.shape[1]):
        i = int(np.argmax(np.abs(out[:, j])))
        if out[i, j] < 0:
            out[:, j] = -out[:, j]
    return out


def whiten(xc, rank):
    cov = xc.T @ xc / xc.shape[0]
    values, vectors = np.linalg.eigh(cov)
    values, vectors = values[::-1], signed_columns(vectors[:, ::-1])
    k = (vectors[:, :rank] / np.sqrt(values[:rank])).T
    return k, values


def sym_decorrelation(w):
    s, u = np.linalg.eigh(w @ w.T)
    s = np.clip(s, a_min=np.finfo(w.dtype).tiny, a_max=None)
    return (u * (1.0 / np.sqrt(s))) @ u.T @ w


def contrast(fun, u):
    if fun == "logcosh":
        g = np.tanh(u)
        return g, (1 - g**2).mean(axis=-1)
    e = np.exp(-(u**2) / 2)
    return u * e, ((1 - u**2) * e).mean(axis=-1)


def fastica_parallel(z, fun, w_init, max_iter, tol):
    w = sym_decorrelation(w_init)
    n = z.shape[0]
    for it in range(max_iter):
        g, gp = contrast(fun, w @ z.T)
        w1 = sym_decorrelation(g @ z / n - gp[:, None] * w)
        lim = max(abs(abs(np.einsum("ij,ij->i", w1, w)) - 1))
        w = w1
        if lim < tol:
            return w, [it + 1]
    return w, [max_iter]


def fastica_deflation(z, fun, w_init, max_iter, tol):
    r = w_init.shape[0]
    w_all = np.zeros((r, r))
    iterations = []
    for j in range(r):
        w = w_init[j].copy()
        w /= np.sqrt((w**2).sum())
        for it in range(max_iter):
            g, gp = contrast(fun, (z @ w)[None, :])
            w1 = (z * g[0][:, None]).mean(axis=0) - gp[0] * w
            w1 -= w1 @ w_all[:j].T @ w_all[:j]
            w1 /= np.sqrt((w1**2).sum())
            lim = abs(abs((w1 * w).sum()) - 1)
            w = w1
            if lim < tol:
                break
        iterations.append(it + 1)
        w_all[j] = w
    return w_all, iterations


def kurtosis(x):
    d = x - x.mean(axis=0)
    m2 = (d**2).mean(axis=0)
    return (d**4).mean(axis=0) / m2**2 - 3


def infomax(data, seed, extended=True, max_iter=200, w_change=1e-12, l_rate=None, restarts=None):
    uniform = uniform_generator(seed)
    n_samples, r = data.shape
    l_rate = l_rate or 0.01 / math.log(r**2.0)
    block = int(math.floor(math.sqrt(n_samples / 3.0)))
    nblock = n_samples // block
    lastt = (nblock - 1) * block + 1
    weights = np.identity(r)
    bias = np.zeros(r)
    oldweights = weights.copy()
    step, count_small_angle, blockno, signcount, ext_blocks = 0, 0, 0, 0, 1
    signs = np.ones(r)
    signs[0] = -1
    kurt_size = min(6000, n_samples)
    old_kurt, oldsigns = np.zeros(r), np.zeros(r)
    olddelta, oldchange = np.ones(r * r), 0.0
    while step < max_iter:
        permute = np.argsort([uniform() for _ in range(n_samples)], kind="stable")
        blowup = False
        for t in range(0, lastt, block):
            u = data[permute[t : t + block], :] @ weights + bias
            if extended:
                y = np.tanh(u)
                weights += l_rate * weights @ (block * np.identity(r) - signs[None, :] * (u.T @ y) - u.T @ u)
                bias += l_rate * y.sum(axis=0) * -2.0
            else:
                y = 1.0 - 2.0 / (1.0 + np.exp(-u))
                weights += l_rate * weights @ (block * np.identity(r) + u.T @ y)
                bias += l_rate * y.sum(axis=0)
            blockno += 1
            if np.max(np.abs(weights)) > 1e8:
                blowup = True
                break
            if extended and ext_blocks > 0 and blockno % ext_blocks == 0:
                if kurt_size < n_samples:
                    rp = np.floor(np.array([uniform() for _ in range(kurt_size)]) * (n_samples - 1))
                    part = data[rp.astype(int), :] @ weights
                else:
                    part = data @ weights
                kurt = 0.5 * old_kurt + 0.5 * kurtosis(part)
                old_kurt = kurt
                signs = np.sign(kurt + 0.02)
                signcount = signcount + 1 if (signs - oldsigns != 0).sum() == 0 else 0
                oldsigns = signs
                if signcount >= 25:
                    ext_blocks = np.fix(ext_blocks * 2)
                    signcount = 0
        if blowup:
            # MNE's restart: from the identity with a lower learning rate.
            step, blockno, ext_blocks = 0, 1, 1
            l_rate *= 0.9
            weights, oldweights = np.identity(r), np.identity(r)
            olddelta = np.zeros(r * r)
            bias = np.zeros(r)
            signs = np.ones(r)
            signs[0] = -1
            oldsigns = np.zeros(r)
            if restarts is not None:
                restarts.append(l_rate)
            assert l_rate > 1e-10
            continue
        delta = (weights - oldweights).reshape(-1)
        step += 1
        passes = step
        angledelta = 0.0
        change = float(np.sum(delta * delta))
        if step > 2:
            angledelta = math.degrees(math.acos(np.sum(delta * olddelta) / math.sqrt(change * oldchange)))
        oldweights = weights.copy()
        if angledelta > 60:
            l_rate *= 0.9
            olddelta, oldchange, count_small_angle = delta, change, 0
        else:
            if step == 1:
                olddelta, oldchange = delta, change
            count_small_angle += 1
            if count_small_angle > 20:
                max_iter = step
        if step > 2 and change < w_change:
            step = max_iter
        elif change > 1e4:
            l_rate *= 0.5
    return weights.T, [passes]


def finish(w, k, xc):
    u = w @ k
    s = xc @ u.T
    std = np.sqrt((s**2).mean(axis=0))
    a = np.linalg.pinv(u)
    explained = (a**2).sum(axis=0) * std**2
    sign = np.array([1.0 if a[np.argmax(np.abs(a[:, j])), j] >= 0 else -1.0 for j in range(a.shape[1])])
    order = np.argsort(-explained, kind="stable")
    unmixing = (sign[:, None] * u / std[:, None])[order]
    mixing = (a * sign[None, :] * std[None, :])[:, order]
    return unmixing, mixing, explained[order]


def synthetic(seed, n, t, channels, noise):
    rng = np.random.default_rng(seed)
    time = np.arange(n * t) / 50.0
    sources = np.stack(
        [
            rng.laplace(size=n * t),
            rng.uniform(-1, 1, size=n * t) * np.sqrt(3),
            np.sqrt(2) * np.sin(2 * np.pi * 1.3 * time),
            ((time * 0.9) % 1.0 - 0.5) * np.sqrt(12),
        ],
        axis=1,
    )
    mixing = rng.normal(size=(channels, sources.shape[1]))
    x = sources @ mixing.T + noise * rng.normal(size=(n * t, channels)) + rng.normal(size=channels)
    return x.reshape(n, t, channels), mixing


def run_case(name, x, config, seed, channels=None):
    x = x if channels is None else x[:, :, :channels]
    n, t, c = x.shape
    xr = x.reshape(n * t, c)
    xc = xr - xr.mean(axis=0)
    rank = config.get("rank") or c
    k, eigenvalues = whiten(xc, rank)
    z = xc @ k.T
    max_iter = config.get("max_iter", 200)
    if config.get("algorithm", "fastica") == "fastica":
        normal = normal_generator(seed)
        w_init = np.array([normal() for _ in range(rank * rank)]).reshape(rank, rank)
        fn = fastica_parallel if config.get("fastica_mode", "parallel") == "parallel" else fastica_deflation
        w, iterations = fn(z, config.get("fun", "logcosh"), w_init, max_iter, config.get("tol") or 1e-4)
    else:
        restarts = []
        w, iterations = infomax(
            z,
            seed,
            config.get("extended", True),
            max_iter,
            config.get("tol") or 1e-12,
            l_rate=config.get("learning_rate"),
            restarts=restarts,
        )
    unmixing, mixing, explained = finish(w, k, xc)
    extra = {"restarts": len(restarts)} if config.get("algorithm") == "infomax" else {}
    return {
        "name": name,
        "channels": c,
        "config": config,
        "seed": seed,
        "expected": {
            "unmixing": unmixing.reshape(-1).tolist(),
            "mixing": mixing.reshape(-1).tolist(),
            "explained_variance": explained.tolist(),
            "total_variance": float(eigenvalues.sum()),
            "eigenvalues": eigenvalues.tolist(),
            "n_iter": iterations,
            **extra,
        },
    }


def main():
    x, true_mixing = synthetic(20251205, 20, 100, 6, 0.05)
    cases = [
        run_case("parallel-logcosh", x, {"rank": 4}, 3),
        run_case("parallel-exp", x, {"rank": 4, "fun": "exp"}, 5),
        run_case("deflation-logcosh", x, {"rank": 4, "fastica_mode": "deflation"}, 7),
        run_case("deflation-exp", x, {"rank": 4, "fastica_mode": "deflation", "fun": "exp"}, 11),
        run_case("parallel-full-rank-4-channels", x, {}, 13, channels=4),
        run_case("infomax-extended", x, {"algorithm": "infomax", "rank": 4}, 17),
        run_case("infomax-restarts", x, {"algorithm": "infomax", "rank": 4, "learning_rate": 0.05}, 17),
        run_case("infomax-logistic", x, {"algorithm": "infomax", "rank": 4, "extended": False, "max_iter": 60}, 19),
    ]
    golden = {
        "source": "scripts/golden/make_ica_golden.py (numpy " + np.__version__.split(".")[0] + ".x)",
        "data": {
            "axes": ["instance", "sample", "channel"],
            "shape": list(x.shape),
            "values": x.reshape(-1).tolist(),
            "true_mixing": true_mixing.reshape(-1).tolist(),
        },
        "cases": cases,
    }
    OUT.write_text(json.dumps(golden, indent=1) + "\n")
    # The EEGLAB epochs (float32 on disk, computed here in float64): full rank, seed 0. Infomax
    # on 30720 rows draws the kurtosis rows at random (kurt_size 6000 < N).
    eeg = np.load(ROOT / "fixtures" / "eeglab_epochs" / "tensor.npy").astype(np.float64)
    eeg_cases = [
        run_case("eeg-fastica-parallel", eeg, {"algorithm": "fastica"}, 0),
        run_case("eeg-infomax", eeg, {"algorithm": "infomax"}, 0),
    ]
    for case in eeg_cases:
        for key in ("mixing", "eigenvalues"):
            del case["expected"][key]
    eeg_golden = {
        "source": golden["source"],
        "data_file": "fixtures/eeglab_epochs/tensor.npy",
        "cases": eeg_cases,
    }
    OUT_EEG.write_text(json.dumps(eeg_golden, indent=1) + "\n")


if __name__ == "__main__":
    main()
