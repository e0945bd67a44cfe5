/** Who a writer is on Node: this process on this host, and whether another process still runs. */

import { createHash } from "node:crypto";
import { hostname } from "node:os";

/** The name of this host. */
export function hostName(): string {
  return hostname();
}

/** This process's id. */
export function processId(): number {
  return process.pid;
}

/** Whether process `pid` of this host runs: `false` when it is gone. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** An incremental SHA-256 (lowercase hex at the end), so large files are hashed piece by piece. */
export function incrementalSha256(): { update(bytes: Uint8Array): void; hex(): string } {
  const hash = createHash("sha256");
  return { update: (bytes) => hash.update(bytes), hex: () => hash.digest("hex") };
}
