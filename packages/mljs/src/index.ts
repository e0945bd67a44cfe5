/**
 * ml.js interop for tensortools: the scores of a result, the joined columns of a view or the
 * values of a view as an `ml-matrix` `Matrix`, so that ml.js algorithms (ml-kmeans, ml-hclust,
 * ml-pls, ml-random-forest) run on them directly, and a Matrix back as one of our tables keyed
 * by the ids given, ready to join onto the instances. A package of its own, so that the core
 * never loads ml-matrix.
 *
 * @example
 * ```ts
 * import { fromMatrix, toMatrix } from "@tt/mljs";
 * import { decompose, joinResult, openDataset } from "tensortools";
 *
 * const dataset = await openDataset("./iris-bundle");
 * const pca = await decompose(dataset, "pca", { rank: 2 });
 * const scores = toMatrix(pca, ["score_1", "score_2"]); // 150 x 2 Matrix
 * const scaled = scores.clone().scale("column");
 * const table = fromMatrix(scaled, { ids: dataset.ids("instance")!, columns: ["z1", "z2"] });
 * ```
 *
 * @packageDocumentation
 */

export {
  type FromMatrixOptions,
  fromMatrix,
} from "./from-matrix.js";
export type { NullPolicy } from "./numbers.js";
export { type ReadMatrixOptions, readMatrix } from "./read-matrix.js";
export { type MatrixSource, type ToMatrixOptions, toMatrix } from "./to-matrix.js";
