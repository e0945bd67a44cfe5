/** Removing components: the data without them, as numpy would compute it from the same model. */

import { createTensor } from "@tt/schema";
import { describe, expect, it } from "vitest";
import { cleanBlocks, icaProjection, removeComponents } from "../src/index.js";
import { fitIca, golden, goldenTensor, viewOf } from "./helpers.js";

const g = golden();
const tensor = goldenTensor(g);
const [n, t, C] = g.data.shape as [number, number, number];

describe("removeComponents", () => {
  it("removing every component of a full-rank fit leaves the channel means", async () => {
    const four = goldenTensor(g, 4);
    const output = await fitIca(viewOf(four), {});
    const clean = await removeComponents(viewOf(four), output.componentTensors, [1, 2, 3, 4]);
    const center = output.componentTensors.center!.data as Float64Array;
    const data = clean.data as Float64Array;
    for (let i = 0; i < data.length; i++) expect(data[i]!).toBeCloseTo(center[i % 4]!, 9);
  });

  it("removing nothing returns the data, and one component subtracts its back-projection", async () => {
    const output = await fitIca(viewOf(tensor), { rank: 4 });
    const same = await removeComponents(viewOf(tensor), output.componentTensors, []);
    const x = tensor.data as Float64Array;
    (same.data as Float64Array).forEach((v, i) => {
      expect(v).toBeCloseTo(x[i]!, 10);
    });
    const clean = await removeComponents(viewOf(tensor), output.componentTensors, [2], { size: 7 });
    expect(clean.shape).toEqual([n, t, C]);
    expect(clean.axisIndex.instance).toEqual(tensor.axisIndex.instance);
    const activations = output.componentTensors.activations!.data as Float64Array;
    const mixing = output.componentTensors.mixing!.data as Float64Array;
    const N = n * t;
    for (let i = 0; i < N; i += 97)
      for (let c = 0; c < C; c++) {
        const expected = x[i * C + c]! - activations[N + i]! * mixing[c * 4 + 1]!;
        expect((clean.data as Float64Array)[i * C + c]!).toBeCloseTo(expected, 9);
      }
  });

  it("cleanBlocks yields the view in blocks of instances", async () => {
    const output = await fitIca(viewOf(tensor), { rank: 4 });
    const starts: number[] = [];
    for await (const block of cleanBlocks(
      viewOf(tensor),
      icaProjection(output.componentTensors),
      [1],
      { size: 8 },
    ))
      starts.push(block.start);
    expect(starts).toEqual([0, 8, 16]);
  });

  it("refuses unknown components, other channels and tensors of another method", async () => {
    const output = await fitIca(viewOf(tensor), { rank: 4 });
    await expect(removeComponents(viewOf(tensor), output.componentTensors, [5])).rejects.toThrow(
      /component number from 1 to 4, got 5/,
    );
    const fewer = goldenTensor(g, 4);
    await expect(removeComponents(viewOf(fewer), output.componentTensors, [1])).rejects.toThrow(
      /channels differ from the 6/,
    );
    const moved = createTensor({
      ...tensor,
      axes: ["instance", "channel", "sample"],
      shape: [n, C, t],
    });
    await expect(removeComponents(viewOf(moved), output.componentTensors, [1])).rejects.toThrow(
      /channel axis 'channel' last/,
    );
    expect(() => icaProjection({ components: output.componentTensors.mixing! })).toThrow(
      /needs the 'mixing', 'unmixing' and 'center' tensors/,
    );
  });
});
