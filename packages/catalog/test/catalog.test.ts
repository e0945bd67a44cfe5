/**
 * The catalog on real bundles: versions by manifest, keys, runs, lineage (from runs and from what
 * bundles record), pins, errors.
 */

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { concatDatasets } from "@tt/concat/fs";
import { temporaryDirectory } from "@tt/test-fixtures";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type Catalog,
  currentRun,
  formatLineage,
  lineageMermaid,
  openCatalog,
} from "../src/index.js";
import { writeResultManifest, writeSmallDataset } from "./bundles.js";

let dir: ReturnType<typeof temporaryDirectory>;
let catalog: Catalog;
beforeEach(() => {
  dir = temporaryDirectory("tt-catalog-");
  catalog = openCatalog(join(dir.path, "catalog.db"));
});
afterEach(() => {
  catalog.close();
  dir.cleanup();
});

describe("versions", () => {
  it("a version per manifest: the same content registers once, a new write is the next version", async () => {
    const path = join(dir.path, "rec1");
    await writeSmallDataset(path, "a");
    const v1 = await catalog.register(path, { key: "eeg/rec1", description: "night one" });
    expect(v1).toMatchObject({ key: "eeg/rec1", kind: "dataset", version: 1, shape: [6, 4] });
    expect(v1.manifestHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(v1.sizeBytes).toBeGreaterThan(0);
    expect(await catalog.register(path)).toMatchObject({ version: 1, description: "night one" });

    await writeSmallDataset(path, "a", 8, { overwrite: true });
    const v2 = await catalog.register(path);
    expect(v2).toMatchObject({ key: "eeg/rec1", version: 2, shape: [8, 4], latest: true });
    expect(catalog.versions("eeg/rec1").map((v) => [v.version, v.latest])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(catalog.resolve(path).version).toBe(2);
    expect(catalog.resolve("eeg/rec1", 1).manifestHash).toBe(v1.manifestHash);
    expect(JSON.parse(catalog.manifestOf("eeg/rec1", 1)).shape).toEqual([6, 4]);
  });

  it("keys: the path under the catalog's folder by default; taken, invalid and unknown keys are errors", async () => {
    await writeSmallDataset(join(dir.path, "study", "rec1"), "a");
    await writeSmallDataset(join(dir.path, "rec2"), "b");
    expect((await catalog.register(join(dir.path, "study", "rec1"))).key).toBe("study/rec1");
    const outside = temporaryDirectory("tt-catalog-outside-");
    try {
      await writeSmallDataset(join(outside.path, "rec3"), "c");
      expect((await catalog.register(join(outside.path, "rec3"))).key).toBe(
        join(outside.path, "rec3").slice(1),
      );
    } finally {
      outside.cleanup();
    }
    await expect(catalog.register(join(dir.path, "rec2"), { key: "study/rec1" })).rejects.toThrow(
      /the key 'study\/rec1' already names .*rec1; register .*rec2 under another key/,
    );
    for (const key of ["", "/abs", "a//b", "a/../b", "tab\there"])
      await expect(catalog.register(join(dir.path, "rec2"), { key })).rejects.toMatchObject({
        tag: "config",
        field: "key",
      });
    await expect(
      catalog.register(join(dir.path, "study", "rec1"), { key: "other" }),
    ).rejects.toThrow(/is registered as 'study\/rec1', not 'other'/);
    expect(() => catalog.resolve("nope")).toThrow(/'nope' is neither a key nor a bundle/);
    expect(() => catalog.resolve("study/rec1", 7)).toThrow(/has no version 7 .* it has 1/);
    await expect(catalog.register(join(dir.path, "missing"))).rejects.toMatchObject({
      tag: "not-found",
    });
  });

  it("pins the registered version's files in the bundle, one pin per version", async () => {
    const path = join(dir.path, "rec1");
    await writeSmallDataset(path, "a");
    const v1 = await catalog.register(path);
    await writeSmallDataset(path, "a", 8, { overwrite: true });
    await catalog.register(path);
    const pins = readdirSync(join(path, ".tt-pins"));
    expect(pins).toHaveLength(2);
    const manifest = JSON.parse(catalog.manifestOf(path, 1));
    const pin = pins
      .map((name) => JSON.parse(readFileSync(join(path, ".tt-pins", name), "utf8")))
      .find((p) => p.manifest_hash === v1.manifestHash);
    expect(pin.files.sort()).toEqual(Object.keys(manifest.inventory).sort());
  });
});

describe("runs", () => {
  it("records the transform, parameters, inputs (bundle versions and files with their SHA-256) and outputs", async () => {
    const source = join(dir.path, "raw.csv");
    writeFileSync(source, "x\n1\n");
    await writeSmallDataset(join(dir.path, "rec1"), "a");
    const run = await catalog.startRun({
      transform: "tt import",
      libraryVersion: "tensortools 0.1.0",
      params: { rank: 3n, nested: { on: true } },
      inputs: [
        { location: source },
        {
          location: join(dir.path, "rec1"),
          selectors: [{ op: "query", axis: "instance", expr: "label == 'a'" }],
        },
      ],
    });
    expect(catalog.run(run)).toMatchObject({ status: "running", endedAt: null });
    await writeSmallDataset(join(dir.path, "out"), "o");
    const [out] = await catalog.finishRun(run, [
      { location: join(dir.path, "out"), key: "derived/out" },
    ]);
    expect(out).toMatchObject({ key: "derived/out", version: 1, runId: run });
    const record = catalog.run(run);
    expect(record).toMatchObject({
      transform: "tt import",
      libraryVersion: "tensortools 0.1.0",
      params: { rank: "3", nested: { on: true } },
      status: "done",
      outputs: [{ key: "derived/out", version: 1 }],
    });
    const sha = createHash("sha256").update("x\n1\n").digest("hex");
    expect(record.inputs).toEqual([
      { location: source, key: null, version: null, sha256: `sha256:${sha}`, selectors: null },
      {
        location: join(dir.path, "rec1"),
        key: "rec1",
        version: 1,
        sha256: null,
        selectors: [{ op: "query", axis: "instance", expr: "label == 'a'" }],
      },
    ]);
    expect(record.endedAt).not.toBeNull();
  });

  it("recordRun: the failure is recorded and thrown on; inside a run, currentRun names it", async () => {
    await writeSmallDataset(join(dir.path, "rec1"), "a");
    const spec = { transform: "script", libraryVersion: "x", params: {}, inputs: [] };
    await expect(
      catalog.recordRun(
        spec,
        async () => {
          throw new Error("disk full");
        },
        () => [],
      ),
    ).rejects.toThrow("disk full");
    expect(catalog.runs()[0]).toMatchObject({ status: "failed", error: "Error: disk full" });
    const remote = await catalog.startRun({
      ...spec,
      inputs: [{ location: "https://host/data/ds" }],
    });
    expect(catalog.run(remote).inputs).toEqual([
      { location: "https://host/data/ds", key: null, version: null, sha256: null, selectors: null },
    ]);
    expect(currentRun()).toBeUndefined();
    const seen = await catalog.recordRun(
      spec,
      async () => currentRun(),
      () => [join(dir.path, "rec1")],
    );
    expect(seen).toEqual({ catalog: catalog.path, id: catalog.runs()[0]!.id });
    expect(catalog.runs()[0]).toMatchObject({
      status: "done",
      outputs: [{ key: "rec1", version: 1 }],
    });
    await expect(
      catalog.recordRun(
        spec,
        async () => 1,
        () => [join(dir.path, "never-written")],
      ),
    ).rejects.toMatchObject({ tag: "not-found" });
    expect(catalog.runs()[0]).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/never-written holds no manifest.json/),
    });
    mkdirSync(join(dir.path, "damaged"));
    writeFileSync(join(dir.path, "damaged", "manifest.json"), "{");
    const damaged = await catalog.startRun({
      ...spec,
      inputs: [{ location: join(dir.path, "damaged") }],
    });
    expect(catalog.run(damaged).inputs).toEqual([
      {
        location: join(dir.path, "damaged"),
        key: null,
        version: null,
        sha256: null,
        selectors: null,
      },
    ]);
    expect(() => catalog.run(99)).toThrow(/has no run 99/);
    await expect(catalog.startRun({ ...spec, transform: "" })).rejects.toMatchObject({
      field: "transform",
    });
  });
});

describe("lineage", () => {
  it("walks a result back through its dataset, the concatenation and its sources, and forward again", async () => {
    await writeSmallDataset(join(dir.path, "rec1"), "a");
    await writeSmallDataset(join(dir.path, "rec2"), "b");
    await catalog.register(join(dir.path, "rec1"));
    await catalog.register(join(dir.path, "rec2"));
    await concatDatasets([join(dir.path, "rec1"), join(dir.path, "rec2")], {
      out: join(dir.path, "all"),
    });
    const all = await catalog.register(join(dir.path, "all"));
    const selectors = [{ op: "query", axis: "instance", expr: "label == 'a'" }];
    writeResultManifest(join(dir.path, "pca"), all, selectors);
    await catalog.register(join(dir.path, "pca"));

    const text = formatLineage(catalog.lineage("pca"));
    const short = (h: string) => h.slice(7, 19);
    expect(text).toBe(
      [
        `result pca v1 (${short(catalog.resolve("pca").manifestHash)})`,
        `└─ <- input [query {"axis":"instance","expr":"label == 'a'"}]`,
        `   dataset all v1 (${short(all.manifestHash)})`,
        "   ├─ <- source",
        `   │  dataset rec1 v1 (${short(catalog.resolve("rec1").manifestHash)})`,
        "   └─ <- source",
        `      dataset rec2 v1 (${short(catalog.resolve("rec2").manifestHash)})`,
        "",
      ].join("\n"),
    );
    const down = formatLineage(catalog.lineage("rec1", { direction: "down" }), "down");
    expect(down).toContain("└─ -> source\n   dataset all v1");
    expect(down).toContain("-> input [query");
    const mermaid = lineageMermaid(catalog.lineage("pca"));
    expect(mermaid.split("\n")[0]).toBe("flowchart BT");
    expect(mermaid).toContain(
      "n1 -->|\"input [query {'axis':'instance','expr':'label == 'a''}]\"| n0",
    );
  });

  it("a concatenation annotated since shows its sources once, under the version that made them", async () => {
    await writeSmallDataset(join(dir.path, "rec1"), "a");
    await writeSmallDataset(join(dir.path, "rec2"), "b");
    const inputs = [join(dir.path, "rec1"), join(dir.path, "rec2")];
    const concat = await catalog.startRun({
      transform: "tt concat",
      libraryVersion: "x",
      params: {},
      inputs: inputs.map((location) => ({ location })),
    });
    await concatDatasets(inputs, { out: join(dir.path, "all") });
    await catalog.finishRun(concat, [join(dir.path, "all")]);
    const annotate = await catalog.startRun({
      transform: "tt annotate",
      libraryVersion: "x",
      params: {},
      inputs: [{ location: join(dir.path, "all") }],
    });
    const { annotateBundle, openBundle } = await import("@tt/bundle");
    const { createDirectoryStore } = await import("@tt/storage/fs");
    const { MetaTable } = await import("@tt/schema");
    const store = createDirectoryStore(join(dir.path, "all"));
    const ids = (await openBundle(store)).meta("instance").column("instance_id");
    await annotateBundle(store, "instance", MetaTable.fromColumns({ instance_id: ids, note: ids }));
    await catalog.finishRun(annotate, [join(dir.path, "all")]);
    expect(catalog.resolve("all").version).toBe(2);
    const up = formatLineage(catalog.lineage("all"));
    expect(up.match(/dataset rec1 v1/g)).toHaveLength(1);
    expect(up).not.toContain("<- source");
    expect(up).toContain(`<- run ${annotate}: tt annotate\n   dataset all v1`);
    const down = formatLineage(catalog.lineage("rec1", { direction: "down" }), "down");
    expect(down.match(/dataset all v2/g)).toHaveLength(1);
  });

  it("a run that read nothing recorded shows on what the bundles record", async () => {
    await writeSmallDataset(join(dir.path, "rec1"), "a");
    await writeSmallDataset(join(dir.path, "rec2"), "b");
    const run = await catalog.startRun({
      transform: "tt demo",
      libraryVersion: "x",
      params: {},
      inputs: [],
    });
    await concatDatasets([join(dir.path, "rec1"), join(dir.path, "rec2")], {
      out: join(dir.path, "all"),
    });
    await catalog.finishRun(run, [
      join(dir.path, "rec1"),
      join(dir.path, "rec2"),
      join(dir.path, "all"),
    ]);
    const text = formatLineage(catalog.lineage("all"));
    expect(text).toContain(`├─ <- source, run ${run}: tt demo\n│  dataset rec1 v1`);
    expect(text).toContain(`└─ <- source, run ${run}: tt demo\n   dataset rec2 v1`);
  });

  it("runs link versions of the same bundle; what the catalog does not hold is named as such", async () => {
    const path = join(dir.path, "rec1");
    await writeSmallDataset(path, "a");
    await catalog.register(path);
    const run = await catalog.startRun({
      transform: "tt annotate",
      libraryVersion: "x",
      params: {},
      inputs: [{ location: path }],
    });
    await writeSmallDataset(path, "a", 6, { overwrite: true, offset: 1 });
    await catalog.finishRun(run, [path]);
    writeResultManifest(
      join(dir.path, "pca"),
      { location: join(dir.path, "gone"), manifestHash: "sha256:abc" },
      [],
    );
    await catalog.register(join(dir.path, "pca"));
    expect(formatLineage(catalog.lineage(path))).toContain(
      `<- run ${run}: tt annotate\n   dataset rec1 v1`,
    );
    expect(formatLineage(catalog.lineage("pca"))).toContain(
      `${join(dir.path, "gone")} (abc), not in the catalog`,
    );
    writeResultManifest(
      join(dir.path, "remote"),
      { location: "https://host/data/ds", manifestHash: "sha256:def" },
      [],
    );
    await catalog.register(join(dir.path, "remote"));
    expect(formatLineage(catalog.lineage("remote"))).toContain(
      "https://host/data/ds (def), not in the catalog",
    );
    expect(
      formatLineage(catalog.lineage(path, { version: 1, direction: "down" }), "down"),
    ).toContain(`-> run ${run}: tt annotate\n   dataset rec1 v2`);
  });
});

it("a catalog file of another kind is an IoError naming it; a newer schema is refused", () => {
  const bad = join(dir.path, "not-a-catalog.db");
  writeFileSync(bad, "hello, this is not SQLite".repeat(100));
  expect(() => openCatalog(bad)).toThrow(/not-a-catalog\.db is not a tensortools catalog/);
  catalog.database.exec("PRAGMA user_version = 99");
  expect(() => openCatalog(catalog.path)).toThrow(
    /has catalog schema 99, newer than this library's \(1\)/,
  );
  expect(existsSync(catalog.path)).toBe(true);
});
