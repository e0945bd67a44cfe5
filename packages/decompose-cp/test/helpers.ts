/** Shared test helpers: the numpy goldens, the fixtures as views, and a fit shortcut. */

import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { readCsvFile, readNpyFile } from "@tt/bundle/fs";
import {
  type AxisAnnotatedTensor,
  createTensor,
  type MethodOutput,
  type ReadableView,
} from "@tt/schema";
import { viewFromTensor } from "@tt/schema/testing";
import { fitContext } from "@tt/test-fixtures";
import { cp } from "../src/index.js";

export { correlation, expectClose, factorColumns, fitContext as context } from "@tt/test-fixtures";

/** The repository's fixtures folder. */
export const FIXTURES = new URL("../../../fixtures/", import.meta.url);

/** Results of the numpy CP-ALS of scripts/golden/make_cp_golden.py. */
export interface GoldenExpected {
  iterations: number;
  converged: boolean;
  relative_error_history: number[];
  relative_error: number;
  fit: number;
  weights: number[];
  factors: number[][];
  scores?: number[];
  recon_error?: number[];
  core_consistency: number;
}

/** One case of fixtures/golden/cp.json. */
export interface GoldenCase {
  name: string;
  source?: string;
  axes?: string[];
  shape?: number[];
  data?: number[];
  config: Record<string, unknown>;
  expected: GoldenExpected;
}

/** The golden cases by name. */
export function goldenCases(): Map<string, GoldenCase> {
  const golden = JSON.parse(readFileSync(new URL("golden/cp.json", FIXTURES), "utf8")) as {
    cases: GoldenCase[];
  };
  return new Map(golden.cases.map((c) => [c.name, c]));
}

/** The tensor of a golden case with inline data, instance ids `i0`, `i1`, ... */
export function goldenTensor(c: GoldenCase): AxisAnnotatedTensor {
  return createTensor({
    data: Float64Array.from(c.data!),
    shape: c.shape!,
    axes: c.axes!,
    axisIndex: { [c.axes![0]!]: Array.from({ length: c.shape![0]! }, (_, i) => `i${i}`) },
  });
}

/** A fixture dataset folder (tensor.npy and axis CSVs with an `id` column) as a view. */
export async function fixtureView(folder: string, axes: string[]): Promise<ReadableView> {
  const path = (name: string) => fileURLToPath(new URL(`${folder}/${name}`, FIXTURES));
  const { data, shape } = await readNpyFile(path("tensor.npy"));
  const files = readdir(folder);
  const axisMeta: Record<string, Awaited<ReturnType<typeof readCsvFile>>> = {};
  for (const [d, axis] of axes.entries()) {
    const file = files.find((name) => name.startsWith(`axis${d}_`) && name.endsWith(".csv"));
    if (file !== undefined) axisMeta[axis] = await readCsvFile(path(file));
  }
  const tensor = createTensor({ data, shape, axes, axisMeta });
  return viewFromTensor(tensor, Object.fromEntries(axes.map((axis) => [axis, "id"])));
}

function readdir(folder: string): string[] {
  return readdirSync(fileURLToPath(new URL(`${folder}/`, FIXTURES)));
}

/** Fits `cp` with `config` (validated) to a view. */
export function fitCp(
  view: ReadableView,
  config: Record<string, unknown>,
  seed = 0,
): Promise<MethodOutput> {
  return cp.fit(view, cp.validate(config), fitContext(seed));
}
