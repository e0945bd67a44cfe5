/**
 * Turns of the event loop for long computations: kernels that run on the calling thread and reads
 * served from a cache never yield, and a worker whose event loop does not run for seconds loses
 * its job engine's lock (the task is taken away and run again elsewhere).
 */

/** Milliseconds of computation between turns given to the event loop. */
const TURN_INTERVAL_MS = 100;

/** A macrotask: timers and I/O run first (setImmediate on Node, a zero timeout elsewhere). */
function nextTurn(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown })
    .setImmediate;
  return new Promise((resolve) =>
    immediate === undefined ? setTimeout(resolve, 0) : immediate(() => resolve()),
  );
}

/**
 * A function to call between steps of a long computation: it gives the event loop a turn when
 * `TURN_INTERVAL_MS` have passed since the last, and costs nothing otherwise.
 *
 * @example
 * ```ts
 * const turn = turnTaker();
 * for (const piece of pieces) {
 *   await kernels.gram(piece, G);
 *   await turn();
 * }
 * ```
 */
export function turnTaker(): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < TURN_INTERVAL_MS) return;
    await nextTurn();
    last = performance.now();
  };
}
