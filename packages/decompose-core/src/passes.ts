/**
 * Passes over the data that split by instances: each pass is a function of a source (all rows, or
 * one partition of them) whose output is sums over rows (added up across partitions) and
 * per-row values (put one after the other, partition by partition). A source opened by a
 * coordinator has a {@link PassRunner} that runs a pass on every partition elsewhere and merges
 * the outputs; otherwise the pass runs here, on the source's own blocks.
 */

import type { Kernels } from "@tt/linalg";
import type { MetaTable, ReadableView, WrittenTable } from "@tt/schema";
import type { Plan } from "./plan.js";
import type { MatrixSource } from "./source.js";

/** A pass's input: named arrays and numbers, the same for every partition. */
export type PassInput = Readonly<Record<string, Float64Array | number>>;

/**
 * A pass's output: `sums` are accumulated over the rows (partitions add them up), `rows` hold
 * `width` values per row in row order (partitions' parts follow each other).
 */
export interface PassOutput {
  readonly sums: Readonly<Record<string, Float64Array>>;
  readonly rows: Readonly<Record<string, { values: Float64Array; width: number }>>;
}

/** A pass: reads the source once (or not at all) and returns its output. */
export type PassFunction = (
  source: MatrixSource,
  kernels: Kernels,
  input: PassInput,
) => Promise<PassOutput>;

/**
 * Builds the per-instance table of a source's rows (all of them, or one partition's) after a fit:
 * `rows` is the view and plan of exactly those rows, so the table's ids are theirs.
 */
export type RowTableFunction = (
  source: MatrixSource,
  kernels: Kernels,
  input: PassInput,
  rows: { view: ReadableView; plan: Plan },
) => Promise<MetaTable>;

/** Runs a named pass on every partition of the data and merges the outputs. */
export interface PassRunner {
  run(name: string, input: PassInput): Promise<PassOutput>;
  /**
   * Present when the per-instance rows stay on the workers (a split fit that writes its instance
   * table): every partition builds the table of its rows with the named {@link RowTableFunction}
   * and writes it as a part into the result's store; resolves to the parts written.
   */
  writeRows?(name: string, input: PassInput): Promise<WrittenTable>;
}

/**
 * Whether the source's per-instance rows stay on the workers: its solvers then bring back only
 * sums over rows, and the instance table is written by {@link PassRunner.writeRows}.
 *
 * @example
 * ```ts
 * if (rowsStayOnWorkers(source)) {
 *   const written = await source.runner!.writeRows!("svd.instances", { V, k });
 * }
 * ```
 */
export function rowsStayOnWorkers(source: MatrixSource): boolean {
  return source.runner?.writeRows !== undefined;
}

/**
 * Runs the pass `name`: on the source's partitions through its runner when it has one (a
 * coordinator's source), else here with `pass`.
 */
export function runPass(
  source: MatrixSource,
  kernels: Kernels,
  name: string,
  pass: PassFunction,
  input: PassInput,
): Promise<PassOutput> {
  if (source.runner !== undefined) return source.runner.run(name, input);
  return pass(source, kernels, input);
}

/**
 * The output of a pass over all rows from the outputs of its partitions, in partition order:
 * sums added up (in that order, so the same partitions give the same bits), rows concatenated.
 */
export function mergePassOutputs(parts: readonly PassOutput[]): PassOutput {
  const first = parts[0];
  if (first === undefined) return { sums: {}, rows: {} };
  const sums: Record<string, Float64Array> = {};
  for (const [name, values] of Object.entries(first.sums)) {
    const total = values.slice();
    for (const part of parts.slice(1)) {
      const other = part.sums[name]!;
      for (let i = 0; i < total.length; i++) total[i]! += other[i]!;
    }
    sums[name] = total;
  }
  const rows: Record<string, { values: Float64Array; width: number }> = {};
  for (const [name, { width }] of Object.entries(first.rows)) {
    const values = new Float64Array(
      parts.reduce((n, part) => n + part.rows[name]!.values.length, 0),
    );
    let at = 0;
    for (const part of parts) {
      values.set(part.rows[name]!.values, at);
      at += part.rows[name]!.values.length;
    }
    rows[name] = { values, width };
  }
  return { sums, rows };
}
