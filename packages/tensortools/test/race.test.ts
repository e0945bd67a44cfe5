/**
 * Readers racing a writer: another process rewrites a bundle over and over (overwrites and
 * appends) while this one opens it and reads everything, from the directory and over HTTP. Every
 * open must give one version whole: each row's data, id and metadata agree, and the row count is
 * the manifest's; no open may fail.
 */

import { spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { serveDirectory } from "@tt/test-fixtures";
import { describe, expect, it } from "vitest";
import * as tensortools from "../src/index.js";
import { openDataset, writeDataset } from "../src/index.js";
import { scratchDirectory } from "./helpers.js";
import { versionedTensor as versionedOf } from "./versioned-tensor.mjs";

const versionedTensor = (version: number, instances: number, prefix?: string) =>
  versionedOf(tensortools, version, instances, prefix);

const dist = resolve(import.meta.dirname, "../dist/index.js");
const scratch = scratchDirectory("tt-race-");

/** The writer: a child process on the built package, rewriting the bundle `rounds` times. */
function startWriter(path: string, rounds: number): Promise<number> {
  const script = join(scratch, `writer-${rounds}.mjs`);
  writeFileSync(
    script,
    `import * as lib from ${JSON.stringify(pathToFileURL(dist).href)};
import { versionedTensor as versioned } from ${JSON.stringify(pathToFileURL(resolve(import.meta.dirname, "versioned-tensor.mjs")).href)};
const { appendDataset, writeDataset } = lib;
const versionedTensor = (...args) => versioned(lib, ...args);
const path = ${JSON.stringify(path)};
for (let round = 2; round < ${rounds + 2}; round++) {
  if (round % 3 === 0) {
    const extra = versionedTensor(round, 7, "a" + round + "-");
    await appendDataset(path, [{ data: extra.data, ids: extra.axisIndex.instance, meta: extra.axisMeta.instance }]);
  } else {
    await writeDataset(path, versionedTensor(round, 20 + (round % 5)), { overwrite: true, chunkShape: [4, 16, 3] });
  }
}
`,
  );
  const child = spawn(process.execPath, [script], { stdio: ["ignore", "inherit", "inherit"] });
  return new Promise((done, fail) => {
    child.on("error", fail);
    child.on("exit", (code) => done(code ?? -1));
  });
}

/** Opens `source` and checks that everything read belongs together; the rows read. */
async function readWhole(source: string): Promise<number> {
  const dataset = await openDataset(source);
  const [n, samples, channels] = dataset.shape as [number, number, number];
  const data = (await dataset.read([])) as Float32Array;
  const ids = dataset.ids("instance") as string[];
  const versions = dataset.meta("instance").column("version").values as Int32Array;
  const rows = dataset.meta("instance").column("row").values as Int32Array;
  if (data.length !== n * samples * channels)
    throw new Error(`read ${data.length} values for shape ${n}`);
  for (let i = 0; i < n; i++) {
    const version = versions[i]!;
    const first = data[i * samples * channels]!;
    const expected = version * 10_000 + rows[i]! * samples * channels;
    // Appended rows carry ids "a<version>-<row>", written ones "e<version>-<row>".
    if (first !== expected || !ids[i]!.includes(`${version}-`))
      throw new Error(
        `row ${i}: data of ${first}, id ${ids[i]}, metadata version ${version}: a mixed read`,
      );
  }
  return n;
}

describe("readers racing a writer in another process", () => {
  it.each(["directory", "http"] as const)(
    "see one whole version at every open (%s)",
    async (how) => {
      expect(existsSync(dist), "the package is built before its tests").toBe(true);
      const path = join(scratch, `bundle-${how}`);
      await writeDataset(path, versionedTensor(1, 20), { chunkShape: [4, 16, 3] });
      const server = how === "http" ? await serveDirectory(scratch) : undefined;
      const source = server ? `${server.url}bundle-${how}/` : path;
      const writer = startWriter(path, 24);
      let finished = false;
      writer.then(() => (finished = true));
      let opens = 0;
      const failures: string[] = [];
      const sizes = new Set<number>();
      while (!finished || opens < 5) {
        try {
          sizes.add(await readWhole(source));
        } catch (error) {
          failures.push((error as Error).message);
        }
        opens++;
      }
      await server?.close();
      expect(await writer).toBe(0);
      console.log(
        `${how}: ${opens} opens while 24 versions were written (${sizes.size} different row counts seen), ${failures.length} mixed or failed reads`,
      );
      expect(failures).toEqual([]);
      expect(sizes.size).toBeGreaterThan(1);
    },
  );
});
