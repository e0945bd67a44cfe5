/**
 * `writeResult(path, producer)`: a result made inside its own atomic write, whose instance table
 * the producer writes in parts into the directory being written (as the workers of a split fit
 * do), opens as the result it was made from, and its run is recorded from what it made.
 */

import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { openCatalog } from "@tt/catalog";
import { createDirectoryStore } from "@tt/storage/fs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  columnFromCells,
  createTensor,
  type DecompositionResult,
  decompose,
  MetaTable,
  openDataset,
  openResult,
  VERSION,
  writeDataset,
  writeResult,
} from "../src/index.js";
import { scratchDirectory } from "./helpers.js";
import { withInstanceParts } from "./parts-helpers.js";

const dir = scratchDirectory("tt-produced-result-");
const source = join(dir, "source");
let result: DecompositionResult;

beforeAll(async () => {
  const n = 9;
  await writeDataset(
    source,
    createTensor({
      data: Float32Array.from({ length: n * 12 }, (_, i) => Math.sin(i) + i / 40),
      shape: [n, 6, 2],
      axes: ["epoch", "time", "channel"],
      axisIndex: { epoch: Array.from({ length: n }, (_, i) => `e${i}`) },
      axisMeta: {
        epoch: MetaTable.fromColumns({
          rt_ms: columnFromCells(
            "float64",
            Array.from({ length: n }, (_, i) => 100 * i),
          ),
        }),
      },
    }),
  );
  const view = (await openDataset(source)).query("epoch", "rt_ms >= 100");
  result = await decompose(view, "pca", { rank: 2 });
});

describe("writeResult with a producer", () => {
  it("writes the parts and the bundle atomically, and records the run from the made result", async () => {
    const catalog = join(dir, "catalog.db");
    const target = join(dir, "pca");
    const manifest = await writeResult(
      target,
      async (location) => withInstanceParts(createDirectoryStore(location), result, [3, 0, 5]),
      { catalog },
    );
    expect(manifest.schema_version).toBe("0.3.0");
    expect(manifest.files.factor_table_parts?.instance).toHaveLength(3);
    const opened = await openResult(target);
    const expected = result.factorTables.instance!;
    expect(opened.factorTables.instance!.toRecords()).toEqual(expected.toRecords());
    expect(opened.factorTables.instance!.schema).toEqual(expected.schema);

    const db = openCatalog(catalog);
    try {
      const runs = db.runs();
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({
        transform: "writeResult",
        libraryVersion: `tensortools ${VERSION}`,
        status: "done",
        params: {
          method: "pca",
          methodVersion: result.methodVersion,
          config: JSON.parse(JSON.stringify(result.config)),
          seed: result.attrs.seed,
        },
        outputs: [{ key: "pca", version: 1 }],
      });
      expect(runs[0]!.inputs).toEqual([
        expect.objectContaining({
          location: source,
          selectors: JSON.parse(JSON.stringify(result.inputRef.selectors)),
        }),
      ]);
    } finally {
      db.close();
    }
  });

  it("leaves nothing and records no run when the producer fails", async () => {
    const catalog = join(dir, "catalog-failed.db");
    const parent = join(dir, "failed");
    const failure = new Error("a worker died");
    await expect(
      writeResult(
        join(parent, "pca"),
        async (location) => {
          await withInstanceParts(createDirectoryStore(location), result, [8]);
          throw failure;
        },
        { catalog },
      ),
    ).rejects.toBe(failure);
    expect(await readdir(parent)).toEqual([]);
    const db = openCatalog(catalog);
    try {
      expect(db.runs()).toEqual([]);
    } finally {
      db.close();
    }
  });
});
