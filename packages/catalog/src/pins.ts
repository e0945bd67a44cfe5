/**
 * Pins: a file in a bundle, `.tt-pins/<catalog>-<version>.json`, that lists the files of a version
 * a catalog holds, so that the bundle's cleanup (after each write, `tt gc`) keeps them while the
 * catalog may still open that version. One file per catalog and version: pinning never rewrites
 * another process's pin. Only `Catalog.gc` removes them.
 */

import { createHash } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PINS_PREFIX } from "@tt/storage";

/** The pin file of `manifestHash` by the catalog at `catalogPath`, relative to the bundle. */
export function pinKey(catalogPath: string, manifestHash: string): string {
  const catalog = createHash("sha256").update(catalogPath).digest("hex").slice(0, 12);
  const version = manifestHash.replace(/^sha256:/, "").slice(0, 16);
  return `${PINS_PREFIX}${catalog}-${version}.json`;
}

/** Pins the version's `files` in the bundle directory `location`. */
export async function pinVersion(
  location: string,
  catalogPath: string,
  manifestHash: string,
  files: readonly string[],
): Promise<void> {
  const key = pinKey(catalogPath, manifestHash);
  const path = join(location, key);
  await mkdir(join(location, PINS_PREFIX), { recursive: true });
  const text = JSON.stringify({ catalog: catalogPath, manifest_hash: manifestHash, files });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}

/** Removes the pin (a missing one is fine). */
export async function unpinVersion(
  location: string,
  catalogPath: string,
  manifestHash: string,
): Promise<void> {
  await rm(join(location, pinKey(catalogPath, manifestHash)), { force: true });
}
