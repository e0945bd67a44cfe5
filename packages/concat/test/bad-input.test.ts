/** Bad input, one test per failure mode: which error, and what its message says. */

import { join } from "node:path";
import { openBundle } from "@tt/bundle";
import { isTensorToolsError, type KeyValueStore, type WritableKeyValueStore } from "@tt/schema";
import { createMemoryStore } from "@tt/storage";
import { temporaryDirectory } from "@tt/test-fixtures";
import { describe, expect, it } from "vitest";
import { concatDatasets } from "../src/fs.js";
import { type ConcatOptions, concatBundles } from "../src/index.js";
import { smallBundle } from "./helpers.js";

async function concat(inputs: KeyValueStore[], options: ConcatOptions = {}) {
  const out = createMemoryStore("memory://out");
  const summary = await concatBundles(inputs, { ...options, out });
  return { summary, dataset: await openBundle(out) };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error("expected the concatenation to fail");
  return error;
}

describe("inputs that cannot be concatenated", () => {
  it("no common channels under inner join: names the axis, the column and each input's ids", async () => {
    const a = await smallBundle({ location: "memory://a", channels: ["C1", "C2"] });
    const b = await smallBundle({ location: "memory://b", channels: ["X1", "X2"] });
    const error = await failure(concat([a, b]));
    expect(isTensorToolsError(error, "data")).toBe(true);
    expect(error.message).toBe(
      `axis 'channel': no element is in every input under join "inner" (matched by column 'channel_id'; input 0 ('a' at memory://a): C1, C2; input 1 ('b' at memory://b): X1, X2); use join "outer" or align by another column`,
    );
    const { dataset } = await concat([a, b], { join: "outer" });
    expect(dataset.ids("channel")).toEqual(["C1", "C2", "X1", "X2"]);
  });

  it("duplicate source ids: names both inputs and says how to name them", async () => {
    const a = await smallBundle({ location: "memory://a/run" });
    const b = await smallBundle({ location: "memory://b/run" });
    const error = await failure(concat([a, b]));
    expect(isTensorToolsError(error, "data")).toBe(true);
    expect(error.message).toBe(
      "input 1 ('run' at memory://b/run): has source id 'run', as input 0 (memory://a/run) has; source ids must be unique: pass sourceIds to name the inputs",
    );
    await expect(concat([a, b], { sourceIds: ["x", "x"] })).rejects.toThrow(
      "input 1 ('x' at memory://b/run): has source id 'x', as input 0",
    );
    const { dataset } = await concat([a, b], { sourceIds: ["a", "b"] });
    expect(dataset.ids("instance")).toEqual(["a/e0", "a/e1", "a/e2", "b/e0", "b/e1", "b/e2"]);
  });

  it("an invalid manifest: the error keeps the field and names the input", async () => {
    const good = await smallBundle({ location: "memory://good" });
    const bad = await smallBundle({ location: "memory://bad" });
    const manifest = JSON.parse(new TextDecoder().decode(await bad.get("manifest.json")));
    manifest.shape[2] = "three";
    await bad.set("manifest.json", new TextEncoder().encode(JSON.stringify(manifest)));
    const error = await failure(concat([good, bad]));
    expect(isTensorToolsError(error, "manifest")).toBe(true);
    expect(error.message).toBe(
      `manifest field 'shape[2]': must be a non-negative integer, got string "three" (in input 1 (memory://bad))`,
    );
  });

  it("a missing bundle on disk: a not-found error naming the input", async () => {
    const dir = temporaryDirectory("tt-concat-");
    try {
      const a = join(dir.path, "a");
      await concatDatasets([await smallBundle()], { out: a });
      const error = await failure(
        concatDatasets([a, join(dir.path, "missing")], { out: join(dir.path, "out") }),
      );
      expect(isTensorToolsError(error, "not-found")).toBe(true);
      expect(error.message).toBe(
        `input 1 (${join(dir.path, "missing")}): no manifest.json in ${join(dir.path, "missing")}; is this a tensortools dataset bundle?`,
      );
    } finally {
      dir.cleanup();
    }
  });

  it("a different axis order: names both inputs and both orders", async () => {
    const a = await smallBundle({ location: "memory://a" });
    const b = await smallBundle({
      location: "memory://b",
      axes: ["instance", "channel", "sample"],
    });
    const error = await failure(concat([a, b]));
    expect(isTensorToolsError(error, "data")).toBe(true);
    expect(error.message).toBe(
      "input 1 ('b' at memory://b): has axes [instance, channel, sample] but input 0 ('a' at memory://a) has [instance, sample, channel]; every input needs the same axes in the same order",
    );
  });

  it("concatenating along another axis than the first is unsupported", async () => {
    const a = await smallBundle({ location: "memory://a" });
    const error = await failure(concat([a], { along: "channel" }));
    expect(isTensorToolsError(error, "unsupported")).toBe(true);
    expect(error.message).toBe(
      "can only concatenate along the inputs' first axis 'instance', not 'channel'; transpose the inputs so that 'channel' comes first",
    );
  });

  it("a column with two types: names the column and both inputs", async () => {
    const a = await smallBundle({ location: "memory://a", instanceMeta: { score: [1, 2, 3] } });
    const b = await smallBundle({
      location: "memory://b",
      instanceMeta: { score: ["low", "high", null] },
    });
    const error = await failure(concat([a, b]));
    expect(error.message).toBe(
      "instance column 'score': is float64 in input 0 ('a' at memory://a) but string in input 1 ('b' at memory://b); cast one of them first",
    );
  });

  it("aligned channels whose metadata differs: names the element, the column, both inputs and values", async () => {
    const a = await smallBundle({ location: "memory://a", channelMeta: { x: [1, 2, 3] } });
    const b = await smallBundle({ location: "memory://b", channelMeta: { x: [1, 2, 3.5] } });
    const error = await failure(concat([a, b]));
    expect(isTensorToolsError(error, "data")).toBe(true);
    expect(error.message).toBe(
      "axis 'channel' element 'C3' column 'x': is 3 in input 0 ('a' at memory://a) but 3.5 in input 1 ('b' at memory://b); aligned elements must have the same metadata",
    );
  });

  it("axes without ids must have the same length, or be aligned by a column", async () => {
    const a = await smallBundle({ location: "memory://a", samples: 2 });
    const b = await smallBundle({ location: "memory://b", samples: 3 });
    await expect(concat([a, b])).rejects.toThrow(
      "input 1 ('b' at memory://b) axis 'sample': has 3 elements but input 0 ('a' at memory://a) has 2; axis 'sample' has no id column, so elements are matched by position: give align.sample to match them by a column",
    );
    await expect(concat([a, b], { align: { sample: "time" } })).rejects.toThrow(
      "input 0 ('a' at memory://a) axis 'sample': has no column 'time' to align by; its columns are (none)",
    );
    await expect(concat([a, b], { align: { trial: "id" } })).rejects.toThrow(
      "config 'align.trial': names no axis; the axes are instance, sample, channel",
    );
  });

  it("gaps in an integer output need a fill value", async () => {
    const a = await smallBundle({ location: "memory://a", dtype: "int16", channels: ["C1"] });
    const b = await smallBundle({ location: "memory://b", dtype: "int16", channels: ["C2"] });
    const error = await failure(concat([a, b], { join: "outer" }));
    expect(isTensorToolsError(error, "config")).toBe(true);
    expect(error.message).toBe(
      `config 'fillValue': the output is int16, which cannot hold NaN, and join "outer" leaves gaps; give a fillValue (the mask records the gaps)`,
    );
    await expect(concat([a, b], { join: "outer", fillValue: 1e6 })).rejects.toThrow(
      "config 'fillValue': 1000000 is not a value of int16",
    );
    const { dataset } = await concat([a, b], { join: "outer", fillValue: -1 });
    expect(Array.from((await dataset.read([])) as Int16Array).slice(0, 4)).toEqual([0, -1, 10, -1]);
    expect(Array.from(await dataset.readMask([])).slice(0, 4)).toEqual([1, 0, 1, 0]);
  });

  it("ids kept as they are must not repeat", async () => {
    const a = await smallBundle({ location: "memory://a" });
    const b = await smallBundle({ location: "memory://b" });
    await expect(concat([a, b], { idScheme: "keep" })).rejects.toThrow(
      "instance_id 'e0': is made for an instance of input 0 ('a' at memory://a) and of input 1 ('b' at memory://b); instance ids must be unique",
    );
  });

  it("an output that already holds a bundle is refused; on disk only with overwrite", async () => {
    const a = await smallBundle({ location: "memory://a" });
    const out: WritableKeyValueStore = createMemoryStore("memory://out");
    await concatBundles([a], { out });
    await expect(concatBundles([a], { out })).rejects.toThrow(
      "memory://out already holds a dataset bundle; pass overwrite: true to replace it",
    );
    const dir = temporaryDirectory("tt-concat-");
    try {
      await concatDatasets([a], { out: join(dir.path, "out") });
      const error = await failure(concatDatasets([a], { out: join(dir.path, "out") }));
      expect(isTensorToolsError(error, "exists")).toBe(true);
      await concatDatasets([a], { out: join(dir.path, "out"), overwrite: true });
    } finally {
      dir.cleanup();
    }
  });

  it("no inputs, or an input that is not a dataset, view or store", async () => {
    await expect(concatBundles([], { out: createMemoryStore() })).rejects.toThrow(
      "config 'inputs': give at least one dataset, view or store to concatenate",
    );
    await expect(
      concatBundles([null as unknown as KeyValueStore], { out: createMemoryStore() }),
    ).rejects.toThrow(
      "config 'inputs[0]': must be a view, a dataset or a key-value store, got null",
    );
  });
});
