import { resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkBoundaries, formatViolations, type Violation } from "../src/boundaries.js";
import { FLOORS } from "../src/floors.js";
import { createTempRepo, dependsOn, manifest, removeTempRepos } from "./temp-repo.js";

const repoRoot = resolve(import.meta.dirname, "../..");

afterEach(removeTempRepos);

/** The only violation of a check, failing with the whole list when there is not exactly one. */
function single(violations: Violation[]): Violation {
  expect(violations, formatViolations(violations)).toHaveLength(1);
  return violations[0]!;
}

describe("the tensortools repo", () => {
  it("keeps every package boundary", () => {
    const violations = checkBoundaries(repoRoot);
    expect(violations, `\n${formatViolations(violations)}\n`).toEqual([]);
  });
});

describe("checkBoundaries", () => {
  it("accepts declared dependencies on lower floors, Node builtins, relative and own imports", () => {
    const root = createTempRepo({
      "packages/schema/package.json": manifest("@tt/schema"),
      "packages/schema/src/index.ts":
        'export * from "./tensor.js";\nexport type { Dim } from "./dim";\n',
      "packages/schema/src/tensor.ts":
        'import { readFileSync } from "node:fs";\nimport path from "path";\nexport const read = () => readFileSync(path.join("a"));\n',
      "packages/schema/src/dim.ts": "export type Dim = number;\n",
      "packages/schema/src/testing/index.ts": 'export * from "@tt/schema";\n',
      "packages/query/package.json": manifest("@tt/query", {
        ...dependsOn("@tt/schema"),
        peerDependencies: { zarrita: "^0.5.0" },
        optionalDependencies: { "lodash-es": "^4.0.0" },
      }),
      "packages/query/src/index.ts": [
        'import { read } from "@tt/schema";',
        'import { createMemoryStore } from "@tt/schema/testing";',
        'import type { Array } from "zarrita";',
        'import { chunk } from "lodash-es/chunk";',
        'import "./polyfill.js";',
        "export { read, createMemoryStore, chunk, type Array };",
      ].join("\n"),
      "packages/query/src/polyfill.ts": "export {};\n",
      "apps/viewer/package.json": manifest("viewer", dependsOn("@tt/query")),
      "apps/viewer/src/main.tsx":
        'import { read } from "@tt/query";\nexport const App = () => <div>{String(read)}</div>;\n',
    });
    const violations = checkBoundaries(root);
    expect(violations, formatViolations(violations)).toEqual([]);
  });

  it("reports @tt/schema importing @tt/query as an upward import", () => {
    const root = createTempRepo({
      "packages/schema/package.json": manifest("@tt/schema", dependsOn("@tt/query")),
      "packages/schema/src/index.ts": 'export const a = 1;\nimport { q } from "@tt/query";\n',
      "packages/query/package.json": manifest("@tt/query"),
      "packages/query/src/index.ts": "export const q = 1;\n",
    });
    const violation = single(checkBoundaries(root));
    expect(violation).toMatchObject({
      kind: "upward",
      from: "@tt/schema",
      to: "@tt/query",
      file: "packages/schema/src/index.ts",
    });
    expect(violation.message).toContain("packages/schema/src/index.ts:2 imports @tt/query");
    expect(violation.message).toContain("@tt/query (floor 3) from @tt/schema (floor 0)");
    expect(violation.message).toContain("imports must point to lower floors");
  });

  it("reports @tt/store-zarr importing @tt/meta-parquet as a sideways import", () => {
    const root = createTempRepo({
      "packages/store-zarr/package.json": manifest("@tt/store-zarr", dependsOn("@tt/meta-parquet")),
      "packages/store-zarr/src/store.ts": 'import { readMeta } from "@tt/meta-parquet";\n',
      "packages/meta-parquet/package.json": manifest("@tt/meta-parquet"),
      "packages/meta-parquet/src/index.ts": "export const readMeta = 1;\n",
    });
    const violation = single(checkBoundaries(root));
    expect(violation).toMatchObject({ kind: "sideways", from: "@tt/store-zarr" });
    expect(violation.message).toContain("packages/store-zarr/src/store.ts");
    expect(violation.message).toContain("@tt/meta-parquet (floor 2) from @tt/store-zarr (floor 2)");
    expect(violation.message).toContain("same floor");
  });

  it("reports an import of zarrita that package.json does not declare", () => {
    const root = createTempRepo({
      "packages/store-zarr/package.json": manifest("@tt/store-zarr"),
      "packages/store-zarr/src/open.ts": 'import * as zarr from "zarrita";\nexport { zarr };\n',
    });
    const violation = single(checkBoundaries(root));
    expect(violation).toMatchObject({ kind: "undeclared", from: "@tt/store-zarr", to: "zarrita" });
    expect(violation.message).toContain("packages/store-zarr/src/open.ts:1 imports zarrita");
    expect(violation.message).toContain("@tt/store-zarr does not declare");
    expect(violation.message).toContain("packages/store-zarr/package.json");
  });

  it("reports an import of @tt/schema/testing that is only a devDependency", () => {
    const root = createTempRepo({
      "packages/schema/package.json": manifest("@tt/schema"),
      "packages/schema/src/testing/index.ts": "export const kit = 1;\n",
      "packages/query/package.json": manifest("@tt/query", {
        devDependencies: { "@tt/schema": "workspace:*" },
      }),
      "packages/query/src/index.ts": 'import { kit } from "@tt/schema/testing";\nexport { kit };\n',
    });
    const violation = single(checkBoundaries(root));
    expect(violation).toMatchObject({ kind: "undeclared", from: "@tt/query", to: "@tt/schema" });
    expect(violation.message).toContain("packages/query/src/index.ts:1 imports @tt/schema");
    expect(violation.message).toContain('"@tt/schema": "workspace:*"');
    expect(violation.message).toContain("only in devDependencies");
  });

  it("sees dynamic import(), export ... from and import x = require()", () => {
    const root = createTempRepo({
      "packages/linalg/package.json": manifest("@tt/linalg"),
      "packages/linalg/src/index.ts": [
        "// import { fake } from 'in-a-comment';",
        "const text = \"import { fake } from 'in-a-string'\";",
        'export const load = () => import("@tt/query");',
        'export { combine } from "@tt/concat";',
        'import fs = require("fs-extra");',
        "export { text, fs };",
      ].join("\n"),
    });
    const violations = checkBoundaries(root);
    const seen = violations.map((violation) => `${violation.kind} ${violation.to}`).sort();
    expect(seen, formatViolations(violations)).toEqual([
      "undeclared @tt/concat",
      "undeclared @tt/query",
      "undeclared fs-extra",
      "upward @tt/concat",
      "upward @tt/query",
    ]);
  });

  it("sees import type, export type ... from and import() in type positions", () => {
    const root = createTempRepo({
      "packages/schema/package.json": manifest("@tt/schema", dependsOn("@tt/query", "@tt/result")),
      "packages/schema/src/types.ts": [
        'import type { Query } from "@tt/query";',
        'export type { Result } from "@tt/result";',
        'export type Plan = import("@tt/concat").Plan;',
        "export type { Query };",
      ].join("\n"),
    });
    const violations = checkBoundaries(root);
    const seen = violations.map((violation) => `${violation.kind} ${violation.to}`).sort();
    expect(seen, formatViolations(violations)).toEqual([
      "undeclared @tt/concat",
      "upward @tt/concat",
      "upward @tt/query",
      "upward @tt/result",
    ]);
  });

  it("reports two packages that depend on each other as one cycle, naming how each edge arises", () => {
    const root = createTempRepo({
      "packages/schema/package.json": manifest("@tt/schema", {
        devDependencies: { "@tt/linalg": "workspace:*" },
      }),
      "packages/schema/src/index.ts": "export const a = 1;\n",
      "packages/linalg/package.json": manifest("@tt/linalg", dependsOn("@tt/schema")),
      "packages/linalg/src/index.ts": 'import { a } from "@tt/schema";\nexport { a };\n',
    });
    const violation = single(checkBoundaries(root));
    expect(violation).toMatchObject({ kind: "cycle", from: "@tt/linalg", to: "@tt/schema" });
    expect(violation.message).toContain("@tt/linalg -> @tt/schema -> @tt/linalg");
    expect(violation.message).toContain("declared in packages/linalg/package.json");
    expect(violation.message).toContain("declared in packages/schema/package.json");
  });

  it("counts a package import as a dependency edge even when package.json does not list it", () => {
    const root = createTempRepo({
      "packages/schema/package.json": manifest("@tt/schema", dependsOn("@tt/linalg")),
      "packages/schema/src/index.ts": "export const a = 1;\n",
      "packages/linalg/package.json": manifest("@tt/linalg"),
      "packages/linalg/src/index.ts": 'import { a } from "@tt/schema";\nexport { a };\n',
    });
    const kinds = checkBoundaries(root).map((violation) => violation.kind);
    expect(kinds.sort()).toEqual(["cycle", "undeclared"]);
    const cycle = checkBoundaries(root).find((violation) => violation.kind === "cycle")!;
    expect(cycle.message).toContain("imported in packages/linalg/src/index.ts:1");
  });

  it("reports files of one package that import each other in a cycle, once", () => {
    const root = createTempRepo({
      "packages/schema/package.json": manifest("@tt/schema"),
      "packages/schema/src/index.ts": 'export * from "./tensor.js";\n',
      "packages/schema/src/tensor.ts":
        'import { view } from "./view/index.js";\nexport const t = 1;\n',
      "packages/schema/src/view/index.ts": 'export { view } from "./view";\n',
      "packages/schema/src/view/view.ts":
        'import { t } from "../tensor.js";\nexport const view = t;\n',
      // A cycle through `import type` is erased from the JavaScript, so it does not count.
      "packages/schema/src/a.ts": 'import type { B } from "./b.js";\nexport type A = B;\n',
      "packages/schema/src/b.ts": 'import type { A } from "./a.js";\nexport type B = A | 1;\n',
    });
    const violation = single(checkBoundaries(root));
    expect(violation).toMatchObject({
      kind: "cycle",
      from: "@tt/schema",
      file: "packages/schema/src/tensor.ts",
    });
    expect(violation.message).toContain(
      "packages/schema/src/tensor.ts -> packages/schema/src/view/index.ts -> " +
        "packages/schema/src/view/view.ts -> packages/schema/src/tensor.ts",
    );
  });

  it("reports a package without a floor and accepts one that declares its floor", () => {
    const root = createTempRepo({
      "packages/schema/package.json": manifest("@tt/schema"),
      "packages/mystery/package.json": manifest("@tt/mystery"),
      "packages/plugin-hdf5/package.json": manifest("tensortools-plugin-hdf5", {
        ...dependsOn("@tt/schema"),
        tensortools: { floor: 2 },
      }),
      "packages/plugin-hdf5/src/index.ts": 'import { a } from "@tt/schema";\nexport { a };\n',
    });
    const violation = single(checkBoundaries(root));
    expect(violation).toMatchObject({
      kind: "unknown-package",
      from: "@tt/mystery",
      file: "packages/mystery/package.json",
    });
    expect(violation.message).toContain("@tt/mystery (packages/mystery/package.json) has no floor");
    expect(violation.message).toContain('"tensortools": { "floor": N }');
  });

  it("checks imports against a declared floor like against the table", () => {
    const root = createTempRepo({
      "packages/query/package.json": manifest("@tt/query"),
      "packages/plugin-hdf5/package.json": manifest("tensortools-plugin-hdf5", {
        ...dependsOn("@tt/query"),
        tensortools: { floor: 2 },
      }),
      "packages/plugin-hdf5/src/index.ts": 'export { q } from "@tt/query";\n',
    });
    const violation = single(checkBoundaries(root));
    expect(violation).toMatchObject({ kind: "upward", from: "tensortools-plugin-hdf5" });
    expect(violation.message).toContain(
      "@tt/query (floor 3) from tensortools-plugin-hdf5 (floor 2)",
    );
  });

  it("reports a declared floor that contradicts the floor table", () => {
    const root = createTempRepo({
      "packages/query/package.json": manifest("@tt/query", { tensortools: { floor: 9 } }),
    });
    const violation = single(checkBoundaries(root));
    expect(violation.kind).toBe("unknown-package");
    expect(violation.message).toContain(`declares floor 9 but tooling/src/floors.ts`);
    expect(violation.message).toContain(`floor ${FLOORS["@tt/query"]}`);
  });

  it("reports a private package listed as a runtime dependency, and accepts it as a devDependency", () => {
    const root = createTempRepo({
      "packages/schema/package.json": manifest("@tt/schema"),
      "tooling/test-fixtures/package.json": manifest("@tt/test-fixtures", {
        private: true,
        ...dependsOn("@tt/schema"),
      }),
      "tooling/test-fixtures/src/index.ts": 'export { a } from "@tt/schema";\n',
      "packages/result/package.json": manifest("@tt/result", {
        devDependencies: { "@tt/test-fixtures": "workspace:*" },
      }),
      "packages/concat/package.json": manifest("@tt/concat", dependsOn("@tt/test-fixtures")),
    });
    const violation = single(checkBoundaries(root));
    expect(violation).toMatchObject({
      kind: "private-runtime",
      from: "@tt/concat",
      to: "@tt/test-fixtures",
      file: "packages/concat/package.json",
    });
    expect(violation.message).toBe(
      "packages/concat/package.json lists @tt/test-fixtures as a runtime dependency, but " +
        '@tt/test-fixtures is private and never published: move it to "devDependencies" ' +
        "(tests and tools only)",
    );
  });

  it("checks the test fixtures package like the others: its imports against its floor", () => {
    const root = createTempRepo({
      "packages/tensortools/package.json": manifest("tensortools"),
      "tooling/test-fixtures/package.json": manifest("@tt/test-fixtures", {
        private: true,
        ...dependsOn("tensortools"),
      }),
      "tooling/test-fixtures/src/index.ts": 'export { a } from "tensortools";\n',
    });
    const violation = single(checkBoundaries(root));
    expect(violation).toMatchObject({ kind: "upward", from: "@tt/test-fixtures" });
    expect(violation.message).toContain("tensortools (floor 5) from @tt/test-fixtures (floor 4)");
  });

  it("puts every app on the top floor, so a package importing an app goes upward", () => {
    const root = createTempRepo({
      "apps/cli/package.json": manifest("tensortools-cli"),
      "apps/cli/src/main.ts": "export const run = 1;\n",
      "packages/tensortools/package.json": manifest("tensortools", dependsOn("tensortools-cli")),
      "packages/tensortools/src/index.ts": 'export { run } from "tensortools-cli";\n',
    });
    const violation = single(checkBoundaries(root));
    expect(violation.message).toContain("tensortools-cli (floor 6) from tensortools (floor 5)");
  });
});

describe("formatViolations", () => {
  it("lists each violation on its own line with its kind after a count", () => {
    const text = formatViolations([
      { kind: "upward", from: "@tt/a", message: "first" },
      { kind: "cycle", from: "@tt/b", message: "second" },
    ]);
    expect(text).toBe("2 package boundary violations:\n  [upward] first\n  [cycle] second");
  });

  it("gives an empty string when there is nothing to report", () => {
    expect(formatViolations([])).toBe("");
  });
});
