/** Whether a fit holds its data in memory or streams it, and how many rows each block has. */

import { KERNEL_CHUNK_ROWS } from "@tt/linalg";
import { ConfigError, type ReadableView } from "@tt/schema";
import { DEFAULT_MEMORY_BUDGET, type MissingPolicy } from "./config-fields.js";
import type { Plan } from "./plan.js";
import { matrixDType } from "./rows.js";
import { assertStreamable, type StatLayout } from "./statistics.js";

/** How a fit holds the unfolded data: its element type, the budget, in memory or streamed. */
export interface MemoryPlan {
  /** The element type the kernels work in. */
  dtype: "float32" | "float64";
  /** Bytes per element of `dtype`. */
  bytesPerValue: number;
  /** The memory budget in bytes (`"auto"` resolved). */
  budget: number;
  /** True when the whole n × p matrix fits in the budget. */
  inMemory: boolean;
  /** Rows per block: a multiple of the kernels' chunk, so sums do not depend on the blocking. */
  blockRows: number;
  /**
   * Streamed: whether there are two blocks (of a quarter of the budget each), so that the next
   * block is read into the second while the kernels work on the first.
   */
  readAhead: boolean;
}

/**
 * The block size when the data is in memory: only the reads are blocked, and each block is
 * scanned as it arrives; at least two chunks, so that the scan runs on every kernel thread.
 */
const IN_MEMORY_BLOCK_BYTES = 32 * 2 ** 20;

function roundRows(bytes: number, rowBytes: number): number {
  return Math.max(
    KERNEL_CHUNK_ROWS,
    Math.floor(bytes / rowBytes / KERNEL_CHUNK_ROWS) * KERNEL_CHUNK_ROWS,
  );
}

/**
 * Decides between memory and streaming for `plan` under `config.memory_budget`. Streamed blocks
 * have at least two chunks of rows when they fit the budget: the kernels share a block's chunks
 * between their threads, so a block of one chunk runs on one thread. When a quarter of the budget
 * holds two chunks, two blocks of a quarter each: the next is read while the kernels work on the
 * other. Otherwise one block of a third of the budget: memory goes first, and reading ahead from
 * the page cache gains nothing on a machine whose cores the kernels keep busy (the copy out of the
 * page cache takes a core too). The rest of the budget is left to the kernels' scratch. Throws a ConfigError when a
 * statistic of `layouts` or `missing: "mask"` needs the data in memory and it does not fit.
 */
export function planMemory(
  view: ReadableView,
  plan: Plan,
  layouts: { center?: StatLayout; scale?: StatLayout },
  config: { memory_budget: number | "auto"; missing: MissingPolicy },
): MemoryPlan {
  const dtype = matrixDType(view.dtype);
  const bytesPerValue = dtype === "float32" ? 4 : 8;
  const budget = config.memory_budget === "auto" ? DEFAULT_MEMORY_BUDGET : config.memory_budget;
  const inMemory = plan.n * plan.p * bytesPerValue <= budget;
  if (!inMemory) {
    assertStreamable(layouts.center, budget);
    assertStreamable(layouts.scale, budget);
    if (config.missing === "mask")
      throw new ConfigError(
        "missing",
        `"mask" imputes in memory, but the data (${plan.n * plan.p * bytesPerValue} bytes) exceeds memory_budget (${budget}); raise memory_budget or use "drop"`,
      );
  }
  const rowBytes = plan.p * bytesPerValue;
  const twoChunks = 2 * KERNEL_CHUNK_ROWS;
  if (inMemory) {
    const blockRows = Math.max(
      roundRows(IN_MEMORY_BLOCK_BYTES, plan.slab * bytesPerValue),
      twoChunks,
    );
    return { dtype, bytesPerValue, budget, inMemory, blockRows, readAhead: false };
  }
  const readAhead = twoChunks * rowBytes <= budget / 4;
  const blockRows = readAhead
    ? roundRows(budget / 4, rowBytes)
    : Math.max(roundRows(budget / 3, rowBytes), twoChunks * rowBytes <= budget ? twoChunks : 0);
  return { dtype, bytesPerValue, budget, inMemory, blockRows, readAhead };
}
