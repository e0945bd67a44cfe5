/**
 * Pins: a file in a bundle, `.tt-pins/<catalog>-<version>.json`, that lists the files of a version
 * a catalog holds, so that the bundle's cleanup (after each write, `tt gc`) keeps them while the
 * catalog may still open that version. One file per catalog and version: pinning never rewrites
 * another process's pin. Only `Catalog.gc` removes them.
 */

import { createHash } from "node:crypto";
import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PINS_PREFIX } from "@tt/storage";

/** The pin file of `manifestHash` by the catalog at `catalogPath`, relative to the bundle. */
export function pinKey(catalogPath: string, manifestHash: string): string {
  const catalog = createHash("sha256").update(catalogPath).digest("hex").slice(0, 12);
  const version = manifestHash.replace(/^sha256:/, "").slice(0, 16);
  return `${PINS_PREFIX}${catalog}-${version}.json`;
}

/** Errors that say the bundle's folder cannot be written: it is read-only to us. */
const READ_ONLY = new Set(["EACCES", "EPERM", "EROFS"]);

/**
 * Pins the version's `files` in the bundle directory `location` (nothing to do when its pin is
 * there already: a version's files never change); false when the folder is read-only to this
 * process (the version is registered all the same, but nothing keeps its files once the bundle's
 * owner writes a new version and cleans up).
 */
export async function pinVersion(
  location: string,
  catalogPath: string,
  manifestHash: string,
  files: readonly string[],
): Promise<boolean> {
  const key = pinKey(catalogPath, manifestHash);
  const path = join(location, key);
  const text = JSON.stringify({ catalog: catalogPath, manifest_hash: manifestHash, files });
  const temporary = `${path}.${process.pid}.tmp`;
  if (
    await stat(path).then(
      () => true,
      () => false,
    )
  )
    return true;
  try {
    await mkdir(join(location, PINS_PREFIX), { recursive: true });
    await writeFile(temporary, text);
    await rename(temporary, path);
    return true;
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    if (READ_ONLY.has((error as NodeJS.ErrnoException).code ?? "")) return false;
    throw error;
  }
}

/** Removes the pin (a missing one is fine). */
export async function unpinVersion(
  location: string,
  catalogPath: string,
  manifestHash: string,
): Promise<void> {
  await rm(join(location, pinKey(catalogPath, manifestHash)), { force: true });
}
