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
  /** The pass to run and its input (pass tasks). */
  pass?: string;
  input?: PassInput;
}
