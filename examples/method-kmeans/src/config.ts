/** The k-means config: its defaults and its validation, with a ConfigError naming each bad field. */

import { ConfigError, isPlainObject } from "@tt/schema";

/** The config of the `kmeans` method; plain JSON, stored complete with every result. */
export interface KmeansConfig {
  /** The number of clusters. */
  k: number;
  /** How many seeded k-means++ starts to run; the one with the lowest inertia is kept. */
  n_init: number;
  /** The most Lloyd iterations per start. */
  max_iter: number;
  /**
   * A start has converged when the centroids move, in total squared distance, by at most
   * `tol` times the mean per-feature variance of the data (scikit-learn's rule), or when no
   * instance changes cluster.
   */
  tol: number;
  /** The seed of the starts; `null` takes the seed of the fit context. */
  seed: number | null;
}

/** The defaults: scikit-learn's `KMeans` except `n_init`, which is 10 as before scikit-learn 1.4. */
export const KMEANS_DEFAULTS: Readonly<KmeansConfig> = Object.freeze({
  k: 8,
  n_init: 10,
  max_iter: 300,
  tol: 1e-4,
  seed: null,
});

const KEYS = new Set(Object.keys(KMEANS_DEFAULTS));

function positiveInteger(field: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new ConfigError(field, `must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * The complete config for `config` (defaults filled in), or a ConfigError naming the field:
 * `k`, `n_init` and `max_iter` positive integers, `tol` a finite number >= 0, `seed` null or
 * a non-negative safe integer, no unknown keys.
 */
export function validateKmeansConfig(config: unknown): KmeansConfig {
  const given = config === undefined ? {} : config;
  if (!isPlainObject(given)) {
    throw new ConfigError(
      "(config)",
      `must be an object such as { "k": 3 }, got ${JSON.stringify(config)}`,
    );
  }
  for (const key of Object.keys(given)) {
    if (!KEYS.has(key)) {
      throw new ConfigError(key, `is not a kmeans option; the options are ${[...KEYS].join(", ")}`);
    }
  }
  const full = { ...KMEANS_DEFAULTS, ...given } as Record<string, unknown>;
  const tol = full.tol;
  if (typeof tol !== "number" || !Number.isFinite(tol) || tol < 0) {
    throw new ConfigError("tol", `must be a finite number >= 0, got ${JSON.stringify(tol)}`);
  }
  const seed = full.seed;
  if (seed !== null && (typeof seed !== "number" || !Number.isSafeInteger(seed) || seed < 0)) {
    throw new ConfigError(
      "seed",
      `must be null or a non-negative integer, got ${JSON.stringify(seed)}`,
    );
  }
  return {
    k: positiveInteger("k", full.k),
    n_init: positiveInteger("n_init", full.n_init),
    max_iter: positiveInteger("max_iter", full.max_iter),
    tol,
    seed,
  };
}
