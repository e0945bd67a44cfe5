/**
 * Apache Arrow for tensortools, kept out of the core so that only who asks pulls Arrow in:
 * metadata tables, a result's factor tables and joined views (all `MetaTable`s) as Arrow tables
 * and Arrow IPC, and back, keeping every logical type and null; numeric columns share memory.
 *
 * @example
 * ```ts
 * import { fromArrow, fromArrowIPC, toArrow, toArrowIPC } from "@tt/arrow";
 * import { columnFromCells, MetaTable } from "@tt/schema";
 *
 * // A result's table (result.factorTables.instance) or a joined view's view.meta("instance") alike:
 * const scores = MetaTable.fromColumns({
 *   instance_id: columnFromCells("string", ["e1", "e2", "e3"]),
 *   score_1: columnFromCells("float64", [0.5, null, -1.25]),
 * });
 * const arrow = toArrow(scores); // an apache-arrow Table; score_1 shares the Float64Array
 * const bytes = toArrowIPC(scores); // an IPC stream for DuckDB, Polars, Perspective...
 * fromArrowIPC(bytes).toRecords(); // [{ instance_id: "e1", score_1: 0.5 }, ...]
 * fromArrow(arrow).schema; // [{ name: "instance_id", type: "string" }, { name: "score_1", type: "float64" }]
 * ```
 *
 * @packageDocumentation
 */

export { DEFAULT_TIME_ZONE, defaultArrowType } from "./arrow-types.js";
export { fromArrow } from "./from-arrow.js";
export { fromArrowIPC, type ToArrowIPCOptions, toArrowIPC } from "./ipc.js";
export { type ToArrowOptions, toArrow } from "./to-arrow.js";
