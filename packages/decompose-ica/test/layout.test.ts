/** The channel axis anywhere after the first, and any thread count: the same fit. */

import { createTensor } from "@tt/schema";
import { describe, expect, it } from "vitest";
import { fitIca, golden, goldenTensor, unmixingOf, viewOf } from "./helpers.js";

const g = golden();
const tensor = goldenTensor(g);
const [n, t, C] = g.data.shape as [number, number, number];

/** The golden tensor as instance × channel × sample. */
function channelsFirst() {
  const x = tensor.data as Float64Array;
  const data = new Float64Array(x.length);
  for (let i = 0; i < n; i++)
    for (let s = 0; s < t; s++)
      for (let c = 0; c < C; c++) data[(i * C + c) * t + s] = x[(i * t + s) * C + c]!;
  return createTensor({
    data,
    shape: [n, C, t],
    axes: ["instance", "channel", "sample"],
    axisIndex: tensor.axisIndex,
  });
}

describe("layout", () => {
  it("channel_axis in the middle gives the fit of the channel-last tensor", async () => {
    const last = await fitIca(viewOf(tensor), { rank: 4 }, 3);
    const middle = await fitIca(viewOf(channelsFirst()), { rank: 4, channel_axis: "channel" }, 3);
    const a = unmixingOf(last);
    unmixingOf(middle).forEach((v, i) => {
      expect(Math.abs(v - a[i]!)).toBeLessThanOrEqual(1e-12);
    });
    const activations = middle.componentTensors.activations!;
    expect(activations.axes).toEqual(["component", "instance", "sample"]);
    expect(middle.factorTables.channel!.column("channel_id").values).toEqual(
      tensor.axisIndex.channel,
    );
    expect(middle.diagnostics.sample_axes).toEqual(["sample"]);
  });

  it("one thread and two give the same bits", async () => {
    for (const config of [{ rank: 4 }, { algorithm: "infomax", rank: 4, max_iter: 15 }]) {
      const one = await fitIca(viewOf(tensor), { ...config, threads: 1 }, 5);
      const two = await fitIca(viewOf(tensor), { ...config, threads: 2 }, 5);
      expect(Array.from(unmixingOf(two))).toEqual(Array.from(unmixingOf(one)));
    }
  });
});
