import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStoredDataset, writeDataset } from "../src/fs.js";
import { sampleTensor, serveDirectory, temporaryDirectory } from "./helpers.js";

describe("a bundle served over HTTP", () => {
  const directory = temporaryDirectory();
  const tensor = sampleTensor(40, 9, 3);
  let server: Awaited<ReturnType<typeof serveDirectory>>;

  beforeAll(async () => {
    await writeDataset(join(directory.path, "demo"), tensor, { chunkShape: [8, 9, 3] });
    server = await serveDirectory(directory.path);
  });
  afterAll(async () => {
    await server.close();
    directory.cleanup();
  });

  it("opens and reads the same values as from disk", async () => {
    const remote = await openStoredDataset(`${server.url}demo/`);
    const local = await openStoredDataset(join(directory.path, "demo"));
    expect(remote.location).toBe(`${server.url}demo/`);
    expect(remote.manifest).toEqual(local.manifest);
    expect(remote.meta("instance").toRecords()).toEqual(local.meta("instance").toRecords());
    expect([...(await remote.read([]))]).toEqual([...tensor.data]);
    expect([...(await remote.read([[39, 3], { start: 2, stop: 4 }]))]).toEqual([
      ...(await local.read([[39, 3], { start: 2, stop: 4 }])),
    ]);
  });

  it("fetches only the byte ranges of the slabs a selection needs", async () => {
    const remote = await openStoredDataset(`${server.url}demo/`);
    server.requests.length = 0;
    await remote.read([[17, 18]]);
    const array = remote.manifest.array_store;
    // Slabs 17 and 18 are slabs 1 and 2 of chunk 2 (8 slabs of 9 x 3 float32 = 108 bytes each);
    // before its first byte range the chunk's length is checked against the inventory, once.
    expect(server.requests).toEqual([
      `HEAD /demo/${array}/c/2/0/0`,
      `GET /demo/${array}/c/2/0/0 bytes=108-323`,
    ]);
    server.requests.length = 0;
    await remote.read([[19]]);
    expect(server.requests).toEqual([`GET /demo/${array}/c/2/0/0 bytes=324-431`]);
  });

  it("reports a missing bundle as not found", async () => {
    await expect(openStoredDataset(`${server.url}nothing/`)).rejects.toThrow(
      /no manifest.json in http:\/\/127.0.0.1:\d+\/nothing\//,
    );
  });
});
