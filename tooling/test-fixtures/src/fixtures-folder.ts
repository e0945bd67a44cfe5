/** Where the repository's fixtures are: `fixtures/` at the root, each with a README naming its source. */

import { fileURLToPath } from "node:url";

/** The path of a file or folder in the repository's `fixtures/` folder. */
export function fixture(path: string): string {
  return fileURLToPath(new URL(`../../../fixtures/${path}`, import.meta.url));
}
