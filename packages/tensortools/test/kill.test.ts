/**
 * Real `kill -9`: a writer process on the built package overwrites and appends to a bundle and
 * is killed at moments spread over its run. After every kill the bundle is one whole version, and
 * the next write and a cleanup leave nothing of the dead writer behind.
 */

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import * as tensortools from "../src/index.js";
import { cleanupDataset, openDataset, writeDataset } from "../src/index.js";
import { versionedTensor as versionedOf } from "./versioned-tensor.mjs";

const dist = resolve(import.meta.dirname, "../dist/index.js");
const scratch = mkdtempSync(join(tmpdir(), "tt-kill-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const versioned = (version: number, instances: number, prefix?: string) =>
  versionedOf(tensortools, version, instances, prefix);

/** Starts a writer that rewrites `path` with versions 2, 3, ... and appends; resolves its exit. */
function writer(path: string): {
  exit: Promise<number | null>;
  kill(): void;
  started: Promise<void>;
} {
  const script = join(scratch, "writer.mjs");
  writeFileSync(
    script,
    `import * as lib from ${JSON.stringify(pathToFileURL(dist).href)};
import { versionedTensor } from ${JSON.stringify(pathToFileURL(resolve(import.meta.dirname, "versioned-tensor.mjs")).href)};
const path = process.argv[2];
process.stdout.write("started\\n");
for (let round = 2; ; round++) {
  if (round % 2) await lib.appendDataset(path, [{ data: versionedTensor(lib, round, 64, "a").data, ids: Array.from({ length: 64 }, (_, i) => "a" + round + "-" + i), meta: versionedTensor(lib, round, 64).axisMeta.instance }]);
  else await lib.writeDataset(path, versionedTensor(lib, round, 400), { overwrite: true, chunkShape: [16, 16, 3] });
}
`,
  );
  const child = spawn(process.execPath, [script, path], { stdio: ["ignore", "pipe", "inherit"] });
  return {
    exit: new Promise((done) => child.on("exit", (code) => done(code))),
    kill: () => child.kill("SIGKILL"),
    started: new Promise((done) => child.stdout.once("data", () => done())),
  };
}

/** Checks that every row read belongs with its id and metadata; the row count. */
async function wholeVersion(path: string): Promise<number> {
  const dataset = await openDataset(path);
  const [n, samples, channels] = dataset.shape as [number, number, number];
  const data = (await dataset.read([])) as Float32Array;
  const versions = dataset.meta("instance").column("version").values as Int32Array;
  const rows = dataset.meta("instance").column("row").values as Int32Array;
  for (let i = 0; i < n; i++)
    expect(data[i * samples * channels], `row ${i}`).toBe(
      versions[i]! * 10_000 + rows[i]! * samples * channels,
    );
  return n;
}

/** Checks that the bundle at `path` holds its manifest and the files its inventory lists, no more. */
async function expectOnlyItsFiles(path: string): Promise<void> {
  const { manifest } = await openDataset(path);
  const files = (readdirSync(path, { recursive: true }) as string[])
    .filter((f) => statSync(join(path, f)).isFile())
    .sort();
  expect(files).toEqual(["manifest.json", ...Object.keys(manifest.inventory!)].sort());
}

/**
 * Starts a writer that updates instances of field `upd` (every 7th instance, values `round *
 * 100000 + index`) and, every third round, adds a field `f<round>`, from round `first` on.
 */
function fieldWriter(path: string, ids: readonly string[], first: number) {
  const script = join(scratch, "field-writer.mjs");
  writeFileSync(
    script,
    `import * as lib from ${JSON.stringify(pathToFileURL(dist).href)};
const path = process.argv[2];
const ids = ${JSON.stringify(ids)};
const chosen = ids.filter((_, i) => i % 7 === 0);
process.stdout.write("started\\n");
for (let round = Number(process.argv[3]); ; round++) {
  if (round % 3 === 0) {
    const data = Float32Array.from({ length: ids.length * 4 }, (_, k) => round * 1000 + k);
    await lib.addField(path, "f" + round, lib.createTensor({ data, shape: [ids.length, 4], axes: ["instance", "k"] }), { chunkShape: [16, 4] });
  }
  const values = Float64Array.from({ length: chosen.length * 8 }, (_, k) => round * 100000 + Math.floor(k / 8) * 7 * 8 + (k % 8));
  await lib.updateInstances(path, "upd", chosen, values);
}
`,
  );
  const child = spawn(process.execPath, [script, path, String(first)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return {
    exit: new Promise<number | null>((done) => child.on("exit", (code) => done(code))),
    kill: () => child.kill("SIGKILL"),
    started: new Promise<void>((done) => child.stdout.once("data", () => done())),
  };
}

/**
 * Checks that field `upd` shows one whole update (every 7th instance with the same round, the
 * others as written) and every added field its own values; the round seen.
 */
async function wholeFields(path: string): Promise<number> {
  const dataset = await openDataset(path);
  const values = (await dataset.field("upd").materialize()).data as Float64Array;
  const rounds = new Set<number>();
  for (let k = 0; k < values.length; k++) {
    const row = Math.floor(k / 8);
    const round = Math.round((values[k]! - k) / 100000);
    expect(values[k]! - round * 100000, `upd element ${k}`).toBe(k);
    if (row % 7 === 0) rounds.add(round);
    else expect(round, `upd row ${row} is not updated`).toBe(0);
  }
  expect(rounds.size, "every updated row comes from the same update").toBe(1);
  for (const name of dataset.fields!.filter((f) => /^f\d+$/.test(f))) {
    const data = (await dataset.field(name).materialize()).data as Float32Array;
    const round = Number(name.slice(1));
    for (let k = 0; k < data.length; k += 97)
      expect(data[k], `${name}[${k}]`).toBe(round * 1000 + k);
  }
  return [...rounds][0]!;
}

describe("a field writer killed with SIGKILL", () => {
  it("leaves one whole update or added field each time", async () => {
    const path = join(scratch, "fields");
    const tensor = versioned(1, 400);
    await writeDataset(path, tensor, { chunkShape: [16, 16, 3] });
    const initial = Float64Array.from({ length: 400 * 8 }, (_, k) => k);
    const upd = tensortools.createTensor({
      data: initial,
      shape: [400, 8],
      axes: ["instance", "k"],
    });
    await tensortools.addField(path, "upd", upd, { chunkShape: [16, 8] });
    const ids = tensor.axisIndex.instance as string[];
    const delays = [60, 120, 200, 280, 360, 450, 540, 640];
    const seen: string[] = [];
    for (const [i, delay] of delays.entries()) {
      const run = fieldWriter(path, ids, 2 + 1000 * i);
      await run.started;
      await new Promise((done) => setTimeout(done, delay));
      run.kill();
      expect(await run.exit).toBeNull();
      expect(await wholeVersion(path)).toBe(400);
      const round = await wholeFields(path);
      seen.push(`v${(await openDataset(path)).manifest.version}/round ${round}`);
    }
    await cleanupDataset(path, { graceMs: 0 });
    await expectOnlyItsFiles(path);
    console.log(
      `${delays.length} kills of add-field/update at ${delays.join(", ")} ms: seen ${seen.join(", ")}; 0 torn, nothing left`,
    );
  });
});

describe("a writer killed with SIGKILL", () => {
  it("leaves one whole version each time, and nothing once the next write has run", async () => {
    expect(existsSync(dist), "the package is built before its tests").toBe(true);
    const path = join(scratch, "bundle");
    await writeDataset(path, versioned(1, 400), { chunkShape: [16, 16, 3] });
    const delays = [40, 90, 150, 220, 300, 380, 470, 560];
    const seen: number[] = [];
    for (const delay of delays) {
      const run = writer(path);
      await run.started;
      await new Promise((done) => setTimeout(done, delay));
      run.kill();
      expect(await run.exit).toBeNull();
      seen.push(await wholeVersion(path));
    }
    // The next write (here an overwrite) clears what the dead writers left, and so does cleanup.
    await writeDataset(path, versioned(99, 10), {
      overwrite: true,
      chunkShape: [16, 16, 3],
      graceMs: 0,
    });
    await cleanupDataset(path, { graceMs: 0 });
    await expectOnlyItsFiles(path);
    expect(readdirSync(scratch).filter((f) => f.includes(".tt-"))).toEqual([]);
    console.log(
      `${delays.length} kills at ${delays.join(", ")} ms: row counts seen ${seen.join(", ")}; 0 torn, nothing left`,
    );
  });
});
