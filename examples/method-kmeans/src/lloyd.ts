/** Lloyd's algorithm from given centroids: assign, move, repeat until nothing moves. */

import { squaredDistance } from "./kmeans-plus-plus.js";

/** One k-means run: labels, centroids and the squared distance of each row to its centroid. */
export interface Clustering {
  /** The cluster (0 to k - 1) of each row. */
  labels: Int32Array;
  /** The centroids, k rows of `p` values. */
  centers: Float64Array;
  /** The squared distance of each row to its centroid. */
  squaredDistances: Float64Array;
  /** The sum of `squaredDistances`. */
  inertia: number;
  /** The Lloyd iterations run. */
  iterations: number;
  /** Whether the run converged before `maxIterations`. */
  converged: boolean;
}

/** What a run needs besides the data. */
export interface LloydOptions {
  /** The most iterations. */
  maxIterations: number;
  /** Converged when the centroids move by at most this total squared distance. */
  tolerance: number;
  /** Called between iterations: checks for an abort and lets other work run. */
  checkpoint(): Promise<void>;
}

/** Assigns each row to its nearest centroid; returns whether any label changed. */
function assign(
  data: Float64Array,
  n: number,
  p: number,
  centers: Float64Array,
  k: number,
  labels: Int32Array,
  squaredDistances: Float64Array,
): boolean {
  let changed = false;
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestDistance = squaredDistance(data, i, centers, 0, p);
    for (let c = 1; c < k; c++) {
      const d = squaredDistance(data, i, centers, c, p);
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    if (labels[i] !== best) changed = true;
    labels[i] = best;
    squaredDistances[i] = bestDistance;
  }
  return changed;
}

/**
 * The mean of each cluster's rows. A cluster left empty takes the row farthest from its own
 * centroid (scikit-learn's relocation), which then leaves its old cluster.
 */
function moveCenters(
  data: Float64Array,
  n: number,
  p: number,
  k: number,
  labels: Int32Array,
  squaredDistances: Float64Array,
): Float64Array {
  const sums = new Float64Array(k * p);
  const counts = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    counts[c]!++;
    for (let j = 0; j < p; j++) sums[c * p + j]! += data[i * p + j]!;
  }
  const empty = [...counts.keys()].filter((c) => counts[c] === 0);
  if (empty.length > 0) {
    const farthest = [...squaredDistances.keys()].sort(
      (a, b) => squaredDistances[b]! - squaredDistances[a]! || a - b,
    );
    let next = 0;
    for (const c of empty) {
      // Skip rows whose cluster would be emptied by the move.
      while (next < n && counts[labels[farthest[next]!]!]! <= 1) next++;
      if (next >= n) break;
      const row = farthest[next++]!;
      const old = labels[row]!;
      counts[old]!--;
      counts[c] = 1;
      labels[row] = c;
      squaredDistances[row] = 0;
      for (let j = 0; j < p; j++) {
        sums[old * p + j]! -= data[row * p + j]!;
        sums[c * p + j] = data[row * p + j]!;
      }
    }
  }
  for (let c = 0; c < k; c++) {
    const count = counts[c]!;
    if (count > 0) for (let j = 0; j < p; j++) sums[c * p + j]! /= count;
  }
  return sums;
}

/** Runs Lloyd iterations on the `n` x `p` rows of `data` from `initial` centroids. */
export async function lloyd(
  data: Float64Array,
  n: number,
  p: number,
  initial: Float64Array,
  options: LloydOptions,
): Promise<Clustering> {
  const k = initial.length / p;
  let centers: Float64Array = Float64Array.from(initial);
  const labels = new Int32Array(n).fill(-1);
  const squaredDistances = new Float64Array(n);
  let iterations = 0;
  let converged = false;
  while (iterations < options.maxIterations) {
    await options.checkpoint();
    const changed = assign(data, n, p, centers, k, labels, squaredDistances);
    iterations++;
    if (!changed) {
      converged = true;
      break;
    }
    const moved = moveCenters(data, n, p, k, labels, squaredDistances);
    let shift = 0;
    for (let i = 0; i < moved.length; i++) shift += (moved[i]! - centers[i]!) ** 2;
    centers = moved;
    if (shift <= options.tolerance) {
      converged = true;
      break;
    }
  }
  // Labels and distances that match the final centroids.
  assign(data, n, p, centers, k, labels, squaredDistances);
  let inertia = 0;
  for (let i = 0; i < n; i++) inertia += squaredDistances[i]!;
  return { labels, centers, squaredDistances, inertia, iterations, converged };
}
