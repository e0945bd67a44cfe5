/**
 * The two entries: "./browser" is the curated list a user needs, "." the same plus the file
 * system; every value is the very value of the package that defines it, and nothing in the
 * browser entry's run-time import graph loads a `node:` module.
 */

import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import * as bundle from "@tt/bundle";
import * as bundleFs from "@tt/bundle/fs";
import * as concat from "@tt/concat";
import * as concatFs from "@tt/concat/fs";
import * as cpPackage from "@tt/decompose-cp";
import * as icaPackage from "@tt/decompose-ica";
import * as nmfPackage from "@tt/decompose-nmf";
import * as svdPackage from "@tt/decompose-svd";
import * as tuckerPackage from "@tt/decompose-tucker";
import * as query from "@tt/query";
import * as result from "@tt/result";
import * as resultFs from "@tt/result/fs";
import * as schema from "@tt/schema";
import * as storage from "@tt/storage";
import * as storageFs from "@tt/storage/fs";
import * as hdf5 from "@tt/store-hdf5";
import { describe, expect, it } from "vitest";
import { publicApi } from "../../../tooling/src/api-surface.js";
import * as browser from "../src/browser.js";
import * as node from "../src/index.js";
import { walkImportGraph } from "./import-graph.js";

const built = (file: string) => resolve(import.meta.dirname, "../dist", file);
const src = (file: string) => resolve(import.meta.dirname, "../src", file);

/** The names the Node entry adds to the browser's: they need a file system. */
const NODE_ONLY = [
  "openInstances",
  "AddFieldToDatasetOptions",
  "UpdateDatasetInstancesOptions",
  "addField",
  "updateInstances",
  "readNpyStream",
  "AnnotateOptions",
  "AppendDatasetOptions",
  "ConcatDatasetInput",
  "AxisOrder",
  "BuildDatasetPyramidOptions",
  "CatalogOptions",
  "ConcatDatasetsOptions",
  "DecomposeToOptions",
  "decomposeTo",
  "Hdf5Array",
  "ImportHdf5Options",
  "OpenDatasetOptions",
  "PartitionHandler",
  "WriteDatasetOptions",
  "WriteResultOptions",
  "annotate",
  "appendDataset",
  "buildPyramid",
  "bundleStoreAt",
  "cleanupDataset",
  "concatDatasets",
  "createDirectoryStore",
  "importHdf5",
  "openHdf5Array",
  "openHdf5Sparse",
  "partitionHandler",
  "readCsvFile",
  "readHdf5Columns",
  "readNpyFile",
  "readParquetFile",
  "storedDatasetOf",
  "verifyDataset",
  "writeDataset",
  "writeResult",
];

/** Names each entry defines for itself: openers that take what the runtime can reach. */
const OWN = [
  "annotate",
  "bundleStoreAt",
  "concatDatasets",
  "importHdf5",
  "openDataset",
  "openResult",
  "buildPyramid",
  "openPyramid",
  "openInstances",
  "partitionHandler",
  "reopenInput",
  "decompose",
  "decomposeTo",
  "createDefaultRegistry",
  "VERSION",
  "writeDataset",
  "writeResult",
];

const PACKAGES: Record<string, unknown>[] = [
  schema,
  storage,
  storageFs,
  hdf5,
  bundle,
  bundleFs,
  concat,
  concatFs,
  query,
  result,
  resultFs,
  svdPackage,
  cpPackage,
  icaPackage,
  nmfPackage,
  tuckerPackage,
];

const nodeApi = publicApi(src("index.ts"));
const browserApi = publicApi(src("browser.ts"));
const values = (api: typeof nodeApi) => api.filter((e) => e.kind === "value").map((e) => e.name);

describe("the curated entries", () => {
  it("the Node entry is the browser entry plus the file-system names", () => {
    const browserNames = browserApi.map((e) => `${e.kind} ${e.name}`);
    const nodeNames = nodeApi.map((e) => `${e.kind} ${e.name}`);
    const added = nodeNames.filter((n) => !browserNames.includes(n)).map((n) => n.split(" ")[1]);
    expect(browserNames.filter((n) => !nodeNames.includes(n))).toEqual([]);
    expect(added.sort()).toEqual([...NODE_ONLY].sort());
  });

  it("keeps the browser entry to the names a user needs, and leaves the advanced ones to the packages", () => {
    const names = values(browserApi);
    console.log(
      `tensortools/browser exports ${names.length} values and ${browserApi.length - names.length} types`,
    );
    for (const advanced of [
      "KERNEL_CHUNK_ROWS",
      "mttkrpFromPartial",
      "unsafePathReason",
      "isLength",
      "createKernels",
      "validateManifest",
      "zarrStore",
    ])
      expect(names).not.toContain(advanced);
    for (const needed of [
      "openDataset",
      "createTensor",
      "decompose",
      "joinResult",
      "openResult",
      "MetaTable",
      "isTensorToolsError",
      "concatBundles",
      "compileQuery",
    ])
      expect(names).toContain(needed);
  });

  it.each([
    ["node", node],
    ["browser", browser],
  ] as const)("the %s entry re-exports the defining package's very values", (_entry, module) => {
    for (const name of Object.keys(module)) {
      if (OWN.includes(name)) continue;
      const origin = PACKAGES.find((p) => name in p);
      expect(origin, `${name} comes from a package`).toBeDefined();
      expect((module as Record<string, unknown>)[name], name).toBe(origin![name]);
    }
  });

  it("the Node entry opens directories, the browser entry URLs and stores", async () => {
    // The Node entry's opener brings the default registry (HDF5 included) to reopen with.
    expect(node.reopenInput).not.toBe(resultFs.reopenInput);
    expect(browser.reopenInput).toBe(result.reopenInput);
    expect(node.createDefaultRegistry().ids("array-store")).toEqual(["hdf5", "zarr"]);
    expect(browser.createDefaultRegistry().ids("array-store")).toEqual(["zarr"]);
    const error = await browser.openDataset("file:///data/eeg").catch((e: unknown) => e);
    expect(schema.isTensorToolsError(error, "config")).toBe(true);
    expect((error as Error).message).toContain("pass an http(s) URL or a KeyValueStore");
    const missing = await browser.openResult(storage.createMemoryStore()).catch((e: unknown) => e);
    expect(schema.isTensorToolsError(missing, "not-found")).toBe(true);
    expect(node.VERSION).toBe(
      JSON.parse(readFileSync(resolve(import.meta.dirname, "../package.json"), "utf8")).version,
    );
  });
});

describe('the "./browser" entry in a browser', () => {
  it("imports no node: module anywhere in its graph (third-party packages included), even dynamically", () => {
    const graph = walkImportGraph(src("browser.ts"));
    expect(graph.packages).toEqual(expect.arrayContaining(["@tt/result", "zarrita", "hyparquet"]));
    expect(graph.nodeImports).toEqual([]);
  });

  it("is told apart from the Node entry by the walk: the Node entry does import node: modules", () => {
    const graph = walkImportGraph(src("index.ts"));
    expect(graph.nodeImports.some((found) => !found.dynamic)).toBe(true);
  });

  it('is what browser bundlers get for "tensortools" too (the browser export condition)', () => {
    const manifest = JSON.parse(
      readFileSync(resolve(import.meta.dirname, "../package.json"), "utf8"),
    );
    expect(manifest.exports["."].browser).toBe("./dist/browser.js");
    expect(manifest.publishConfig.exports["."].browser).toBe("./dist/browser.js");
  });

  it("has a build whose files import no node: module", () => {
    expect(existsSync(built("browser.js")), "the package is built before its tests").toBe(true);
    const files = ["browser.js"];
    for (let i = 0; i < files.length; i++) {
      const text = readFileSync(built(files[i]!), "utf8");
      expect(text, files[i]).not.toMatch(/["']node:/);
      for (const [, chunk] of text.matchAll(/from "\.\/([^"]+\.js)"/g))
        if (!files.includes(chunk!)) files.push(chunk!);
    }
  });
});
