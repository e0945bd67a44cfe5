/** Fits SVD/PCA to a view: plan, scan, solve, impute if asked, and assemble the output. */

import {
  type MatrixSource,
  type MemoryPlan,
  openSource,
  type Plan,
  planMemory,
  type SourceOpener,
  statLayouts,
} from "@tt/decompose-core";
import { createKernels, type Kernels } from "@tt/linalg";
import { ConfigError, type FitContext, type MethodOutput, type ReadableView } from "@tt/schema";
import { assemble, type Imputation } from "./assemble.js";
import type { SolverName, SvdConfig } from "./config.js";
import { checkKrylovBasis, krylovFits, solveKrylov } from "./krylov.js";
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

/**
 * The solver `auto` picks: exact when small and gram or exact for high ranks (scikit-learn's PCA
 * rule), and for low ranks krylov, which reaches at least the accuracy of scikit-learn's
 * randomized_svd defaults in less time than randomized needs for it (bench/solvers.bench.ts),
 * or randomized when the Krylov basis would not fit the memory budget.
 */
function chooseSolver(
  requested: SolverName,
  n: number,
  p: number,
  k: number,
  inMemory: boolean,
  krylovFits: boolean,
): Exclude<SolverName, "auto"> {
  if (requested !== "auto") return requested;
  if (inMemory && Math.max(n, p) <= 500) return "exact";
  const sketch = krylovFits ? "krylov" : "randomized";
  if (k < 0.8 * Math.min(n, p)) return sketch;
  if (p <= GRAM_MAX_COLUMNS) return "gram";
  return inMemory ? "exact" : sketch;
}

/**
 * Fits the SVD (or PCA, by its config) of `view`; `open` opens the source the solvers read (a
 * split fit's coordinator passes its own).
 */
export async function fitSvd(
  view: ReadableView,
  config: SvdConfig,
  context: FitContext,
  open: SourceOpener = openSource,
): Promise<MethodOutput> {
  const { plan, layouts, memory } = planFit(view, config);
  const kernels = await fitKernels(config, context);
  try {
    const source = await open({ view, plan, config, layouts, kernels, memory, context });
    const kFit = fitRank(config, source, plan);
    const fits = krylovFits(source.n, plan.p, kFit, config, memory.budget);
    // The source's own answer: a split fit's coordinator holds no data, whatever the view's size.
    const solver = chooseSolver(config.solver, source.n, plan.p, kFit, source.inMemory, fits);
    const { seed } = context;
    const powerIterations =
      config.power_iterations === "auto"
        ? autoPowerIterations(solver, kFit, source.n, plan.p)
        : config.power_iterations;
    if (solver === "krylov")
      checkKrylovBasis(source.n, plan.p, kFit, config.oversamples, powerIterations, memory.budget);
    const solve = solverOf(source, kernels, solver, config.oversamples, powerIterations, context);
    const { decomposition, imputation } = await decompose(source, solve, kFit, memory.dtype);
    // Gram, randomized and krylov collect the row norms in their last pass; exact works in memory.
    // Rows that stayed on a split fit's workers come back as their total only.
    const rowSquares =
      decomposition.totalSquares !== undefined
        ? new Float64Array(0)
        : (decomposition.rowSquares ?? (await rowSumSquares(source, kernels)));
    const totalSquares = decomposition.totalSquares ?? rowSquares.reduce((a, b) => a + b, 0);
    const k = chooseRank(config, decomposition.singularValues, kFit, totalSquares);
    return await assemble({
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
      kernels,
      blockRows: memory.blockRows,
      imputation,
    });
  } finally {
    await kernels.dispose();
  }
}

/**
 * The plan, statistics layouts and memory plan of a fit, after the checks of the rank that need
 * no data: `missing: "mask"` fits a fixed rank, no larger than min(instances, features).
 */
function planFit(
  view: ReadableView,
  config: SvdConfig,
): { plan: Plan; layouts: ReturnType<typeof statLayouts>; memory: MemoryPlan } {
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
  return { plan, layouts, memory };
}

/** The kernels of a fit: the config's own thread count wins; "auto" defers to the caller's settings. */
function fitKernels(config: SvdConfig, context: FitContext): Promise<Kernels> {
  return createKernels({
    backend: context.kernels?.backend,
    threads: config.threads === "auto" ? context.kernels?.threads : config.threads,
  });
}

/**
 * The rank the solver fits: the rank asked for (or the most a variance target may pick), at most
 * min(instances used, features); a fixed rank beyond it after dropping instances is a ConfigError.
 */
function fitRank(config: SvdConfig, source: MatrixSource, plan: Plan): number {
  const requestedRank = typeof config.rank === "number" ? config.rank : config.rank.max;
  const kFit = Math.min(requestedRank, Math.min(source.n, plan.p));
  if (typeof config.rank === "number" && config.rank > kFit)
    throw new ConfigError(
      "rank",
      `${config.rank} is more than the data allows after dropping instances with missing values: ${kFit}`,
    );
  return kFit;
}

/** The solve of rank k with the chosen solver; it stops on the fit's signal. */
function solverOf(
  source: MatrixSource,
  kernels: Kernels,
  solver: Exclude<SolverName, "auto">,
  oversamples: number,
  powerIterations: number,
  context: FitContext,
): (k: number) => Promise<Decomposition> {
  const { signal, seed } = context;
  return (k) => {
    signal?.throwIfAborted();
    if (solver === "exact") return solveExact(source, k);
    if (solver === "gram") return solveGram(source, kernels, k);
    const options = {
      k,
      oversamples,
      powerIterations,
      seed,
      signal,
      onIteration: (done: number, total: number) =>
        context.onProgress({ phase: "fit", fraction: done / total }),
    };
    if (solver === "krylov") return solveKrylov(source, kernels, options);
    return solveRandomized(source, kernels, options);
  };
}

/** The decomposition of rank `kFit`, refitted until the imputation converges with missing entries. */
async function decompose(
  source: MatrixSource,
  solve: (k: number) => Promise<Decomposition>,
  kFit: number,
  dtype: "float32" | "float64",
): Promise<{ decomposition: Decomposition; imputation: Imputation | undefined }> {
  const first = await solve(kFit);
  // All zeros (zero variance after centering): every ratio would be 0/0 and any basis would do.
  source.assertNotAllZero(first.singularValues[0] ?? 0);
  if (source.missing.length === 0) return { decomposition: first, imputation: undefined };
  const { decomposition, ...imputation } = await impute(source, first, solve, dtype);
  return { decomposition, imputation };
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
): Promise<{ decomposition: Decomposition } & Imputation> {
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
