/**
 * Delayed operations against numpy (fixtures/golden/delayed-ops.json, written by
 * scripts/golden/make_delayed_ops_golden.py): every case replayed from its JSON selectors on a
 * tensor in memory and on a bundle in chunks of two instances, read whole, in blocks and with
 * readRowsInto.
 */

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { openBundle, writeBundle } from "@tt/bundle";
import {
  createTensor,
  type DType,
  type Selector,
  type TensorDataset,
  type TypedArray,
  typedArrayConstructor,
} from "@tt/schema";
import { createMemoryStore } from "@tt/storage";
import { describe, expect, it } from "vitest";
import { createDataset, datasetFromTensor, viewFromJSON } from "../../src/index.js";

interface GoldenCase {
  name: string;
  dtype: DType;
  shape: number[];
  data: number[];
  selectors: Selector[];
  expected_dtype: "float32" | "float64";
  expected_shape: number[];
  expected: (number | string)[];
  expected_numpy?: (number | string)[];
}

const golden = JSON.parse(
  readFileSync(
    resolve(import.meta.dirname, "../../../../fixtures/golden/delayed-ops.json"),
    "utf8",
  ),
) as { cases: GoldenCase[] };

const CHANNELS = ["Fz", "Cz", "Pz", "Oz"];

function decode(values: (number | string)[]): number[] {
  return values.map((v) => (typeof v === "number" ? v : Number(v)));
}

function tensorOf(c: GoldenCase) {
  const Typed = typedArrayConstructor(c.dtype);
  const data = (
    c.dtype === "int64" || c.dtype === "uint64"
      ? (Typed as BigInt64ArrayConstructor).from(c.data, (v) => BigInt(v))
      : (Typed as Float64ArrayConstructor).from(c.data)
  ) as TypedArray;
  const [instances, samples, channels] = c.shape as [number, number, number];
  return createTensor({
    data,
    dtype: c.dtype,
    shape: c.shape,
    axes: ["instance", "sample", "channel"],
    axisIndex: {
      instance: Array.from({ length: instances }, (_, i) => `e${i}`),
      sample: Int32Array.from({ length: samples }, (_, j) => j),
      channel:
        channels === CHANNELS.length
          ? CHANNELS
          : Array.from({ length: channels }, (_, k) => `c${k}`),
    },
  });
}

async function bundleOf(c: GoldenCase): Promise<TensorDataset> {
  const store = createMemoryStore();
  const tensor = tensorOf(c);
  await writeBundle(store, tensor, {
    chunkShape: [2, ...tensor.shape.slice(1)],
    axisIndexColumns: { sample: "sample_index" },
  });
  return createDataset(await openBundle(store));
}

/** Agrees with `expected` to `relative` of each value's magnitude (at least `floor`); NaN and infinities exactly. */
function expectClose(got: ArrayLike<number>, expected: number[], relative: number, floor: number) {
  expect(got.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const g = got[i]!;
    if (!Number.isFinite(e)) expect(g, `element ${i}`).toBe(e);
    else
      expect(Math.abs(g - e), `element ${i}: ${g} vs ${e}`).toBeLessThanOrEqual(
        Math.max(floor, relative * Math.abs(e)),
      );
  }
}

const sources: [string, (c: GoldenCase) => Promise<TensorDataset>][] = [
  ["a tensor in memory", async (c) => datasetFromTensor(tensorOf(c))],
  ["a bundle in chunks of two instances", bundleOf],
];

describe.each(sources)("delayed operations against numpy, on %s", (_, open) => {
  it.each(golden.cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const dataset = await open(c);
    const view = viewFromJSON(dataset, { selectors: c.selectors });
    expect(view.toJSON().selectors).toEqual(c.selectors);
    expect(view.dtype).toBe(c.expected_dtype);
    expect(view.shape).toEqual(c.expected_shape);
    const expected = decode(c.expected);
    // Float32 results are numpy's to the last bit but for the order of a mean's sum.
    const relative = c.expected_dtype === "float32" ? 2 ** -23 : 1e-14;
    const floor = c.expected_dtype === "float32" ? 1e-6 : 1e-12;
    const whole = await view.materialize();
    expect(whole.dtype).toBe(c.expected_dtype);
    expectClose(whole.data as Float64Array, expected, relative, floor);

    const blocks: number[] = [];
    for await (const { tensor } of view.blocks({ size: 1 }))
      blocks.push(...(tensor.data as Float64Array));
    expect(blocks).toEqual(Array.from(whole.data as Float64Array));

    const rows = view.shape[0]!;
    const slab = whole.data.length / Math.max(rows, 1);
    const target = new (typedArrayConstructor(c.expected_dtype))(3 + whole.data.length);
    const cut = Math.floor(rows / 2);
    await view.readRowsInto!(0, cut, target, 3);
    await view.readRowsInto!(cut, rows, target, 3 + cut * slab);
    expect(Array.from(target.subarray(3))).toEqual(Array.from(whole.data as Float64Array));

    if (c.expected_numpy !== undefined) {
      // numpy's own float32 arithmetic (no float64 in between): within a few float32 ulps.
      expectClose(whole.data as Float32Array, decode(c.expected_numpy), 2 ** -21, 1e-5);
    }
  });
});
