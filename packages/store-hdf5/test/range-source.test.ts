/**
 * Sources read by byte ranges (HTTP on Node and in a web worker; a counting reader over a file):
 * a file is opened and read by few, small requests, never whole. On Node an http(s) URL is read
 * through a worker thread (served here from another thread); a worker's synchronous
 * XMLHttpRequest is run by the viewer's end-to-end test in Chromium.
 */

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isTensorToolsError } from "@tt/schema";
import { createHttpStore } from "@tt/storage";
import { type DirectoryServer, serveDirectory } from "@tt/test-fixtures";
import h5wasm from "h5wasm/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hdf5Store, httpRangeSource, openHdf5Array, pagedSource } from "../src/index.js";

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

describe("an HDF5 file over HTTP on Node", () => {
  let server: DirectoryServer;
  beforeAll(async () => {
    server = await serveDirectory(folder);
  });
  afterAll(() => server.close());

  /** Bytes the server sent since `from` requests, and how many requests. */
  const sentSince = (from: number) => {
    const served = server.served.slice(from);
    return { requests: served.length, bytes: served.reduce((n, r) => n + r.bytes, 0) };
  };

  it("opens a 20 MB file by URL and reads two rows by a few ranges, never the file whole", async () => {
    const before = server.served.length;
    const array = await openHdf5Array(`${server.url}rows.h5`, "/rows");
    expect(array.metadata.shape).toEqual([ROWS, COLUMNS]);
    const rows = (await array.read([[1234, 7], null])) as Float32Array;
    expect(rows[0]).toBe((1234 * COLUMNS) % 9973);
    expect(rows[COLUMNS]).toBe((7 * COLUMNS) % 9973);
    array.close();
    const { requests, bytes: sent } = sentSince(before);
    expect(
      server.served.slice(before).every((r) => r.method === "HEAD" || r.range !== undefined),
    ).toBe(true);
    expect(requests).toBeLessThan(30);
    expect(sent).toBeLessThan(bytes.length / 20);
  });

  it("reads through the HDF5 store over an HTTP key-value store by ranges", async () => {
    const before = server.served.length;
    const array = await hdf5Store.open(createHttpStore(server.url), "rows.h5:/rows");
    const values = (await array.read([
      { start: 10, stop: 12 },
      { start: 0, stop: 3 },
    ])) as Float32Array;
    expect(Array.from(values)).toEqual(
      [
        10 * COLUMNS,
        10 * COLUMNS + 1,
        10 * COLUMNS + 2,
        11 * COLUMNS,
        11 * COLUMNS + 1,
        11 * COLUMNS + 2,
      ].map((i) => i % 9973),
    );
    expect(sentSince(before).bytes).toBeLessThan(bytes.length / 20);
  });

  it("names the URL when the file is missing or the server cannot be reached", async () => {
    await expect(openHdf5Array(`${server.url}nothing.h5`, "/rows")).rejects.toThrow(
      /nothing\.h5.*answered 404 to HEAD/,
    );
    await expect(openHdf5Array("http://127.0.0.1:9/rows.h5", "/rows")).rejects.toThrow(
      /127\.0\.0\.1:9\/rows\.h5.*cannot be read/,
    );
  });
});
