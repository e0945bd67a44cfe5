/**
 * Runs of the API's writes in a catalog: each of `writeDataset`, `concatDatasets`, `annotate`,
 * `buildPyramid` and `writeResult` records one run (transform, library version, JSON-safe
 * parameters, the bundles read with a view's selectors, the bundle written); `catalog: false`
 * and no catalog record nothing, `TT_CATALOG` opts in, a failed write records a failed run, and
 * a write inside a run being recorded records none of its own.
 */

import { join } from "node:path";
import { type Catalog, openCatalog, type RunRecord } from "@tt/catalog";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { missingPackageError } from "../src/catalog-runs.js";
import {
  annotate,
  buildPyramid,
  columnFromCells,
  concatDatasets,
  createRegistry,
  createTensor,
  datasetFromTensor,
  decompose,
  isTensorToolsError,
  MetaTable,
  openDataset,
  VERSION,
  writeDataset,
  writeResult,
} from "../src/index.js";
import { runParams } from "../src/run-params.js";
import { scratchDirectory } from "./helpers.js";

const dir = scratchDirectory("tt-catalog-runs-");
const source = join(dir, "source");
const libraryVersion = `tensortools ${VERSION}`;
let count = 0;

/** A fresh catalog file in the scratch folder (keys are paths relative to it). */
function catalogPath(): string {
  count += 1;
  return join(dir, `catalog-${count}.db`);
}

/** 8 instances (`e0`..`e7`, `rt_ms` 100..800) x 6 samples x 2 channels, values from `offset`. */
function smallTensor(offset = 0, n = 8) {
  const ids = Array.from({ length: n }, (_, i) => `e${i}`);
  return createTensor({
    data: Float32Array.from({ length: n * 12 }, (_, i) => Math.sin(i + offset) + i / 50),
    shape: [n, 6, 2],
    axes: ["epoch", "time", "channel"],
    axisIndex: { epoch: ids },
    axisMeta: {
      epoch: MetaTable.fromColumns({
        rt_ms: columnFromCells(
          "float64",
          ids.map((_, i) => 100 * (i + 1)),
        ),
      }),
    },
  });
}

/** The runs of the catalog at `path`, oldest first. */
function runsOf(path: string): RunRecord[] {
  const catalog = openCatalog(path);
  try {
    return catalog.runs().reverse();
  } finally {
    catalog.close();
  }
}

/** The only run of the catalog at `path`. */
function onlyRun(path: string): RunRecord {
  const runs = runsOf(path);
  expect(runs).toHaveLength(1);
  return runs[0]!;
}

const opened: Catalog[] = [];
afterEach(() => {
  for (const catalog of opened.splice(0)) catalog.close();
  delete process.env.TT_CATALOG;
});

beforeAll(async () => {
  await writeDataset(source, smallTensor(), { catalog: false });
});

describe("each API write records one run", () => {
  it("writeDataset of a view: the view's dataset with its selectors in, the bundle out, the options as parameters", async () => {
    const catalog = catalogPath();
    const view = (await openDataset(source)).query("epoch", "rt_ms > 400").slice("time", 1, 5);
    const controller = new AbortController();
    const progress: unknown[] = [];
    await writeDataset(join(dir, "late"), view, {
      catalog,
      chunkShape: [2, 4, 2],
      attrs: { note: "late epochs" },
      signal: controller.signal,
      onProgress: (p) => progress.push(p),
      registry: createRegistry([]),
    });
    const run = onlyRun(catalog);
    expect(run).toMatchObject({
      transform: "writeDataset",
      libraryVersion,
      status: "done",
      error: null,
      outputs: [{ key: "late", version: 1 }],
    });
    expect(run.params).toEqual({ chunkShape: [2, 4, 2], attrs: { note: "late epochs" } });
    expect(run.inputs).toEqual([
      {
        location: source,
        key: "source",
        version: 1,
        sha256: null,
        selectors: JSON.parse(JSON.stringify(view.toJSON().selectors)),
      },
    ]);
    expect(run.inputs[0]!.selectors).toHaveLength(2);
  });

  it("writeDataset of a tensor held in memory: no input", async () => {
    const catalog = catalogPath();
    await writeDataset(join(dir, "memory"), smallTensor(1), { catalog });
    const run = onlyRun(catalog);
    expect(run).toMatchObject({ transform: "writeDataset", inputs: [], params: {} });
    expect(run.outputs).toEqual([{ key: "memory", version: 1 }]);
  });

  it("concatDatasets: every input's bundle (a view's with its selectors), out as the output", async () => {
    const catalog = catalogPath();
    const second = join(dir, "second");
    await writeDataset(second, smallTensor(2), { catalog: false });
    const view = (await openDataset(second)).query("epoch", "rt_ms <= 300");
    const out = join(dir, "all");
    // A dataset held in memory has no location: it is no input of the run.
    await concatDatasets([source, view, datasetFromTensor(smallTensor(5, 2))], {
      out,
      join: "outer",
      sourceIds: ["a", "b", "c"],
      catalog,
    });
    const run = onlyRun(catalog);
    expect(run).toMatchObject({ transform: "concatDatasets", libraryVersion, status: "done" });
    expect(run.params).toEqual({ out, join: "outer", sourceIds: ["a", "b", "c"] });
    expect(
      run.inputs.map(({ location, key, selectors }) => ({ location, key, selectors })),
    ).toEqual([
      { location: source, key: "source", selectors: null },
      { location: second, key: "second", selectors: JSON.parse(JSON.stringify(view.selectors)) },
    ]);
    expect(run.outputs).toEqual([{ key: "all", version: 1 }]);
  });

  it("annotate: the bundle as it was before in, its next version out, the axis and source as parameters", async () => {
    const catalog = catalogPath();
    const path = join(dir, "annotated");
    await writeDataset(path, smallTensor(3), { catalog: false });
    const table = MetaTable.fromColumns({
      epoch_id: columnFromCells("string", ["e0", "e1", "e2"]),
      review: columnFromCells("string", ["ok", "bad", "ok"]),
    });
    await annotate(path, "epoch", table, { catalog, prefix: "qc_" });
    const run = onlyRun(catalog);
    expect(run).toMatchObject({ transform: "annotate", libraryVersion, status: "done" });
    expect(run.params).toEqual({
      axis: "epoch",
      source: { columns: ["epoch_id", "review"], rows: 3 },
      prefix: "qc_",
    });
    expect(run.inputs).toMatchObject([{ location: path, key: "annotated", version: 1 }]);
    expect(run.outputs).toEqual([{ key: "annotated", version: 2 }]);
  });

  it("buildPyramid: the bundle before in, its next version out, the options as parameters", async () => {
    const catalog = catalogPath();
    const path = join(dir, "pyramid");
    await writeDataset(path, smallTensor(4), { catalog: false });
    await buildPyramid(await openDataset(path), { catalog, factor: 2, targetBytes: 64 });
    const run = onlyRun(catalog);
    expect(run).toMatchObject({ transform: "buildPyramid", libraryVersion, status: "done" });
    expect(run.params).toEqual({ factor: 2, targetBytes: 64 });
    expect(run.inputs).toMatchObject([{ location: path, key: "pyramid", version: 1 }]);
    expect(run.outputs).toEqual([{ key: "pyramid", version: 2 }]);
  });

  it("writeResult: the decomposition as parameters, the dataset it was computed from with the view's selectors in", async () => {
    const catalog = catalogPath();
    const view = (await openDataset(source)).query("epoch", "rt_ms >= 300");
    const result = await decompose(view, "pca", { rank: 2 });
    await writeResult(join(dir, "pca"), result, { catalog });
    const run = onlyRun(catalog);
    expect(run).toMatchObject({ transform: "writeResult", libraryVersion, status: "done" });
    expect(run.params).toEqual({
      method: "pca",
      methodVersion: result.methodVersion,
      config: JSON.parse(JSON.stringify(result.config)),
      seed: result.attrs.seed,
    });
    expect(run.params).toMatchObject({ config: { rank: 2 } });
    expect(run.inputs).toEqual([
      {
        location: source,
        key: "source",
        version: 1,
        sha256: null,
        selectors: JSON.parse(JSON.stringify(result.inputRef.selectors)),
      },
    ]);
    expect(run.inputs[0]!.selectors).toHaveLength(1);
    expect(run.outputs).toEqual([{ key: "pca", version: 1 }]);
  });
});

describe("when runs are recorded", () => {
  it("not with catalog: false, even when TT_CATALOG names a catalog; nor with neither", async () => {
    const catalog = catalogPath();
    process.env.TT_CATALOG = catalog;
    await writeDataset(join(dir, "off"), smallTensor(6), { catalog: false });
    delete process.env.TT_CATALOG;
    await writeDataset(join(dir, "off-2"), smallTensor(6));
    const db = openCatalog(catalog);
    opened.push(db);
    expect(db.runs()).toEqual([]);
    expect(db.list()).toEqual([]);
  });

  it("with TT_CATALOG set and no option", async () => {
    const catalog = catalogPath();
    process.env.TT_CATALOG = catalog;
    await writeDataset(join(dir, "by-env"), smallTensor(7));
    delete process.env.TT_CATALOG;
    expect(onlyRun(catalog)).toMatchObject({
      transform: "writeDataset",
      outputs: [{ key: "by-env", version: 1 }],
    });
  });

  it("a write that fails records a failed run with its error, and the error is thrown on", async () => {
    const catalog = catalogPath();
    const error = await writeDataset(source, smallTensor(8), { catalog }).catch((e: unknown) => e);
    expect(isTensorToolsError(error, "exists")).toBe(true);
    const run = onlyRun(catalog);
    expect(run).toMatchObject({ transform: "writeDataset", status: "failed", outputs: [] });
    expect(run.error).toBe(`AlreadyExistsError: ${(error as Error).message}`);
    expect(run.endedAt).not.toBeNull();
  });

  it("inside catalog.recordRun, the API's writes record nothing of their own", async () => {
    const path = catalogPath();
    const catalog = openCatalog(path);
    opened.push(catalog);
    const out = join(dir, "nested");
    process.env.TT_CATALOG = path;
    await catalog.recordRun(
      {
        transform: "my-script",
        libraryVersion: "mine 1.0",
        params: {},
        inputs: [{ location: source }],
      },
      async () => {
        await writeDataset(out, smallTensor(9), { catalog: path });
        await annotate(
          out,
          "epoch",
          MetaTable.fromColumns({
            epoch_id: columnFromCells("string", ["e1"]),
            flag: columnFromCells("boolean", [true]),
          }),
        );
      },
      () => [out],
    );
    const runs = catalog.runs();
    expect(runs.map((r) => r.transform)).toEqual(["my-script"]);
    expect(runs[0]!.outputs).toEqual([{ key: "nested", version: 1 }]);
    expect(catalog.versions("nested").map((v) => v.version)).toEqual([1]);
  });

  it("a catalog option that is not a path is a ConfigError before anything is written", async () => {
    for (const bad of ["", true, 3]) {
      const error = await writeDataset(join(dir, "never"), smallTensor(), {
        catalog: bad as string,
      }).catch((e: unknown) => e);
      expect(isTensorToolsError(error, "config")).toBe(true);
      expect((error as Error).message).toContain(
        "config 'catalog': must be the path of a catalog file, or false to record no run",
      );
    }
    const fresh = await openDataset(join(dir, "never")).catch((e: unknown) => e);
    expect(isTensorToolsError(fresh, "not-found")).toBe(true);
  });

  it("without @tt/catalog installed, a ConfigError says to install it", async () => {
    const name = "@tt/catalog-not-installed";
    const importError = await import(/* @vite-ignore */ name).catch((e: unknown) => e);
    const error = missingPackageError(importError, name);
    expect(isTensorToolsError(error, "config")).toBe(true);
    expect((error as Error).message).toBe(
      `config 'catalog': recording runs in a catalog needs the package ${name}, which is not installed: install it (npm install ${name}), or pass catalog: false (or unset TT_CATALOG) to write without recording`,
    );
    expect((error as Error).cause).toBe(importError);
    // A dependency of the package missing is not the package missing: that error is kept.
    const other = Object.assign(new Error("Cannot find package 'libsql' imported from x"), {
      code: "ERR_MODULE_NOT_FOUND",
    });
    expect(missingPackageError(other, "@tt/catalog")).toBe(other);
  });
});

describe("the parameters of a run", () => {
  it("keep JSON values; drop code, signals and plugins; bigints and non-finite numbers as text; tables as their shape", () => {
    const plugin = { id: "zarr", open: () => undefined };
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    expect(
      runParams({
        rank: 3,
        tol: 1e-8,
        name: "pca",
        flags: [true, null, () => 1],
        nested: { big: 2n ** 70n, nan: Number.NaN, when: new Date(0), skip: undefined },
        chunk: new Int32Array([4, 2]),
        arrayStore: plugin,
        signal: new AbortController().signal,
        onProgress: () => undefined,
        partitions: { files: MetaTable.fromColumns({ a: columnFromCells("int32", [1, 2]) }) },
        cyclic,
        map: new Map([["a", 1]]),
      }),
    ).toEqual({
      rank: 3,
      tol: 1e-8,
      name: "pca",
      flags: [true, null, null],
      nested: { big: "1180591620717411303424", nan: "NaN", when: "1970-01-01T00:00:00.000Z" },
      chunk: [4, 2],
      partitions: { files: { columns: ["a"], rows: 2 } },
      cyclic: { name: "loop" },
    });
  });
});
