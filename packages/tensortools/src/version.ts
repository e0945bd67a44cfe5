/** The version of this package, recorded as `library_version` with every result. */

import { version } from "../package.json";

/** The version of the `tensortools` package, from its package.json. */
export const VERSION: string = version;
