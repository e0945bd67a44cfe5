/**
 * Fields end to end: a bundle of events with three fields (the waveform as `data`, a spectrogram
 * event x freq x time, a feature vector) built by adding fields one at a time, updated in place
 * for some ids, concatenated with another, queried, decomposed on a chosen field, and traced
 * back by `reopenInput`; bundles of earlier schemas open with their one field.
 */

import { join } from "node:path";
import { fixture } from "@tt/test-fixtures";
import { describe, expect, it } from "vitest";
import {
  type AxisAnnotatedTensor,
  addField,
  columnFromCells,
  concatDatasets,
  createTensor,
  decompose,
  isTensorToolsError,
  MetaTable,
  openDataset,
  reopenInput,
  updateInstances,
  writeDataset,
} from "../src/index.js";
import { scratchDirectory } from "./helpers.js";

const scratch = scratchDirectory("tt-fields-");
const FREQS = 5;
const TIMES = 4;
const FEATURES = 6;
const SAMPLES = 12;

/** A deterministic, irregular value for element `k` of a field of recording `seed`. */
const value = (seed: number, k: number) => Math.sin(seed * 7.1 + k * 1.37) + 0.05 * ((k * 13) % 7);

/** The events of recording `name`: ids, labels, and the three fields' values. */
function recording(name: string, n: number, seed: number) {
  const ids = Array.from({ length: n }, (_, i) => `${name}-e${i}`);
  const label = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? "spike" : "noise"));
  const waveform = createTensor({
    data: Float32Array.from({ length: n * SAMPLES }, (_, k) => value(seed, k)),
    shape: [n, SAMPLES],
    axes: ["event", "sample"],
    axisIndex: { event: ids },
    axisMeta: { event: MetaTable.fromColumns({ label: columnFromCells("string", label) }) },
  });
  const spectrogram = createTensor({
    data: Float64Array.from({ length: n * FREQS * TIMES }, (_, k) => value(seed + 1, k) ** 2),
    shape: [n, FREQS, TIMES],
    axes: ["event", "freq", "time"],
    axisIndex: { event: ids, freq: [4, 8, 16, 32, 64] },
  });
  const features = createTensor({
    data: Float64Array.from({ length: n * FEATURES }, (_, k) => value(seed + 2, k) * (1 + (k % 3))),
    shape: [n, FEATURES],
    axes: ["event", "feature"],
  });
  return { ids, label, waveform, spectrogram, features };
}

/** Writes the recording's waveform, then adds its spectrogram and features one at a time. */
async function build(name: string, n: number, seed: number) {
  const path = join(scratch, name);
  const parts = recording(name, n, seed);
  await writeDataset(path, parts.waveform, { chunkShape: [4, SAMPLES] });
  await addField(path, "spectrogram", parts.spectrogram, { chunkShape: [4, FREQS, TIMES] });
  await addField(path, "features", parts.features);
  return { path, ...parts };
}

/** Rows `rows` of a C-order tensor as a list of lists. */
function rowsOf(tensor: AxisAnnotatedTensor, rows: readonly number[]): number[][] {
  const slab = tensor.shape.slice(1).reduce((a, b) => a * b, 1);
  return rows.map((row) =>
    Array.from(tensor.data.subarray(row * slab, (row + 1) * slab) as Float64Array),
  );
}

describe("a bundle with three fields", () => {
  it("is built one field at a time, updated in place, concatenated, queried and decomposed", async () => {
    const a = await build("rec-a", 10, 1);
    const b = await build("rec-b", 7, 2);
    const dataset = await openDataset(a.path);
    expect(dataset.fields).toEqual(["data", "spectrogram", "features"]);
    expect(dataset.manifest.history!.map((entry) => entry.change.kind)).toEqual([
      "write",
      "add_field",
    ]);
    expect(dataset.manifest.change).toMatchObject({ kind: "add_field", field: "features" });

    // A query selects instances; the field view keeps them, and reads only its own array.
    const spikes = dataset.query("event", "label == 'spike'");
    const spectra = spikes.field("spectrogram");
    expect(spectra.axes).toEqual(["event", "freq", "time"]);
    expect(spectra.ids("event")).toEqual(["rec-a-e0", "rec-a-e3", "rec-a-e6", "rec-a-e9"]);
    expect(Array.from(spectra.ids("freq") as ArrayLike<number>)).toEqual([4, 8, 16, 32, 64]);
    const read = await spectra.materialize();
    expect(rowsOf(read, [0, 1, 2, 3])).toEqual(rowsOf(a.spectrogram, [0, 3, 6, 9]));
    expect(read.axisMeta.event!.column("label").values).toEqual([
      "spike",
      "spike",
      "spike",
      "spike",
    ]);
    expect(spectra.toJSON()).toEqual({
      selectors: [{ op: "query", axis: "event", expr: "label == 'spike'" }],
      field: "spectrogram",
    });
    let blocks = 0;
    for await (const block of spectra.blocks({ size: 3 })) {
      expect(rowsOf(block.tensor, [0])).toEqual(
        rowsOf(a.spectrogram, [[0, 3, 6, 9][block.start]!]),
      );
      blocks++;
    }
    expect(blocks).toBe(2);

    // PCA of the features field equals PCA of the same values as a tensor.
    const pca = await decompose(dataset, "pca", { field: "features", rank: 2 });
    const direct = await decompose(a.features, "pca", { rank: 2 });
    expect(pca.config.field).toBe("features");
    expect(pca.inputRef.field).toBe("features");
    const scores = (result: typeof pca, k: number) =>
      Array.from(result.factorTables.instance!.column(`score_${k}`).values as Float64Array);
    for (const k of [1, 2]) {
      const ours = scores(pca, k);
      const theirs = scores(direct, k);
      const sign = Math.sign(ours[0]!) * Math.sign(theirs[0]!);
      for (const [i, x] of ours.entries()) expect(x).toBeCloseTo(sign * theirs[i]!, 10);
    }
    expect((await reopenInput(pca)).fieldName).toBe("features");

    // Updating another field leaves the result valid; updating its field makes it stale.
    const newSpectra = new Float64Array(2 * FREQS * TIMES).fill(-1);
    await updateInstances(a.path, "spectrogram", ["rec-a-e3", "rec-a-e8"], newSpectra);
    expect((await reopenInput(pca)).shape).toEqual([10, FEATURES]);
    const updated = await openDataset(a.path);
    expect(updated.manifest.change).toEqual({
      kind: "update",
      field: "spectrogram",
      n_instances: 2,
    });
    const after = await updated.field("spectrogram").materialize();
    expect(rowsOf(after, [3, 8])).toEqual([new Array(20).fill(-1), new Array(20).fill(-1)]);
    expect(rowsOf(after, [0, 9])).toEqual(rowsOf(a.spectrogram, [0, 9]));
    await updateInstances(a.path, "features", ["rec-a-e1"], new Float64Array(FEATURES).fill(3));
    const stale = await reopenInput(pca).catch((error: unknown) => error);
    expect(isTensorToolsError(stale, "input-changed")).toBe(true);
    expect((stale as Error).message).toMatch(/update of field 'features' \(1 instances\)/);

    // Concatenation carries every field, the instances of a then b.
    const out = join(scratch, "both");
    const { manifest } = await concatDatasets([a.path, b.path], { out });
    expect(Object.keys(manifest.fields!)).toEqual(["spectrogram", "features"]);
    const both = await openDataset(out);
    expect(both.fields).toEqual(["data", "spectrogram", "features"]);
    const spectraBoth = await both.field("spectrogram").materialize();
    expect(spectraBoth.shape).toEqual([17, FREQS, TIMES]);
    expect(rowsOf(spectraBoth, [3])).toEqual([new Array(20).fill(-1)]);
    expect(rowsOf(spectraBoth, [10, 16])).toEqual(rowsOf(b.spectrogram, [0, 6]));
    const featuresBoth = await both
      .query("event", "source_dataset_id == 'rec-b'")
      .field("features")
      .materialize();
    expect(rowsOf(featuresBoth, [0, 6])).toEqual(rowsOf(b.features, [0, 6]));
    expect(both.field("spectrogram").ids("event")).toEqual(both.ids("event"));
  });

  it("refuses what does not fit, with typed errors that say what and where", async () => {
    const a = await build("rec-c", 4, 3);
    const dataset = await openDataset(a.path);
    const missing = (() => {
      try {
        dataset.field("spectra");
      } catch (error) {
        return error as Error;
      }
    })();
    expect(isTensorToolsError(missing, "not-found")).toBe(true);
    expect(missing!.message).toMatch(
      /has no field 'spectra'; its fields are data, spectrogram, features/,
    );
    expect(() => dataset.multiply(2).field("features")).toThrow(/delayed operations/);
    const badField = await decompose(dataset, "pca", { field: 3, rank: 1 }).catch(
      (e: unknown) => e,
    );
    expect(isTensorToolsError(badField, "config")).toBe(true);
    // A bundle without the field cannot be concatenated with one that has it.
    const plain = join(scratch, "plain");
    await writeDataset(plain, recording("plain", 2, 4).waveform);
    const refused = await concatDatasets([a.path, plain], { out: join(scratch, "mixed") }).catch(
      (e: unknown) => e,
    );
    expect(isTensorToolsError(refused, "data")).toBe(true);
    expect((refused as Error).message).toMatch(/input 1 \('plain'.*has no field 'spectrogram'/);
    const only = await concatDatasets([a.path, plain], { out: join(scratch, "mixed"), fields: [] });
    expect(only.manifest.fields).toBeUndefined();
  });

  it("opens bundles of earlier schemas with the one field they have", async () => {
    const old = await openDataset(fixture("bundles-0.1.0/dataset-0.1.0"));
    expect(old.fields).toEqual(["data"]);
    expect(old.fieldName).toBe("data");
    expect(old.field("data").shape).toEqual(old.shape);
    expect(() => old.field("spectrogram")).toThrow(/no field 'spectrogram'; its fields are data/);
  });
});
