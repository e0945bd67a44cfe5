import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  hashIds,
  hashManifest,
  InputChangedError,
  isTensorToolsError,
  type Manifest,
} from "../src/index.js";

/** The reference: SHA-256 of `text` by node:crypto, in the `sha256:<hex>` form. */
const sha256 = (text: string) => `sha256:${createHash("sha256").update(text).digest("hex")}`;

const manifest: Manifest = {
  schema_version: "0.1.0",
  tensor_name: "data",
  shape: [2, 3],
  dtype: "float32",
  axes: ["instance", "channel"],
  axis_index_columns: { instance: "instance_id" },
  meta_files: { instance: "meta/instance.parquet" },
  array_store: "arrays/data.zarr",
  attrs: { b: 1, a: [true, null, "é"] },
};

describe("hashManifest", () => {
  it("hashes the canonical JSON: keys sorted at every level, no whitespace", async () => {
    const canonical =
      '{"array_store":"arrays/data.zarr","attrs":{"a":[true,null,"é"],"b":1},' +
      '"axes":["instance","channel"],"axis_index_columns":{"instance":"instance_id"},' +
      '"dtype":"float32","meta_files":{"instance":"meta/instance.parquet"},' +
      '"schema_version":"0.1.0","shape":[2,3],"tensor_name":"data"}';
    expect(await hashManifest(manifest)).toBe(sha256(canonical));
  });

  it("does not depend on key order, and changes with any value", async () => {
    const reordered = Object.fromEntries(Object.entries(manifest).reverse()) as Manifest;
    expect(await hashManifest(reordered)).toBe(await hashManifest(manifest));
    expect(await hashManifest({ ...manifest, shape: [3, 3] })).not.toBe(
      await hashManifest(manifest),
    );
  });
});

describe("hashIds", () => {
  it("hashes the count and the ids as JSON, bigints as decimal strings", async () => {
    expect(await hashIds(["a", "b"], 2)).toBe(sha256('{"count":2,"ids":["a","b"]}'));
    expect(await hashIds(Int32Array.of(1, 2), 2)).toBe(sha256('{"count":2,"ids":[1,2]}'));
    expect(await hashIds(BigInt64Array.of(1n, 2n ** 62n), 2)).toBe(
      sha256(`{"count":2,"ids":["1","${2n ** 62n}"]}`),
    );
    expect(await hashIds(undefined, 5)).toBe(sha256('{"count":5}'));
  });

  it("tells apart ids that a plain join would confuse", async () => {
    expect(await hashIds(["a,b", "c"], 2)).not.toBe(await hashIds(["a", "b,c"], 2));
    expect(await hashIds([1, 2], 2)).not.toBe(await hashIds(["1", "2"], 2));
    expect(await hashIds(["b", "a"], 2)).not.toBe(await hashIds(["a", "b"], 2));
  });

  it("refuses ids whose length is not the count", async () => {
    await expect(hashIds(["a"], 2)).rejects.toThrow("ids: has 1 entries for 2 elements");
  });
});

describe("InputChangedError", () => {
  it("carries the location and what changed", () => {
    const error = new InputChangedError("/data/eeg", "ids", "the ids differ");
    expect(isTensorToolsError(error, "input-changed")).toBe(true);
    expect(error.location).toBe("/data/eeg");
    expect(error.what).toBe("ids");
    expect(error.message).toBe("the input at /data/eeg has changed (ids): the ids differ");
  });
});
