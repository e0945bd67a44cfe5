/** Seeded k-means++ initialisation, greedy as scikit-learn's: the best of a few candidates per centroid. */

/** Squared Euclidean distance between row `i` of `data` and row `c` of `centers` (`p` columns). */
export function squaredDistance(
  data: Float64Array,
  i: number,
  centers: Float64Array,
  c: number,
  p: number,
): number {
  let sum = 0;
  const a = i * p;
  const b = c * p;
  for (let j = 0; j < p; j++) {
    const d = data[a + j]! - centers[b + j]!;
    sum += d * d;
  }
  return sum;
}

/** The first index whose cumulative sum reaches `target` (numpy's `searchsorted`, left side). */
function searchSorted(cumulative: Float64Array, target: number): number {
  let low = 0;
  let high = cumulative.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (cumulative[middle]! < target) low = middle + 1;
    else high = middle;
  }
  return Math.min(low, cumulative.length - 1);
}

/**
 * `k` initial centroids chosen from the `n` rows of `data` by greedy k-means++ (Arthur and
 * Vassilvitskii 2007; scikit-learn's variant with 2 + ln k candidates per step): each new
 * centroid is drawn with probability proportional to the squared distance to the nearest one
 * already chosen, keeping the candidate that lowers the total the most.
 */
export function kmeansPlusPlus(
  data: Float64Array,
  n: number,
  p: number,
  k: number,
  random: () => number,
): Float64Array {
  const centers = new Float64Array(k * p);
  const trials = 2 + Math.floor(Math.log(k));
  const first = Math.min(n - 1, Math.floor(random() * n));
  centers.set(data.subarray(first * p, (first + 1) * p), 0);
  const closest = new Float64Array(n);
  for (let i = 0; i < n; i++) closest[i] = squaredDistance(data, i, centers, 0, p);
  const cumulative = new Float64Array(n);
  const candidateDistances = new Float64Array(n);
  const bestDistances = new Float64Array(n);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let i = 0; i < n; i++) cumulative[i] = total += closest[i]!;
    let bestCandidate = -1;
    let bestPotential = Number.POSITIVE_INFINITY;
    for (let t = 0; t < trials; t++) {
      const candidate = searchSorted(cumulative, random() * total);
      let potential = 0;
      for (let i = 0; i < n; i++) {
        const d = Math.min(closest[i]!, squaredDistance(data, i, data, candidate, p));
        candidateDistances[i] = d;
        potential += d;
      }
      if (potential < bestPotential) {
        bestPotential = potential;
        bestCandidate = candidate;
        bestDistances.set(candidateDistances);
      }
    }
    centers.set(data.subarray(bestCandidate * p, (bestCandidate + 1) * p), c * p);
    closest.set(bestDistances);
  }
  return centers;
}
