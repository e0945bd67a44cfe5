/**
 * A pyramid built into a directory and read over HTTP: the same tiles as from disk, and opening
 * fetches only the manifest, the group's zarr.json and the first reduction's levels' (each once),
 * never the base's chunks or the tables; a tile is one GET.
 */

import { join } from "node:path";
import { createHttpStore } from "@tt/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDatasetPyramid, openDatasetPyramid, writeDataset } from "../src/fs.js";
import { openPyramid } from "../src/index.js";
import { sampleTensor, serveDirectory, temporaryDirectory } from "./helpers.js";

describe("a pyramid served over HTTP", () => {
  const directory = temporaryDirectory();
  let server: Awaited<ReturnType<typeof serveDirectory>>;

  beforeAll(async () => {
    const path = join(directory.path, "demo");
    await writeDataset(path, sampleTensor(40, 9, 3), { chunkShape: [8, 9, 3] });
    await buildDatasetPyramid(path, { targetBytes: 0, sortBy: "score", graceMs: 0 });
    server = await serveDirectory(directory.path);
  });
  afterAll(async () => {
    await server.close();
    directory.cleanup();
  });

  it("reads the same tiles as from disk, fetching only what it needs", async () => {
    server.requests.length = 0;
    const remote = await openPyramid(createHttpStore(`${server.url}demo/`), { sortBy: "score" });
    const fetched = server.requests.map((request) => request.split(" ")[1]!);
    expect(fetched[0]).toBe("/demo/manifest.json");
    for (const url of fetched.slice(1))
      expect(url).toMatch(
        /^\/demo\/arrays\/data\.(pyramid\.v2-[^/]+\.zarr\/.*|v1-[^/]+\.zarr\/)zarr\.json$|\/order\/c\/0$/,
      );
    expect(fetched.some((url) => url.includes("/meta/"))).toBe(false);
    // Each file once, by GET (no length check by HEAD), and only the mean levels' zarr.json.
    expect(new Set(fetched).size).toBe(fetched.length);
    expect(server.requests.every((request) => request.startsWith("GET "))).toBe(true);
    expect(fetched.filter((url) => /\/(min|max)\/\d+\/zarr\.json$/.test(url))).toEqual([]);
    expect(fetched.filter((url) => /\/mean\/\d+\/zarr\.json$/.test(url))).toHaveLength(
      remote.levels.length - 1,
    );
    const local = await openDatasetPyramid(join(directory.path, "demo"), { sortBy: "score" });
    expect(remote.levels).toEqual(local.levels);
    expect([...remote.order!]).toEqual([...local.order!]);
    for (const level of remote.levels) {
      const rows = { start: 0, stop: level.shape[0]! };
      const samples = { start: 0, stop: level.shape[1]! };
      for (const reduction of ["mean", "min", "max"] as const)
        expect([...(await remote.readTile(level.level, reduction, rows, samples, 2))]).toEqual([
          ...(await local.readTile(level.level, reduction, rows, samples, 2)),
        ]);
    }
  });

  it("reads a whole tile with one GET and opens a reduction's level by its first read", async () => {
    const remote = await openPyramid(createHttpStore(`${server.url}demo/`), { sortBy: "score" });
    const level = remote.levels[1]!;
    server.requests.length = 0;
    await remote.readTile(
      1,
      "max",
      { start: 0, stop: level.chunkShape[0]! },
      { start: 0, stop: level.chunkShape[1]! },
    );
    const fetched = server.requests.map((request) => request.split(" ").slice(0, 2).join(" "));
    expect(fetched).toEqual([
      expect.stringMatching(/^GET \/demo\/arrays\/data\.pyramid\.[^/]+\/max\/1\/zarr\.json$/),
      expect.stringMatching(/^GET \/demo\/arrays\/data\.pyramid\.[^/]+\/max\/1\/c\/0\/0\/0$/),
    ]);
  });
});
