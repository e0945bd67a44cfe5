import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testArrayStore } from "@tt/schema/testing";
import { createMemoryStore } from "@tt/storage";
import { createDirectoryStore } from "@tt/storage/fs";
import { afterAll, describe, it } from "vitest";
import { ZARR_CODECS, zarrStore } from "../src/index.js";

const directories: string[] = [];
afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

describe("zarrStore in memory passes the array store conformance kit", () => {
  for (const c of testArrayStore(() => ({ backend: zarrStore, store: createMemoryStore() })))
    it(c.name, c.run);
});

describe("zarrStore on a directory passes the array store conformance kit", () => {
  const fixture = () => {
    const directory = mkdtempSync(join(tmpdir(), "tt-zarr-"));
    directories.push(directory);
    return { backend: zarrStore, store: createDirectoryStore(directory) };
  };
  for (const c of testArrayStore(fixture)) it(c.name, c.run);
});

for (const codec of ZARR_CODECS.filter((c) => c !== "none")) {
  describe(`zarrStore with codec ${codec} passes the conformance kit`, () => {
    const backend = {
      ...zarrStore,
      create: (
        store: Parameters<typeof zarrStore.create>[0],
        path: string,
        options: Parameters<typeof zarrStore.create>[2],
      ) => zarrStore.create(store, path, { ...options, codec }),
    };
    for (const c of testArrayStore(() => ({ backend, store: createMemoryStore() })))
      it(c.name, c.run);
  });
}
