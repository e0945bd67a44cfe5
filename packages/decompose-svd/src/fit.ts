/** Fits SVD/PCA to a view: plan, scan, solve, impute if asked, and assemble the output. */

import {
  componentsTensor,
  instanceTable,
  type MatrixSource,
  openSource,
  type Plan,
  planMemory,
  preprocessingTensors,
  statLayouts,
} from "@tt/decompose-core";
import { createKernels, type Kernels } from "@tt/linalg";
import {
  ConfigError,
  type FitContext,
  type JsonObject,
  type MethodOutput,
  type ReadableView,
} from "@tt/schema";
import type { SolverName, SvdConfig } from "./config.js";
import { componentTable } from "./output.js";
import { planMatrix } from "./plan.js";
import {
  autoPowerIterations,
  type Decomposition,
  GRAM_MAX_COLUMNS,
  solveExact,
  solveGram,
  solveRandomized,
} from "./solve.js";

const MAX_IMPUTE_ITERATIONS = 100;

/** The solver `auto` picks, after scikit-learn's PCA: exact when small, randomized for low ranks. */
function chooseSolver(
  requested: SolverName,
  n: number,
  p: number,
  k: number,
  inMemory: boolean,
): Exclude<SolverName, "auto"> {
  if (requested !== "auto") return requested;
  if (inMemory && Math.max(n, p) <= 500) return "exact";
  if (k < 0.8 * Math.min(n, p)) return "randomized";
  if (p <= GRAM_MAX_COLUMNS) return "gram";
  return inMemory ? "exact" : "randomized";
}

/** Fits the SVD (or PCA, by its config) of `view`. */
export async function fitSvd(
  view: ReadableView,
  config: SvdConfig,
  context: FitContext,
): Promise<MethodOutput> {
  const { signal } = context;
  const plan = planMatrix(view, config);
  const layouts = statLayouts(view, plan, config);
  if (config.missing === "mask" && typeof config.rank !== "number")
    throw new ConfigError(
      "rank",
      `must be an integer with missing "mask": the imputation fits a fixed rank`,
    );
  const memory = planMemory(view, plan, layouts, config);
  const maxRank = Math.min(plan.n, plan.p);
  if (typeof config.rank === "number" && config.rank > maxRank)
    throw new ConfigError(
      "rank",
      `${config.rank} is more than the data allows: min(instances, features) = min(${plan.n}, ${plan.p}) = ${maxRank}`,
    );

  // The config's own thread count wins; "auto" defers to the caller's kernel settings.
  const kernels = await createKernels({
    backend: context.kernels?.backend,
    threads: config.threads === "auto" ? context.kernels?.threads : config.threads,
  });
  try {
    const source = await openSource({ view, plan, config, layouts, kernels, memory, context });
    const requestedRank = typeof config.rank === "number" ? config.rank : config.rank.max;
    const kFit = Math.min(requestedRank, Math.min(source.n, plan.p));
    if (typeof config.rank === "number" && config.rank > kFit)
      throw new ConfigError(
        "rank",
        `${config.rank} is more than the data allows after dropping instances with missing values: ${kFit}`,
      );
    const solver = chooseSolver(config.solver, source.n, plan.p, kFit, memory.inMemory);
    const { seed } = context;
    const powerIterations =
      config.power_iterations === "auto"
        ? autoPowerIterations(kFit, source.n, plan.p)
        : config.power_iterations;
    const solve = (k: number): Promise<Decomposition> => {
      signal?.throwIfAborted();
      if (solver === "exact") return solveExact(source, k);
      if (solver === "gram") return solveGram(source, kernels, k);
      return solveRandomized(source, kernels, {
        k,
        oversamples: config.oversamples,
        powerIterations,
        seed,
        signal,
        onIteration: (done, total) => context.onProgress({ phase: "fit", fraction: done / total }),
      });
    };
    let decomposition = await solve(kFit);
    // All zeros (zero variance after centering): every ratio would be 0/0 and any basis would do.
    source.assertNotAllZero(decomposition.singularValues[0] ?? 0);
    const imputation =
      source.missing.length > 0
        ? await impute(source, decomposition, solve, memory.dtype)
        : undefined;
    if (imputation !== undefined) decomposition = imputation.decomposition;
    // Gram and randomized collect the row norms in their last pass; exact works in memory.
    const rowSquares = decomposition.rowSquares ?? (await rowSumSquares(source, kernels));
    const totalSquares = rowSquares.reduce((a, b) => a + b, 0);
    const k = chooseRank(config, decomposition.singularValues, kFit, totalSquares);
    return assemble({
      view,
      plan,
      source,
      decomposition,
      k,
      rowSquares,
      totalSquares,
      config,
      solver,
      seed,
      powerIterations,
      kernels,
      blockRows: memory.blockRows,
      imputation,
    });
  } finally {
    await kernels.dispose();
  }
}

/** The rank: fixed, or the smallest reaching the explained-variance target (capped at the fit). */
function chooseRank(
  config: SvdConfig,
  s: Float64Array,
  kFit: number,
  totalSquares: number,
): number {
  if (typeof config.rank === "number") return config.rank;
  let cumulative = 0;
  for (let k = 1; k <= kFit; k++) {
    cumulative += (s[k - 1]! * s[k - 1]!) / totalSquares;
    if (cumulative >= config.rank.explained_variance) return k;
  }
  return kFit;
}

async function rowSumSquares(source: MatrixSource, kernels: Kernels): Promise<Float64Array> {
  const out = new Float64Array(source.n);
  await source.forEachBlock(async (block, row0) => {
    const { rowSumSquares } = await kernels.moments(block, new Float64Array(source.p));
    out.set(rowSumSquares.subarray(0, block.rows), row0);
  });
  return out;
}

/**
 * `missing: "mask"`: hard imputation. Missing entries start at 0 (the preprocessed mean) and are
 * replaced by the rank-k reconstruction until the relative change falls below the tolerance.
 */
async function impute(
  source: MatrixSource,
  first: Decomposition,
  solve: (k: number) => Promise<Decomposition>,
  dtype: "float32" | "float64",
): Promise<{ decomposition: Decomposition; iterations: number; delta: number; tolerance: number }> {
  const tolerance = dtype === "float32" ? 1e-6 : 1e-10;
  const { p, missing } = source;
  let matrix: { readonly data: Float32Array | Float64Array } | undefined;
  await source.forEachBlock(async (block) => {
    matrix = block;
  });
  let decomposition = first;
  let iterations = 0;
  let delta = Number.POSITIVE_INFINITY;
  while (iterations < MAX_IMPUTE_ITERATIONS) {
    iterations++;
    const { scores, components, k } = decomposition;
    // Re-read: kernel memory may have grown (and detached old views) during the solve.
    const data = matrix!.data;
    let norm = 0;
    for (let i = 0; i < source.n * p; i++) norm += data[i]! * data[i]!;
    let change = 0;
    for (const position of missing) {
      const i = Math.floor(position / p);
      const j = position - i * p;
      let value = 0;
      for (let c = 0; c < k; c++) value += scores[i * k + c]! * components[c * p + j]!;
      const old = data[position]!;
      data[position] = value;
      const d = data[position]! - old;
      change += d * d;
    }
    delta = Math.sqrt(change / norm);
    decomposition = await solve(k);
    if (delta < tolerance) break;
  }
  return { decomposition, iterations, delta, tolerance };
}

interface AssembleInput {
  view: ReadableView;
  plan: Plan;
  source: MatrixSource;
  decomposition: Decomposition;
  k: number;
  rowSquares: Float64Array;
  totalSquares: number;
  config: SvdConfig;
  solver: string;
  seed: number;
  powerIterations: number;
  kernels: Kernels;
  blockRows: number;
  imputation: { iterations: number; delta: number; tolerance: number } | undefined;
}

function assemble(input: AssembleInput): MethodOutput {
  const { view, plan, source, decomposition, k, rowSquares, totalSquares, config } = input;
  const { n, p } = source;
  const kFit = decomposition.k;
  const solverScores = new Float64Array(n * k);
  const solverErrors = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let captured = 0;
    for (let c = 0; c < k; c++) {
      const value = decomposition.scores[i * kFit + c]!;
      solverScores[i * k + c] = value;
      captured += value * value;
    }
    solverErrors[i] = Math.sqrt(Math.max(0, rowSquares[i]! - captured));
  }
  // The solvers saw the data rescaled by a power of two when it was too large or too small to
  // square (source.unitExponent); everything with a unit goes back to the data's units here.
  const solverValues = decomposition.singularValues.subarray(0, k);
  const denominator = Math.max(n - 1, 1);
  const s = source.toDataUnits(Float64Array.from(solverValues), 1, "singular values");
  const scores = source.toDataUnits(solverScores, 1, "scores");
  const reconError = source.toDataUnits(solverErrors, 1, "reconstruction errors");
  const variance = source.toDataUnits(
    solverValues.map((x) => (x * x) / denominator),
    2,
    "explained variance",
  );
  const [totalSumSquares, totalVariance] = source.toDataUnits(
    Float64Array.of(totalSquares, totalSquares / denominator),
    2,
    "total sum of squares",
  );
  const ratio = solverValues.map((x) => (x * x) / totalSquares);
  const components = decomposition.components.slice(0, k * p);
  const table = componentTable(s, variance, ratio);
  const componentTensors = {
    components: componentsTensor(view, plan, components, k, table),
    ...preprocessingTensors(view, plan, source),
  } as MethodOutput["componentTensors"];
  const dropped = plan.n - n;
  const diagnostics: JsonObject = {
    solver: input.solver,
    rank: k,
    singular_values: Array.from(s),
    explained_variance: Array.from(variance),
    explained_variance_ratio: Array.from(ratio),
    total_variance: totalVariance!,
    total_sum_squares: totalSumSquares!,
    n_instances: plan.n,
    n_used: n,
    n_dropped: dropped,
    n_features: p,
    flatten: {
      rows: [plan.rowAxis],
      columns: plan.columnAxes,
      column_shape: plan.columnShape,
      order: "C",
    },
    power_iterations: input.solver === "randomized" ? input.powerIterations : 0,
    oversamples: input.solver === "randomized" ? config.oversamples : 0,
    seed: input.seed,
    sign_convention:
      "svd_flip on the components (scikit-learn >= 1.5): the largest-magnitude entry of each component is positive",
    explained_variance_definition:
      "s^2 / (n_used - 1); ratio = s^2 / squared Frobenius norm of the preprocessed matrix",
    recon_error_definition:
      "Euclidean norm of each preprocessed row minus its rank-k reconstruction",
    in_memory: source.inMemory,
    block_rows: source.inMemory ? null : input.blockRows,
    passes: source.passes,
    kernels: { backend: input.kernels.backend, threads: input.kernels.threads },
  };
  if (input.imputation !== undefined)
    diagnostics.imputation = {
      missing_entries: source.missing.length,
      iterations: input.imputation.iterations,
      last_relative_change: input.imputation.delta,
      tolerance: input.imputation.tolerance,
    };
  return {
    factorTables: {
      [plan.rowAxis]: instanceTable(view, plan, source.usedRows, scores, k, reconError),
      component: table,
    },
    componentTensors,
    diagnostics,
  };
}
