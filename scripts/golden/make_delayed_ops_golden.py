"""Write fixtures/golden/delayed-ops.json: numpy's values of views with delayed element-wise
operations (arithmetic with a number or a vector along one axis, log1p, sqrt, abs, the mean over
a range of an axis subtracted, one element of an axis subtracted, linear maps along an axis),
alone and in chains with
selections before and after them.

Run from the repository root: python3 scripts/golden/make_delayed_ops_golden.py

Everything comes from a seeded numpy Generator; no input files.

Semantics (the TypeScript views of @tt/query follow exactly this)
-----------------------------------------------------------------
A case is an array x (axes instance x sample x channel, channel ids CHANNELS) and a list of view
selectors, the JSON that TensorView.toJSON() writes, applied in order:

- The output dtype is float32 when x is float32, else float64 (integers and bool included).
- Every operation is computed in float64 on the current values and the result is rounded to the
  output dtype once: y = f(cur.astype(float64)).astype(out). (numpy's own float32 ufuncs round
  the same way for + - * / and sqrt; each case also stores numpy's native float32 result,
  computed without the float64 detour, as `expected_numpy`.)
- add / subtract / multiply / divide {value}: cur op value.
  {axis, values}: cur op values broadcast along that axis (values[j] with element j).
- log1p, sqrt, abs: np.log1p, np.sqrt, np.abs; log1p(-1) = -inf, log1p(x < -1) = NaN,
  sqrt(x < 0) = NaN (numpy's results; its RuntimeWarning is silenced here).
- subtract_mean {axis, start, stop}: cur - cur.take(range(start, stop), axis).mean(axis,
  keepdims=True) (positions counted in the view at that point).
- subtract_element {axis, id}: cur - cur.take([position of id], axis) (broadcast along axis).
- linear_map {axis, matrix, offset?}: along that axis y_j = sum_i matrix[j][i] x_i + offset[j]
  (np.moveaxis(cur, axis, -1) @ matrix.T + offset, moved back).
- slice {axis, start, stop} / take {axis, indices}: cur.take(positions, axis). Operations added
  before a selection still see the elements it drops (a mean over samples that are sliced away
  afterwards is the mean over them).

Each case: name, dtype, shape, data (flat C order), selectors, expected_dtype, expected_shape,
expected (flat C order; NaN and infinities as the strings "NaN", "Infinity", "-Infinity") and,
for float32 input, expected_numpy.
"""

import json
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "fixtures" / "golden" / "delayed-ops.json"
rng = np.random.default_rng(20260320)
AXES = ["instance", "sample", "channel"]
CHANNELS = ["Fz", "Cz", "Pz", "Oz"]
ARITHMETIC = {
    "add": np.add,
    "subtract": np.subtract,
    "multiply": np.multiply,
    "divide": np.divide,
}
UNARY = {"log1p": np.log1p, "sqrt": np.sqrt, "abs": np.abs}


def broadcast(values, axis, ndim):
    shape = [1] * ndim
    shape[axis] = len(values)
    return np.asarray(values, dtype=np.float64).reshape(shape)


def step(cur, s, out, native):
    """One selector applied to cur (of dtype out, or numpy's native dtype when native)."""
    op = s["op"]
    work = cur if native else cur.astype(np.float64)
    if op in ("slice", "take"):
        a = AXES.index(s["axis"])
        positions = range(s["start"], s["stop"]) if op == "slice" else s["indices"]
        return cur.take(list(positions), axis=a)
    if op in ARITHMETIC:
        if "value" in s:
            operand = np.float32(s["value"]) if native else s["value"]
        else:
            operand = broadcast(s["values"], AXES.index(s["axis"]), cur.ndim)
            operand = operand.astype(np.float32) if native else operand
        result = ARITHMETIC[op](work, operand)
    elif op in UNARY:
        result = UNARY[op](work)
    elif op == "subtract_mean":
        a = AXES.index(s["axis"])
        window = work.take(list(range(s["start"], s["stop"])), axis=a)
        result = work - window.mean(axis=a, keepdims=True)
    elif op == "subtract_element":
        a = AXES.index(s["axis"])
        result = work - work.take([CHANNELS.index(s["id"])], axis=a)
    elif op == "linear_map":
        a = AXES.index(s["axis"])
        matrix = np.asarray(s["matrix"], dtype=work.dtype)
        result = np.moveaxis(work, a, -1) @ matrix.T
        if "offset" in s:
            result = result + np.asarray(s["offset"], dtype=work.dtype)
        result = np.moveaxis(result, -1, a)
    else:
        raise ValueError(op)
    return result if native else result.astype(out)


def apply(x, selectors, native=False):
    out = np.float32 if x.dtype == np.float32 else np.float64
    cur = x if native else x.astype(out)
    with np.errstate(divide="ignore", invalid="ignore"):
        for s in selectors:
            cur = step(cur, s, out, native)
    return cur


def encode(values):
    def one(v):
        if np.isnan(v):
            return "NaN"
        if np.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
        return float(v)

    return [one(v) for v in values.ravel()]


cases = []


def add(name, x, selectors):
    y = apply(x, selectors)
    case = {
        "name": name,
        "dtype": str(x.dtype) if x.dtype != np.bool_ else "bool",
        "shape": list(x.shape),
        "data": [v.item() if x.dtype.kind != "b" else int(v) for v in x.ravel()],
        "selectors": selectors,
        "expected_dtype": str(y.dtype),
        "expected_shape": list(y.shape),
        "expected": encode(y),
    }
    if x.dtype == np.float32:
        native = apply(x, selectors, native=True)
        assert native.dtype == np.float32, native.dtype
        case["expected_numpy"] = encode(native)
    cases.append(case)


shape = (6, 10, 4)
counts = rng.poisson(20.0, size=shape).astype(np.float64)
scaling = rng.uniform(0.5, 2.0, size=shape[1]).round(6).tolist()
signal = rng.standard_normal(shape) * 3.0 + np.arange(shape[2]) * 10.0
channel_scale = [2.0, 0.5, 4.0, 1.25]

add("log1p_divide", counts, [
    {"op": "divide", "axis": "sample", "values": scaling},
    {"op": "log1p"},
])
add("log1p_divide_float32", counts.astype(np.float32), [
    {"op": "divide", "axis": "sample", "values": scaling},
    {"op": "log1p"},
])
add("baseline", signal, [{"op": "subtract_mean", "axis": "sample", "start": 0, "stop": 3}])
add("baseline_int16", (signal * 100).round().astype(np.int16), [
    {"op": "subtract_mean", "axis": "sample", "start": 2, "stop": 5},
])
add("baseline_divide_float32", signal.astype(np.float32), [
    {"op": "subtract_mean", "axis": "sample", "start": 0, "stop": 4},
    {"op": "divide", "axis": "sample", "values": scaling},
])
add("reref_mean", signal, [{"op": "subtract_mean", "axis": "channel", "start": 0, "stop": 4}])
add("reref_channel", signal, [{"op": "subtract_element", "axis": "channel", "id": "Cz"}])
add("scalar_arithmetic", signal, [
    {"op": "add", "value": 1.5},
    {"op": "multiply", "value": -2.0},
    {"op": "subtract", "value": 0.25},
    {"op": "divide", "value": 3.0},
])
add("chain_with_selections", signal, [
    {"op": "slice", "axis": "sample", "start": 1, "stop": 9},
    {"op": "subtract_mean", "axis": "sample", "start": 0, "stop": 3},
    {"op": "subtract_element", "axis": "channel", "id": "Pz"},
    {"op": "divide", "axis": "channel", "values": channel_scale},
    {"op": "abs"},
    {"op": "sqrt"},
    {"op": "take", "axis": "instance", "indices": [4, 0, 2, 2]},
    {"op": "multiply", "axis": "instance", "values": [1.0, -1.0, 0.5, 2.0]},
    {"op": "slice", "axis": "sample", "start": 2, "stop": 8},
    {"op": "take", "axis": "channel", "indices": [3, 0]},
    {"op": "add", "value": -1.0},
])
add("mean_window_dropped_after", signal, [
    {"op": "subtract_mean", "axis": "sample", "start": 0, "stop": 2},
    {"op": "subtract_mean", "axis": "channel", "start": 0, "stop": 4},
    {"op": "slice", "axis": "sample", "start": 5, "stop": 10},
    {"op": "take", "axis": "channel", "indices": [2]},
])
domain = np.array([-3.0, -1.0, -0.5, -0.0, 0.0, 0.25, 1.0, 1e300]).reshape(1, 8, 1)
add("log1p_domain", domain, [{"op": "log1p"}])
add("sqrt_domain", domain, [{"op": "sqrt"}])
add("int64_divide", (rng.integers(-(2**40), 2**40, size=(3, 5, 2))), [
    {"op": "divide", "value": 3.0},
])
add("uint8_abs_subtract", rng.integers(0, 255, size=(3, 5, 2)).astype(np.uint8), [
    {"op": "subtract", "value": 128.0},
    {"op": "abs"},
])
add("bool_multiply", rng.integers(0, 2, size=(2, 3, 2)).astype(np.bool_), [
    {"op": "multiply", "value": 2.5},
])

mixing = rng.standard_normal((4, 4)).round(6)
# The data without one ICA-like component: x - a (u . x), with the mean it was fitted around.
a, u = rng.standard_normal(4).round(6), rng.standard_normal(4).round(6)
clean = (np.eye(4) - np.outer(a, u)).round(9)
mean = rng.standard_normal(4).round(6)
add("linear_map_channels", signal, [
    {"op": "linear_map", "axis": "channel", "matrix": mixing.tolist()},
])
add("linear_map_offset_float32_then_selections", signal.astype(np.float32), [
    {"op": "subtract_mean", "axis": "sample", "start": 0, "stop": 3},
    {"op": "linear_map", "axis": "channel", "matrix": clean.tolist(),
     "offset": (np.outer(a, u) @ mean).round(9).tolist()},
    {"op": "take", "axis": "channel", "indices": [2, 0]},
    {"op": "slice", "axis": "sample", "start": 1, "stop": 7},
])
add("linear_map_samples_after_slice", signal, [
    {"op": "slice", "axis": "sample", "start": 2, "stop": 7},
    {"op": "linear_map", "axis": "sample",
     "matrix": rng.standard_normal((5, 5)).round(6).tolist()},
    {"op": "take", "axis": "instance", "indices": [5, 1]},
])

OUT.write_text(
    json.dumps({"source": "scripts/golden/make_delayed_ops_golden.py", "cases": cases}) + "\n"
)
print(f"wrote {OUT.relative_to(ROOT)}: {len(cases)} cases")
