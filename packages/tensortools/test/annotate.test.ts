/**
 * `annotate`: a result's scores and a cluster label table saved back onto the EEG epochs by id,
 * reopened and queried; prefixes against clashes, replace mode, a result of a subset, and results
 * or tables whose ids the dataset does not have.
 */

import { cp as copyDirectory } from "node:fs/promises";
import { join } from "node:path";
import { eegTensor, writeEegBundle } from "@tt/test-fixtures";
import { beforeAll, describe, expect, it } from "vitest";
import {
  annotate,
  columnFromCells,
  createTensor,
  datasetFromTensor,
  decompose,
  instanceTableOf,
  isTensorToolsError,
  MetaTable,
  openDataset,
  verifyDataset,
} from "../src/index.js";
import { scratchDirectory } from "./helpers.js";

const dir = scratchDirectory("tt-annotate-");
const source = join(dir, "eeg");

/** A fresh copy of the EEG bundle, so that every test starts from the same version. */
async function copyOf(name: string): Promise<string> {
  const path = join(dir, name);
  await copyDirectory(source, path, { recursive: true });
  return path;
}

/** Cluster labels "a"/"b"/"c" by position, for every epoch id of `ids`. */
function clusters(ids: readonly string[]): MetaTable {
  return MetaTable.fromColumns({
    id: columnFromCells("string", ids),
    cluster: columnFromCells(
      "string",
      ids.map((_, i) => "abc"[i % 3]!),
    ),
  });
}

beforeAll(async () => {
  await writeEegBundle(source);
});

describe("annotate with a result", () => {
  it("stores the result's instance columns by instance_id; reopened, the dataset has them and queries on them", async () => {
    const path = await copyOf("scores");
    const dataset = await openDataset(path);
    const result = await decompose(dataset, "pca", { rank: 3 });
    const scores = instanceTableOf(result);
    const manifest = await annotate(dataset, "epoch", result);
    expect(manifest.version).toBeGreaterThan(dataset.manifest.version ?? 0);

    const reopened = await openDataset(path);
    const meta = reopened.meta("epoch");
    const added = scores.columnNames.filter((name) => name !== "instance_id");
    expect(added).toContain("score_1");
    expect(meta.columnNames).toEqual([...dataset.meta("epoch").columnNames, ...added]);
    const ids = reopened.ids("epoch") as string[];
    const scoreIds = scores.column("instance_id").values as string[];
    for (const name of added)
      for (let row = 0; row < scores.numRows; row++)
        expect(meta.get(ids.indexOf(scoreIds[row]!), name)).toEqual(scores.get(row, name));
    const positive = ids.filter((_, row) => (meta.get(row, "score_1") as number) > 0);
    expect(reopened.query("epoch", "score_1 > 0").ids("epoch")).toEqual(positive);
    expect(positive.length).toBeGreaterThan(0);
    expect(positive.length).toBeLessThan(ids.length);
    // The arrays are the old version's files, untouched.
    expect(reopened.manifest.array_store).toBe(dataset.manifest.array_store);
    expect([...(await reopened.read([]))]).toEqual([...(await dataset.read([]))]);
    expect((await verifyDataset(path)).problems).toEqual([]);
  });

  it("gives nulls to the epochs outside the query view the result was computed from", async () => {
    const path = await copyOf("subset");
    const dataset = await openDataset(path);
    const view = dataset.query("epoch", "lock_position == 1");
    const inside = view.ids("epoch") as string[];
    expect(inside.length).toBeGreaterThan(0);
    expect(inside.length).toBeLessThan(dataset.shape[0]!);
    await annotate(path, "epoch", await decompose(view, "pca", { rank: 2 }), { prefix: "pca_" });
    const reopened = await openDataset(path);
    expect(reopened.query("epoch", "pca_score_1.notnull()").ids("epoch")).toEqual(inside);
    const meta = reopened.meta("epoch");
    (reopened.ids("epoch") as string[]).forEach((id, row) => {
      expect(meta.get(row, "pca_score_2") === null, id).toBe(!inside.includes(id));
    });
  });

  it("refuses a result of another dataset, naming its ids and the axis, and writes nothing", async () => {
    const path = await copyOf("foreign");
    const tensor = await eegTensor();
    const n = 6;
    const other = createTensor({
      data: tensor.data.slice(0, n * 384 * 32),
      shape: [n, 384, 32],
      axes: ["epoch", "time", "channel"],
      axisIndex: { epoch: Array.from({ length: n }, (_, i) => `other${i}`) },
    });
    const result = await decompose(other, "pca", { rank: 2 });
    const before = (await openDataset(path)).manifest;
    const error = await annotate(path, "epoch", result).catch((e: unknown) => e);
    expect(isTensorToolsError(error, "data")).toBe(true);
    expect((error as Error).message).toBe(
      `the result's instance table column 'instance_id': 6 ids are not ids of axis 'epoch' of ${path}: "other0", "other1", "other2", "other3", "other4", ...; annotate the dataset the result was computed from`,
    );
    expect((await openDataset(path)).manifest).toEqual(before);
  });
});

describe("annotate with a table", () => {
  it("adds cluster labels by the axis's id column; a prefix avoids a clash, replace mode overwrites", async () => {
    const path = await copyOf("labels");
    const ids = (await openDataset(path)).ids("epoch") as string[];
    await annotate(path, "epoch", clusters(ids));
    expect((await openDataset(path)).query("epoch", "cluster == 'b'").ids("epoch")).toEqual(
      ids.filter((_, i) => i % 3 === 1),
    );

    const clash = await annotate(path, "epoch", clusters(ids)).catch((e: unknown) => e);
    expect(isTensorToolsError(clash, "data")).toBe(true);
    expect((clash as Error).message).toMatch(
      /^meta\/epoch\.[\w.-]*parquet column 'cluster': exists already; choose another name \(or a prefix\), or replace it \(mode "replace"\)$/,
    );
    await annotate(path, "epoch", clusters(ids), { prefix: "review_" });
    const both = await openDataset(path);
    expect(both.meta("epoch").column("review_cluster").values).toEqual(
      both.meta("epoch").column("cluster").values,
    );

    // Replace only the first two epochs' labels; the others keep theirs.
    const relabel = MetaTable.fromColumns({
      id: columnFromCells("string", [ids[0]!, ids[1]!]),
      cluster: columnFromCells("string", ["z", "z"]),
    });
    await annotate(path, "epoch", relabel, { mode: "replace" });
    const replaced = await openDataset(path);
    expect(replaced.query("epoch", "cluster == 'z'").ids("epoch")).toEqual(ids.slice(0, 2));
    expect(replaced.meta("epoch").get(2, "cluster")).toBe("c");
    expect(replaced.meta("epoch").columnNames.filter((c) => c.endsWith("cluster"))).toEqual([
      "cluster",
      "review_cluster",
    ]);
  });

  it("refuses an id the dataset does not have, and a dataset held in memory", async () => {
    const path = await copyOf("unknown");
    const table = clusters(["ep01", "nope"]);
    const error = await annotate(path, "epoch", table).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      `the annotation column 'id': 1 id is not in the dataset: "nope"`,
    );
    const memory = await openDataset(path).then(async (d) =>
      createTensor({ data: await d.read([]), shape: d.shape, axes: d.axes }),
    );
    const inMemory = await annotate(datasetFromTensor(memory), "epoch", table).catch(
      (e: unknown) => e,
    );
    expect(isTensorToolsError(inMemory, "config")).toBe(true);
    expect((inMemory as Error).message).toContain("only a dataset in a directory can be annotated");
  });
});
