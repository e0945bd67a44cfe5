/** The command line's own version, from its package.json. */

import { readFile } from "node:fs/promises";

/** The version of tensortools-cli (`tt --version`), read from its package.json. */
export async function cliVersion(): Promise<string> {
  const manifest = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8"));
  return String(manifest.version);
}
