/**
 * Closing BullMQ's connections without hanging: a queue or event listener whose Redis stopped
 * answering, or never answered, waits forever for its connection on `close()`; these helpers
 * give it a grace period and then drop the connection.
 */

import type { Queue, QueueEvents } from "bullmq";

/** How long a close or a last cleanup may wait for Redis before the connection is dropped. */
export const GRACE_MS = 2000;

/** Whether `promise` settled within `ms` (its outcome is left to the caller's handlers). */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const settled = promise.then(
    () => true,
    () => true,
  );
  try {
    return await Promise.race([settled, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Closes `target`: gracefully when Redis answers within {@link GRACE_MS}, else by dropping its
 * connection. `connected` tells whether it ever connected (one that never did is closed by force
 * at once). Errors of the close go to `onError`: the connection is gone either way.
 */
export async function shut(
  target: Queue | QueueEvents,
  connected: boolean,
  onError: (error: unknown) => void,
): Promise<void> {
  if (!connected) {
    // Nothing to say goodbye to: drop the pending connection, then let the close finish alone.
    await target.getBackend().close(true);
    target.close().catch(onError);
    return;
  }
  const closing = target.close();
  closing.catch(onError);
  if (await settlesWithin(closing, GRACE_MS)) return;
  const client = await target.getBackend().client;
  client.disconnect();
}
