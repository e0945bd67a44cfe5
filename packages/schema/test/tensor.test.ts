import { describe, expect, it } from "vitest";
import {
  axisPosition,
  columnFromCells,
  createTensor,
  DataError,
  MetaTable,
  NotFoundError,
} from "../src/index.js";

const base = () => ({
  data: Float32Array.from({ length: 2 * 4 * 3 }, (_, i) => i),
  shape: [2, 4, 3],
  axes: ["instance", "sample", "channel"],
});

describe("createTensor", () => {
  it("builds a frozen tensor and infers the dtype", () => {
    const tensor = createTensor({
      ...base(),
      axisIndex: { instance: ["a", "b"], sample: new Float64Array([0, 0.5, 1, 1.5]) },
      axisMeta: {
        channel: MetaTable.fromColumns({ channel_id: columnFromCells("string", ["x", "y", "z"]) }),
      },
      attrs: { units: "uV" },
    });
    expect(tensor.dtype).toBe("float32");
    expect(Object.isFrozen(tensor)).toBe(true);
    expect(Object.isFrozen(tensor.shape)).toBe(true);
    expect(tensor.axisMeta.channel?.numRows).toBe(3);
  });

  it("takes uint8 data as bool when told", () => {
    expect(createTensor({ ...base(), data: new Uint8Array(24), dtype: "bool" }).dtype).toBe("bool");
  });

  const bad: [string, Record<string, unknown>, RegExp][] = [
    [
      "duplicate axis names",
      { axes: ["instance", "sample", "instance"] },
      /axis 'instance' appears twice/,
    ],
    ["shape and axes of different lengths", { shape: [2, 12] }, /has 2 entries for 3 axes/],
    ["a negative length", { shape: [2, -4, 3] }, /shape\[1\]: must be a non-negative integer/],
    [
      "data of the wrong length",
      { data: new Float32Array(23) },
      /has 23 elements, shape \[2, 4, 3\] needs 24/,
    ],
    [
      "data of another dtype than declared",
      { dtype: "float64" },
      /Float32Array, which cannot hold float64/,
    ],
    [
      "an index array of the wrong length",
      { axisIndex: { instance: ["a"] } },
      /axisIndex.instance: has 1 entries, axis 'instance' has 2/,
    ],
    [
      "an index array for an unknown axis",
      { axisIndex: { time: [1, 2] } },
      /axisIndex.time: names an unknown axis/,
    ],
    [
      "a metadata table with the wrong row count",
      { axisMeta: { sample: MetaTable.empty(5) } },
      /axisMeta.sample: has 5 rows, axis 'sample' has 4/,
    ],
    [
      "a mask of the wrong size",
      { mask: new Uint8Array(3) },
      /mask: must be a Uint8Array of 24 elements/,
    ],
    [
      "a mask with values other than 0 and 1",
      { mask: new Uint8Array(24).fill(2) },
      /element 0 is 2/,
    ],
    [
      "attrs that are not JSON",
      { attrs: { bad: Number.NaN } },
      /attrs.bad: is not JSON-serializable/,
    ],
  ];
  it.each(bad)("rejects %s", (_label, change, message) => {
    expect(() =>
      createTensor({ ...base(), ...change } as Parameters<typeof createTensor>[0]),
    ).toThrow(DataError);
    expect(() =>
      createTensor({ ...base(), ...change } as Parameters<typeof createTensor>[0]),
    ).toThrow(message);
  });

  it("finds axis positions and lists the axes for an unknown one", () => {
    expect(axisPosition(["instance", "sample"], "sample")).toBe(1);
    expect(() => axisPosition(["instance", "sample"], "time")).toThrow(NotFoundError);
    expect(() => axisPosition(["instance", "sample"], "time")).toThrow(/axes are instance, sample/);
  });
});
