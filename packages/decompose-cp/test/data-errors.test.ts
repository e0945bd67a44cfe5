/**
 * CP on data at the edges: values far from 1 (rescaled by a power of two; the numpy golden in the
 * data's units), weights float64 cannot hold, data without variance and empty selections.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStoredDataset, writeDataset } from "@tt/bundle/fs";
import { createDataset } from "@tt/query";
import { createTensor, type DataError, isTensorToolsError, type MethodOutput } from "@tt/schema";
import { viewFromTensor } from "@tt/schema/testing";
import { afterAll, describe, expect, it } from "vitest";
import { expectClose, factorColumns, fitCp, goldenCases, goldenTensor } from "./helpers.js";

const golden = goldenCases();

async function failure(run: Promise<unknown>): Promise<Error> {
  const error = await run.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

describe("data far from 1", () => {
  const c = golden.get("synthetic_noisy")!;
  const R = c.config.rank as number;

  // The golden (scripts/golden/make_cp_golden.py, numpy CP-ALS) of the data times 2^e: weights,
  // scores and errors times 2^e, everything else the same.
  it.each([
    ["2^1000 (values near 7e301)", 1000],
    ["2^500", 500],
    ["2^-600", -600],
    ["2^-1000 (values near 7e-302)", -1000],
  ])("the golden of the data times %s", async (_, exponent) => {
    const scale = 2 ** exponent;
    const tensor = goldenTensor(c);
    const scaled = createTensor({
      ...tensor,
      data: Float64Array.from(tensor.data as Float64Array, (x) => x * scale),
    });
    const output: MethodOutput = await fitCp(viewFromTensor(scaled), c.config);
    const d = output.diagnostics as {
      weights: number[];
      relative_error: number;
      iterations: number;
    };
    expect(d.iterations).toBe(c.expected.iterations);
    expectClose([d.relative_error], [c.expected.relative_error], 1e-9, 0, "relative_error");
    expectClose(
      d.weights,
      c.expected.weights.map((w) => w * scale),
      1e-7,
      0,
      "weights",
    );
    expectClose(
      factorColumns(output, "instance", "score", R),
      c.expected.scores!.map((x) => x * scale),
      0,
      1e-7 * scale,
      "scores",
    );
    const recon = output.factorTables.instance!.column("recon_error").values as Float64Array;
    expectClose(
      recon,
      c.expected.recon_error!.map((x) => x * scale),
      1e-7,
      1e-12 * scale,
      "recon",
    );
    const factors = c.expected.factors.slice(1);
    expectClose(factorColumns(output, "sample", "factor", R), factors[0]!, 0, 1e-7, "sample");
    const share = output.factorTables.component!.column("share_of_fit").values as Float64Array;
    const squares = c.expected.weights.reduce((a, w) => a + w * w, 0);
    expectClose(
      share,
      c.expected.weights.map((w) => (w * w) / squares),
      1e-7,
      0,
      "share",
    );
  });

  it("refuses weights beyond float64, naming a value and what to divide by", async () => {
    // The golden's weights times 2^1021: 42.86 * 2^1021 = 9.6e308 > 1.8e308.
    const tensor = goldenTensor(c);
    const scaled = createTensor({
      ...tensor,
      data: Float64Array.from(tensor.data as Float64Array, (x) => x * 2 ** 1021),
    });
    const error = await failure(fitCp(viewFromTensor(scaled), c.config));
    expect(isTensorToolsError(error, "data")).toBe(true);
    expect(error.message).toMatch(
      /^instance i\d+, sample \d+, channel \d+: the value [-\d.e+]+ is finite, but its square is not: the component weights \(about 2\^102\d\) would exceed the float64 range \(1\.8e308\); divide the data by 1e\d+ or more and decompose again$/,
    );
    expect((error as DataError).where).toMatch(/^instance i\d+, sample \d+, channel \d+$/);
  });
});

describe("nothing to decompose", () => {
  const tensor = (value: number) =>
    createTensor({
      data: new Float64Array(60).fill(value),
      shape: [5, 4, 3],
      axes: ["instance", "a", "b"],
    });

  it("refuses a constant tensor centered over instances: zero variance, relative error 0/0", async () => {
    const error = await failure(
      fitCp(viewFromTensor(tensor(2.5)), { rank: 2, center: { over: ["instance"] } }),
    );
    expect(isTensorToolsError(error, "data")).toBe(true);
    expect(error.message).toBe(
      "the data (5 instances x 12 features): has zero variance after centering (every value equals its mean): nothing to decompose",
    );
  });

  it("refuses an all-zero tensor, with random initialization too", async () => {
    const error = await failure(fitCp(viewFromTensor(tensor(0)), { rank: 2, init: "random" }));
    expect(error.message).toBe(
      "the data (5 instances x 12 features): is all zeros: nothing to decompose",
    );
  });
});

describe("empty selections", () => {
  const dir = mkdtempSync(join(tmpdir(), "tt-cp-empty-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("a query that selects nothing is a selection error, before any rank check", async () => {
    const tensor = createTensor({
      data: Float64Array.from({ length: 60 }, (_, i) => i % 7),
      shape: [5, 4, 3],
      axes: ["trial", "time", "neuron"],
      axisIndex: { trial: ["t1", "t2", "t3", "t4", "t5"] },
    });
    await writeDataset(join(dir, "trials"), tensor);
    const view = createDataset(await openStoredDataset(join(dir, "trials"))).query(
      "trial",
      "trial_id == 'none'",
    );
    const error = await failure(fitCp(view, { rank: 50 }));
    expect(isTensorToolsError(error, "selection")).toBe(true);
    expect(error.message).toBe(
      `selection on axis 'trial': the view selects no instances (the dataset has 5), so there is nothing to decompose; its selectors: query(trial, "trial_id == 'none'")`,
    );
  });
});
