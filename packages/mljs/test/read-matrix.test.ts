/** readMatrix: two-axis views, flattening, masks, int64, and the more-than-two-axes error. */

import { createTensor, isTensorToolsError } from "@tt/schema";
import { viewFromTensor } from "@tt/schema/testing";
import { describe, expect, it } from "vitest";
import { readMatrix } from "../src/index.js";

const cube = createTensor({
  data: Float64Array.from({ length: 12 }, (_, i) => i),
  shape: [2, 3, 2],
  axes: ["instance", "sample", "channel"],
  axisIndex: { instance: ["e1", "e2"] },
});

describe("readMatrix", () => {
  it("reads a two-axis view: the first axis as rows, the second as columns", async () => {
    const view = viewFromTensor(
      createTensor({
        data: Int32Array.from([1, 2, 3, 4, 5, 6]),
        shape: [3, 2],
        axes: ["instance", "feature"],
      }),
    );
    expect((await readMatrix(view)).to2DArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
  });

  it("reads a one-axis view as one column", async () => {
    const view = viewFromTensor(
      createTensor({ data: Float32Array.from([1, 2]), shape: [2], axes: ["instance"] }),
    );
    expect((await readMatrix(view)).to2DArray()).toEqual([[1], [2]]);
  });

  it("flattens the axes after the first in C order when asked", async () => {
    const matrix = await readMatrix(viewFromTensor(cube), { flatten: true });
    expect(matrix.to2DArray()).toEqual([
      [0, 1, 2, 3, 4, 5],
      [6, 7, 8, 9, 10, 11],
    ]);
  });

  it("rejects a view of three axes with a config error saying what to do", async () => {
    const error = await readMatrix(viewFromTensor(cube)).catch((e: unknown) => e);
    expect(isTensorToolsError(error, "config")).toBe(true);
    expect((error as { field: string }).field).toBe("flatten");
    expect((error as Error).message).toContain(
      "the view has 3 axes (instance, sample, channel) and a Matrix has two: pass { flatten: true } to make 'instance' the rows and 'sample' x 'channel' the columns (C order), or take metadata columns such as joined scores with toMatrix(view, columns)",
    );
  });

  it("rejects a masked element naming row, column and ids, or reads it as NaN when asked", async () => {
    const view = viewFromTensor(
      createTensor({
        data: Float64Array.from([1, 2, 3, 4]),
        mask: Uint8Array.from([1, 1, 1, 0]),
        shape: [2, 2],
        axes: ["instance", "feature"],
        axisIndex: { instance: ["a", "b"], feature: ["x", "y"] },
      }),
    );
    const error = await readMatrix(view).catch((e: unknown) => e);
    expect(isTensorToolsError(error, "data")).toBe(true);
    expect((error as Error).message).toBe(
      'view row 1 (id b) column 1 (id y): is masked (missing); select complete rows first, or pass { nulls: "nan" } to read it as NaN',
    );
    expect((await readMatrix(view, { nulls: "nan" })).to1DArray()).toEqual([1, 2, 3, Number.NaN]);
  });

  it("reads int64 data exactly and rejects values beyond 2^53", async () => {
    const tensorOf = (values: bigint[]) =>
      viewFromTensor(
        createTensor({
          data: BigInt64Array.from(values),
          shape: [values.length, 1],
          axes: ["instance", "feature"],
        }),
      );
    expect((await readMatrix(tensorOf([5n, -3n]))).to1DArray()).toEqual([5, -3]);
    const error = await readMatrix(tensorOf([1n, 2n ** 54n])).catch((e: unknown) => e);
    expect(isTensorToolsError(error, "data")).toBe(true);
    expect((error as Error).message).toContain(
      "view row 1 column 0: 18014398509481984 does not fit",
    );
  });

  it("rejects with the signal's reason when aborted", async () => {
    const controller = new AbortController();
    const reason = new Error("stop");
    controller.abort(reason);
    await expect(
      readMatrix(viewFromTensor(cube), { flatten: true, signal: controller.signal }),
    ).rejects.toBe(reason);
  });
});
