/** Settling work early when a signal aborts. */

/**
 * `work`, or a rejection with `signal.reason` as soon as the signal aborts, whichever comes
 * first. The work itself is not stopped (a method stops by checking the signal); a late
 * outcome of it is ignored, so it can neither resolve the call nor surface as unhandled.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) {
      work.catch(() => {});
      onAbort();
      return;
    }
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
