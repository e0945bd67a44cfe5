/** Fits CP to a view: plan, scan, initialize, run the ALS sweeps, finish and assemble the output. */

import { createKernels, KERNEL_CHUNK_ROWS, khatriRao } from "@tt/linalg";
import {
  ConfigError,
  DataError,
  type FitContext,
  type MethodOutput,
  type ReadableView,
} from "@tt/schema";
import { runAls } from "./als.js";
import type { CpConfig } from "./config.js";
import { diagnosticsOf } from "./diagnostics.js";
import { finishModel } from "./finish.js";
import { ModeGrams, randomFactors } from "./init.js";
import {
  axisFactorTable,
  componentsTensor,
  componentTable,
  instanceTable,
  statisticTensor,
} from "./output.js";
import { planTensor } from "./plan.js";
import { matrixDType } from "./rows.js";
import { openSource } from "./source.js";
import { assertStreamable, statLayouts } from "./statistics.js";

/** The memory budget `"auto"` stands for: 1 GiB. */
const DEFAULT_MEMORY_BUDGET = 2 ** 30;
const IN_MEMORY_BLOCK_BYTES = 32 * 2 ** 20;

/** Rows per block: a multiple of the kernels' chunk, so sums do not depend on the blocking. */
function roundRows(bytes: number, rowBytes: number): number {
  return Math.max(
    KERNEL_CHUNK_ROWS,
    Math.floor(bytes / rowBytes / KERNEL_CHUNK_ROWS) * KERNEL_CHUNK_ROWS,
  );
}

/** Fits the CP decomposition of `view` with `config`. */
export async function fitCp(
  view: ReadableView,
  config: CpConfig,
  context: FitContext,
): Promise<MethodOutput> {
  const { signal } = context;
  const plan = planTensor(view, config);
  const layouts = statLayouts(view, plan, config);
  const dtype = matrixDType(view.dtype);
  const bytesPer = dtype === "float32" ? 4 : 8;
  const budget = config.memory_budget === "auto" ? DEFAULT_MEMORY_BUDGET : config.memory_budget;
  const inMemory = plan.n * plan.p * bytesPer <= budget;
  if (!inMemory) {
    assertStreamable(layouts.center, budget);
    assertStreamable(layouts.scale, budget);
    if (config.missing === "mask")
      throw new ConfigError(
        "missing",
        `"mask" imputes in memory, but the data (${plan.n * plan.p * bytesPer} bytes) exceeds memory_budget (${budget}); raise memory_budget or use "drop"`,
      );
  }
  const R = config.rank;
  const dims = plan.columnShape;
  const seed = config.seed ?? context.seed;
  const kernels = await createKernels({
    threads: config.threads === "auto" ? undefined : config.threads,
  });
  try {
    const blockRows = inMemory
      ? roundRows(IN_MEMORY_BLOCK_BYTES, plan.slab * bytesPer)
      : roundRows(budget / 3, plan.p * bytesPer);
    const source = await openSource({
      view,
      plan,
      config,
      layouts,
      kernels,
      blockRows,
      inMemory,
      signal,
      onProgress: (fraction) => context.onProgress({ phase: "read", fraction }),
    });
    const grams = config.init === "svd" ? new ModeGrams(kernels, dims, dtype, source.n) : undefined;
    const zero = new Float64Array(plan.p);
    let totalSquares = 0;
    const rowSquares = new Float64Array(source.n);
    await source.forEachBlock(async (block, row0) => {
      const { rowSumSquares } = await kernels.moments(block, zero);
      rowSquares.set(rowSumSquares, row0);
      for (const s of rowSumSquares) totalSquares += s;
      await grams?.add(block);
    });
    grams?.free();
    if (!(totalSquares > 0))
      throw new DataError("(view)", "every value is zero after preprocessing: nothing to fit");
    const init = grams?.factors(R, seed, config.nonnegative) ?? randomFactors(dims, R, seed);
    const als = await runAls({
      source,
      kernels,
      dims,
      rank: R,
      factors: init.factors,
      nIterMax: config.n_iter_max,
      tol: config.tol,
      nonnegative: config.nonnegative,
      lineSearch: config.line_search,
      totalSquares,
      signal,
      onSweep: (done, total) => context.onProgress({ phase: "fit", fraction: done / total }),
    });
    signal?.throwIfAborted();
    const model = await finishModel(source, kernels, dims, R, als, rowSquares);
    context.onProgress({ phase: "finish", fraction: 1 });
    const table = componentTable(model.weights);
    const components = khatriRao(model.factors, R);
    const componentTensors: MethodOutput["componentTensors"] = {
      // khatriRao is p × R; the tensor is R × p.
      components: componentsTensor(view, plan, transpose(components, plan.p, R), R, table),
    };
    if (source.center !== undefined)
      componentTensors.center = statisticTensor(view, plan, source.center, source.usedRows);
    if (source.scale !== undefined)
      componentTensors.scale = statisticTensor(view, plan, source.scale, source.usedRows);
    const factorTables: MethodOutput["factorTables"] = {
      [plan.rowAxis]: instanceTable(view, plan, source.usedRows, model.scores, R, model.reconError),
    };
    plan.columnAxes.forEach((axis, k) => {
      factorTables[axis] = axisFactorTable(view, plan, axis, model.factors[k]!, R);
    });
    factorTables.component = table;
    return {
      factorTables,
      componentTensors,
      diagnostics: diagnosticsOf({
        config,
        plan,
        source,
        als,
        model,
        initDetail: init.detail,
        seed,
        kernels,
        blockRows,
      }),
    };
  } finally {
    await kernels.dispose();
  }
}

function transpose(A: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) out[j * rows + i] = A[i * cols + j]!;
  return out;
}
