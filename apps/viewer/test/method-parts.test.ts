/** Reading the parts some methods write: plotted columns, axis weights, time courses, core slices. */

import { columnFromValues, createTensor, MetaTable } from "tensortools/browser";
import { describe, expect, it } from "vitest";
import {
  axisWeights,
  coreSlices,
  instanceCourse,
  numberedColumns,
  plotColumnsOf,
} from "../src/method-parts.js";

describe("plotColumnsOf", () => {
  it("takes score_k in component order, before any power_k", () => {
    expect(plotColumnsOf(["instance_id", "score_10", "score_2", "score_1", "power_1"])).toEqual({
      kind: "score",
      names: ["score_1", "score_2", "score_10"],
    });
  });

  it("falls back to ICA's power_k, and to undefined when neither is there", () => {
    expect(plotColumnsOf(["instance_id", "power_2", "power_1", "recon_error"])).toEqual({
      kind: "power",
      names: ["power_1", "power_2"],
    });
    expect(plotColumnsOf(["instance_id", "recon_error", "score_x", "my_score_1"])).toBeUndefined();
  });

  it("matches whole names only", () => {
    expect(numberedColumns(["mixing_1", "unmixing_1", "mixing_2x", "mixing_3"], "mixing")).toEqual([
      "mixing_1",
      "mixing_3",
    ]);
  });
});

describe("axisWeights", () => {
  const channel = MetaTable.fromColumns({
    channel_id: columnFromValues("string", ["Fz", "Cz", "Pz"]),
    mixing_2: columnFromValues("float64", Float64Array.of(4, 5, 6)),
    mixing_1: columnFromValues("float64", Float64Array.of(1, -2, 3)),
    unmixing_1: columnFromValues("float64", Float64Array.of(9, 9, 9)),
  });
  const instance = MetaTable.fromColumns({
    instance_id: columnFromValues("string", ["a"]),
    mixing_1: columnFromValues("float64", Float64Array.of(7)),
  });

  it("reads each non-instance table's weights by id, component 1 first", () => {
    const [map, ...rest] = axisWeights({ instance, channel }, "mixing");
    expect(rest).toEqual([]);
    expect(map!.axis).toBe("channel");
    expect(map!.ids).toEqual(["Fz", "Cz", "Pz"]);
    expect(map!.columns).toEqual(["mixing_1", "mixing_2"]);
    expect(Array.from(map!.values[0]!)).toEqual([1, -2, 3]);
    expect(Array.from(map!.values[1]!)).toEqual([4, 5, 6]);
  });

  it("finds nothing in tables without the stem", () => {
    expect(axisWeights({ instance, channel }, "factor")).toEqual([]);
  });
});

describe("instanceCourse", () => {
  // component x instance x sample: value = 100 * component + 10 * instance + sample
  const data = Float64Array.from({ length: 2 * 3 * 4 }, (_, i) => {
    const [c, n, t] = [Math.floor(i / 12), Math.floor(i / 4) % 3, i % 4];
    return 100 * c + 10 * n + t;
  });
  const activations = createTensor({
    data,
    shape: [2, 3, 4],
    axes: ["component", "instance", "sample"],
    axisIndex: { instance: ["e0", "e1", "e2"] },
  });

  it("is one instance's samples in one component", () => {
    expect(Array.from(instanceCourse(activations, 1, "e2")!)).toEqual([120, 121, 122, 123]);
    expect(Array.from(instanceCourse(activations, 0, "e1")!)).toEqual([10, 11, 12, 13]);
  });

  it("is undefined for an id or component the tensor does not hold", () => {
    expect(instanceCourse(activations, 0, "e9")).toBeUndefined();
    expect(instanceCourse(activations, 2, "e0")).toBeUndefined();
  });

  it("refuses a tensor that is not component first", () => {
    const mixing = createTensor({
      data: Float64Array.of(1, 2),
      shape: [2, 1],
      axes: ["channel", "component"],
    });
    expect(() => instanceCourse(mixing, 0, "e0")).toThrow(
      "a time course needs a component × instance × samples tensor, got channel × component",
    );
  });
});

describe("coreSlices", () => {
  it("slices a three-axis core along its first axis, rows by the second", () => {
    const core = createTensor({
      data: Float64Array.from({ length: 12 }, (_, i) => i),
      shape: [2, 3, 2],
      axes: ["instance_factor", "sample_factor", "channel_factor"],
    });
    const slices = coreSlices(core);
    expect(slices.map((s) => s.label)).toEqual(["instance_factor 1", "instance_factor 2"]);
    expect(slices[1]!.rowLabels).toEqual(["sample_factor 1", "sample_factor 2", "sample_factor 3"]);
    expect(slices[1]!.columnLabels).toEqual(["channel_factor 1", "channel_factor 2"]);
    expect(slices[1]!.values.map((row) => Array.from(row))).toEqual([
      [6, 7],
      [8, 9],
      [10, 11],
    ]);
  });

  it("joins the labels of a fourth axis onto the columns, and keeps a matrix in one slice", () => {
    const four = createTensor({
      data: Float64Array.from({ length: 8 }, (_, i) => i),
      shape: [1, 2, 2, 2],
      axes: ["a", "b", "c", "d"],
    });
    expect(coreSlices(four)[0]!.columnLabels).toEqual([
      "c 1 · d 1",
      "c 1 · d 2",
      "c 2 · d 1",
      "c 2 · d 2",
    ]);
    expect(Array.from(coreSlices(four)[0]!.values[1]!)).toEqual([4, 5, 6, 7]);
    const matrix = createTensor({
      data: Float64Array.of(1, 2, 3, 4),
      shape: [2, 2],
      axes: ["a", "b"],
    });
    const [only, ...none] = coreSlices(matrix);
    expect(none).toEqual([]);
    expect(only!.label).toBe("core");
    expect(only!.values.map((row) => Array.from(row))).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });
});
