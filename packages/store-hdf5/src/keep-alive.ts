/** Files closed when their array is garbage-collected, and arrays kept alive while they work. */

const finalizer = new FinalizationRegistry<() => void>((close) => close());

/** Runs `close` once `owner` is garbage-collected, unless {@link forget} comes first. */
export function closeWhenCollected(owner: object, close: () => void): void {
  finalizer.register(owner, close, owner);
}

/** Cancels {@link closeWhenCollected} for `owner` (closed explicitly). */
export function forget(owner: object): void {
  finalizer.unregister(owner);
}

function reachable(_owner: object): void {}

/**
 * `work`, with `owner` kept reachable until it settles: a caller may drop an array as soon as it
 * has called `read`, and the file must not be closed under a read that is still under way.
 */
export function holding<T>(owner: object, work: Promise<T>): Promise<T> {
  return work.finally(() => reachable(owner));
}
