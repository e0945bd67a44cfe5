/** Tracing a result back to its input: the same view, or an error saying what changed. */

import { cp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { openBundle } from "@tt/bundle";
import { annotateDataset, appendDataset, openStoredDataset } from "@tt/bundle/fs";
import { parquetMetaIO } from "@tt/meta-parquet";
import { createDataset } from "@tt/query";
import {
  columnFromCells,
  createTensor,
  type DecompositionResult,
  isTensorToolsError,
  MetaTable,
} from "@tt/schema";
import { viewFromTensor } from "@tt/schema/testing";
import { createHttpStore } from "@tt/storage";
import { createDirectoryStore } from "@tt/storage/fs";
import { eegTensor, serveDirectory, temporaryDirectory, writeEegBundle } from "@tt/test-fixtures";
import { afterAll, describe, expect, it } from "vitest";
import { reopenInput } from "../src/fs.js";
import { computeInputRef, reopenInput as reopenOverHttp } from "../src/index.js";

const QUERY = "rt_ms > 400";

describe("reopenInput", async () => {
  const dir = temporaryDirectory("tt-result-");
  afterAll(() => dir.cleanup());
  const original = join(dir.path, "eeg");
  await writeEegBundle(original);

  /** A copy of the bundle, and a result (input reference only) of the query view of it. */
  async function copyWithResult(name: string) {
    const path = join(dir.path, name);
    await cp(original, path, { recursive: true });
    const view = createDataset(await openStoredDataset(path)).query("epoch", QUERY);
    const result = { inputRef: await computeInputRef(view) } as DecompositionResult;
    return { path, view, result };
  }

  async function rejection(promise: Promise<unknown>) {
    const error = await promise.then(
      () => expect.fail("expected a rejection"),
      (e: unknown) => e,
    );
    return error as Error & Record<string, unknown>;
  }

  it("rebuilds the same view from a directory: same instances, same order", async () => {
    const { view, result } = await copyWithResult("same");
    const again = await reopenInput(result);
    expect(again.shape).toEqual(view.shape);
    expect(again.ids("epoch")).toEqual(view.ids("epoch"));
    expect(again.toJSON()).toEqual(view.toJSON());
  });

  it("rebuilds the view over HTTP with the browser-safe entry", async () => {
    const server = await serveDirectory(dir.path);
    try {
      const stored = await openBundle(createHttpStore(`${server.url}eeg/`));
      const view = createDataset(stored).query("epoch", QUERY);
      const result = { inputRef: await computeInputRef(view) } as DecompositionResult;
      expect(result.inputRef.dataset?.location).toBe(`${server.url}eeg/`);
      const again = await reopenOverHttp(result);
      expect(again.ids("epoch")).toEqual(view.ids("epoch"));
    } finally {
      await server.close();
    }
  });

  it("reopens after the dataset was annotated: the selection replayed, same instances and ids", async () => {
    const { path, view, result } = await copyWithResult("annotated");
    const ids = [...(await openStoredDataset(path)).ids("epoch")!] as string[];
    const review = MetaTable.fromColumns({
      id: columnFromCells("string", ids),
      reviewed: columnFromCells(
        "boolean",
        ids.map((_, i) => i % 2 === 0),
      ),
    });
    await annotateDataset(path, "epoch", review);
    await annotateDataset(path, "epoch", review, { prefix: "again_" });
    const again = await reopenInput(result);
    expect(again.ids("epoch")).toEqual(view.ids("epoch"));
    expect(again.meta("epoch").columnNames).toContain("again_reviewed");
  });

  it("says 'instances' when an annotation replaced the column the selection queries", async () => {
    const { path, result } = await copyWithResult("requeried");
    const ids = [...(await openStoredDataset(path)).ids("epoch")!] as string[];
    const table = MetaTable.fromColumns({
      id: columnFromCells("string", ids),
      rt_ms: columnFromCells(
        "float64",
        ids.map(() => 500),
      ),
    });
    await annotateDataset(path, "epoch", table, { mode: "replace" });
    const error = await rejection(reopenInput(result));
    expect(isTensorToolsError(error, "input-changed")).toBe(true);
    expect(error.what).toBe("instances");
  });

  it("says 'data' after the dataset was appended to, even behind an annotation", async () => {
    const { path, result } = await copyWithResult("appended");
    await appendDataset(path, [
      {
        data: new Float32Array(384 * 32),
        meta: MetaTable.fromColumns({ rt_ms: columnFromCells("float64", [500]) }),
        ids: ["ep81"],
      },
    ]);
    const ids = [...(await openStoredDataset(path)).ids("epoch")!] as string[];
    await annotateDataset(
      path,
      "epoch",
      MetaTable.fromColumns({
        id: columnFromCells("string", ids),
        flag: columnFromCells(
          "boolean",
          ids.map(() => true),
        ),
      }),
    );
    const error = await rejection(reopenInput(result));
    expect(isTensorToolsError(error, "input-changed")).toBe(true);
    expect(error.what).toBe("data");
    expect(error.location).toBe(path);
    expect(error.message).toContain("its data changed (append)");
  });

  it("says 'data' after the dataset was rewritten with other data", async () => {
    const { path, result } = await copyWithResult("rewritten");
    const tensor = await eegTensor();
    await writeEegBundle(path, createTensor({ ...tensor, attrs: { note: "rewritten" } }), true);
    const error = await rejection(reopenInput(result));
    expect(isTensorToolsError(error, "input-changed")).toBe(true);
    expect(error.what).toBe("data");
    expect(error.message).toContain("its data changed (write)");
  });

  it("says 'manifest' when the recorded version is not in the dataset's history", async () => {
    const { path, result } = await copyWithResult("unknown");
    const recorded = `sha256:${"0".repeat(64)}`;
    const forged = {
      ...result,
      inputRef: { ...result.inputRef, dataset: { location: path, manifest_hash: recorded } },
    };
    const error = await rejection(reopenInput(forged));
    expect(isTensorToolsError(error, "input-changed")).toBe(true);
    expect(error.what).toBe("manifest");
    expect(error.message).toMatch(/manifest hash is sha256:[0-9a-f]{64}, the result recorded/);
  });

  /** Rewrites the epoch metadata in place (same file, same manifest) with `change` applied. */
  async function rewriteEpochMeta(path: string, change: (table: MetaTable) => MetaTable) {
    const manifest = JSON.parse(await readFile(join(path, "manifest.json"), "utf8"));
    const file = manifest.meta_files.epoch as string;
    const table = await parquetMetaIO.read(createDirectoryStore(path), file);
    await writeFile(join(path, file), await parquetMetaIO.write(change(table), { axis: "epoch" }));
    return manifest;
  }

  it("says 'ids' when the same instances are selected but their ids changed", async () => {
    const { path, view, result } = await copyWithResult("renamed");
    const before = await readFile(join(path, "manifest.json"), "utf8");
    const selected = view.ids("epoch") as string[];
    await rewriteEpochMeta(path, (table) => {
      const ids = (table.column("id").values as string[]).map((id) =>
        id === selected[0] ? selected[1]! : id === selected[1] ? selected[0]! : id,
      );
      return table.withColumn("id", columnFromCells("string", ids));
    });
    expect(await readFile(join(path, "manifest.json"), "utf8")).toBe(before);
    const error = await rejection(reopenInput(result));
    expect(isTensorToolsError(error, "input-changed")).toBe(true);
    expect(error.what).toBe("ids");
    expect(error.message).toContain("ids (or their order) differ");
  });

  it("says 'instances' when the selectors now pick a different number of instances", async () => {
    const { result } = await copyWithResult("recount");
    const recorded = { ...result, inputRef: { ...result.inputRef, n_instances: 41 } };
    const error = await rejection(reopenInput(recorded));
    expect(isTensorToolsError(error, "input-changed")).toBe(true);
    expect(error.what).toBe("instances");
    expect(error.message).toContain("now pick 42 instances, the result was computed from 41");
  });

  it("reports a metadata file changed in place, behind the manifest's back, as damage naming it", async () => {
    const { path, result } = await copyWithResult("relabelled");
    const manifest = await rewriteEpochMeta(path, (table) =>
      table.withColumn("rt_ms", columnFromCells("float64", new Array(table.numRows).fill(900))),
    );
    const error = await rejection(reopenInput(result));
    expect(isTensorToolsError(error, "data")).toBe(true);
    expect(error.message).toContain(manifest.meta_files.epoch);
    expect(error.message).toMatch(/has \d+ bytes, the manifest lists \d+ .*the bundle is damaged/);
  });

  it("refuses a directory location in the browser-safe entry, pointing to @tt/result/fs", async () => {
    const { result } = await copyWithResult("local");
    const error = await rejection(reopenOverHttp(result));
    expect(isTensorToolsError(error, "unsupported")).toBe(true);
    expect(error.message).toContain('"@tt/result/fs"');
  });

  it("refuses a result of in-memory input", async () => {
    const tensor = await eegTensor();
    const view = viewFromTensor(tensor, { epoch: "id" });
    const result = { inputRef: await computeInputRef(view) } as DecompositionResult;
    expect(result.inputRef.dataset).toBeNull();
    expect(result.inputRef.selectors).toEqual([]);
    const error = await rejection(reopenInput(result));
    expect(isTensorToolsError(error, "unsupported")).toBe(true);
    expect(error.message).toContain("input_ref.dataset is null");
  });
});
