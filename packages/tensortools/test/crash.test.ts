/**
 * Crash safety of every write: the writer is killed at each of its file-system steps in turn
 * (every write, sync, link, rename, mkdir and removal); after each crash the path holds the old
 * bundle or the new one, never a torn or mixed one, and after the next run of the same write
 * nothing is left over: no temporary siblings, no files of other versions, no writer records.
 */

import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { annotateDataset, cleanupDataset } from "@tt/bundle/fs";
import { afterAll, describe, expect, it } from "vitest";
import {
  type AxisAnnotatedTensor,
  addField,
  appendDataset,
  columnFromCells,
  concatDatasets,
  createTensor,
  type DecompositionResult,
  decompose,
  isTensorToolsError,
  MetaTable,
  openDataset,
  openResult,
  updateInstances,
  writeDataset,
  writeResult,
} from "../src/index.js";
import { buryWriters, runKilledAt } from "./crash-harness.js";

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});
/** A fresh directory, removed after the file's tests. */
function temporaryDirectory(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

/** A 6 x 4 x 2 tensor whose every value, id and label says which version wrote it. */
function tensorOf(version: number, instances = 6, prefix = "e"): AxisAnnotatedTensor {
  const data = Float32Array.from({ length: instances * 8 }, (_, i) => version * 1000 + i);
  return createTensor({
    data,
    shape: [instances, 4, 2],
    axes: ["instance", "sample", "channel"],
    axisIndex: {
      instance: Array.from({ length: instances }, (_, i) => `${prefix}${version}-${i}`),
    },
    axisMeta: {
      instance: MetaTable.fromColumns({
        version: columnFromCells("int32", new Array(instances).fill(version)),
      }),
    },
  });
}

/** What a reader of the dataset at `path` sees, or "none". */
async function datasetState(path: string): Promise<string> {
  let dataset: Awaited<ReturnType<typeof openDataset>>;
  try {
    dataset = await openDataset(path);
  } catch (error) {
    if (isTensorToolsError(error, "not-found")) return "none";
    throw error;
  }
  const data = Array.from((await dataset.read([])) as Float32Array);
  const versions = new Set(
    Array.from(dataset.meta("instance").column("version").values as Int32Array),
  );
  const ids = dataset.ids("instance") as string[];
  // Every part of what is read must come from one version: data, metadata and ids agree.
  return JSON.stringify({
    n: dataset.shape[0],
    versions: [...versions],
    ids,
    data: data.slice(0, 3),
    last: data.at(-1),
  });
}

/** What a reader of the result at `path` sees, or "none". */
async function resultState(path: string): Promise<string> {
  try {
    const result = await openResult(path);
    return JSON.stringify({
      note: result.attrs.note,
      scores: result.factorTables.instance!.column("score_1").values,
    });
  } catch (error) {
    if (isTensorToolsError(error, "not-found")) return "none";
    throw error;
  }
}

/** The files under `dir`, relative, sorted. */
function filesUnder(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((name) => statSync(join(dir, name)).isFile())
    .sort();
}

/** Checks that `path` holds exactly its manifest and the files its inventory lists. */
async function expectNoLeftovers(
  parent: string,
  name: string,
  inventory: Record<string, unknown>,
  what: string,
) {
  expect(
    readdirSync(parent).filter((entry) => entry.includes(name)),
    what,
  ).toEqual([name]);
  expect(filesUnder(join(parent, name)), what).toEqual(
    ["manifest.json", ...Object.keys(inventory)].sort(),
  );
}

interface Scenario {
  /** Writes what must exist before the write under test; returns the state readers see then. */
  before(dir: string): Promise<void>;
  /** The write under test. */
  write(dir: string): Promise<unknown>;
  /** What readers see. */
  state(dir: string): Promise<string>;
  /** The same write, run again to completion after a crash (replacing what is there). */
  again(dir: string): Promise<unknown>;
  /** The inventory of what is at the path now. */
  inventory(dir: string): Promise<Record<string, unknown>>;
}

const target = (dir: string) => join(dir, "out");
const datasetInventory = async (dir: string) =>
  (await openDataset(target(dir))).manifest.inventory!;
const resultInventory = async (dir: string) => {
  const { readFile } = await import("node:fs/promises");
  return JSON.parse(await readFile(join(target(dir), "manifest.json"), "utf8")).inventory;
};
const extra = tensorOf(9, 3, "x");
const notes = () =>
  MetaTable.fromColumns({
    instance_id: columnFromCells("string", ["e1-0", "e1-3"]),
    note: columnFromCells("string", ["blink", "drift"]),
  });

let results: [DecompositionResult, DecompositionResult] | undefined;
async function twoResults(): Promise<[DecompositionResult, DecompositionResult]> {
  if (results) return results;
  const scratch = temporaryDirectory("tt-crash-input-");
  await writeDataset(join(scratch, "input"), tensorOf(1));
  const view = await openDataset(join(scratch, "input"));
  const first = await decompose(
    view,
    "pca",
    { rank: 2 },
    { kernels: { backend: "js", threads: 1 } },
  );
  const second = { ...first, attrs: { ...first.attrs, note: "second" } };
  results = [{ ...first, attrs: { ...first.attrs, note: "first" } }, second];
  return results;
}

/** A field of 5 instances x 3 whose values say which version wrote them. */
const spectra = (version: number) =>
  createTensor({
    data: Float64Array.from({ length: 15 }, (_, i) => version * 100 + i),
    shape: [5, 3],
    axes: ["instance", "freq"],
  });

/** What a reader sees of the dataset and of its field `name` (null when it has none). */
async function fieldState(path: string, name: string): Promise<string> {
  const dataset = await openDataset(path);
  const has = dataset.fields?.includes(name) ?? false;
  const values = has
    ? Array.from((await dataset.field(name).materialize()).data as Float64Array)
    : null;
  return JSON.stringify({ whole: await datasetState(path), fields: dataset.fields, values });
}

const SCENARIOS: Record<string, Scenario> = {
  "an added field": {
    before: (dir) =>
      writeDataset(target(dir), tensorOf(1, 5), { chunkShape: [2, 4, 2] }).then(() => {}),
    write: (dir) =>
      addField(target(dir), "spectra", spectra(1), { chunkShape: [2, 3], graceMs: 0 }),
    state: (dir) => fieldState(target(dir), "spectra"),
    again: async (dir) => {
      if ((await openDataset(target(dir))).fields?.includes("spectra"))
        await cleanupDataset(target(dir), { graceMs: 0 });
      else await addField(target(dir), "spectra", spectra(1), { chunkShape: [2, 3], graceMs: 0 });
    },
    inventory: datasetInventory,
  },
  "an update of instances": {
    before: async (dir) => {
      await writeDataset(target(dir), tensorOf(1, 5), { chunkShape: [2, 4, 2] });
      await addField(target(dir), "spectra", spectra(1), { chunkShape: [2, 3], graceMs: 0 });
    },
    // Instances 0 and 4 live in different chunks: both or neither must change.
    write: (dir) =>
      updateInstances(target(dir), "spectra", ["e1-4", "e1-0"], new Float64Array(6).fill(-7), {
        graceMs: 0,
      }),
    state: (dir) => fieldState(target(dir), "spectra"),
    again: async (dir) => {
      const { manifest } = await openDataset(target(dir));
      if (manifest.change?.kind === "update") await cleanupDataset(target(dir), { graceMs: 0 });
      else
        await updateInstances(
          target(dir),
          "spectra",
          ["e1-4", "e1-0"],
          new Float64Array(6).fill(-7),
          {
            graceMs: 0,
          },
        );
    },
    inventory: datasetInventory,
  },
  "a new dataset": {
    before: async () => {},
    write: (dir) => writeDataset(target(dir), tensorOf(2), { chunkShape: [2, 4, 2] }),
    state: (dir) => datasetState(target(dir)),
    again: (dir) =>
      writeDataset(target(dir), tensorOf(2), {
        chunkShape: [2, 4, 2],
        overwrite: true,
        graceMs: 0,
      }),
    inventory: datasetInventory,
  },
  "an overwrite": {
    before: (dir) =>
      writeDataset(target(dir), tensorOf(1), { chunkShape: [2, 4, 2] }).then(() => {}),
    write: (dir) =>
      writeDataset(target(dir), tensorOf(2, 5), {
        chunkShape: [2, 4, 2],
        overwrite: true,
        graceMs: 0,
      }),
    state: (dir) => datasetState(target(dir)),
    again: (dir) =>
      writeDataset(target(dir), tensorOf(2, 5), {
        chunkShape: [2, 4, 2],
        overwrite: true,
        graceMs: 0,
      }),
    inventory: datasetInventory,
  },
  "an append": {
    before: (dir) =>
      writeDataset(target(dir), tensorOf(1, 5), { chunkShape: [2, 4, 2] }).then(() => {}),
    write: (dir) =>
      appendDataset(
        target(dir),
        [{ data: extra.data, ids: extra.axisIndex.instance, meta: extra.axisMeta.instance }],
        { graceMs: 0 },
      ),
    state: (dir) => datasetState(target(dir)),
    // Run again after a crash, the append adds its instances once: to the old version if the
    // crash came before the commit, not at all if after.
    again: async (dir) => {
      const { shape } = await openDataset(target(dir));
      if (shape[0] === 5)
        await appendDataset(
          target(dir),
          [{ data: extra.data, ids: extra.axisIndex.instance, meta: extra.axisMeta.instance }],
          { graceMs: 0 },
        );
      else await cleanupDataset(target(dir), { graceMs: 0 });
    },
    inventory: datasetInventory,
  },
  "an annotation": {
    before: (dir) =>
      writeDataset(target(dir), tensorOf(1, 5), { chunkShape: [2, 4, 2] }).then(() => {}),
    write: (dir) => annotateDataset(target(dir), "instance", notes(), { graceMs: 0 }),
    state: async (dir) => {
      const dataset = await openDataset(target(dir));
      const meta = dataset.meta("instance");
      return JSON.stringify({
        whole: await datasetState(target(dir)),
        note: meta.has("note") ? meta.column("note").values : null,
      });
    },
    again: async (dir) => {
      if ((await openDataset(target(dir))).meta("instance").has("note"))
        await cleanupDataset(target(dir), { graceMs: 0 });
      else await annotateDataset(target(dir), "instance", notes(), { graceMs: 0 });
    },
    inventory: datasetInventory,
  },
  "a concatenation": {
    before: async (dir) => {
      await writeDataset(join(dir, "a"), tensorOf(1, 3, "a"));
      await writeDataset(join(dir, "b"), tensorOf(1, 2, "b"));
    },
    write: (dir) =>
      concatDatasets([join(dir, "a"), join(dir, "b")], { out: target(dir), chunkShape: [2, 4, 2] }),
    state: (dir) => datasetState(target(dir)),
    again: (dir) =>
      concatDatasets([join(dir, "a"), join(dir, "b")], {
        out: target(dir),
        chunkShape: [2, 4, 2],
        overwrite: true,
        graceMs: 0,
      }),
    inventory: datasetInventory,
  },
  "a new result": {
    before: async () => {
      await twoResults();
    },
    write: async (dir) => writeResult(target(dir), (await twoResults())[0]),
    state: (dir) => resultState(target(dir)),
    again: async (dir) => writeResult(target(dir), (await twoResults())[0], { overwrite: true }),
    inventory: resultInventory,
  },
  "a result overwrite": {
    before: async (dir) => {
      await writeResult(target(dir), (await twoResults())[0]);
    },
    write: async (dir) => writeResult(target(dir), (await twoResults())[1], { overwrite: true }),
    state: (dir) => resultState(target(dir)),
    again: async (dir) => writeResult(target(dir), (await twoResults())[1], { overwrite: true }),
    inventory: resultInventory,
  },
};

/** Figures for the closing note: crash points run and bundles torn, per scenario. */
const figures: string[] = [];

describe("a writer killed at every step", () => {
  for (const [name, scenario] of Object.entries(SCENARIOS)) {
    it(`leaves the old or the new bundle, and nothing after the next run: ${name}`, async () => {
      const probe = temporaryDirectory("tt-crash-");
      await scenario.before(probe);
      const old = await scenario.state(probe);
      const { steps } = await runKilledAt(Number.POSITIVE_INFINITY, () => scenario.write(probe));
      const fresh = await scenario.state(probe);
      expect(fresh).not.toBe(old);
      let torn = 0;
      for (let step = 1; step <= steps; step++) {
        const dir = temporaryDirectory(`tt-crash-${step}-`);
        await scenario.before(dir);
        const { killed } = await runKilledAt(step, () => scenario.write(dir));
        expect(killed, `step ${step} of ${steps}`).toBe(true);
        await buryWriters(dir);
        const seen = await scenario.state(dir);
        if (seen !== old && seen !== fresh) torn++;
        expect([old, fresh], `after a kill at step ${step} of ${steps}`).toContain(seen);
        await scenario.again(dir);
        expect(await scenario.state(dir), `the next run after step ${step}`).toBe(fresh);
        await expectNoLeftovers(dir, "out", await scenario.inventory(dir), `after step ${step}`);
      }
      figures.push(`${name}: ${steps} crash points, ${torn} torn`);
    });
  }

  it("prints the figures", () => {
    console.log(`crash points per write (each killed once):\n  ${figures.join("\n  ")}`);
    expect(figures).toHaveLength(Object.keys(SCENARIOS).length);
  });
});
