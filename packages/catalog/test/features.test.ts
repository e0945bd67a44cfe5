/** Typed features: registration, validation when attached, queries; export to Parquet; gc. */

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { readParquet } from "@tt/meta-parquet";
import { cellAt } from "@tt/schema";
import { temporaryDirectory } from "@tt/test-fixtures";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Catalog, exportCatalog, gcCatalog, openCatalog } from "../src/index.js";
import { writeResultManifest, writeSmallDataset } from "./bundles.js";

let dir: ReturnType<typeof temporaryDirectory>;
let catalog: Catalog;
beforeEach(async () => {
  dir = temporaryDirectory("tt-catalog-");
  catalog = openCatalog(join(dir.path, "catalog.db"));
  await writeSmallDataset(join(dir.path, "eeg1"), "a", 6);
  await writeSmallDataset(join(dir.path, "eeg2"), "b", 12);
  await writeSmallDataset(join(dir.path, "ecg1"), "c", 20);
  for (const name of ["eeg1", "eeg2", "ecg1"]) await catalog.register(join(dir.path, name));
  catalog.defineFeature({ name: "modality", dtype: "string", categories: ["eeg", "ecg"] });
  catalog.defineFeature({ name: "read_count", dtype: "int64", description: "reads" });
  catalog.defineFeature({ name: "rate", dtype: "float64", unit: "Hz" });
  catalog.defineFeature({ name: "qc", dtype: "boolean" });
  catalog.defineFeature({ name: "recorded", dtype: "timestamp" });
  catalog.setFeatures("eeg1", { modality: "eeg", read_count: 2_000_000n, rate: 256, qc: true });
  catalog.setFeatures("eeg2", { modality: "eeg", read_count: 500, rate: 512.5, qc: false });
  catalog.setFeatures("ecg1", {
    modality: "ecg",
    read_count: 9_000_000,
    recorded: "2024-03-01T22:00:00Z",
  });
});
afterEach(() => {
  catalog.close();
  dir.cleanup();
});

describe("features", () => {
  it("queries with the library's query language over features and the catalog's own columns", () => {
    const keys = (expression: string) => catalog.find(expression).map((v) => v.key);
    expect(keys("modality == 'eeg'")).toEqual(["eeg1", "eeg2"]);
    expect(keys("read_count > 1000000")).toEqual(["ecg1", "eeg1"]);
    expect(keys("modality == 'eeg' and n_instances > 10")).toEqual(["eeg2"]);
    expect(keys("qc and rate >= 256")).toEqual(["eeg1"]);
    expect(keys("kind == 'dataset' and version == 1 and latest")).toEqual(["ecg1", "eeg1", "eeg2"]);
    expect(keys("isnull(recorded)")).toEqual(["eeg1", "eeg2"]);
    expect(() => catalog.find("modality = = 'eeg'")).toThrow(/position/);
    expect(() => catalog.find("nope > 1")).toThrow(/nope/);
    expect(catalog.featuresOf("ecg1")).toEqual({
      modality: "ecg",
      read_count: 9_000_000n,
      recorded: new Date("2024-03-01T22:00:00Z"),
    });
  });

  it("values are checked against the registration, nothing coerced, all or none set", () => {
    const bad: [string, unknown, RegExp][] = [
      ["modality", "meg", /"meg" is not one of the categories of 'modality': eeg, ecg/],
      ["modality", 3, /3 is not a string \(feature 'modality' is string\)/],
      ["read_count", "7", /"7" is not an integer/],
      ["read_count", 1.5, /1.5 is not an integer/],
      ["read_count", 2n ** 64n, /is not an integer/],
      ["rate", Number.NaN, /is not a finite number/],
      ["qc", "yes", /"yes" is not true or false/],
      ["recorded", "yesterday", /is not a date/],
    ];
    for (const [name, value, message] of bad)
      expect(() => catalog.setFeatures("eeg2", { [name]: value }), name).toThrow(message);
    expect(() => catalog.setFeatures("eeg2", { rate: 1, unknown: 2 })).toThrow(
      /no feature 'unknown' is registered/,
    );
    expect(catalog.featuresOf("eeg2").rate).toBe(512.5);
  });

  it("definitions are checked; a redefinition that contradicts a value attached is refused", () => {
    expect(() => catalog.defineFeature({ name: "2x", dtype: "string" })).toThrow(/letters, digits/);
    expect(() => catalog.defineFeature({ name: "key", dtype: "string" })).toThrow(
      /a column of the catalog itself/,
    );
    expect(() => catalog.defineFeature({ name: "x", dtype: "decimal" as never })).toThrow(
      /dtype "decimal" is not one of/,
    );
    expect(() => catalog.defineFeature({ name: "x", dtype: "float64", categories: ["a"] })).toThrow(
      /categories need dtype "string"/,
    );
    expect(() =>
      catalog.defineFeature({ name: "modality", dtype: "string", categories: ["eeg"] }),
    ).toThrow(/"ecg" is not one of the categories/);
    catalog.defineFeature({ name: "modality", dtype: "string", categories: ["eeg", "ecg", "emg"] });
    expect(catalog.features().find((f) => f.name === "modality")?.categories).toEqual([
      "eeg",
      "ecg",
      "emg",
    ]);
    expect(catalog.features().find((f) => f.name === "rate")?.unit).toBe("Hz");
  });
});

describe("export", () => {
  it("writes Parquet tables that read back to the catalog's rows", async () => {
    const run = await catalog.startRun({
      transform: "tt concat",
      libraryVersion: "x",
      params: { join: "inner" },
      inputs: [{ location: join(dir.path, "eeg1") }, { location: join(dir.path, "eeg2") }],
    });
    await catalog.finishRun(run, []);
    const written = await exportCatalog(catalog, join(dir.path, "export"));
    expect(written.map((p) => p.slice(dir.path.length + 1))).toEqual([
      "export/versions.parquet",
      "export/runs.parquet",
      "export/run_inputs.parquet",
      "export/run_outputs.parquet",
      "export/features.parquet",
    ]);
    const versions = await readParquet(readFileSync(written[0]!));
    expect(versions.numRows).toBe(3);
    expect(versions.column("key").values).toEqual(["ecg1", "eeg1", "eeg2"]);
    expect(cellAt(versions.column("read_count"), 1)).toBe(2_000_000n);
    expect(cellAt(versions.column("modality"), 0)).toBe("ecg");
    const inputs = await readParquet(readFileSync(written[2]!));
    expect(inputs.column("key").values).toEqual(["eeg1", "eeg2"]);
    const runs = await readParquet(readFileSync(written[1]!));
    expect(JSON.parse(cellAt(runs.column("params"), 0) as string)).toEqual({ join: "inner" });
  });
});

describe("gc", () => {
  it("drops old versions no one made anything from, keeps those a result reads unless forced", async () => {
    const eeg1 = join(dir.path, "eeg1");
    const v1 = catalog.resolve("eeg1");
    writeResultManifest(join(dir.path, "pca"), v1, []);
    await catalog.register(join(dir.path, "pca"));
    await writeSmallDataset(eeg1, "a", 7, { overwrite: true });
    await catalog.register(eeg1);
    const eeg2 = join(dir.path, "eeg2");
    await writeSmallDataset(eeg2, "b", 13, { overwrite: true });
    await catalog.register(eeg2);

    expect(await gcCatalog(catalog, { dryRun: true })).toEqual({
      removed: ["eeg2@1"],
      kept: [{ version: "eeg1@1", reason: "pca@1 was made from it" }],
    });
    expect(catalog.versions("eeg2")).toHaveLength(2);
    const pinsBefore = (await import("node:fs")).readdirSync(join(eeg2, ".tt-pins"));
    expect(pinsBefore).toHaveLength(2);
    await gcCatalog(catalog);
    expect(catalog.versions("eeg2").map((v) => v.version)).toEqual([2]);
    expect((await import("node:fs")).readdirSync(join(eeg2, ".tt-pins"))).toHaveLength(1);
    expect(catalog.versions("eeg1").map((v) => v.version)).toEqual([1, 2]);
    expect(await gcCatalog(catalog, { force: true })).toMatchObject({ removed: ["eeg1@1"] });
    expect(catalog.versions("eeg1").map((v) => v.version)).toEqual([2]);
    expect(existsSync(join(eeg1, "manifest.json"))).toBe(true);
  });
});
