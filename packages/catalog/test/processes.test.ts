/**
 * Several processes on one catalog file, on the built package: two processes registering 100 runs
 * each at once lose none; a process killed with SIGKILL in the middle of registrations leaves the
 * catalog consistent (integrity and foreign keys check, every run whole or absent), and the next
 * process registers on.
 */

import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { temporaryDirectory } from "@tt/test-fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openCatalog } from "../src/index.js";
import { writeSmallDataset } from "./bundles.js";

const dist = pathToFileURL(resolve(import.meta.dirname, "../dist/index.js")).href;
const dir = temporaryDirectory("tt-catalog-processes-");
let script: string;
beforeAll(async () => {
  await writeSmallDataset(join(dir.path, "in"), "a");
  await writeSmallDataset(join(dir.path, "out"), "b");
  script = join(dir.path, "register.mjs");
  // argv: catalog, tag, runs (0: until killed); prints "started" after its first run.
  writeFileSync(
    script,
    `import { openCatalog } from ${JSON.stringify(dist)};
const [catalogPath, tag, runs, inDir, outDir] = process.argv.slice(2);
const catalog = openCatalog(catalogPath);
for (let i = 0; Number(runs) === 0 || i < Number(runs); i++) {
  const id = await catalog.startRun({
    transform: tag, libraryVersion: "test", params: { i, pad: "x".repeat(2000) },
    inputs: [{ location: inDir }, { location: inDir, selectors: [{ op: "slice", axis: "instance", start: i }] }],
  });
  await catalog.finishRun(id, [outDir]);
  if (i === 0) process.stdout.write("started\\n");
}
catalog.close();
`,
  );
});
afterAll(() => dir.cleanup());

/** Runs the registering script; resolves its exit code, or kills it `killAfterMs` after it started. */
function register(catalogPath: string, tag: string, runs: number, killAfterMs?: number) {
  const child = spawn(
    process.execPath,
    [script, catalogPath, tag, String(runs), join(dir.path, "in"), join(dir.path, "out")],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  if (killAfterMs !== undefined)
    child.stdout.once("data", () => setTimeout(() => child.kill("SIGKILL"), killAfterMs));
  return new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
}

/** The invariants of a consistent catalog. */
function checkConsistent(catalogPath: string) {
  const catalog = openCatalog(catalogPath);
  try {
    const db = catalog.database;
    expect(db.prepare("PRAGMA integrity_check").get()).toMatchObject({ integrity_check: "ok" });
    expect(db.prepare("PRAGMA foreign_key_check").all()).toEqual([]);
    const runs = db.prepare("SELECT id, status FROM runs").all() as {
      id: number;
      status: string;
    }[];
    // Every run has both its inputs (written with it in one transaction), done runs their output.
    const inputs = db.prepare("SELECT count(*) AS n FROM run_inputs WHERE run_id = ?");
    const outputs = db.prepare("SELECT count(*) AS n FROM run_outputs WHERE run_id = ?");
    for (const run of runs) {
      expect((inputs.get(run.id) as { n: number }).n, `run ${run.id}`).toBe(2);
      if (run.status === "done") expect((outputs.get(run.id) as { n: number }).n).toBe(1);
    }
    return runs;
  } finally {
    catalog.close();
  }
}

describe("processes", () => {
  it("two processes registering 100 runs each at once lose none", async () => {
    const path = join(dir.path, "shared.db");
    openCatalog(path).close();
    const codes = await Promise.all([register(path, "p1", 100), register(path, "p2", 100)]);
    expect(codes).toEqual([0, 0]);
    const runs = checkConsistent(path);
    expect(runs.filter((r) => r.status === "done")).toHaveLength(200);
    const catalog = openCatalog(path);
    const byTag = catalog.database
      .prepare(
        "SELECT transform, count(*) AS n, count(DISTINCT json_extract(params, '$.i')) AS i FROM runs GROUP BY transform",
      )
      .all();
    expect(byTag).toEqual([
      { transform: "p1", n: 100, i: 100 },
      { transform: "p2", n: 100, i: 100 },
    ]);
    expect(catalog.versions("in").map((v) => v.version)).toEqual([1]);
    catalog.close();
  }, 120_000);

  it("kill -9 during registrations leaves the catalog consistent, and the next process goes on", async () => {
    const path = join(dir.path, "killed.db");
    openCatalog(path).close();
    let before = 0;
    for (const delay of [0, 5, 20, 60, 150]) {
      expect(await register(path, `k${delay}`, 0, delay)).toBeNull();
      const runs = checkConsistent(path);
      expect(runs.length).toBeGreaterThan(before);
      before = runs.length;
    }
    expect(await register(path, "after", 3)).toBe(0);
    const runs = checkConsistent(path);
    expect(runs.length).toBe(before + 3);
  }, 120_000);
});
