/**
 * Walks the JavaScript import graph of an entry point across workspace packages (through their
 * `@tt/source` files) and third-party packages (through their browser/import entries), to find
 * the `node:` modules a browser would be asked to load.
 */

import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { collectImports } from "../../../tooling/src/imports.js";

/** A Node built-in module reached from the entry. */
export interface NodeImport {
  /** The specifier, e.g. `node:fs/promises`. */
  specifier: string;
  /** The file importing it, relative to the repository root. */
  file: string;
  /** Whether it is an `import()` expression (loaded only when the code runs) or a static import. */
  dynamic: boolean;
}

/** What the walk found. */
export interface ImportGraph {
  /** Every file reached, relative to the repository root. */
  files: string[];
  /** Every package reached, workspace and third-party. */
  packages: string[];
  /** The Node built-ins reached. */
  nodeImports: NodeImport[];
}

const ROOT = resolve(import.meta.dirname, "../../..");
const BUILTINS = new Set(builtinModules);
const CONDITIONS = ["@tt/source", "browser", "import", "module", "default"];

function isBuiltin(specifier: string): boolean {
  return specifier.startsWith("node:") || BUILTINS.has(specifier.split("/")[0]!);
}

/** The directory of the package that contains `file`. */
function packageDirOf(file: string): string {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`${file} is in no package`);
  }
}

/** The installed directory of package `name` as seen from `fromDir`. */
function installedPackage(name: string, fromDir: string): string {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return realpathSync(candidate);
    if (dirname(dir) === dir) throw new Error(`cannot resolve ${name} from ${fromDir}`);
  }
}

/** The target of an `exports` entry under the browser-side conditions. */
function pickTarget(entry: unknown): string | undefined {
  if (typeof entry === "string") return entry;
  if (Array.isArray(entry)) {
    for (const item of entry) {
      const found = pickTarget(item);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (entry === null || typeof entry !== "object") return undefined;
  for (const condition of CONDITIONS) {
    if (condition in entry) {
      const found = pickTarget((entry as Record<string, unknown>)[condition]);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** The target of a subpath pattern (`"./src/*.js"`) that matches `subpath`. */
function matchPattern(exportsField: Record<string, unknown>, subpath: string): string | undefined {
  for (const [key, entry] of Object.entries(exportsField)) {
    const star = key.indexOf("*");
    if (star < 0) continue;
    const [prefix, suffix] = [key.slice(0, star), key.slice(star + 1)];
    if (!subpath.startsWith(prefix) || !subpath.endsWith(suffix)) continue;
    const middle = subpath.slice(prefix.length, subpath.length - suffix.length);
    return pickTarget(entry)?.replace("*", middle);
  }
  return undefined;
}

/** The file a subpath import (`#platform`) of the importing file's package resolves to. */
function resolveSubpathImport(specifier: string, fromFile: string): { file: string; name: string } {
  const dir = packageDirOf(fromFile);
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const target = pickTarget(manifest.imports?.[specifier]);
  if (target === undefined) throw new Error(`cannot resolve ${specifier} from ${fromFile}`);
  return { file: resolveFile(join(dir, target)), name: manifest.name };
}

/** The file a bare specifier resolves to for a browser (or from source, for workspace packages). */
function resolveBare(specifier: string, fromFile: string): { file: string; name: string } {
  if (specifier.startsWith("#")) return resolveSubpathImport(specifier, fromFile);
  const parts = specifier.split("/");
  const name = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
  const subpath = `.${specifier.slice(name.length)}`;
  const dir = installedPackage(name, packageDirOf(fromFile));
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  let target: string | undefined;
  if (manifest.exports !== undefined) {
    const exportsField = manifest.exports;
    const keyed =
      typeof exportsField === "object" && !Array.isArray(exportsField) && "." in exportsField;
    target = pickTarget(keyed ? exportsField[subpath] : subpath === "." ? exportsField : undefined);
    if (target === undefined && keyed) target = matchPattern(exportsField, subpath);
  } else {
    const main = subpath === "." ? (manifest.module ?? manifest.main ?? "index.js") : subpath;
    target = main;
  }
  if (target === undefined) throw new Error(`cannot resolve ${specifier} from ${fromFile}`);
  return { file: resolveFile(join(dir, target)), name };
}

/** A relative module path completed the way bundlers do (`.js` written for `.ts` sources). */
function resolveFile(path: string): string {
  const candidates = [
    path,
    path.replace(/\.js$/, ".ts"),
    `${path}.ts`,
    `${path}.js`,
    `${path}.mjs`,
    join(path, "index.ts"),
    join(path, "index.js"),
  ];
  const found = candidates.find(
    (candidate) => existsSync(candidate) && statSync(candidate).isFile(),
  );
  if (found === undefined) throw new Error(`cannot resolve ${path}`);
  return found;
}

/** Walks the run-time import graph from `entry` (type-only imports are erased, so skipped). */
export function walkImportGraph(entry: string): ImportGraph {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const nodeImports: NodeImport[] = [];
  const queue = [resolve(entry)];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!/\.(m?js|ts)$/.test(file)) continue;
    for (const reference of collectImports(file, readFileSync(file, "utf8"))) {
      if (reference.typeOnly || reference.syntax === "import-type-node") continue;
      const { specifier } = reference;
      const dynamic = reference.syntax === "dynamic-import";
      if (specifier.startsWith(".") || specifier.startsWith("/")) {
        queue.push(resolveFile(resolve(dirname(file), specifier)));
      } else if (isBuiltin(specifier)) {
        nodeImports.push({ specifier, file: relative(ROOT, file), dynamic });
      } else {
        const { file: target, name } = resolveBare(specifier, file);
        packages.add(name);
        queue.push(target);
      }
    }
  }
  return {
    files: [...seen].map((file) => relative(ROOT, file)).sort(),
    packages: [...packages].sort(),
    nodeImports,
  };
}
