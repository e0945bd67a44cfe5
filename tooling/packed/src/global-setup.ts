/**
 * The packed stage's global setup: packs every publishable workspace package once per run into
 * a scratch folder outside the workspace, and removes the folder afterwards (set
 * TT_PACKED_KEEP=1 to keep it for a look).
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import type { PackedContext } from "./context.js";
import { packAll } from "./tarballs.js";

export default async function setup(project: TestProject): Promise<() => void> {
  const root = mkdtempSync(join(tmpdir(), "tt-packed-"));
  const started = Date.now();
  const log = (line: string) => console.log(`[packed] ${line}`);
  log(`scratch folder ${root}`);
  const packed = await packAll(join(root, "tarballs"), log);
  const context: PackedContext = {
    root,
    packages: Object.fromEntries(packed.map((pkg) => [pkg.name, pkg])),
    packMs: Date.now() - started,
  };
  log(`packed ${packed.length} packages in ${context.packMs} ms`);
  project.provide("packed", context);
  return () => {
    log(
      `stage took ${Math.round((Date.now() - started) / 1000)} s (packing ${Math.round(context.packMs / 1000)} s)`,
    );
    if (process.env.TT_PACKED_KEEP) log(`kept ${root}`);
    else rmSync(root, { recursive: true, force: true });
  };
}
