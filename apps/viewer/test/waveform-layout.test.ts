/** Laying the feature grid out as panels of curves, whichever order the components' axes have. */

import { describe, expect, it } from "vitest";
import { componentCurves, panelCurves, panelLayout } from "../src/waveform-layout.js";

describe("panelLayout", () => {
  it("puts the axis that comes first in the dataset along x and makes panels of the other", () => {
    const grid = { axes: ["channel", "sample"], shape: [2, 3] };
    expect(panelLayout(grid, ["instance", "sample", "channel"])).toEqual({
      xAxis: "sample",
      panelAxis: "channel",
    });
  });

  it("draws one panel for one feature axis and refuses three", () => {
    expect(panelLayout({ axes: ["feature"], shape: [4] }, ["instance", "feature"])).toEqual({
      xAxis: "feature",
      panelAxis: undefined,
    });
    expect(() => panelLayout({ axes: ["a", "b", "c"], shape: [1, 1, 1] }, [])).toThrow(
      "one or two feature axes",
    );
  });
});

describe("panelCurves", () => {
  const values = [0, 1, 10, 11, 20, 21];

  it("reads a sample x channel grid as one curve per channel", () => {
    const grid = { axes: ["sample", "channel"], shape: [3, 2] };
    const curves = panelCurves(values, grid, { xAxis: "sample", panelAxis: "channel" });
    expect(curves.map((c) => Array.from(c))).toEqual([
      [0, 10, 20],
      [1, 11, 21],
    ]);
  });

  it("reads a channel x sample grid the same way", () => {
    const grid = { axes: ["channel", "sample"], shape: [2, 3] };
    const curves = panelCurves(values, grid, { xAxis: "sample", panelAxis: "channel" });
    expect(curves.map((c) => Array.from(c))).toEqual([
      [0, 1, 10],
      [11, 20, 21],
    ]);
  });

  it("takes component k of a components array", () => {
    const grid = { axes: ["sample", "channel"], shape: [1, 2] };
    const data = Float64Array.from([1, 2, 3, 4]);
    const curves = componentCurves(data, 1, grid, { xAxis: "sample", panelAxis: "channel" });
    expect(curves.map((c) => Array.from(c))).toEqual([[3], [4]]);
  });
});
