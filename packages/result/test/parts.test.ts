/**
 * Factor tables written in parts (as the workers of a split fit write the instance table): the
 * parts are written here with @tt/meta-parquet, the bundle around them with writeResultBundle or
 * writeResult, and the table read back must equal the whole table it was cut from.
 */

import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { parquetMetaIO } from "@tt/meta-parquet";
import {
  columnFromCells,
  type DecompositionMethod,
  type DecompositionResult,
  hashIds,
  MetaTable,
  type WritableKeyValueStore,
  type WrittenTable,
} from "@tt/schema";
import { createMemoryStore } from "@tt/storage";
import { createDirectoryStore } from "@tt/storage/fs";
import { afterAll, describe, expect, it } from "vitest";
import { openResult, writeResult } from "../src/fs.js";
import {
  createResult,
  instanceTableOf,
  openResultBundle,
  type ResultManifest,
  validateResultManifest,
  writeResultBundle,
} from "../src/index.js";
import { expectSameTable } from "./helpers.js";

const method: DecompositionMethod<{ rank: number }> = {
  id: "toy",
  version: "1.0.0",
  defaults: { rank: 1 },
  validate: (config) => config as { rank: number },
  fit: () => Promise.reject(new Error("not used")),
};

const IDS = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];

/** The whole instance table: string ids, a score with nulls and NaN, a note with nulls. */
function wholeTable(): MetaTable {
  return MetaTable.fromColumns({
    instance_id: columnFromCells("string", IDS),
    score_1: columnFromCells("float64", [0.5, -1, null, 2.25, Number.NaN, 3, -0, 1e-300, null, 7]),
    note: columnFromCells("string", ["x", null, "", "ü", "y", null, "z", "w", "v", "u"]),
  });
}

const component = MetaTable.fromColumns({ component: columnFromCells("int32", [1]) });

/** Writes `table` into `store` as parts of the given row counts, the way a worker would. */
async function writeParts(
  store: WritableKeyValueStore,
  table: MetaTable,
  sizes: readonly number[],
  directory = "factor_tables/instance",
): Promise<WrittenTable> {
  const parts: WrittenTable["parts"] = [];
  let start = 0;
  for (const [i, rows] of sizes.entries()) {
    const path = `${directory}/part-${String(i).padStart(5, "0")}.parquet`;
    const slice = table.slice(start, start + rows);
    await store.set(path, await parquetMetaIO.write(slice, { axis: "instance" }));
    parts.push({ path, rows });
    start += rows;
  }
  return { location: store.location, rows: start, columns: table.columnNames, parts };
}

/** A result whose instance table is `written`, checked by createResult. */
async function partedResult(written: WrittenTable, ids = IDS): Promise<DecompositionResult> {
  return createResult({
    method,
    config: { rank: 1 },
    inputRef: {
      dataset: null,
      selectors: [],
      n_instances: ids.length,
      ids_hash: await hashIds(ids, ids.length),
    },
    output: {
      factorTables: { component },
      componentTensors: {},
      diagnostics: { note: "parts" },
      writtenTables: { instance: written },
    },
    instanceIds: ids,
    attrs: { seed: 1 },
  });
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

describe("a table written in parts", () => {
  it("is listed as a directory and its parts (0.3.0) and opens as the whole table", async () => {
    const store = createMemoryStore("memory://parts");
    const whole = wholeTable();
    const written = await writeParts(store, whole, [4, 3, 3]);
    const result = await partedResult(written);
    expect(result.writtenTables).toEqual({ instance: written });
    expect(result.writtenTables!.instance).not.toBe(written);
    const manifest = await writeResultBundle(store, result);
    expect(manifest.schema_version).toBe("0.3.0");
    expect(manifest.files.factor_tables).toEqual({
      component: "factor_tables/component.parquet",
      instance: "factor_tables/instance",
    });
    const paths = written.parts.map((p) => p.path);
    expect(manifest.files.factor_table_parts).toEqual({ instance: paths });
    for (const path of paths) {
      const bytes = (await store.get(path))!;
      expect(manifest.inventory![path]).toEqual({ bytes: bytes.length, sha256: sha256(bytes) });
    }
    const opened = await openResultBundle(store);
    expectSameTable(opened.factorTables.instance!, whole, "instance");
    expectSameTable(opened.factorTables.component!, component, "component");
    expect(opened.writtenTables).toBeUndefined();
    expect(opened.diagnostics).toEqual({ note: "parts" });
  });

  it("keeps a result without parts at 0.2.0, with no parts field", async () => {
    const store = createMemoryStore();
    const result = createResult({
      method,
      config: { rank: 1 },
      inputRef: {
        dataset: null,
        selectors: [],
        n_instances: 10,
        ids_hash: await hashIds(IDS, IDS.length),
      },
      output: {
        factorTables: { instance: wholeTable() },
        componentTensors: {},
        diagnostics: {},
      },
    });
    const manifest = await writeResultBundle(store, result);
    expect(manifest.schema_version).toBe("0.2.0");
    expect(Object.keys(manifest.files)).toEqual([
      "diagnostics",
      "factor_tables",
      "component_tensors",
    ]);
  });

  it("reads a part with no rows", async () => {
    const store = createMemoryStore();
    const whole = wholeTable();
    const written = await writeParts(store, whole, [2, 0, 8]);
    await writeResultBundle(store, await partedResult(written));
    const opened = await openResultBundle(store);
    expectSameTable(opened.factorTables.instance!, whole, "instance");
  });

  it("refuses parts written into another store", async () => {
    const store = createMemoryStore("memory://here");
    const written = await writeParts(store, wholeTable(), [5, 5]);
    const result = await partedResult({ ...written, location: "memory://elsewhere" });
    await expect(writeResultBundle(store, result)).rejects.toMatchObject({
      tag: "config",
      field: "writtenTables.instance.location",
      message: expect.stringContaining(
        "the parts must be written into the store the result is written to",
      ),
    });
    expect(await store.get("manifest.json")).toBeUndefined();
  });

  it("names a part that is missing, and writes no manifest", async () => {
    const store = createMemoryStore();
    const written = await writeParts(store, wholeTable(), [3, 3, 4]);
    await store.delete(written.parts[1]!.path);
    await expect(writeResultBundle(store, await partedResult(written))).rejects.toMatchObject({
      tag: "not-found",
      what: "factor_tables/instance/part-00001.parquet",
      message: expect.stringContaining("of the written table 'instance' is not in memory://"),
    });
    expect(await store.get("manifest.json")).toBeUndefined();
  });

  it("refuses parts that are not in a directory of their own inside factor_tables/", async () => {
    const store = createMemoryStore();
    const written = await writeParts(store, wholeTable(), [10], "parts");
    await expect(writeResultBundle(store, await partedResult(written))).rejects.toMatchObject({
      tag: "data",
      where: "writtenTables.instance.parts",
    });
  });

  it.each([
    [
      "different types",
      MetaTable.fromColumns({
        instance_id: columnFromCells("string", ["x"]),
        score_1: columnFromCells("float32", [1]),
        note: columnFromCells("string", ["n"]),
      }),
      "factor_tables/instance/part-00001.parquet column 'score_1'",
      "is column 2 with type float32, but column 2 of the first part factor_tables/instance/part-00000.parquet is 'score_1' (float64)",
    ],
    [
      "a column missing",
      MetaTable.fromColumns({
        instance_id: columnFromCells("string", ["x"]),
        score_1: columnFromCells("float64", [1]),
      }),
      "factor_tables/instance/part-00001.parquet column 'note'",
      "is missing: column 3 of the first part",
    ],
    [
      "columns in another order",
      MetaTable.fromColumns({
        instance_id: columnFromCells("string", ["x"]),
        note: columnFromCells("string", ["n"]),
        score_1: columnFromCells("float64", [1]),
      }),
      "factor_tables/instance/part-00001.parquet column 'note'",
      "is column 2 with type string, but column 2 of the first part",
    ],
  ])("refuses to open parts with %s", async (_, odd, where, says) => {
    const store = createMemoryStore();
    const written = await writeParts(store, wholeTable(), [4, 3, 3]);
    await store.set(written.parts[1]!.path, await parquetMetaIO.write(odd, { axis: "instance" }));
    await writeResultBundle(store, await partedResult(written));
    const error = await openResultBundle(store).catch((e: unknown) => e);
    expect(error).toMatchObject({ tag: "data", where });
    expect((error as Error).message).toContain(says);
  });
});

describe("manifest validation of parts", () => {
  let valid: ResultManifest;
  const manifest = async () => {
    if (valid === undefined) {
      const store = createMemoryStore();
      const written = await writeParts(store, wholeTable(), [4, 3, 3]);
      valid = await writeResultBundle(store, await partedResult(written));
    }
    return structuredClone(valid) as ResultManifest & {
      files: { factor_table_parts: Record<string, string[]> };
    };
  };

  it.each([
    [
      "a part outside its table's directory",
      (m: Awaited<ReturnType<typeof manifest>>) => {
        m.files.factor_table_parts.instance![2] = "factor_tables/other/part-00002.parquet";
        m.inventory!["factor_tables/other/part-00002.parquet"] = {
          bytes: 1,
          sha256: "0".repeat(64),
        };
      },
      "files.factor_table_parts.instance[2]",
      "is not inside the table's directory 'factor_tables/instance'",
    ],
    [
      "a part missing from the inventory",
      (m: Awaited<ReturnType<typeof manifest>>) => {
        delete m.inventory!["factor_tables/instance/part-00001.parquet"];
      },
      "files.factor_table_parts.instance[1]",
      "which the inventory does not list",
    ],
    [
      "parts in a 0.2.0 manifest",
      (m: Awaited<ReturnType<typeof manifest>>) => {
        m.schema_version = "0.2.0";
      },
      "files.factor_table_parts",
      'is a field of schema_version "0.3.0", but this manifest is string "0.2.0"',
    ],
    [
      "parts of a table factor_tables does not list",
      (m: Awaited<ReturnType<typeof manifest>>) => {
        m.files.factor_table_parts.scores = ["factor_tables/scores/part-00000.parquet"];
      },
      "files.factor_table_parts.scores",
      "which files.factor_tables does not list",
    ],
    [
      "a table without parts",
      (m: Awaited<ReturnType<typeof manifest>>) => {
        m.files.factor_table_parts.instance = [];
      },
      "files.factor_table_parts.instance",
      "must be a non-empty array of part paths, got an array",
    ],
    [
      "a part listed twice",
      (m: Awaited<ReturnType<typeof manifest>>) => {
        m.files.factor_table_parts.instance![2] = m.files.factor_table_parts.instance![0]!;
      },
      "files.factor_table_parts.instance[2]",
      "is also used by files.factor_table_parts.instance[0]",
    ],
    [
      "an unsafe part path",
      (m: Awaited<ReturnType<typeof manifest>>) => {
        m.files.factor_table_parts.instance![0] = "factor_tables/instance/../../x.parquet";
      },
      "files.factor_table_parts.instance[0]",
      "",
    ],
  ])("refuses %s", async (_, change, field, says) => {
    const m = await manifest();
    expect(() => validateResultManifest(m)).not.toThrow();
    change(m);
    let error: unknown;
    try {
      validateResultManifest(m);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ tag: "manifest", field });
    expect((error as Error).message).toContain(says);
  });
});

describe("createResult and instanceTableOf with a written instance table", () => {
  const written: WrittenTable = {
    location: "memory://x",
    rows: 10,
    columns: ["instance_id", "score_1"],
    parts: [
      { path: "factor_tables/instance/part-00000.parquet", rows: 6 },
      { path: "factor_tables/instance/part-00001.parquet", rows: 4 },
    ],
  };

  it("says where the parts are and to open the written result", async () => {
    const result = await partedResult(written);
    expect(() => instanceTableOf(result)).toThrow(
      "the result's 'instance' table was written in 2 parts at memory://x and is not held in memory; write the result there and open it with openResult to read the table",
    );
  });

  it.each([
    [
      "a table both in memory and in parts",
      { factorTables: { instance: wholeTable() }, writtenTables: { instance: written } },
      "written table 'instance': is also in factorTables",
    ],
    [
      "a row count that is not the input's",
      {
        factorTables: {},
        writtenTables: {
          instance: {
            ...written,
            rows: 9,
            parts: [written.parts[0]!, { ...written.parts[1]!, rows: 3 }],
          },
        },
      },
      "has 9 rows for the input's 10 instances",
    ],
    [
      "rows that are not the parts'",
      { factorTables: {}, writtenTables: { instance: { ...written, rows: 11 } } },
      "has 11 rows but its parts have 10 together",
    ],
    [
      "no instance_id first",
      { factorTables: {}, writtenTables: { instance: { ...written, columns: ["score_1"] } } },
      "must start with its key column 'instance_id'",
    ],
  ])("refuses %s", async (_, tables, says) => {
    expect(() =>
      createResult({
        method,
        config: { rank: 1 },
        inputRef: {
          dataset: null,
          selectors: [],
          n_instances: 10,
          ids_hash: `sha256:${"0".repeat(64)}`,
        },
        output: { ...tables, componentTensors: {}, diagnostics: {} },
        instanceIds: IDS,
      }),
    ).toThrow(expect.objectContaining({ tag: "data", message: expect.stringContaining(says) }));
  });
});

describe("writeResult with a producer", () => {
  const roots: string[] = [];
  afterAll(() => Promise.all(roots.map((r) => rm(r, { recursive: true, force: true }))));
  const tempRoot = async () => {
    const root = await mkdtemp(join(tmpdir(), "tt-parts-"));
    roots.push(root);
    return root;
  };

  it("produces the result in the temporary directory, which becomes the bundle at the end", async () => {
    const root = await tempRoot();
    const target = join(root, "result");
    const whole = wholeTable();
    let seen: string | undefined;
    const manifest = await writeResult(target, async (location) => {
      seen = location;
      expect(dirname(location)).toBe(root);
      expect(basename(location)).not.toBe("result");
      expect(existsSync(target)).toBe(false);
      const written = await writeParts(createDirectoryStore(location), whole, [3, 3, 4]);
      return partedResult(written);
    });
    expect(manifest.schema_version).toBe("0.3.0");
    expect(existsSync(seen!)).toBe(false);
    expect(await readdir(root)).toEqual(["result"]);
    expect((await readdir(join(target, "factor_tables", "instance"))).sort()).toEqual([
      "part-00000.parquet",
      "part-00001.parquet",
      "part-00002.parquet",
    ]);
    const opened = await openResult(target);
    expectSameTable(opened.factorTables.instance!, whole, "instance");
  });

  it("replaces a result with overwrite, the new one produced beside it", async () => {
    const root = await tempRoot();
    const target = join(root, "result");
    const whole = wholeTable();
    const produce = async (location: string) =>
      partedResult(await writeParts(createDirectoryStore(location), whole, [5, 5]));
    const first = await writeResult(target, produce);
    const second = await writeResult(target, produce, { overwrite: true });
    expect(second.version).toBe(first.version! + 1);
    expect(await readdir(root)).toEqual(["result"]);
    expectSameTable((await openResult(target)).factorTables.instance!, whole, "instance");
  });

  it("leaves no directory and no temporary sibling when the producer throws", async () => {
    const root = await tempRoot();
    const target = join(root, "result");
    const failure = new Error("a worker died");
    await expect(
      writeResult(target, async (location) => {
        await writeParts(createDirectoryStore(location), wholeTable(), [10]);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await readdir(root)).toEqual([]);
  });

  it("refuses a produced result whose input is the target", async () => {
    const root = await tempRoot();
    const target = join(root, "result");
    await expect(
      writeResult(target, async (location) => {
        const result = await partedResult(
          await writeParts(createDirectoryStore(location), wholeTable(), [10]),
        );
        result.inputRef.dataset = { location: target, manifest_hash: `sha256:${"0".repeat(64)}` };
        return result;
      }),
    ).rejects.toMatchObject({ tag: "config", field: "path" });
    expect(await readdir(root)).toEqual([]);
  });
});
