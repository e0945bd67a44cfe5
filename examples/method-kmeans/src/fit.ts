/** The k-means fit: read the rows, run the seeded starts, keep the best, build the output. */

import { ConfigError, type FitContext, type MethodOutput, type ReadableView } from "@tt/schema";
import type { KmeansConfig } from "./config.js";
import { kmeansPlusPlus } from "./kmeans-plus-plus.js";
import { type Clustering, lloyd } from "./lloyd.js";
import { clusteringOutput } from "./output.js";
import { uniformGenerator } from "./random.js";
import { readRows } from "./read-rows.js";

/** How long the fit computes before it lets other work (an abort, a UI) run, in milliseconds. */
const SLICE_MS = 20;

/**
 * A checkpoint for long loops: throws the signal's reason once aborted, and yields to the event
 * loop every {@link SLICE_MS} (or when `now` is set) so that an abort from outside can arrive.
 */
function checkpointFor(signal: AbortSignal | undefined): (now?: boolean) => Promise<void> {
  let last = Date.now();
  return async (now = false) => {
    signal?.throwIfAborted();
    if (!now && Date.now() - last < SLICE_MS) return;
    await new Promise((resolve) => setTimeout(resolve, 0));
    last = Date.now();
    signal?.throwIfAborted();
  };
}

/** The mean over the columns of each column's variance: scikit-learn scales `tol` by it. */
function meanVariance(data: Float64Array, n: number, p: number): number {
  let total = 0;
  for (let j = 0; j < p; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += data[i * p + j]!;
    mean /= n;
    let squares = 0;
    for (let i = 0; i < n; i++) squares += (data[i * p + j]! - mean) ** 2;
    total += squares / n;
  }
  return total / Math.max(p, 1);
}

/** Clusters the instances of `view` (rows = first axis, the other axes flattened in C order). */
export async function fitKmeans(
  view: ReadableView,
  config: KmeansConfig,
  context: FitContext,
): Promise<MethodOutput> {
  const { signal } = context;
  signal?.throwIfAborted();
  const n = view.shape[0] ?? 0;
  if (config.k > n) {
    throw new ConfigError(
      "k",
      `${config.k} clusters need at least ${config.k} instances, got ${n}`,
    );
  }
  const { data, p } = await readRows(view, signal, (fraction) =>
    context.onProgress({ phase: "read", fraction }),
  );
  const tolerance = config.tol * meanVariance(data, n, p);
  const seed = config.seed ?? context.seed;
  const checkpoint = checkpointFor(signal);
  const inertias: number[] = [];
  let best: Clustering | undefined;
  for (let start = 0; start < config.n_init; start++) {
    await checkpoint(true);
    const initial = kmeansPlusPlus(data, n, p, config.k, uniformGenerator(seed, start));
    const run = await lloyd(data, n, p, initial, {
      maxIterations: config.max_iter,
      tolerance,
      checkpoint,
    });
    inertias.push(run.inertia);
    // Strictly lower: among equal inertias the earliest start wins, so results are reproducible.
    if (best === undefined || run.inertia < best.inertia) best = run;
    context.onProgress({
      phase: "fit",
      fraction: (start + 1) / config.n_init,
      message: `start ${start + 1} of ${config.n_init}: inertia ${run.inertia}`,
    });
  }
  return clusteringOutput(view, best!, { nInit: config.n_init, seed, inertias });
}
