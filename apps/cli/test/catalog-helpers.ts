/** Inputs for the catalog tests: small recordings as .npy and CSV files, and their checksums. */

import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { type Run, tt, writeNpyFile } from "./helpers.js";

/** Instances, samples and channels of a recording. */
export const RECORDING_SHAPE = [12, 8, 3] as const;

/** Writes a float64 .npy file of `shape` with values that vary by `seed`. */
function writeNpy(path: string, shape: readonly number[], seed: number): void {
  const data = Float64Array.from(
    { length: shape.reduce((a, b) => a * b, 1) },
    (_, k) => Math.sin(k * 0.37 + seed) + ((k * 7919 + seed * 104729) % 13) / 13,
  );
  writeNpyFile(path, data, shape);
}

/**
 * Writes recording `name` into `dir`: `<name>.npy` (12 x 8 x 3) and `<name>.csv` (instance_id
 * `<name>0`..., qc_pass false for every fourth instance). Returns both paths.
 */
export function writeRecording(dir: string, name: string, seed: number) {
  const npy = join(dir, `${name}.npy`);
  const csv = join(dir, `${name}.csv`);
  writeNpy(npy, RECORDING_SHAPE, seed);
  const rows = Array.from({ length: RECORDING_SHAPE[0] }, (_, i) => `${name}${i},${i % 4 !== 0}`);
  writeFileSync(csv, `instance_id,qc_pass\n${rows.join("\n")}\n`);
  return { npy, csv };
}

/** `tt import` of recording `name` (written by {@link writeRecording}) into `<dir>/rec-<name>`. */
export async function importRecording(
  dir: string,
  name: string,
  extra: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<Run> {
  const { npy, csv } = writeRecording(dir, name, name.charCodeAt(0));
  const args = ["import", "--npy", npy, "--axes", "instance,sample,channel"];
  return tt([...args, "--meta", `instance=${csv}`, `rec-${name}`, ...extra], dir, env);
}

/** `sha256:<hex>` of a file, computed here. */
export function sha256Of(path: string): string {
  return `sha256:${createHash("sha256").update(readFileSync(path)).digest("hex")}`;
}

/** Expects `run` to have ended with exit code 0, showing its stderr otherwise. */
export function expectOk(run: Run): Run {
  expect(run.code, run.stderr).toBe(0);
  return run;
}
