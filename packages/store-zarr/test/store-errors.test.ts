import { createServer, type Server } from "node:http";
import { isTensorToolsError } from "@tt/schema";
import { createHttpStore, createMemoryStore } from "@tt/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { zarrStore } from "../src/index.js";

/** The bundle the server serves, and the status it answers a key with instead (none: serve it). */
const bundle = createMemoryStore();
const failing = new Map<string, number>();

let server: Server;
let base: string;

beforeAll(async () => {
  const options = { dtype: "float32" as const, dimensionNames: ["instance", "feature"] };
  for (const [path, codec] of [
    ["raw.zarr", "none"],
    ["zstd.zarr", "zstd"],
  ] as const) {
    const array = await zarrStore.create(bundle, path, {
      ...options,
      shape: [4, 3],
      chunkShape: [2, 3],
      codec,
    });
    await array.writeBlock(
      0,
      Float32Array.from({ length: 12 }, (_, i) => i),
    );
  }
  await zarrStore.writeCoordinates!(bundle, "coords.zarr", "instance", ["a", "b"]);
  server = createServer(async (request, response) => {
    const key = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname.slice(1));
    const status = failing.get(key);
    const bytes = status === undefined ? await bundle.get(key) : undefined;
    if (bytes === undefined) {
      response.writeHead(status ?? 404);
      response.end();
      return;
    }
    const range = /^bytes=(\d+)-(\d+)$/.exec(request.headers.range ?? "");
    if (range === null) {
      response.writeHead(200, { "content-length": String(bytes.length) });
      response.end(request.method === "HEAD" ? undefined : bytes);
      return;
    }
    const [start, end] = [Number(range[1]), Math.min(Number(range[2]), bytes.length - 1)];
    response.writeHead(206, { "content-range": `bytes ${start}-${end}/${bytes.length}` });
    response.end(bytes.subarray(start, end + 1));
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
});
afterAll(async () => {
  await new Promise((done) => server.close(done));
});

/** What `work` rejects with, with `failing` set to `statuses` while it runs. */
async function failureWith(
  statuses: Record<string, number>,
  work: () => Promise<unknown>,
): Promise<unknown> {
  for (const [key, status] of Object.entries(statuses)) failing.set(key, status);
  try {
    await work();
  } catch (error) {
    return error;
  } finally {
    failing.clear();
  }
  throw new Error("expected a failure");
}

describe("errors of the store pass through the Zarr store as they are", () => {
  it("reads the arrays when the server answers", async () => {
    const store = createHttpStore(base);
    for (const path of ["raw.zarr", "zstd.zarr"]) {
      const array = await zarrStore.open(store, path);
      expect(Array.from((await array.read([[3]])) as Float32Array)).toEqual([9, 10, 11]);
    }
  });

  it("an open whose zarr.json gets a 503 is an IoError with the status, not a missing array", async () => {
    const error = await failureWith({ "raw.zarr/zarr.json": 503 }, () =>
      zarrStore.open(createHttpStore(base), "raw.zarr"),
    );
    expect(isTensorToolsError(error, "io"), String(error)).toBe(true);
    expect(error).toMatchObject({ status: 503, location: `${base}raw.zarr/zarr.json` });
  });

  it("an open that zarrita makes (no zarr.json: Zarr v2) passes a 500 on, not a DataError", async () => {
    const error = await failureWith({ "v2.zarr/.zarray": 500, "v2.zarr/.zattrs": 500 }, () =>
      zarrStore.open(createHttpStore(base), "v2.zarr"),
    );
    expect(isTensorToolsError(error, "io"), String(error)).toBe(true);
    expect(error).toMatchObject({ status: 500 });
  });

  it("a missing array, told by zarrita's own predicate, is still a NotFoundError", async () => {
    const error = await failureWith({}, () => zarrStore.open(createHttpStore(base), "none.zarr"));
    expect(isTensorToolsError(error, "not-found"), String(error)).toBe(true);
    expect((error as Error).message).toBe(`no Zarr array at 'none.zarr' in ${base}`);
  });

  it.each([
    ["a raw chunk read by byte range", "raw.zarr"],
    ["a compressed chunk read by zarrita", "zstd.zarr"],
  ])(
    "%s that gets a 403 is an IoError naming the chunk's URL, not a corrupt chunk",
    async (_, path) => {
      const array = await zarrStore.open(createHttpStore(base), path);
      const error = await failureWith({ [`${path}/c/1/0`]: 403 }, () => array.read([[3]]));
      expect(isTensorToolsError(error, "io"), String(error)).toBe(true);
      expect(error).toMatchObject({ status: 403, location: `${base}${path}/c/1/0` });
      expect((error as Error).message).not.toMatch(/cannot be decoded/);
    },
  );

  it("coordinates whose chunk gets a 500 are an IoError, not a DataError", async () => {
    const store = createHttpStore(base);
    expect(await zarrStore.readCoordinates!(store, "coords.zarr")).toEqual(["a", "b"]);
    const error = await failureWith({ "coords.zarr/zarr.json": 500 }, () =>
      zarrStore.readCoordinates!(store, "coords.zarr"),
    );
    expect(isTensorToolsError(error, "io"), String(error)).toBe(true);
    expect(error).toMatchObject({ status: 500 });
  });
});
