/**
 * Properties beyond the goldens: streamed fits equal in-memory ones, the seeded starts, the loss
 * never rising under multiplicative updates, and the subspace-iteration SVD of wide data.
 */

import { createKernels, KERNEL_CHUNK_ROWS } from "@tt/linalg";
import type { MethodOutput } from "@tt/schema";
import { viewFromTensor } from "@tt/schema/testing";
import { describe, expect, it } from "vitest";
import { fitNmf, maxDifference, scoresOf, tensorOf } from "./helpers.js";

/** n × p non-negative data of rank about 3 plus noise, from a fixed sequence. */
function lowRank(n: number, p: number): Float64Array {
  const out = new Float64Array(n * p);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < p; j++)
      out[i * p + j] =
        (1 + Math.sin(i)) * (1 + Math.cos(j)) +
        ((i % 7) / 7) * ((j % 5) / 5) +
        (1 + Math.sin(0.3 * i + 1)) * (j % 3) +
        0.05 * (1 + Math.sin(i * p + j * 7.1));
  return out;
}

const n = 2600;
const shape = [n, 4, 3];
const axes = ["instance", "sample", "channel"];
const view = () => viewFromTensor(tensorOf(lowRank(n, 12), shape, axes));
const diagnostics = (out: MethodOutput) => out.diagnostics as Record<string, unknown>;

function expectSameFit(a: MethodOutput, b: MethodOutput, k: number, tolerance: number): void {
  expect(diagnostics(a).n_iter).toBe(diagnostics(b).n_iter);
  const W = scoresOf(a, k);
  expect(maxDifference(W, scoresOf(b, k)) / Math.max(...W)).toBeLessThanOrEqual(tolerance);
  const H = a.componentTensors.components!.data as Float64Array;
  const H2 = b.componentTensors.components!.data as Float64Array;
  expect(maxDifference(H, H2) / Math.max(...H)).toBeLessThanOrEqual(tolerance);
}

describe("streaming", () => {
  it.each([
    { solver: "cd" },
    { solver: "mu" },
    { solver: "mu", beta_loss: "kullback-leibler", init: "nndsvd" },
    { solver: "cd", init: "random" },
  ])(
    "a fit streamed in blocks of 1024 instances equals the in-memory fit (%j)",
    async (settings) => {
      const config = { rank: 3, max_iter: 60, ...settings };
      const memory = await fitNmf(view(), config, 3);
      const streamed = await fitNmf(
        view(),
        { ...config, memory_budget: 2 * KERNEL_CHUNK_ROWS * 12 * 8 },
        3,
      );
      expect(diagnostics(memory).in_memory).toBe(true);
      expect(diagnostics(streamed).in_memory).toBe(false);
      // One scan, the first read, the start's passes, one pass per iteration, the residuals.
      expect(diagnostics(streamed).passes).toBeGreaterThan(diagnostics(streamed).n_iter as number);
      expectSameFit(memory, streamed, 3, 1e-10);
    },
  );
});

describe("starts and losses", () => {
  it("random and nndsvdar starts follow the seed", async () => {
    for (const init of ["random", "nndsvdar"]) {
      const config = { rank: 3, init, max_iter: 30 };
      const a = await fitNmf(view(), config, 11);
      expectSameFit(a, await fitNmf(view(), config, 11), 3, 0);
      const c = await fitNmf(view(), config, 12);
      expect(diagnostics(c).reconstruction_err).not.toBe(diagnostics(a).reconstruction_err);
      expect(Math.min(...scoresOf(a, 3))).toBeGreaterThanOrEqual(0);
    }
  });

  it.each(["frobenius", "kullback-leibler"])(
    "multiplicative updates never raise the %s loss, and it matches the residuals",
    async (beta_loss) => {
      const out = await fitNmf(view(), {
        rank: 3,
        solver: "mu",
        beta_loss,
        tol: 1e-12,
        max_iter: 100,
      });
      const history = diagnostics(out).loss_history as number[];
      // The start, iterations 10 to 90 (measured in the next pass), and 100 (after the last).
      expect(history.length).toBe(11);
      for (let i = 1; i < history.length; i++)
        expect(history[i]!).toBeLessThanOrEqual(history[i - 1]!);
      expect(diagnostics(out).reconstruction_err as number).toBeLessThanOrEqual(history.at(-1)!);
      const rows = out.factorTables.instance!.column("recon_error").values as Float64Array;
      const squares = rows.reduce((a, e) => a + e * e, 0);
      expect(Math.sqrt(squares)).toBeCloseTo(diagnostics(out).frobenius_error as number, 10);
    },
  );

  it("H has the view's other axes and W·H reconstructs each instance up to its recon_error", async () => {
    const data = lowRank(50, 12);
    const out = await fitNmf(viewFromTensor(tensorOf(data, [50, 4, 3], axes)), { rank: 3 });
    const components = out.componentTensors.components!;
    expect(components.axes).toEqual(["component", "sample", "channel"]);
    const W = scoresOf(out, 3);
    const H = components.data as Float64Array;
    const rows = out.factorTables.instance!.column("recon_error").values as Float64Array;
    for (const i of [0, 17, 49]) {
      let sum = 0;
      for (let j = 0; j < 12; j++) {
        let wh = 0;
        for (let c = 0; c < 3; c++) wh += W[i * 3 + c]! * H[c * 12 + j]!;
        sum += (data[i * 12 + j]! - wh) ** 2;
      }
      expect(Math.sqrt(sum)).toBeCloseTo(rows[i]!, 12);
    }
  });
});

describe("the NNDSVD start of wide data", () => {
  it("subspace iteration (above 2048 features) gives the triplets of the Gram eigenvectors", async () => {
    const { truncatedSvd } = await import("../src/truncated-svd.js");
    const rows = 40;
    const p = 30;
    const data = lowRank(rows, p);
    const kernels = await createKernels({ backend: "js" });
    try {
      const matrix = kernels.allocMatrix(rows, p, "float64");
      matrix.data.set(data);
      const source = {
        n: rows,
        p,
        forEachBlock: async (visit: (block: typeof matrix, row0: number) => Promise<void>) =>
          visit(matrix, 0),
      } as unknown as Parameters<typeof truncatedSvd>[0];
      const gram = await kernels.gram(matrix);
      const exact = await truncatedSvd(source, kernels, 3, gram, 0);
      const iterated = await truncatedSvd(source, kernels, 3, undefined, 0);
      expect(maxDifference(iterated.s, exact.s) / exact.s[0]!).toBeLessThan(1e-10);
      // Singular vectors agree up to sign.
      for (const [a, b, length] of [
        [iterated.U, exact.U, rows],
        [iterated.V, exact.V, p],
      ] as const)
        for (let c = 0; c < 3; c++) {
          let dot = 0;
          for (let i = 0; i < length; i++) dot += a[i * 3 + c]! * b[i * 3 + c]!;
          expect(Math.abs(dot)).toBeCloseTo(1, 8);
        }
    } finally {
      await kernels.dispose();
    }
  });
});

describe("data beyond the kernels' range", () => {
  // The random start and coordinate descent scale with the data (NNDSVD's 1e-6 threshold does not).
  it("data times 2^300 gives W and H times 2^150 and errors times 2^300", async () => {
    const data = lowRank(40, 12);
    const fitScaled = (values: Float64Array) =>
      fitNmf(viewFromTensor(tensorOf(values, [40, 4, 3], axes)), {
        rank: 3,
        max_iter: 50,
        init: "random",
      });
    const plain = await fitScaled(data);
    const huge = await fitScaled(data.map((x) => x * 2 ** 300));
    expect(diagnostics(huge).n_iter).toBe(diagnostics(plain).n_iter);
    const W = scoresOf(plain, 3);
    const hugeW = scoresOf(huge, 3).map((x) => x * 2 ** -150);
    expect(maxDifference(hugeW, W) / Math.max(...W)).toBeLessThan(1e-12);
    const H = plain.componentTensors.components!.data as Float64Array;
    const hugeH = (huge.componentTensors.components!.data as Float64Array).map(
      (x) => x * 2 ** -150,
    );
    expect(maxDifference(hugeH, H) / Math.max(...H)).toBeLessThan(1e-12);
    const error = diagnostics(plain).reconstruction_err as number;
    expect((diagnostics(huge).reconstruction_err as number) * 2 ** -300).toBeCloseTo(error, 12);
  });
});
