/** What an npm or pnpm install put on disk: every installed copy of every package. */

import { existsSync, lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { InstalledApp } from "./apps.js";
import { runCommand } from "./run.js";

/** One installed copy of a package. */
export interface InstalledPackage {
  name: string;
  version: string;
  /** Its folder, relative to the app. */
  path: string;
}

/** npm: the entries of the hidden lockfile node_modules/.package-lock.json (every copy on disk). */
function npmPackages(dir: string): InstalledPackage[] {
  const lock = JSON.parse(readFileSync(join(dir, "node_modules/.package-lock.json"), "utf8")) as {
    packages: Record<string, { version?: string; link?: boolean; name?: string }>;
  };
  return Object.entries(lock.packages)
    .filter(([path, entry]) => path.includes("node_modules/") && !entry.link)
    .map(([path, entry]) => ({
      name: entry.name ?? path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length),
      version: entry.version ?? "(none)",
      path,
    }));
}

/** The real (not linked) package folders directly in a node_modules folder. */
function packageFolders(nodeModules: string): string[] {
  if (!existsSync(nodeModules)) return [];
  const folders: string[] = [];
  for (const entry of readdirSync(nodeModules)) {
    const path = join(nodeModules, entry);
    if (entry.startsWith(".") || lstatSync(path).isSymbolicLink()) continue;
    if (entry.startsWith("@")) {
      for (const scoped of readdirSync(path)) {
        const inner = join(path, scoped);
        if (!lstatSync(inner).isSymbolicLink()) folders.push(inner);
      }
    } else folders.push(path);
  }
  return folders;
}

/**
 * pnpm: every folder of the virtual store node_modules/.pnpm holds one copy of one package
 * (the real folder among the links to its dependencies); peer-dependency variants are separate
 * folders, so they count as separate copies.
 */
function pnpmPackages(dir: string): InstalledPackage[] {
  const store = join(dir, "node_modules/.pnpm");
  const found: InstalledPackage[] = [];
  for (const entry of readdirSync(store)) {
    if (entry === "node_modules" || entry === "lock.yaml" || entry.startsWith(".")) continue;
    for (const folder of packageFolders(join(store, entry, "node_modules"))) {
      const manifest = JSON.parse(readFileSync(join(folder, "package.json"), "utf8")) as {
        name: string;
        version: string;
      };
      found.push({
        name: manifest.name,
        version: manifest.version,
        path: folder.slice(dir.length + 1),
      });
    }
  }
  return found;
}

/** Every installed copy of every package in the app, sorted by name. */
export function installedPackages(app: InstalledApp): InstalledPackage[] {
  const found = app.manager === "npm" ? npmPackages(app.dir) : pnpmPackages(app.dir);
  return found.sort((a, b) => a.name.localeCompare(b.name) || a.path.localeCompare(b.path));
}

/** The copies of `name` in the app. */
export function copiesOf(app: InstalledApp, name: string): InstalledPackage[] {
  return installedPackages(app).filter((pkg) => pkg.name === name);
}

/** The size of the app's node_modules in bytes, as `du` counts it (links not followed). */
export async function installSize(app: InstalledApp): Promise<number> {
  const { stdout } = await runCommand("du", ["-sk", "node_modules"], { cwd: app.dir });
  return Number(stdout.trim().split(/\s+/)[0]) * 1024;
}

/**
 * The package manager's own answer to "where is `name` installed": `npm ls --all --parseable`
 * or `pnpm ls --depth Infinity --parseable`, as unique folders.
 */
export async function listedCopies(app: InstalledApp, name: string): Promise<string[]> {
  const { stdout } =
    app.manager === "npm"
      ? await runCommand("npm", ["ls", name, "--all", "--parseable"], { cwd: app.dir })
      : await runCommand(
          "npx",
          ["-y", "pnpm@10", "ls", name, "--depth", "Infinity", "--parseable"],
          {
            cwd: app.dir,
          },
        );
  const lines = stdout
    .trim()
    .split("\n")
    // pnpm lists every package on the way to `name` too: keep the folders of `name` itself.
    .filter((line) => line.endsWith(`/node_modules/${name}`));
  return [...new Set(lines)].sort();
}
