/** Bounded concurrency for chunk reads and writes. */

/** Runs `work` over `items` with at most `limit` calls in flight; the first failure rejects. */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  // One item (a lookup by id reads one run): no workers to set up.
  if (items.length === 1) return work(items[0]!);
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
}
