/** What a partition's task carries, and the names of the two kinds of task. */

import type {
  PassInput,
  Plan,
  PreprocessConfig,
  SharedStatistics,
  StatLayout,
} from "@tt/decompose-core";
import type { ViewJSON } from "@tt/schema";

/** The task kind that scans a partition's rows (the first round of a split fit). */
export const SCAN_TASK = "tt.split.scan";

/** The task kind that runs one pass over a partition's rows. */
export const PASS_TASK = "tt.split.pass";

/**
 * The task kind that builds the per-instance table of a partition's rows and writes it as one
 * part of the result (the last round of a split fit that keeps its rows on the workers).
 */
export const WRITE_TASK = "tt.split.write";

/** Where a write task puts its part: a store location, and the part's path inside it. */
export interface PartTarget {
  /** The location of the store the result is being written to (a directory, an s3:// prefix). */
  location: string;
  /**
   * The part's path in that store without the extension of the worker's table format, e.g.
   * `factor_tables/instance/part-00002` (written as `….parquet`).
   */
  path: string;
}

/** What a write task answers: the part it wrote. */
export interface WrittenPart {
  path: string;
  rows: number;
  columns: string[];
}

/** The data of a partition's task (as JSON through `toJson`, typed arrays included). */
export interface PartitionTaskData {
  /** Where the dataset is: a directory, an http(s) or s3:// URL the worker can open. */
  location: string;
  /** `hashManifest` of the dataset's manifest: a worker that opens another version refuses. */
  manifest: string;
  /** The view the fit runs on, as its selectors (`view.toJSON()`). */
  view: ViewJSON;
  /** The partition: rows [start, stop) of the view's instance axis. */
  start: number;
  stop: number;
  /** The whole view's plan (`n` is the whole view's; the partition's is stop − start). */
  plan: Plan;
  /** The fit's validated config (preprocessing and memory budget). */
  config: PreprocessConfig & { memory_budget: number | "auto" };
  layouts: { center?: StatLayout; scale?: StatLayout };
  /** The shared statistics (pass tasks). */
  stats?: SharedStatistics;
  /** The pass (or, for write tasks, the row table) to run and its input. */
  pass?: string;
  input?: PassInput;
  /** Where a write task writes its part. */
  target?: PartTarget;
  /** Scan tasks of a fit whose rows stay on the workers: the rows' norms are not sent back. */
  keepRows?: boolean;
}
