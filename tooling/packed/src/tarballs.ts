/** The publishable workspace packages, packed with `pnpm pack` the way `pnpm publish` packs them. */

import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { runCommand, runPnpm } from "./run.js";

/** The repository root. */
export const REPO = resolve(import.meta.dirname, "../../..");

/** The workspace folders whose subfolders are packages. */
const WORKSPACE_FOLDERS = ["packages", "apps", "examples"] as const;

/** A workspace package that would be published. */
export interface PublishablePackage {
  name: string;
  version: string;
  /** Absolute folder. */
  dir: string;
}

/** One packed package: where its tarball is and what it holds. */
export interface PackedPackage extends PublishablePackage {
  /** Absolute path of the `.tgz`. */
  tarball: string;
  /** Size of the `.tgz` in bytes. */
  bytes: number;
  /** Milliseconds `pnpm pack` took (its prepack builds through turbo). */
  ms: number;
}

/** Every package.json under packages/, apps/, examples/ without `"private": true`, sorted by name. */
export function publishablePackages(): PublishablePackage[] {
  const found: PublishablePackage[] = [];
  for (const folder of WORKSPACE_FOLDERS) {
    const parent = join(REPO, folder);
    if (!existsSync(parent)) continue;
    for (const entry of readdirSync(parent, { withFileTypes: true })) {
      const manifest = join(parent, entry.name, "package.json");
      if (!entry.isDirectory() || !existsSync(manifest)) continue;
      const json = JSON.parse(readFileSync(manifest, "utf8")) as {
        name: string;
        version: string;
        private?: boolean;
      };
      if (json.private !== true)
        found.push({ name: json.name, version: json.version, dir: join(parent, entry.name) });
    }
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Packs every publishable package into `destination`, one after another (each prepack runs
 * turbo, and two turbo builds of the same dependency at once would race on its dist).
 */
export async function packAll(
  destination: string,
  log: (line: string) => void,
): Promise<PackedPackage[]> {
  mkdirSync(destination, { recursive: true });
  const packed: PackedPackage[] = [];
  for (const pkg of publishablePackages()) {
    const before = new Set(readdirSync(destination));
    const { ms } = await runPnpm(["pack", "--pack-destination", destination], {
      cwd: pkg.dir,
      timeout: 600_000,
    });
    const created = readdirSync(destination).filter((file) => !before.has(file));
    if (created.length !== 1 || !created[0]!.endsWith(".tgz"))
      throw new Error(`pnpm pack of ${pkg.name} created ${JSON.stringify(created)}, not one .tgz`);
    const tarball = join(destination, created[0]!);
    const bytes = statSync(tarball).size;
    packed.push({ ...pkg, tarball, bytes, ms });
    log(`packed ${pkg.name}@${pkg.version}: ${created[0]} (${bytes} bytes) in ${ms} ms`);
  }
  return packed;
}

/** What a tarball holds: its file list and its package.json. */
export interface TarballContents {
  /** Paths inside the package (the `package/` prefix removed), sorted. */
  files: string[];
  /** The packed package.json. */
  manifest: Record<string, unknown>;
  /** Bytes of all files unpacked. */
  unpackedBytes: number;
}

/** Lists `tarball` and reads its package.json (with the system's tar). */
export async function readTarball(tarball: string): Promise<TarballContents> {
  const listing = await runCommand("tar", ["-tzvf", tarball], { cwd: REPO });
  let unpackedBytes = 0;
  const files: string[] = [];
  for (const line of listing.stdout.trim().split("\n")) {
    // -rw-r--r-- 0/0   1234 1985-10-26 08:15 package/dist/index.js
    const fields = line.trim().split(/\s+/);
    const path = fields.slice(5).join(" ");
    if (!path.startsWith("package/") || line.startsWith("d")) continue;
    unpackedBytes += Number(fields[2]);
    files.push(path.slice("package/".length));
  }
  const manifest = await runCommand("tar", ["-xzOf", tarball, "package/package.json"], {
    cwd: REPO,
  });
  return { files: files.sort(), manifest: JSON.parse(manifest.stdout), unpackedBytes };
}
