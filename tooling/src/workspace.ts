import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";

/** The workspace folders whose direct subfolders are packages, as pnpm-workspace.yaml lists them. */
export const WORKSPACE_FOLDERS: readonly string[] = ["packages", "apps", "examples"];

/** Single package folders that pnpm-workspace.yaml lists by path, outside the folders above. */
export const WORKSPACE_PACKAGES: readonly string[] = ["tooling/test-fixtures"];

/** The file name endings whose files count as source (`.d.ts` included: it can import too). */
const SOURCE_EXTENSIONS: readonly string[] = [".ts", ".tsx", ".mts"];

/** What the checks need to know about one workspace package. */
export interface WorkspacePackage {
  /** The package name, or its folder (`packages/x`) when package.json has no name. */
  name: string;
  /** Whether package.json has a name; a nameless package cannot be depended on. */
  named: boolean;
  /** The package folder relative to the root, with forward slashes: `packages/query`. */
  dir: string;
  /** The workspace folder it sits in: `packages` or `apps`. */
  folder: string;
  /** The package.json path relative to the root, for messages. */
  manifest: string;
  /** The packages src may import: dependencies, peerDependencies and optionalDependencies. */
  runtimeDependencies: ReadonlySet<string>;
  /** The packages only tests and tools may import. */
  devDependencies: ReadonlySet<string>;
  /** Whether package.json says `"private": true`: never published, so never a runtime dependency. */
  private: boolean;
  /** The raw `tensortools.floor` of package.json, `undefined` when absent. */
  declaredFloor: unknown;
  /** Every source file under `src/`, relative to the root with forward slashes, sorted. */
  sourceFiles: readonly string[];
}

/** A path relative to the root with forward slashes, so messages read the same on every OS. */
export function displayPath(root: string, path: string): string {
  return relative(root, path).split(sep).join("/");
}

/** The names of the immediate subfolders of a folder, sorted; none when it does not exist. */
function subfolders(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** Every source file below a folder, skipping node_modules and hidden folders. */
function sourceFilesBelow(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules" && !entry.name.startsWith(".")) {
        files.push(...sourceFilesBelow(path));
      }
    } else if (SOURCE_EXTENSIONS.some((extension) => entry.name.endsWith(extension))) {
      files.push(path);
    }
  }
  return files;
}

/** The keys of a dependency field of package.json; none when the field is missing or malformed. */
function dependencyNames(field: unknown): string[] {
  if (typeof field !== "object" || field === null || Array.isArray(field)) return [];
  return Object.keys(field);
}

/** Reads one package.json, naming the file when it is not valid JSON. */
function readManifest(path: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, "utf8"));
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch (error) {
    throw new Error(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  throw new Error(`${path} must hold a JSON object`);
}

/** The raw `tensortools.floor` of a package.json, `undefined` when it is not there. */
function declaredFloorOf(manifest: Record<string, unknown>): unknown {
  const section = manifest.tensortools;
  if (typeof section !== "object" || section === null) return undefined;
  return (section as Record<string, unknown>).floor;
}

/** The package in folder `dir` (inside the workspace folder `folder`), if it has a package.json. */
function readPackage(root: string, dir: string, folder: string): WorkspacePackage | undefined {
  const manifestPath = join(dir, "package.json");
  if (!existsSync(manifestPath)) return undefined;
  const manifest = readManifest(manifestPath);
  const packageName = typeof manifest.name === "string" ? manifest.name : "";
  return {
    name: packageName || displayPath(root, dir),
    named: packageName !== "",
    dir: displayPath(root, dir),
    folder,
    manifest: displayPath(root, manifestPath),
    runtimeDependencies: new Set([
      ...dependencyNames(manifest.dependencies),
      ...dependencyNames(manifest.peerDependencies),
      ...dependencyNames(manifest.optionalDependencies),
    ]),
    devDependencies: new Set(dependencyNames(manifest.devDependencies)),
    private: manifest.private === true,
    declaredFloor: declaredFloorOf(manifest),
    sourceFiles: sourceFilesBelow(join(dir, "src"))
      .map((file) => displayPath(root, file))
      .sort(),
  };
}

/**
 * Every workspace package of a repo: those under `packages/*`, `apps/*` and `examples/*` in
 * folder order, then the single ones of {@link WORKSPACE_PACKAGES}.
 */
export function readWorkspace(root: string): WorkspacePackage[] {
  const packages: WorkspacePackage[] = [];
  for (const folder of WORKSPACE_FOLDERS) {
    for (const name of subfolders(join(root, folder))) {
      const found = readPackage(root, join(root, folder, name), folder);
      if (found !== undefined) packages.push(found);
    }
  }
  for (const path of WORKSPACE_PACKAGES) {
    const found = readPackage(root, join(root, path), path.split("/")[0]!);
    if (found !== undefined) packages.push(found);
  }
  return packages;
}
