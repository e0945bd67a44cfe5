/**
 * Ready to publish: every publishable package passes `pnpm publish --dry-run`, and
 * `changeset status` reads the pending changesets without error.
 *
 * The dry run talks to an empty registry on 127.0.0.1 started here: it answers every lookup
 * with 404 (the dry run asks whether the version exists) and refuses every write, so the run
 * needs no login or network and could not publish even if `--dry-run` were lost; the test
 * checks that nothing tried to write. (Against a closed port npm retries that lookup for about
 * 75 s per package.) `--ignore-scripts` skips the prepack build: the global setup already ran it
 * when it packed the same packages.
 */

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packedContext } from "../src/context.js";
import { runCommand, runPnpm } from "../src/run.js";
import { REPO } from "../src/tarballs.js";

let registry: Server;
let registryUrl: string;
const writes: string[] = [];

beforeAll(async () => {
  registry = createServer((request, response) => {
    if (request.method !== "GET" && request.method !== "HEAD")
      writes.push(`${request.method} ${request.url}`);
    response.writeHead(request.method === "GET" || request.method === "HEAD" ? 404 : 405, {
      "Content-Type": "application/json",
    });
    response.end(JSON.stringify({ error: "this registry is empty and read-only" }));
  });
  await new Promise<void>((resolve) => registry.listen(0, "127.0.0.1", resolve));
  registryUrl = `http://127.0.0.1:${(registry.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  registry.closeAllConnections();
  await new Promise((resolve) => registry.close(resolve));
  expect(writes, "requests that tried to publish").toEqual([]);
});

describe("publish dry run", () => {
  for (const pkg of Object.values(packedContext().packages)) {
    it(`${pkg.name}: pnpm publish --dry-run passes`, async () => {
      const { stdout, stderr, ms } = await runPnpm(
        ["publish", "--dry-run", "--no-git-checks", "--ignore-scripts", "--registry", registryUrl],
        { cwd: pkg.dir },
      );
      const output = `${stdout}\n${stderr}`;
      const files = /total files:\s*(\d+)/.exec(output)?.[1];
      const size = /package size:\s*([\d.]+ \w+)/.exec(output)?.[1];
      console.log(`pnpm publish --dry-run ${pkg.name}: ${size} packed, ${files} files, ${ms} ms`);
      expect(output).toContain(`+ ${pkg.name}@${pkg.version}`);
      expect(output).toContain("(dry-run)");
      expect(output, "the dry run lists the built files").toMatch(/ dist\//);
      expect(writes).toEqual([]);
    });
  }

  it("changeset status reads the pending changesets without error", async () => {
    const { stdout, stderr } = await runCommand(
      join(REPO, "node_modules/.bin/changeset"),
      ["status"],
      {
        cwd: REPO,
      },
    );
    console.log(`changeset status:\n${`${stdout}${stderr}`.trimEnd()}`);
  });
});
