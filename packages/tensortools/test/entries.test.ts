/**
 * The two entries: "." re-exports the public API of every package (with the Node versions of
 * the directory functions), "./browser" the same minus the file system, and nothing in the
 * browser entry's run-time import graph loads a `node:` module.
 */

import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import * as bundle from "@tt/bundle";
import * as bundleFs from "@tt/bundle/fs";
import * as concat from "@tt/concat";
import * as concatFs from "@tt/concat/fs";
import * as cpPackage from "@tt/decompose-cp";
import * as svdPackage from "@tt/decompose-svd";
import * as linalg from "@tt/linalg";
import * as metaParquet from "@tt/meta-parquet";
import * as query from "@tt/query";
import * as result from "@tt/result";
import * as resultFs from "@tt/result/fs";
import * as schema from "@tt/schema";
import * as schemaFs from "@tt/schema/fs";
import * as storeZarr from "@tt/store-zarr";
import { describe, expect, it } from "vitest";
import { publicApi } from "../../../tooling/src/api-surface.js";
import * as browser from "../src/browser.js";
import * as node from "../src/index.js";
import { walkImportGraph } from "./import-graph.js";

const built = (file: string) => resolve(import.meta.dirname, "../dist", file);
const src = (file: string) => resolve(import.meta.dirname, "../src", file);
const packageEntry = (dir: string, file = "index.ts") =>
  resolve(import.meta.dirname, "../..", dir, "src", file);

/** Names the umbrella exports under another name, because two packages use the same one. */
const RENAMED: Record<string, Record<string, string>> = {
  "@tt/store-zarr": { DEFAULT_CODEC: "DEFAULT_ZARR_CODEC" },
  "@tt/meta-parquet": { DEFAULT_CODEC: "DEFAULT_PARQUET_CODEC" },
};

/** Names the umbrella replaces with its own version, and why. */
const REPLACED: Record<string, readonly string[]> = {
  // Opens as a TensorDataset (with query verbs), from a path, URL or store.
  "@tt/bundle/fs": ["openDataset"],
  // Also takes a store.
  "@tt/result/fs": ["openResult"],
  // The umbrella records its own version as library_version: VERSION.
  "@tt/result": ["LIBRARY_VERSION"],
};

/** Names exported by the Node entry only: they need a file system. */
const NODE_ONLY = [
  "AtomicDirectoryOptions",
  "ConcatDatasetInput",
  "ConcatDatasetsOptions",
  "WriteDatasetOptions",
  "WriteResultOptions",
  "appendDataset",
  "concatDatasets",
  "createDirectoryStore",
  "pathExists",
  "readCsvFile",
  "readNpyFile",
  "writeDataset",
  "writeDirectoryAtomically",
  "writeResult",
];

const PACKAGES: [string, Record<string, unknown>, string][] = [
  ["@tt/schema", schema, packageEntry("schema")],
  ["@tt/schema/fs", schemaFs, packageEntry("schema", "fs.ts")],
  ["@tt/store-zarr", storeZarr, packageEntry("store-zarr")],
  ["@tt/meta-parquet", metaParquet, packageEntry("meta-parquet")],
  ["@tt/linalg", linalg, packageEntry("linalg")],
  ["@tt/query", query, packageEntry("query")],
  ["@tt/bundle", bundle, packageEntry("bundle")],
  ["@tt/bundle/fs", bundleFs, packageEntry("bundle", "fs.ts")],
  ["@tt/concat", concat, packageEntry("concat")],
  ["@tt/concat/fs", concatFs, packageEntry("concat", "fs.ts")],
  ["@tt/decompose-svd", svdPackage, packageEntry("decompose-svd")],
  ["@tt/decompose-cp", cpPackage, packageEntry("decompose-cp")],
  ["@tt/result", result, packageEntry("result")],
  ["@tt/result/fs", resultFs, packageEntry("result", "fs.ts")],
];

const nodeApi = publicApi(src("index.ts"));
const browserApi = publicApi(src("browser.ts"));

describe('the "." entry', () => {
  const exported = new Map(nodeApi.map((entry) => [entry.name, entry.kind]));

  it.each(PACKAGES)("re-exports every name of %s, values identical", (name, module, entry) => {
    const renamed = RENAMED[name] ?? {};
    const replaced = new Set(REPLACED[name] ?? []);
    for (const { name: exportName, kind } of publicApi(entry)) {
      if (replaced.has(exportName)) continue;
      const as = renamed[exportName] ?? exportName;
      expect(exported.get(as), `${name} ${exportName}`).toBe(kind);
      if (kind === "value" && !(name === "@tt/result" && exportName === "reopenInput"))
        expect((node as Record<string, unknown>)[as], `${name} ${exportName}`).toBe(
          module[exportName],
        );
    }
  });

  it("uses the directory-aware reopenInput of @tt/result/fs", () => {
    expect(node.reopenInput).toBe(resultFs.reopenInput);
  });

  it("adds decompose, the default registry, openDataset, openResult and VERSION", () => {
    for (const name of [
      "decompose",
      "createDefaultRegistry",
      "openDataset",
      "openResult",
      "VERSION",
    ])
      expect(exported.get(name), name).toBe("value");
    expect(node.VERSION).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('the "./browser" entry', () => {
  it("exports what the Node entry does, minus the file system", () => {
    const expected = nodeApi.filter((entry) => !NODE_ONLY.includes(entry.name));
    expect(browserApi).toEqual(expected);
  });

  it("shares the values, except the openers and the store-only reopenInput", () => {
    for (const { name, kind } of browserApi) {
      if (kind !== "value" || ["openDataset", "openResult", "reopenInput"].includes(name)) continue;
      expect((browser as Record<string, unknown>)[name], name).toBe(
        (node as Record<string, unknown>)[name],
      );
    }
    expect(browser.reopenInput).toBe(result.reopenInput);
  });

  it("imports no node: module statically, anywhere in its graph (third-party packages included)", () => {
    const graph = walkImportGraph(src("browser.ts"));
    expect(graph.packages).toEqual(expect.arrayContaining(["@tt/result", "zarrita", "hyparquet"]));
    expect(graph.nodeImports.filter((found) => !found.dynamic)).toEqual([]);
  });

  it("loads node: modules only from import() calls that run on Node alone", () => {
    // Each of these sits behind a check for Node (process.versions.node) before it runs.
    const graph = walkImportGraph(src("browser.ts"));
    expect(graph.nodeImports.map(({ file, specifier }) => `${file} ${specifier}`).sort()).toEqual([
      "packages/linalg/src/create-kernels.ts node:os",
      "packages/linalg/src/kernel-pool.ts node:worker_threads",
      "packages/linalg/src/wasm-loader.ts node:fs/promises",
      "packages/store-zarr/src/codecs.ts node:zlib",
    ]);
  });

  it("is told apart from the Node entry by the walk: the Node entry does import node: modules", () => {
    const graph = walkImportGraph(src("index.ts"));
    expect(graph.nodeImports.some((found) => !found.dynamic)).toBe(true);
  });

  it.skipIf(!existsSync(built("browser.js")))(
    "has a build whose own files import no node: module",
    () => {
      const files = ["browser.js"];
      for (let i = 0; i < files.length; i++) {
        const text = readFileSync(built(files[i]!), "utf8");
        expect(text, files[i]).not.toMatch(/["']node:/);
        for (const [, chunk] of text.matchAll(/from "\.\/([^"]+\.js)"/g))
          if (!files.includes(chunk!)) files.push(chunk!);
      }
    },
  );

  it("opens bundles from URLs and stores only", async () => {
    const error = await browser.openDataset("file:///data/eeg").catch((e: unknown) => e);
    expect(schema.isTensorToolsError(error, "config")).toBe(true);
    expect((error as Error).message).toContain("pass an http(s) URL or a KeyValueStore");
    const missing = await browser.openResult(schema.createMemoryStore()).catch((e: unknown) => e);
    expect(schema.isTensorToolsError(missing, "not-found")).toBe(true);
  });
});
