/**
 * `rowAffine`: a view's trailing per-position arithmetic as one affine map on the view below it
 * (what a streamed decomposition folds into its centering). The view below, read and mapped,
 * equals the view to rounding; operations that are not per position end the fold.
 */

import type { TensorView } from "@tt/schema";
import { describe, expect, it } from "vitest";
import { datasetFromTensor } from "../../src/index.js";
import { positionalTensor } from "./fixture.js";

const tensor = positionalTensor(6, 8, 3);
const dataset = datasetFromTensor(tensor);
const perSample = [1, 2, 4, 8, 0.5, 0.25, 3, 5];
const perChannel = [10, -20, 30];

/** Asserts that `view`'s data is `below * scale + shift` per position of an instance. */
async function expectFolds(view: TensorView): Promise<TensorView> {
  const folded = view.rowAffine!()!;
  expect(folded).toBeDefined();
  const top = (await view.materialize()).data as Float64Array;
  const below = (await folded.view.materialize()).data as Float64Array;
  const slab = view.shape[1]! * view.shape[2]!;
  expect(folded.scale).toHaveLength(slab);
  expect(folded.view.shape).toEqual(view.shape);
  for (let i = 0; i < top.length; i++) {
    const mapped = below[i]! * folded.scale[i % slab]! + folded.shift[i % slab]!;
    expect(Math.abs(mapped - top[i]!), `element ${i}`).toBeLessThanOrEqual(
      1e-12 * Math.max(1, Math.abs(top[i]!)),
    );
  }
  return folded.view as TensorView;
}

describe("rowAffine", () => {
  it("folds each arithmetic verb, with a number or along an axis after the first", async () => {
    for (const view of [
      dataset.add(7),
      dataset.subtract(perChannel, { axis: "channel" }),
      dataset.multiply(perSample, { axis: "sample" }),
      dataset.divide(perSample, { axis: "sample" }),
    ]) {
      const below = await expectFolds(view);
      expect(below.toJSON().selectors).toEqual([]);
    }
  });

  it("composes a chain, and keeps the selections made after it", async () => {
    const view = dataset
      .subtract(perChannel, { axis: "channel" })
      .divide(perSample, { axis: "sample" })
      .take("sample", [6, 1, 4])
      .add(2)
      .slice("instance", 1, 5)
      .query("channel", "channel_id != 'Cz'");
    const below = await expectFolds(view);
    expect(below.toJSON().selectors.map((s) => s.op)).toEqual(["take", "slice", "query"]);
  });

  it("stops at an operation that is not per position, and leaves it in the view below", async () => {
    const view = dataset
      .multiply(perSample, { axis: "sample" })
      .subtractMean("sample", { start: 0, stop: 3 })
      .divide(perChannel, { axis: "channel" });
    const below = await expectFolds(view);
    expect(below.toJSON().selectors.map((s) => s.op)).toEqual(["multiply", "subtract_mean"]);
    expect(below.rowAffine!()).toBeUndefined();
  });

  it("is undefined for a view that ends otherwise, or with a factor that cannot be undone", () => {
    const perInstance = Array.from({ length: 6 }, (_, i) => i + 1);
    expect(dataset.slice("instance", 0, 2).rowAffine!()).toBeUndefined();
    expect(dataset.divide(2).log1p().rowAffine!()).toBeUndefined();
    expect(dataset.multiply(perInstance, { axis: "instance" }).rowAffine!()).toBeUndefined();
    expect(dataset.multiply(0).rowAffine!()).toBeUndefined();
    expect(
      dataset.linearMap("channel", [
        [1, 0, 0],
        [0, 2, 0],
        [0, 0, 1],
      ]).rowAffine!(),
    ).toBe(undefined);
  });

  it("is undefined where the view below holds another dtype (integers become float64)", () => {
    const ints = datasetFromTensor({
      ...tensor,
      dtype: "int32",
      data: Int32Array.from(tensor.data as Float64Array),
    });
    expect(ints.divide(2).dtype).toBe("float64");
    expect(ints.divide(2).rowAffine!()).toBeUndefined();
  });
});
