/**
 * A pyramid built into a directory and read over HTTP: the same tiles as from disk, and opening
 * fetches only the manifest, the group's and the levels' zarr.json, never the base or the tables.
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
});
