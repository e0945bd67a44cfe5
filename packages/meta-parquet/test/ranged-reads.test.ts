/** Reading through a KeyValueStore fetches the footer and the needed column chunks, nothing else. */

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ByteRange, KeyValueStore } from "@tt/schema";
import { createHttpStore, createMemoryStore } from "@tt/storage";
import { parquetMetadata } from "hyparquet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readParquet, writeParquet } from "../src/index.js";
import { expectSameTable, patternTable } from "./tables.js";

const table = patternTable(60_000);
const bytes = writeParquet(table, { rowGroupSize: 20_000 });

/** The byte range of every column chunk, by column name. */
function chunkRanges(): Map<string, ByteRange[]> {
  const ranges = new Map<string, ByteRange[]>();
  for (const group of parquetMetadata(bytes).row_groups) {
    for (const chunk of group.columns) {
      const meta = chunk.meta_data!;
      const offset = Number(meta.dictionary_page_offset ?? meta.data_page_offset);
      const name = meta.path_in_schema[0]!;
      ranges.set(name, [
        ...(ranges.get(name) ?? []),
        { offset, length: Number(meta.total_compressed_size) },
      ]);
    }
  }
  return ranges;
}

/** A memory store holding the file that records every ranged get. */
function recordingStore(): { store: KeyValueStore; gets: ByteRange[] } {
  const inner = createMemoryStore("memory://recording/");
  inner.entries.set("meta.parquet", bytes);
  const gets: ByteRange[] = [];
  const store: KeyValueStore = {
    location: inner.location,
    size: (key, options) => inner.size(key, options),
    get(key, options) {
      if (options?.range === undefined) throw new Error("expected only ranged reads");
      gets.push(options.range);
      return inner.get(key, options);
    },
  };
  return { store, gets };
}

const overlaps = (a: ByteRange, b: ByteRange) =>
  a.offset < b.offset + b.length && b.offset < a.offset + a.length;
const inside = (a: ByteRange, b: ByteRange) =>
  a.offset >= b.offset && a.offset + a.length <= b.offset + b.length;
const footerFetch = (range: ByteRange) => range.offset + range.length === bytes.byteLength;

describe("ranged reads through a KeyValueStore", () => {
  it("reads one column with the footer and that column's chunks only", async () => {
    const { store, gets } = recordingStore();
    const back = await readParquet(store, "meta.parquet", { columns: ["score"] });
    expectSameTable(back, table.select(["score"]));
    const chunks = chunkRanges();
    const wanted = chunks.get("score")!;
    expect(gets.filter(footerFetch)).toHaveLength(1);
    for (const range of gets.filter((r) => !footerFetch(r))) {
      expect(
        wanted.some((chunk) => inside(range, chunk)),
        `range ${JSON.stringify(range)}`,
      ).toBe(true);
    }
    for (const [name, others] of chunks) {
      if (name === "score") continue;
      const touched = gets.filter(
        (r) => !footerFetch(r) && others.some((chunk) => overlaps(r, chunk)),
      );
      expect(touched, `chunks of ${name}`).toEqual([]);
    }
    const fetched = gets.reduce((total, r) => total + r.length, 0);
    const needed = wanted.reduce((total, chunk) => total + chunk.length, 0);
    expect(fetched).toBeLessThanOrEqual(needed + 64 * 1024);
    expect(fetched).toBeLessThan(bytes.byteLength / 3);
  });

  it("reads a row range from the row group that holds it only", async () => {
    const { store, gets } = recordingStore();
    const back = await readParquet(store, "meta.parquet", {
      columns: ["id", "tags"],
      rowStart: 25_000,
      rowEnd: 25_010,
    });
    expectSameTable(back, table.select(["id", "tags"]).slice(25_000, 25_010));
    const chunks = chunkRanges();
    const secondGroup = [chunks.get("id")![1]!, chunks.get("tags")![1]!];
    for (const range of gets.filter((r) => !footerFetch(r))) {
      const inSecondGroup = secondGroup.some((chunk) => inside(range, chunk));
      // The offset index lies after the data; anything else must be a page of the second group.
      const inIndexes =
        range.offset >= Math.max(...[...chunks.values()].flat().map((c) => c.offset + c.length));
      expect(inSecondGroup || inIndexes, `range ${JSON.stringify(range)}`).toBe(true);
    }
  });
});

describe("reads over HTTP with createHttpStore", () => {
  let server: Server;
  const requests: { method: string; range: string | undefined; sent: number }[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url !== "/bundle/meta/instance.parquet") {
        response.writeHead(404).end();
        return;
      }
      const match = /^bytes=(\d+)-(\d+)$/.exec(request.headers.range ?? "");
      const start = match ? Number(match[1]) : 0;
      const end = match ? Number(match[2]) + 1 : bytes.byteLength;
      const body = request.method === "HEAD" ? new Uint8Array(0) : bytes.subarray(start, end);
      requests.push({
        method: request.method ?? "",
        range: request.headers.range,
        sent: body.byteLength,
      });
      response.writeHead(match ? 206 : 200, {
        "content-length": String(match ? end - start : bytes.byteLength),
        "accept-ranges": "bytes",
      });
      response.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("fetches a small part of the file for one column", async () => {
    const { port } = server.address() as AddressInfo;
    const store = createHttpStore(`http://127.0.0.1:${port}/bundle/`);
    const back = await readParquet(store, "meta/instance.parquet", { columns: ["flag"] });
    expectSameTable(back, table.select(["flag"]));
    expect(requests[0]?.method).toBe("HEAD");
    expect(requests.slice(1).every((r) => r.method === "GET" && r.range !== undefined)).toBe(true);
    const sent = requests.reduce((total, r) => total + r.sent, 0);
    expect(sent).toBeLessThan(bytes.byteLength / 10);
  });

  it("reports a missing file as not found, naming the key and the URL", async () => {
    const { port } = server.address() as AddressInfo;
    const store = createHttpStore(`http://127.0.0.1:${port}/bundle/`);
    await expect(readParquet(store, "meta/sample.parquet")).rejects.toThrow(
      `no Parquet file at 'meta/sample.parquet' in http://127.0.0.1:${port}/bundle/`,
    );
  });
});
