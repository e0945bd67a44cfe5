import { readFileSync } from "node:fs";
import { join } from "node:path";
import { findCycles } from "./cycles.js";
import { FLOORS } from "./floors.js";
import { collectImports } from "./imports.js";
import { floorOfPackage } from "./package-floors.js";
import { resolveRelativeImport } from "./relative-imports.js";
import {
  isBareSpecifier,
  isNodeBuiltin,
  isRelativeSpecifier,
  packageNameOf,
} from "./specifiers.js";
import { readWorkspace, type WorkspacePackage } from "./workspace.js";

/** The rule a violation breaks. */
export type ViolationKind =
  | "upward"
  | "sideways"
  | "undeclared"
  | "cycle"
  | "unknown-package"
  | "private-runtime";

/** One broken boundary rule, with a message that says what, where, and what would be right. */
export interface Violation {
  /** The rule broken. */
  kind: ViolationKind;
  /** The package that breaks it. */
  from: string;
  /** The package it wrongly depends on, when there is one. */
  to?: string;
  /** The offending file relative to the root, when there is one. */
  file?: string;
  /** What is wrong, where, and how to fix it. */
  message: string;
}

/** Edges of the package graph with, per edge, the first place that creates it, for messages. */
type PackageEdges = Map<string, Map<string, string>>;

/** Records a package edge unless one is known already; the first reason is enough to find it. */
function addPackageEdge(edges: PackageEdges, from: string, to: string, reason: string): void {
  let targets = edges.get(from);
  if (targets === undefined) {
    targets = new Map();
    edges.set(from, targets);
  }
  if (!targets.has(to)) targets.set(to, reason);
}

/** The floor a package name has: its workspace floor, else the table's for not-yet-created ones. */
function floorOfName(name: string, floors: ReadonlyMap<string, number>): number | undefined {
  return floors.get(name) ?? (Object.hasOwn(FLOORS, name) ? FLOORS[name] : undefined);
}

/** The message for an import of a dependency that package.json does not declare. */
function undeclaredMessage(pkg: WorkspacePackage, where: string, target: string): string {
  const workspace = target.startsWith("@tt/") || target === "tensortools";
  const entry = workspace ? `"${target}": "workspace:*"` : `"${target}"`;
  const devOnly = pkg.devDependencies.has(target)
    ? `; it is only in devDependencies, which do not count for src/`
    : "";
  return (
    `${where} imports ${target}, which ${pkg.name} does not declare: add ${entry} to ` +
    `"dependencies" (or "peerDependencies"/"optionalDependencies") in ${pkg.manifest}${devOnly}`
  );
}

/** The message for an import that goes up or sideways between floors. */
function floorMessage(where: string, from: string, to: string, ff: number, tf: number): string {
  const rule =
    tf === ff
      ? "packages on the same floor must not import each other; move what both need to a lower floor"
      : "imports must point to lower floors; move what is needed down, or this code up";
  return `${where} imports ${to} (floor ${tf}) from ${from} (floor ${ff}): ${rule}`;
}

/**
 * Violations for private workspace packages (never published) that a package lists as a runtime
 * dependency: an installed package would miss them. Only devDependencies may name them.
 */
function privateRuntimeViolations(packages: readonly WorkspacePackage[]): Violation[] {
  const privateNames = new Set(packages.filter((pkg) => pkg.private).map((pkg) => pkg.name));
  return packages.flatMap((pkg) =>
    [...pkg.runtimeDependencies]
      .filter((dependency) => privateNames.has(dependency) && dependency !== pkg.name)
      .map((dependency) => ({
        kind: "private-runtime" as const,
        from: pkg.name,
        to: dependency,
        file: pkg.manifest,
        message:
          `${pkg.manifest} lists ${dependency} as a runtime dependency, but ${dependency} is ` +
          `private and never published: move it to "devDependencies" (tests and tools only)`,
      })),
  );
}

/** What the per-package checks share: the repo, what is known about it, and where results go. */
interface CheckContext {
  root: string;
  floors: ReadonlyMap<string, number>;
  workspaceNames: ReadonlySet<string>;
  packageEdges: PackageEdges;
  violations: Violation[];
}

/** Checks every file of one package: floors and declarations of bare imports, file cycles. */
function checkPackageFiles(pkg: WorkspacePackage, context: CheckContext): void {
  const { root, floors, workspaceNames, packageEdges, violations } = context;
  const files = new Set(pkg.sourceFiles);
  const fileGraph = new Map<string, Set<string>>();
  const reported = new Set<string>();
  const report = (key: string, violation: Violation) => {
    if (reported.has(key)) return;
    reported.add(key);
    violations.push(violation);
  };

  for (const file of pkg.sourceFiles) {
    const targets = new Set<string>();
    fileGraph.set(file, targets);
    for (const reference of collectImports(file, readFileSync(join(root, file), "utf8"))) {
      const { specifier } = reference;
      const where = `${file}:${reference.line}`;
      if (isRelativeSpecifier(specifier)) {
        // Type-only imports are erased, so they cannot take part in a load-order cycle.
        const target = reference.typeOnly
          ? undefined
          : resolveRelativeImport(file, specifier, files);
        if (target !== undefined) targets.add(target);
        continue;
      }
      if (!isBareSpecifier(specifier) || isNodeBuiltin(specifier)) continue;
      const target = packageNameOf(specifier);
      if (target === pkg.name) continue;
      if (!pkg.runtimeDependencies.has(target)) {
        report(`undeclared ${file} ${target}`, {
          kind: "undeclared",
          from: pkg.name,
          to: target,
          file,
          message: undeclaredMessage(pkg, where, target),
        });
      }
      if (workspaceNames.has(target)) {
        addPackageEdge(packageEdges, pkg.name, target, `imported in ${where}`);
      }
      const fromFloor = floors.get(pkg.name);
      const toFloor = floorOfName(target, floors);
      if (fromFloor === undefined || toFloor === undefined || toFloor < fromFloor) continue;
      report(`floor ${file} ${target}`, {
        kind: toFloor === fromFloor ? "sideways" : "upward",
        from: pkg.name,
        to: target,
        file,
        message: floorMessage(where, pkg.name, target, fromFloor, toFloor),
      });
    }
  }

  for (const cycle of findCycles(fileGraph)) {
    violations.push({
      kind: "cycle",
      from: pkg.name,
      file: cycle[0]!,
      message:
        `files of ${pkg.name} import each other in a cycle: ${cycle.join(" -> ")}: move what ` +
        `they share into a file that imports none of them, or use "import type" for types`,
    });
  }
}

/**
 * Checks the package boundaries of a tensortools repo: every workspace package (see
 * `readWorkspace`) has a floor, imports only from lower floors, declares what its `src/` imports,
 * lists no private package as a runtime dependency, and neither packages nor the files inside one
 * package depend on each other in a cycle.
 */
export function checkBoundaries(root: string): Violation[] {
  const packages = readWorkspace(root);
  const violations: Violation[] = [];
  const floors = new Map<string, number>();
  for (const pkg of packages) {
    const result = floorOfPackage(pkg);
    if ("floor" in result) floors.set(pkg.name, result.floor);
    else {
      violations.push({
        kind: "unknown-package",
        from: pkg.name,
        file: pkg.manifest,
        message: result.problem,
      });
    }
  }

  violations.push(...privateRuntimeViolations(packages));
  const workspaceNames = new Set(packages.filter((pkg) => pkg.named).map((pkg) => pkg.name));
  const packageEdges: PackageEdges = new Map();
  for (const pkg of packages) {
    // Dev dependencies count here: a cycle through them still breaks the build order.
    for (const dependency of [...pkg.runtimeDependencies, ...pkg.devDependencies]) {
      if (workspaceNames.has(dependency) && dependency !== pkg.name) {
        addPackageEdge(packageEdges, pkg.name, dependency, `declared in ${pkg.manifest}`);
      }
    }
  }
  const context: CheckContext = { root, floors, workspaceNames, packageEdges, violations };
  for (const pkg of packages) checkPackageFiles(pkg, context);

  const packageGraph = new Map(
    [...packageEdges].map(([from, targets]) => [from, new Set(targets.keys())]),
  );
  for (const cycle of findCycles(packageGraph)) {
    const steps = cycle.slice(1).map((to, index) => {
      const from = cycle[index]!;
      return `${from} -> ${to}: ${packageEdges.get(from)?.get(to)}`;
    });
    violations.push({
      kind: "cycle",
      from: cycle[0]!,
      to: cycle[1]!,
      message:
        `workspace packages depend on each other in a cycle: ${cycle.join(" -> ")} ` +
        `(${steps.join("; ")}): a package may depend only on lower floors, so move what they ` +
        `share down`,
    });
  }
  return violations;
}

/** Violations as a readable list, one per line, or an empty string when there are none. */
export function formatViolations(violations: readonly Violation[]): string {
  if (violations.length === 0) return "";
  const noun = violations.length === 1 ? "violation" : "violations";
  const lines = violations.map((violation) => `  [${violation.kind}] ${violation.message}`);
  return [`${violations.length} package boundary ${noun}:`, ...lines].join("\n");
}
