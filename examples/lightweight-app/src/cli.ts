#!/usr/bin/env node
/** The command line: `tt-lightweight-pca <bundle-dir> [rank]` prints the PCA of a bundle as JSON. */

import { argv, exit, stderr, stdout } from "node:process";
import { pcaOfBundle } from "./main.js";

const [dir, rankText = "2"] = argv.slice(2);
const rank = Number(rankText);
if (dir === undefined || !Number.isInteger(rank) || rank < 1) {
  stderr.write(
    "usage: tt-lightweight-pca <bundle-dir> [rank]   (rank: a positive integer, default 2)\n",
  );
  exit(2);
}
try {
  const { shape, singularValues, explainedVarianceRatio } = await pcaOfBundle(dir, rank);
  stdout.write(
    `${JSON.stringify({ shape, singular_values: singularValues, explained_variance_ratio: explainedVarianceRatio }, null, 2)}\n`,
  );
} catch (error) {
  stderr.write(`tt-lightweight-pca: ${error instanceof Error ? error.message : String(error)}\n`);
  exit(1);
}
