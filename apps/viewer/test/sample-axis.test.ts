/** The x axis from the sample axis's coordinates, and its ticks. */

import { columnFromValues, MetaTable } from "tensortools/browser";
import { describe, expect, it } from "vitest";
import { axisCoordinates, axisTicks } from "../src/sample-axis.js";

describe("axisCoordinates", () => {
  it("takes time_s, else numeric ids, else positions", () => {
    const meta = MetaTable.fromColumns({
      time_s: columnFromValues("float64", Float64Array.of(-0.1, 0, 0.1)),
    });
    expect(axisCoordinates(meta, undefined, "sample", 3)).toEqual({
      values: Float64Array.of(-0.1, 0, 0.1),
      label: "time_s",
    });
    expect(axisCoordinates(undefined, [10, 20, 30], "sample", 3).label).toBe("sample");
    expect(axisCoordinates(undefined, ["a", "b", "c"], "sample", 3)).toEqual({
      values: Float64Array.of(0, 1, 2),
      label: "sample position",
    });
  });
});

describe("axisTicks", () => {
  it("puts ticks at round values of the coordinates in the window", () => {
    const time = Float64Array.from({ length: 1001 }, (_, i) => -0.2 + i * 0.001);
    const ticks = axisTicks(time, 0, 1000, 6);
    expect(ticks.map((t) => t.text)).toEqual(["-0.2", "0", "0.2", "0.4", "0.6", "0.8"]);
    expect(ticks[1]!.at).toBeCloseTo(0.2, 9);
    expect(axisTicks(time, 200, 300, 3).map((t) => t.text)).toEqual(["0", "0.05", "0.1"]);
  });
});
