/**
 * The coordinator's side of a split fit: the method's own fit, whose source scans and passes run
 * as rounds of partition tasks on an engine. The coordinator holds the whole view's metadata and
 * the small matrices of the solvers; the workers read the data.
 */

import {
  assertPartitionable,
  coordinatorSource,
  mergePassOutputs,
  mergeScans,
  type PassOutput,
  type PassRunner,
  type ScanPartial,
  type SourceOpener,
  type SourceOptions,
} from "@tt/decompose-core";
import { type CpConfig, fitCp } from "@tt/decompose-cp";
import { fitSvd, type SvdConfig } from "@tt/decompose-svd";
import { fitTucker, type TuckerConfig } from "@tt/decompose-tucker";
import {
  ConfigError,
  DataError,
  type DecompositionMethod,
  type Engine,
  type FitContext,
  hashManifest,
  INSTANCE_TABLE,
  type ReadableView,
  type TensorView,
  type WrittenTable,
} from "@tt/schema";
import { fromJson, toJson } from "./codec.js";
import {
  PASS_TASK,
  type PartitionTaskData,
  SCAN_TASK,
  WRITE_TASK,
  type WrittenPart,
} from "./task.js";

/** Bytes of data per partition when the number of partitions is not given. */
const DEFAULT_PARTITION_BYTES = 128 * 2 ** 20;

/** The methods whose fits split, by id. */
const SPLIT_FITTERS: Readonly<Record<string, typeof fitSvd | typeof fitCp | typeof fitTucker>> = {
  svd: fitSvd,
  pca: fitSvd,
  cp: fitCp,
  tucker: fitTucker,
};

/** The methods whose workers can write the instance table (`writeRowsTo`). */
const ROW_WRITING_METHODS = new Set(["svd", "pca", "cp"]);

/** Options of {@link splitMethod}. */
export interface SplitOptions {
  /** The engine that runs the partitions' tasks. */
  engine: Engine;
  /**
   * Partitions of the instance axis, as even as possible: a number, or by default one per 128
   * MiB of float32 data (at least 1, at most one per instance).
   */
  partitions?: number;
  /**
   * The location of the store the result is being written to (a directory or an s3:// prefix the
   * workers can write): the per-instance table is then written by the workers, one part per
   * partition under `factor_tables/instance/`, and the fit's output holds it as
   * `writtenTables.instance` instead of in memory. Applies to svd, pca and cp; tucker returns
   * its instance table as without it. See `decomposeTo` of the umbrella.
   */
  writeRowsTo?: string;
}

/** What a split fit moved, recorded in the result's diagnostics under `split`. */
export interface SplitRecord {
  engine: string;
  partitions: number;
  /** Rounds run: one scan, then one per pass over the data. */
  rounds: number;
  /** Bytes of task data sent and of answers received (JSON), over all rounds. */
  bytes_sent: number;
  bytes_received: number;
  /** Task attempts that failed and were retried. */
  retried: number;
}

/** The rows [start, stop) of each of `count` partitions of `n` rows, as even as possible. */
export function partitionBounds(n: number, count: number): Array<[number, number]> {
  const parts = Math.max(1, Math.min(n, Math.floor(count)));
  return Array.from({ length: parts }, (_, q) => [
    Math.floor((q * n) / parts),
    Math.floor(((q + 1) * n) / parts),
  ]);
}

/** The view as a stored dataset's view the workers can rebuild, or a ConfigError. */
function storedView(view: ReadableView): TensorView & { dataset: { location: string } } {
  const candidate = view as Partial<TensorView>;
  const location = candidate.dataset?.location;
  if (typeof candidate.toJSON !== "function" || location === undefined)
    throw new ConfigError(
      "view",
      "a split fit needs a view of a dataset stored where the workers can open it (a directory, an http(s) or s3:// URL); this one is held in memory",
    );
  return view as TensorView & { dataset: { location: string } };
}

/**
 * `method` (svd, pca, cp or tucker) with a `fit` split over partitions of the instances: the same
 * validation and outputs, the numbers of the single-process fit up to rounding, its passes run
 * by `options.engine`. A method that does not split is a ConfigError; so are the options a split
 * fit does not support (see `assertPartitionable`), before any task runs.
 *
 * @example
 * ```ts
 * import { createLocalEngine, createPartitionHandler, splitMethod } from "@tt/distribute";
 * import { decompose, openDataset, pca } from "tensortools";
 *
 * const handler = createPartitionHandler({ open: openDataset });
 * const engine = createLocalEngine(handler.handle);
 * const view = await openDataset("./eeg");
 * const result = await decompose(view, splitMethod(pca, { engine, partitions: 3 }), { rank: 5 });
 * console.log(result.diagnostics.split); // { partitions: 3, rounds: 9, ... }
 * ```
 */
export function splitMethod<C extends object>(
  method: DecompositionMethod<C>,
  options: SplitOptions,
): DecompositionMethod<C> {
  const fitter = SPLIT_FITTERS[method.id];
  if (fitter === undefined)
    throw new ConfigError(
      "engine",
      `method '${method.id}' does not split over workers; ${Object.keys(SPLIT_FITTERS).join(", ")} do`,
    );
  return {
    ...method,
    async fit(view, config, context) {
      // Only the methods whose workers write the instance table keep their rows there.
      const rowsMethod = ROW_WRITING_METHODS.has(method.id);
      const split = new SplitRun(
        storedView(view),
        rowsMethod ? options : { ...options, writeRowsTo: undefined },
        context,
      );
      const output = await fitter(
        view,
        config as SvdConfig & CpConfig & TuckerConfig,
        context,
        (o) => split.open(o),
      );
      return { ...output, diagnostics: { ...output.diagnostics, split: { ...split.record } } };
    },
  };
}

/** One split fit: its partitions, its rounds and what they moved. */
class SplitRun {
  readonly record: SplitRecord;
  readonly #view: TensorView & { dataset: { location: string } };
  readonly #engine: Engine;
  readonly #context: FitContext;
  readonly #bounds: Array<[number, number]>;
  #common: Omit<PartitionTaskData, "start" | "stop"> | undefined;
  readonly #writeRowsTo: string | undefined;

  constructor(
    view: TensorView & { dataset: { location: string } },
    options: SplitOptions,
    context: FitContext,
  ) {
    this.#view = view;
    this.#engine = options.engine;
    this.#context = context;
    this.#writeRowsTo = options.writeRowsTo;
    const n = view.shape[0]!;
    const bytes = view.shape.reduce((a, b) => a * b, 1) * 4;
    const count = options.partitions ?? Math.ceil(bytes / DEFAULT_PARTITION_BYTES);
    if (!Number.isInteger(count) || count < 1)
      throw new ConfigError("partitions", `must be a positive integer, got ${count}`);
    this.#bounds = partitionBounds(n, count);
    this.record = {
      engine: options.engine.name,
      partitions: this.#bounds.length,
      rounds: 0,
      bytes_sent: 0,
      bytes_received: 0,
      retried: 0,
    };
  }

  /** The source opener of the fit: the scan round, then a coordinator's source. */
  readonly open: SourceOpener = async (options: SourceOptions) => {
    assertPartitionable(options.config, options.layouts);
    this.#common = {
      location: this.#view.dataset.location,
      manifest: await hashManifest(this.#view.dataset.manifest),
      view: this.#view.toJSON(),
      plan: options.plan,
      config: options.config as PartitionTaskData["config"],
      layouts: options.layouts,
    };
    const keepRows = this.#writeRowsTo !== undefined;
    const answers = await this.#round(SCAN_TASK, "scan", keepRows ? { keepRows } : {});
    const scans = answers.map((answer) => fromJson(answer, "scan answer") as ScanPartial);
    const stats = mergeScans(
      options,
      scans,
      this.#bounds.map(([start]) => start),
    );
    const runner: PassRunner = {
      run: async (name, input) => {
        const parts = await this.#round(PASS_TASK, name, { stats, pass: name, input });
        return mergePassOutputs(
          parts.map((part) => fromJson(part, `${name} answer`) as PassOutput),
        );
      },
    };
    const location = this.#writeRowsTo;
    if (location !== undefined)
      runner.writeRows = (name, input) => this.#writeRows(location, name, { stats, input });
    return coordinatorSource(options, stats, runner);
  };

  /** The write round: every partition writes its rows' table as a part at `location`. */
  async #writeRows(
    location: string,
    name: string,
    extra: Pick<PartitionTaskData, "stats" | "input">,
  ): Promise<WrittenTable> {
    const digits = Math.max(5, String(this.#bounds.length - 1).length);
    const answers = await this.#round(WRITE_TASK, name, { ...extra, pass: name }, (q) => ({
      target: {
        location,
        path: `factor_tables/${INSTANCE_TABLE}/part-${String(q).padStart(digits, "0")}`,
      },
    }));
    const parts = answers.map((answer) => fromJson(answer, `${name} answer`) as WrittenPart);
    const columns = parts[0]!.columns;
    for (const [q, part] of parts.entries()) {
      const expected = this.#bounds[q]![1] - this.#bounds[q]![0];
      if (part.rows !== expected || part.columns.join("\u0000") !== columns.join("\u0000"))
        throw new DataError(
          `${location}/${part.path}`,
          `partition ${q + 1} wrote ${part.rows} rows with columns ${part.columns.join(", ")}; expected ${expected} rows with columns ${columns.join(", ")}`,
        );
    }
    return {
      location,
      rows: parts.reduce((sum, part) => sum + part.rows, 0),
      columns,
      parts: parts.map(({ path, rows }) => ({ path, rows })),
    };
  }

  /** Runs one task per partition and returns their answers in partition order. */
  async #round(
    kind: string,
    name: string,
    extra: Partial<PartitionTaskData>,
    own: (q: number) => Partial<PartitionTaskData> = () => ({}),
  ) {
    const round = ++this.record.rounds;
    const partitions = this.#bounds.length;
    const tasks = this.#bounds.map(([start, stop], q) => {
      const data = toJson({ ...this.#common, ...extra, ...own(q), start, stop });
      this.record.bytes_sent += JSON.stringify(data).length;
      return { kind, data, label: `partition ${q + 1} of ${partitions} (${name})` };
    });
    let retried = 0;
    const answers = await this.#engine.runRound(tasks, {
      name: `round ${round}: ${name}`,
      signal: this.#context.signal,
      onProgress: (progress) => {
        retried = progress.retried;
        this.#context.onProgress({
          phase: "round",
          fraction: progress.done / progress.total,
          message: `round ${round} (${name}): ${progress.done}/${progress.total} partitions${progress.retried > 0 ? `, ${progress.retried} retried` : ""}`,
        });
      },
    });
    this.record.retried += retried;
    for (const answer of answers) this.record.bytes_received += JSON.stringify(answer).length;
    return answers;
  }
}
