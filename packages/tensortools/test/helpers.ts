/** Shared test helpers: temporary directories removed after a file's tests. */

import { temporaryDirectory } from "@tt/test-fixtures";
import { afterAll } from "vitest";

/** A temporary directory removed after the file's tests; call it at the top of a file or suite. */
export function scratchDirectory(prefix: string): string {
  const dir = temporaryDirectory(prefix);
  afterAll(dir.cleanup);
  return dir.path;
}
