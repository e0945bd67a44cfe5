/**
 * Lazy, immutable views of tensortools datasets (bundles, and tensors held in memory), with
 * delayed element-wise operations, and the metadata query language: the pandas `DataFrame.query` subset (`label == 'target' and qc_pass
 * and score > 0.8`), parsed by our own code and evaluated column-wise, with a compiler to
 * parameterized SQL for DuckDB.
 *
 * @example
 * ```ts
 * import { openStoredDataset } from "@tt/bundle/fs";
 * import { createDataset, datasetFromTensor } from "@tt/query";
 *
 * const dataset = createDataset(await openStoredDataset("./bundle"));
 * const view = dataset
 *   .query("instance", "label == 'target' and qc_pass and score > 0.8")
 *   .filter("channel", ["Fz", "Cz"])
 *   .slice("sample", 100, 900);
 * view.shape;                            // known without reading array data
 * const tensor = await view.materialize(); // reads only the chunks it needs
 * const scaling = Array.from({ length: 800 }, (_, t) => 1 + t / 800); // one per sample
 * const corrected = view
 *   .subtractMean("sample", { start: 0, stop: 100 }) // delayed operations: applied block by
 *   .divide(scaling, { axis: "sample" });            // block as the view is read
 * datasetFromTensor(tensor).slice("sample", 0, 100); // the same verbs on a tensor in memory
 * ```
 *
 * @packageDocumentation
 */

export {
  type ArithmeticOp,
  type ComparisonOp,
  columnsOf,
  type LiteralValue,
  type QueryNode,
} from "./ast.js";
export { createDataset } from "./create-dataset.js";
export { evaluateQuery } from "./evaluate.js";
export { parseQuery } from "./parser.js";
export { type CompiledQuery, compileQuery, queryRows } from "./query.js";
export { compileQueryToSql, type SqlOptions, type SqlQuery } from "./sql.js";
export { datasetFromTensor, type TensorDatasetOptions } from "./tensor-dataset.js";
export { viewFromJSON } from "./view-json.js";
