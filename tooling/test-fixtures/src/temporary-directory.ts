/** Fresh temporary directories for tests that write bundles and results. */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A temporary directory and how to remove it. */
export interface TemporaryDirectory {
  /** Its absolute path. */
  readonly path: string;
  /** Removes it and everything in it; safe to call twice. */
  cleanup(): void;
}

/** A fresh directory in the system's temporary folder, named `<prefix>XXXXXX`. */
export function temporaryDirectory(prefix = "tt-test-"): TemporaryDirectory {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}
