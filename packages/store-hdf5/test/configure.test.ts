/**
 * The store set up by the settings a linked bundle records (`plugins.array_store_options`):
 * which dataset of the file, the axis order and the axis names; bad settings are ConfigErrors
 * naming the setting.
 */

import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isTensorToolsError } from "@tt/schema";
import { createDirectoryStore } from "@tt/storage/fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hdf5Store } from "../src/index.js";
import { expected, fixture, typedValues } from "./fixtures.js";

let folder: string;
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), "tt-hdf5-configure-"));
  copyFileSync(fixture("datasets.h5"), join(folder, "datasets.h5"));
  copyFileSync(fixture("matlab-v7.3.mat"), join(folder, "session.mat"));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe("hdf5Store.configure", () => {
  it("opens the dataset the settings name when the path names only the file", async () => {
    const store = hdf5Store.configure!({
      dataset: "/float32/chunked_gzip",
      dimension_names: ["trial", "time", "channel"],
    });
    const array = await store.open(createDirectoryStore(folder), "datasets.h5");
    const want = expected["datasets.h5"].datasets["float32/chunked_gzip"]!;
    expect(array.metadata.shape).toEqual(want.shape);
    expect(array.metadata.dimensionNames).toEqual(["trial", "time", "channel"]);
    expect(await array.read([null, null, null])).toEqual(typedValues("float32", want.values));
  });

  it("reports a MATLAB variable in MATLAB's order with axis_order matlab", async () => {
    const store = hdf5Store.configure!({ dataset: "/X", axis_order: "matlab" });
    const array = await store.open(createDirectoryStore(folder), "session.mat");
    const want = expected["matlab-v7.3.mat"].variables.X!;
    expect(array.metadata.shape).toEqual(want.matlab_shape);
    expect(await array.read([null, null, null])).toEqual(
      typedValues("float64", want.matlab_values!),
    );
  });

  it("a dataset in the store path wins over the settings", async () => {
    const store = hdf5Store.configure!({ dataset: "/float32/contiguous" });
    const array = await store.open(createDirectoryStore(folder), "datasets.h5:/labelled");
    expect(array.metadata.dimensionNames).toEqual(["instance", "sample", "channel"]);
  });

  it.each([
    [
      { datset: "/X" },
      "plugins.array_store_options.datset",
      "knows dataset, axis_order, dimension_names",
    ],
    [{ dataset: "X" }, "plugins.array_store_options.dataset", 'a path in the file such as "/data"'],
    [{ axis_order: "fortran" }, "plugins.array_store_options.axis_order", '"hdf5" or "matlab"'],
    [
      { dimension_names: "a,b" },
      "plugins.array_store_options.dimension_names",
      "a list of axis names",
    ],
  ])("refuses settings %j, naming the setting", (settings, field, says) => {
    let error: unknown;
    try {
      hdf5Store.configure!(settings);
    } catch (caught) {
      error = caught;
    }
    expect(isTensorToolsError(error, "config")).toBe(true);
    expect((error as { field: string }).field).toBe(field);
    expect((error as Error).message).toContain(says);
  });
});
