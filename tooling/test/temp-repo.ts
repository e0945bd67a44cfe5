import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** File contents by path relative to the repo root; objects are written as JSON. */
export type RepoFiles = Record<string, string | object>;

const created: string[] = [];

/** Removes every repo createTempRepo made; tests run it in `afterEach`, so it runs pass or fail. */
export function removeTempRepos(): void {
  for (const root of created.splice(0)) rmSync(root, { recursive: true, force: true });
}

/**
 * Writes a throwaway repo into a fresh temp folder and returns its root. The bad imports the
 * checker must catch live only there, never in the real repo where they would break the build.
 */
export function createTempRepo(files: RepoFiles): string {
  const root = mkdtempSync(join(tmpdir(), "tt-tooling-"));
  created.push(root);
  for (const [path, content] of Object.entries(files)) {
    const target = join(root, path);
    mkdirSync(dirname(target), { recursive: true });
    const text = typeof content === "string" ? content : `${JSON.stringify(content, null, 2)}\n`;
    writeFileSync(target, text);
  }
  return root;
}

/** A package.json for a temp repo: a name plus whatever fields the test needs. */
export function manifest(name: string, fields: Record<string, unknown> = {}): object {
  return { name, version: "0.0.0", type: "module", ...fields };
}

/** A `dependencies` field that depends on each named package. */
export function dependsOn(...names: string[]): Record<string, Record<string, string>> {
  return { dependencies: Object.fromEntries(names.map((name) => [name, "workspace:*"])) };
}
