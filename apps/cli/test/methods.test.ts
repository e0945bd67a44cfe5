/**
 * `tt decompose --method ica | tucker | nmf` on the real datasets of the repository, end to end:
 * imported with `tt import`, decomposed, the result read back. ICA of the EEGLAB epochs puts the
 * frontal and eye channels on the blink component; the Tucker3 of the amino acids fits at least
 * as well as the rank-3 CP (0.97495); NMF of iris gives the reconstruction error of the numpy
 * golden (fixtures/golden/nmf.json, case iris_cd).
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openResult } from "tensortools";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, removeTempDirs, tempDir, tt } from "./helpers.js";

let dir: string;

/** `tt import` of a fixture folder (tensor.npy and one CSV per axis, ids in `id`). */
async function importFixture(name: string, axes: string[], files: string[], out: string) {
  const meta = axes.flatMap((axis, i) =>
    files[i] === undefined ? [] : ["--meta", `${axis}=${join(FIXTURES, name, files[i]!)}`],
  );
  const ids = axes.flatMap((axis, i) => (files[i] === undefined ? [] : ["--id", `${axis}=id`]));
  const args = ["import", "--npy", join(FIXTURES, name, "tensor.npy"), "--axes", axes.join(",")];
  const run = await tt([...args, ...meta, ...ids, out]);
  expect(run.stderr).not.toMatch(/error/i);
  expect(run.code).toBe(0);
}

beforeAll(() => {
  dir = tempDir();
});

afterAll(removeTempDirs);

describe("tt decompose with the methods of issue 25", () => {
  it("ica of the EEG epochs: the most kurtotic component loads on the frontal and eye channels", async () => {
    const eeg = join(dir, "eeg");
    const files = ["axis0_epochs.csv", "axis1_time.csv", "axis2_channels.csv"];
    await importFixture("eeglab_epochs", ["epoch", "time", "channel"], files, eeg);
    const run = await tt(["decompose", eeg, "-m", "ica", "-o", join(dir, "eeg-ica"), "--json"]);
    expect(run.code).toBe(0);
    const result = await openResult(join(dir, "eeg-ica"));
    expect(result.method).toBe("ica");
    const kurtosis = result.factorTables.component!.column("kurtosis").values as Float64Array;
    const blink = kurtosis.indexOf(Math.max(...kurtosis));
    const channels = result.factorTables.channel!;
    const ids = channels.column("id").values as unknown as string[];
    const mixing = channels.column(`mixing_${blink + 1}`).values as Float64Array;
    const order = Array.from(mixing.keys()).sort(
      (a, b) => Math.abs(mixing[b]!) - Math.abs(mixing[a]!),
    );
    const top = order.slice(0, 2).map((i) => ids[i]);
    expect(top).toContain("FPz");
    expect(top.some((id) => id === "EOG1" || id === "EOG2")).toBe(true);
  }, 120_000);

  it("tucker of the amino acids: ranks (3, 3, 3) fit at least as well as the rank-3 CP", async () => {
    const amino = join(dir, "amino");
    const files = ["axis0_samples.csv", "axis1_emission.csv", "axis2_excitation.csv"];
    await importFixture("amino_acids_bro", ["sample", "emission", "excitation"], files, amino);
    const run = await tt(["decompose", amino, "-m", "tucker", "-k", "3", "-o", join(dir, "tk")]);
    expect(run.code).toBe(0);
    const fit = (await openResult(join(dir, "tk"))).diagnostics.fit as number;
    expect(fit).toBeGreaterThanOrEqual(0.97495);
    expect(fit).toBeCloseTo(0.97554, 5);
  }, 120_000);

  it("nmf of iris: the reconstruction error of the numpy golden", async () => {
    const iris = join(dir, "iris");
    await importFixture(
      "iris",
      ["flower", "sample", "feature"],
      ["axis0_flowers.csv", undefined as unknown as string, "axis2_features.csv"],
      iris,
    );
    const run = await tt(["decompose", iris, "-m", "nmf", "-k", "2", "-o", join(dir, "nmf")]);
    expect(run.code).toBe(0);
    const golden = JSON.parse(readFileSync(join(FIXTURES, "golden/nmf.json"), "utf8"));
    const cases = (golden.cases ?? golden) as Array<{
      name: string;
      expected: Record<string, number>;
    }>;
    const expected = cases.find((c) => c.name === "iris_cd")!.expected.reconstruction_err!;
    const error = (await openResult(join(dir, "nmf"))).diagnostics.reconstruction_err as number;
    expect(Math.abs(error - expected) / expected).toBeLessThan(1e-9);
  }, 120_000);
});
