import { tableFloor } from "./floors.js";
import type { WorkspacePackage } from "./workspace.js";

/** Where the floor table lives, so messages can send authors there. */
export const FLOORS_FILE = "tooling/src/floors.ts";

/** The floor of a package, or why it has none that the checks can trust. */
export type FloorResult = { floor: number } | { problem: string };

/** Whether a value is a usable floor: a non-negative integer. */
function isFloor(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}

/**
 * The floor of a workspace package: from the table (by name, or by folder for apps), else from
 * `"tensortools": { "floor": N }` in its package.json. A declared floor that contradicts the table
 * is a problem rather than an override, so a package cannot lift itself over the rules.
 */
export function floorOfPackage(pkg: WorkspacePackage): FloorResult {
  const fromTable = pkg.named ? tableFloor(pkg.name, pkg.folder) : undefined;
  const declared = pkg.declaredFloor;
  if (declared !== undefined && !isFloor(declared)) {
    return {
      problem:
        `${pkg.manifest}: "tensortools.floor" of ${pkg.name} is ${JSON.stringify(declared)}: ` +
        `it must be a non-negative integer such as 2`,
    };
  }
  if (fromTable !== undefined) {
    if (declared !== undefined && declared !== fromTable) {
      return {
        problem:
          `${pkg.manifest}: ${pkg.name} declares floor ${declared} but ${FLOORS_FILE} puts it on ` +
          `floor ${fromTable}: remove "tensortools.floor" or change the table`,
      };
    }
    return { floor: fromTable };
  }
  if (declared !== undefined) return { floor: declared };
  if (!pkg.named) {
    return {
      problem: `${pkg.manifest} has no "name": name the package so it gets a floor`,
    };
  }
  return {
    problem:
      `${pkg.name} (${pkg.manifest}) has no floor: add it to FLOORS in ${FLOORS_FILE}, or ` +
      `declare "tensortools": { "floor": N } in its package.json with N the floor it belongs on`,
  };
}
