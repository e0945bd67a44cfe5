/**
 * Sources read by byte ranges (HTTP in a web worker; here a counting reader over a file): a file
 * is opened and read by few, small requests, never whole. `httpRangeSource` itself needs a
 * worker's synchronous XMLHttpRequest: the viewer's end-to-end test runs it in Chromium.
 */

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isTensorToolsError } from "@tt/schema";
import h5wasm from "h5wasm/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpRangeSource, openHdf5Array, pagedSource } from "../src/index.js";

const ROWS = 2000;
const COLUMNS = 2500;
let folder: string;
let bytes: Uint8Array;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), "tt-hdf5-range-"));
  const path = join(folder, "rows.h5");
  await h5wasm.ready;
  const file = new h5wasm.File(path, "w");
  const data = Float32Array.from({ length: ROWS * COLUMNS }, (_, i) => i % 9973);
  file.create_dataset({ name: "rows", data, shape: [ROWS, COLUMNS], chunks: [10, COLUMNS] });
  file.close();
  bytes = new Uint8Array(readFileSync(path));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A paged source over the file's bytes that counts the ranges asked for. */
function counted() {
  const ranges: [number, number][] = [];
  const source = pagedSource("rows.h5", bytes.length, (offset, length) => {
    ranges.push([offset, length]);
    return bytes.slice(offset, offset + length);
  });
  return { source, ranges, fetched: () => ranges.reduce((n, [, length]) => n + length, 0) };
}

describe("pagedSource", () => {
  it("opens a 20 MB file and reads two rows with a few small ranges", async () => {
    const { source, ranges, fetched } = counted();
    const array = await openHdf5Array(source, "/rows");
    const rows = (await array.read([[1234, 7], null])) as Float32Array;
    expect(Array.from(rows.subarray(0, 3))).toEqual([
      (1234 * COLUMNS) % 9973,
      (1234 * COLUMNS + 1) % 9973,
      (1234 * COLUMNS + 2) % 9973,
    ]);
    expect(rows[COLUMNS + 5]).toBe((7 * COLUMNS + 5) % 9973);
    expect(bytes.length).toBeGreaterThan(19_000_000);
    expect(fetched()).toBeLessThan(1_000_000);
    expect(ranges.length).toBeLessThan(20);
    array.close();
  });

  it("reads whole chunks past a page directly, and serves repeats from its pages", async () => {
    const { source, ranges } = counted();
    const target = new Uint8Array(100);
    source.read(target, 10);
    source.read(target, 60);
    expect(ranges).toEqual([[0, 65536]]);
    const large = new Uint8Array(200_000);
    expect(source.read(large, 1000)).toBe(200_000);
    expect(ranges.at(-1)).toEqual([1000, 200_000]);
    expect(large).toEqual(bytes.subarray(1000, 201_000));
    expect(source.read(new Uint8Array(10), bytes.length - 4)).toBe(4);
  });
});

describe("httpRangeSource", () => {
  it("needs a synchronous XMLHttpRequest (a web worker): elsewhere an UnsupportedError", () => {
    let error: unknown;
    try {
      httpRangeSource("http://127.0.0.1:9/rows.h5");
    } catch (caught) {
      error = caught;
    }
    expect(isTensorToolsError(error, "unsupported")).toBe(true);
    expect((error as Error).message).toContain("needs XMLHttpRequest (a web worker)");
  });
});
