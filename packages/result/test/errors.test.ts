/** Bad input, one failure mode per test: which error, which message. */

import { existsSync } from "node:fs";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { openBundle, writeBundle } from "@tt/bundle";
import { pca } from "@tt/decompose-svd";
import { createDataset } from "@tt/query";
import {
  columnFromCells,
  createTensor,
  type DecompositionResult,
  isTensorToolsError,
  MetaTable,
  type TensorDataset,
} from "@tt/schema";
import { createMemoryStore } from "@tt/storage";
import { temporaryDirectory } from "@tt/test-fixtures";
import { afterAll, describe, expect, it } from "vitest";
import { openResult, writeResult } from "../src/fs.js";
import { computeInputRef, createResult, joinResult, openResultBundle } from "../src/index.js";
import { normalizeLegacyTables } from "../src/instance-table.js";
import { context } from "./helpers.js";

/** 12 instances x 5 samples x 3 channels with a label per instance, in a memory bundle. */
async function smallDataset(prefix = "i"): Promise<TensorDataset> {
  const n = 12;
  const data = Float64Array.from({ length: n * 15 }, (_, i) => Math.sin(i * 0.7) + (i % 5) * 0.3);
  const tensor = createTensor({
    data,
    shape: [n, 5, 3],
    axes: ["instance", "sample", "channel"],
    axisIndex: { instance: Array.from({ length: n }, (_, i) => `${prefix}${i}`) },
    axisMeta: {
      instance: MetaTable.fromColumns({
        label: columnFromCells(
          "string",
          Array.from({ length: n }, (_, i) => (i % 2 ? "a" : "b")),
        ),
      }),
    },
  });
  const store = createMemoryStore(`memory://${prefix}`);
  await writeBundle(store, tensor);
  return createDataset(await openBundle(store));
}

async function rejection(work: Promise<unknown> | (() => unknown)) {
  try {
    await (typeof work === "function" ? work() : work);
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  return expect.fail("expected an error");
}

describe("bad input", async () => {
  const dir = temporaryDirectory("tt-result-");
  afterAll(() => dir.cleanup());
  const dataset = await smallDataset();
  const view = dataset.query("instance", "label == 'a'");
  const config = pca.validate({ rank: 2 });
  const output = await pca.fit(view, config, context());
  const inputRef = await computeInputRef(view);
  const result = createResult({ method: pca, config, inputRef, output, attrs: { seed: 0 } });
  let written = 0;
  /** Writes `result` to a fresh directory and returns its path. */
  async function writeFresh(value: DecompositionResult = result): Promise<string> {
    const path = join(dir.path, `result-${written++}`);
    await writeResult(path, value);
    return path;
  }

  it("createResult: ids out of order are a DataError naming the row", async () => {
    const ids = [...(view.ids("instance") as string[])];
    [ids[2], ids[3]] = [ids[3]!, ids[2]!];
    const error = await rejection(() =>
      createResult({ method: pca, config, inputRef, output, instanceIds: ids }),
    );
    expect(isTensorToolsError(error, "data")).toBe(true);
    expect(error.message).toBe(
      `factor table 'instance' column 'instance_id' row 2: is "i5", but instance 2 of the input is "i7"; the table must list the input's ids in their order`,
    );
  });

  it("createResult: output without the 'instance' table, or not keyed by instance_id, is refused", async () => {
    const { instance, ...others } = output.factorTables;
    const missing = await rejection(() =>
      createResult({
        method: pca,
        config,
        inputRef,
        output: { ...output, factorTables: { epoch: instance!, ...others } },
      }),
    );
    expect(isTensorToolsError(missing, "not-found")).toBe(true);
    expect(missing.message).toContain(
      "the result has no 'instance' factor table (it has epoch, component)",
    );
    const renamed = MetaTable.fromColumns(
      Object.fromEntries(
        instance!.columnNames.map((name) => [
          name === "instance_id" ? "id" : name,
          instance!.column(name),
        ]),
      ),
    );
    const unkeyed = await rejection(() =>
      createResult({
        method: pca,
        config,
        inputRef,
        output: { ...output, factorTables: { ...others, instance: renamed } },
      }),
    );
    expect(isTensorToolsError(unkeyed, "data")).toBe(true);
    expect(unkeyed.message).toContain("must start with its key column 'instance_id'");
  });

  it("normalizes a result written before the contract: its first table becomes 'instance'", () => {
    const { instance, component } = output.factorTables;
    const legacy = MetaTable.fromColumns(
      Object.fromEntries(
        instance!.columnNames.map((name) => [
          name === "instance_id" ? "id" : name,
          instance!.column(name),
        ]),
      ),
    );
    const { tables, instance: recorded } = normalizeLegacyTables({
      epoch: legacy,
      component: component!,
    });
    expect(Object.keys(tables)).toEqual(["instance", "component"]);
    expect(tables.instance!.columnNames).toEqual(instance!.columnNames);
    expect(tables.instance!.toRecords()).toEqual(instance!.toRecords());
    expect(recorded).toEqual({ axis: "epoch", idColumn: "id" });
    const positions = MetaTable.fromColumns({ position: instance!.column("instance_id") });
    expect(normalizeLegacyTables({ epoch: positions }).instance).toEqual({
      axis: "epoch",
      idColumn: null,
    });
  });

  it("createResult: a config that is not JSON is a ConfigError naming the field", async () => {
    const error = await rejection(() =>
      createResult({ method: pca, config: { ...config, rank: Number.NaN }, inputRef, output }),
    );
    expect(isTensorToolsError(error, "config")).toBe(true);
    expect(error.field).toBe("rank");
  });

  it("open: a manifest that is not JSON is an InvalidManifestError on '$'", async () => {
    const path = await writeFresh();
    await writeFile(join(path, "manifest.json"), '{"kind": "decomposition_result",');
    const error = await rejection(openResult(path));
    expect(isTensorToolsError(error, "manifest")).toBe(true);
    expect(error.field).toBe("$");
    expect(error.message).toContain("manifest.json is not valid JSON");
  });

  it("open: an invalid manifest field is an InvalidManifestError naming it", async () => {
    const path = await writeFresh();
    const manifest = JSON.parse(await readFile(join(path, "manifest.json"), "utf8"));
    manifest.input_ref.ids_hash = "md5:abc";
    await writeFile(join(path, "manifest.json"), JSON.stringify(manifest));
    const error = await rejection(openResult(path));
    expect(isTensorToolsError(error, "manifest")).toBe(true);
    expect(error.field).toBe("input_ref.ids_hash");
    expect(error.message).toBe(
      `manifest field 'input_ref.ids_hash': must be "sha256:" and 64 hex digits, got string "md5:abc"`,
    );
  });

  it("open: a dataset bundle is not a result", async () => {
    const store = createMemoryStore();
    await writeBundle(
      store,
      createTensor({
        data: new Float64Array(2),
        shape: [2, 1],
        axes: ["instance", "feature"],
        axisIndex: { instance: ["a", "b"] },
      }),
    );
    const error = await rejection(openResultBundle(store));
    expect(isTensorToolsError(error, "manifest")).toBe(true);
    expect(error.field).toBe("kind");
    expect(error.message).toContain("(this is a dataset bundle)");
  });

  it("open: a factor table file named in the manifest but missing is a DataError naming it", async () => {
    const path = await writeFresh();
    await rm(join(path, "factor_tables/component.parquet"));
    const error = await rejection(openResult(path));
    expect(isTensorToolsError(error, "data")).toBe(true);
    expect(error.where).toBe("factor_tables/component.parquet");
    expect(error.message).toMatch(
      /^factor_tables\/component.parquet: is missing; the manifest lists it with \d+ bytes \(in .*\); the bundle is damaged$/,
    );
  });

  it("open: a factor table cut short or grown is a DataError naming it and both lengths", async () => {
    const path = await writeFresh();
    const file = join(path, "factor_tables/instance.parquet");
    const bytes = await readFile(file);
    await writeFile(file, Buffer.concat([bytes, Buffer.from([0])]));
    const grown = await rejection(openResult(path));
    expect(isTensorToolsError(grown, "data")).toBe(true);
    expect(grown.message).toContain(
      `factor_tables/instance.parquet: has ${bytes.length + 1} bytes, the manifest lists ${bytes.length}`,
    );
    await writeFile(file, bytes.subarray(0, 100));
    const cut = await rejection(openResult(path));
    expect(cut.message).toContain(`has 100 bytes, the manifest lists ${bytes.length}`);
  });

  it("writeResult: an existing path is an AlreadyExistsError unless overwrite is set", async () => {
    const path = await writeFresh();
    const error = await rejection(writeResult(path, result));
    expect(isTensorToolsError(error, "exists")).toBe(true);
    expect(error.message).toBe(
      `${path} already holds a result; pass overwrite: true to replace it`,
    );
    const other = { ...result, attrs: { ...result.attrs, note: "second" } };
    await writeResult(path, other, { overwrite: true });
    expect((await openResult(path)).attrs.note).toBe("second");
    expect((await readdir(dir.path)).filter((name) => name.startsWith("."))).toEqual([]);
  });

  it("writeResult: an abort half way leaves no directory behind", async () => {
    const path = join(dir.path, "aborted");
    const controller = new AbortController();
    const error = await rejection(
      writeResult(path, result, {
        signal: controller.signal,
        onProgress: () => controller.abort(new Error("stopped by the test")),
      }),
    );
    expect(error.message).toBe("stopped by the test");
    expect(existsSync(path)).toBe(false);
    expect((await readdir(dir.path)).filter((name) => name.includes("aborted"))).toEqual([]);
  });

  it("writeResult: a diagnostic that is not JSON is a DataError and leaves no directory", async () => {
    const path = join(dir.path, "bad-diagnostics");
    const bad = { ...result, diagnostics: { ...result.diagnostics, ratio: Number.NaN } };
    const error = await rejection(writeResult(path, bad));
    expect(isTensorToolsError(error, "data")).toBe(true);
    expect(error.where).toBe("diagnostics.ratio");
    expect(existsSync(path)).toBe(false);
    expect((await readdir(dir.path)).filter((name) => name.includes("bad-diagnostics"))).toEqual(
      [],
    );
  });

  it("joinResult: a column name clash without a prefix is a ConfigError on 'prefix'", () => {
    const joined = joinResult(dataset, result);
    const error = (() => {
      try {
        joinResult(joined, result);
      } catch (e) {
        return e as Error & Record<string, unknown>;
      }
      return expect.fail("expected an error");
    })();
    expect(isTensorToolsError(error, "config")).toBe(true);
    expect(error.field).toBe("prefix");
    expect(error.message).toBe(
      `config 'prefix': the result's columns 'score_1', 'score_2', 'recon_error', 't2', 'q', 'outlier_score' already exist in the 'instance' metadata; pass a prefix such as "pca_"`,
    );
    const twice = joinResult(joined, result, { prefix: "again_" });
    expect(twice.meta("instance").has("again_score_1")).toBe(true);
    expect(() => joinResult(twice, result, { prefix: "again_" })).toThrow(
      `with prefix "again_", the columns 'again_score_1', 'again_score_2', 'again_recon_error', 'again_t2', 'again_q', 'again_outlier_score' still exist`,
    );
  });

  it("joinResult: result ids absent from the dataset are a DataError naming the first ones", async () => {
    const other = await smallDataset("x");
    let error: (Error & Record<string, unknown>) | undefined;
    try {
      joinResult(other, result);
    } catch (e) {
      error = e as Error & Record<string, unknown>;
    }
    expect(isTensorToolsError(error, "data")).toBe(true);
    expect(error!.message).toBe(
      `factor table 'instance' column 'instance_id': 6 ids are not in memory://x ('instance_id' of axis 'instance'): "i1", "i3", "i5", "i7", "i9", ...; was the result computed from another dataset?`,
    );
  });
});
