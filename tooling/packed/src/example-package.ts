/**
 * The ml.js example method package, examples/method-hclust: private in the workspace (it is an
 * example, never published), so the global setup does not pack it. It is built and packed here
 * with `pnpm pack`, which turns its `workspace:^` ranges into the published `^0.1.0` of
 * `@tt/mljs` and `@tt/schema`, once per run, and installed into the umbrella apps from the tarball.
 */

import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { packedContext } from "./context.js";
import { runPnpm } from "./run.js";
import { REPO } from "./tarballs.js";

/** The example's package name. */
export const EXAMPLE_NAME = "tensortools-example-hclust";

const EXAMPLE_DIR = join(REPO, "examples/method-hclust");

/** What packing the example recorded. */
interface PackRecord {
  tarball?: string;
  error?: string;
}

async function pack(): Promise<string> {
  const destination = join(packedContext().root, "tarballs");
  // The @tt packages it builds on were built when the global setup packed them.
  await runPnpm(["run", "build"], { cwd: EXAMPLE_DIR, timeout: 300_000 });
  const before = new Set(readdirSync(destination));
  const { ms } = await runPnpm(["pack", "--pack-destination", destination], {
    cwd: EXAMPLE_DIR,
    timeout: 300_000,
  });
  const created = readdirSync(destination).filter((file) => !before.has(file));
  if (created.length !== 1 || !created[0]!.endsWith(".tgz"))
    throw new Error(
      `pnpm pack of ${EXAMPLE_NAME} created ${JSON.stringify(created)}, not one .tgz`,
    );
  console.log(`[packed] packed ${EXAMPLE_NAME}: ${created[0]} in ${ms} ms`);
  return join(destination, created[0]!);
}

/** The example's tarball, packing it first when this run has not yet. */
export async function exampleTarball(): Promise<string> {
  const path = join(packedContext().root, "example-pack.json");
  if (!existsSync(path)) {
    let record: PackRecord;
    try {
      record = { tarball: await pack() };
    } catch (error) {
      record = { error: (error as Error).message };
    }
    writeFileSync(path, JSON.stringify(record));
  }
  const record = JSON.parse(readFileSync(path, "utf8")) as PackRecord;
  if (record.error !== undefined)
    throw new Error(`packing ${EXAMPLE_NAME} failed: ${record.error}`);
  return record.tarball!;
}
