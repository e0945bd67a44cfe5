import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type ApiEntry, publicApi } from "../src/api-surface.js";
import { WORKSPACE_FOLDERS } from "../src/workspace.js";
import { createTempRepo, removeTempRepos } from "./temp-repo.js";

const repoRoot = resolve(import.meta.dirname, "../..");
const snapshotDir = resolve(import.meta.dirname, "../api");
const updateCommand = "UPDATE_API=1 npx -y pnpm@10 vitest run tooling";
const updating = process.env.UPDATE_API === "1";

afterEach(removeTempRepos);

/** A `@tt/source` export target: a file, or conditions (`browser`, `default`) naming files. */
type SourceTarget = string | { [condition: string]: string };

/** The source file of an entry for Node: the target itself, or its `default` condition. */
function sourceFile(target: SourceTarget | undefined): string | undefined {
  return typeof target === "string" ? target : target?.default;
}

/**
 * Every public entry point of every workspace package: the `@tt/source` file of each key of its
 * package.json `exports` (falling back to `src/index.ts`), named `<folder>` for "." and
 * `<folder>.<subpath>` for the others.
 */
function packagesWithEntry(): { dirName: string; entry: string }[] {
  return WORKSPACE_FOLDERS.flatMap((folder) => {
    const parent = join(repoRoot, folder);
    if (!existsSync(parent)) return [];
    return readdirSync(parent, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((entry) => {
        const dir = join(parent, entry.name);
        const manifestPath = join(dir, "package.json");
        const exportsField: Record<string, Record<string, SourceTarget>> = existsSync(manifestPath)
          ? (JSON.parse(readFileSync(manifestPath, "utf8")).exports ?? {})
          : {};
        const entries = Object.entries(exportsField)
          .map(([key, conditions]) => [key, sourceFile(conditions?.["@tt/source"])] as const)
          .filter((pair): pair is readonly [string, string] => pair[1] !== undefined)
          .map(([key, source]) => ({
            dirName:
              key === "." ? entry.name : `${entry.name}.${key.slice(2).replaceAll("/", "-")}`,
            entry: join(dir, source),
          }));
        if (entries.length === 0)
          entries.push({ dirName: entry.name, entry: join(dir, "src/index.ts") });
        return entries.filter(({ entry: file }) => existsSync(file));
      });
  }).sort((a, b) => (a.dirName < b.dirName ? -1 : 1));
}

/** The snapshot text of an API: pretty JSON with a trailing newline, as committed. */
function snapshotText(api: ApiEntry[]): string {
  return `${JSON.stringify(api, null, 2)}\n`;
}

describe("the public API", () => {
  const packages = packagesWithEntry();

  it("is checked for packages/schema at least", () => {
    expect(packages.map(({ dirName }) => dirName)).toContain("schema");
  });

  for (const { dirName, entry } of packages) {
    it(`of ${dirName} matches tooling/api/${dirName}.api.json`, () => {
      const snapshotFile = join(snapshotDir, `${dirName}.api.json`);
      const api = publicApi(entry);
      if (updating) {
        mkdirSync(snapshotDir, { recursive: true });
        writeFileSync(snapshotFile, snapshotText(api));
        return;
      }
      if (!existsSync(snapshotFile)) {
        expect.fail(
          `tooling/api/${dirName}.api.json is missing: run \`${updateCommand}\` to write it, ` +
            `then review and commit it with the change`,
        );
      }
      const committed: unknown = JSON.parse(readFileSync(snapshotFile, "utf8"));
      expect(
        api,
        `the public API of ${dirName} changed: if that is intended, run \`${updateCommand}\`, ` +
          `review the diff of tooling/api/${dirName}.api.json and add a changeset`,
      ).toEqual(committed);
    });
  }
});

describe("publicApi", () => {
  it("lists functions, classes, consts and enums as values and types, interfaces as types", () => {
    const root = createTempRepo({
      "src/index.ts": [
        "export function scale(x: number): number { return x * 2; }",
        "export class Tensor {}",
        "export const ZERO = 0;",
        "export enum Order { Row, Column }",
        "export type Shape = readonly number[];",
        "export interface Axis { name: string }",
        'export { shift, type Offset } from "./shift.js";',
        'export type { Runner } from "./shift.js";',
        'export * from "./star.js";',
        'export * as helpers from "./star.js";',
        "export default scale;",
      ].join("\n"),
      "src/shift.ts": [
        "export const shift = (x: number) => x + 1;",
        "export type Offset = number;",
        "export class Runner {}",
      ].join("\n"),
      "src/star.ts": "export function fromStar() {}\nexport interface StarOptions { n: number }\n",
    });
    expect(publicApi(join(root, "src/index.ts"))).toEqual([
      { name: "Axis", kind: "type" },
      { name: "Offset", kind: "type" },
      { name: "Order", kind: "value" },
      // A class exported with `export type` cannot be constructed by importers.
      { name: "Runner", kind: "type" },
      { name: "Shape", kind: "type" },
      { name: "StarOptions", kind: "type" },
      { name: "Tensor", kind: "value" },
      { name: "ZERO", kind: "value" },
      { name: "default", kind: "value" },
      { name: "fromStar", kind: "value" },
      { name: "helpers", kind: "value" },
      { name: "scale", kind: "value" },
      { name: "shift", kind: "value" },
    ]);
  });
});
