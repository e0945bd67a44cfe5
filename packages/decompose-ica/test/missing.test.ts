/** Missing values: an error naming the instance, or the instance left out with missing "drop". */

import { createTensor, isNullAt, isTensorToolsError } from "@tt/schema";
import { describe, expect, it } from "vitest";
import { fitIca, golden, goldenTensor, matchRows, unmixingOf, viewOf } from "./helpers.js";

const g = golden();
const tensor = goldenTensor(g);
const [n, t, C] = g.data.shape as [number, number, number];
const slab = t * C;

/** The golden tensor with a NaN in instance 3. */
function withMissing() {
  const data = Float64Array.from(tensor.data as Float64Array);
  data[3 * slab + 17] = Number.NaN;
  return createTensor({ ...tensor, data });
}

/** The golden tensor without instance 3. */
function withoutThird() {
  const data = new Float64Array((n - 1) * slab);
  data.set((tensor.data as Float64Array).subarray(0, 3 * slab));
  data.set((tensor.data as Float64Array).subarray(4 * slab), 3 * slab);
  const ids = (tensor.axisIndex.instance as string[]).filter((_, i) => i !== 3);
  return createTensor({
    data,
    shape: [n - 1, t, C],
    axes: tensor.axes,
    axisIndex: { instance: ids, channel: tensor.axisIndex.channel! },
  });
}

describe("missing values", () => {
  it("are a DataError naming the instance by default", async () => {
    const error = await fitIca(viewOf(withMissing()), { rank: 4 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isTensorToolsError(error, "data"), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/1 instance\(s\) have missing values.*first: i3/);
  });

  it('with missing "drop" the fit equals the fit without the instance, which gets nulls', async () => {
    const dropped = await fitIca(viewOf(withMissing()), { rank: 4, missing: "drop" }, 3);
    const without = await fitIca(viewOf(withoutThird()), { rank: 4 }, 3);
    const { match, correlations } = matchRows(unmixingOf(dropped), unmixingOf(without), 4, C);
    expect(match).toEqual([0, 1, 2, 3]);
    expect(Math.min(...correlations)).toBeGreaterThan(1 - 1e-12);
    expect(dropped.diagnostics.n_dropped).toBe(1);
    const power = dropped.factorTables.instance!.column("power_1");
    expect(isNullAt(power, 3)).toBe(true);
    expect(isNullAt(power, 4)).toBe(false);
    const withoutPower = without.factorTables.instance!.column("power_1").values as Float64Array;
    expect((power.values as Float64Array)[4]).toBeCloseTo(withoutPower[3]!, 10);
    const activations = dropped.componentTensors.activations!;
    expect(activations.shape).toEqual([4, n, t]);
    const a = activations.data as Float64Array;
    expect(Number.isNaN(a[3 * t])).toBe(true);
    const b = without.componentTensors.activations!.data as Float64Array;
    expect(a[4 * t + 5]).toBeCloseTo(b[3 * t + 5]!, 10);
  });
});
