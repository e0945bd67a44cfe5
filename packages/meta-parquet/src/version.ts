/** The version of this plugin, recorded in the files it writes. */

import { version } from "../package.json";

/** The version of `@tt/meta-parquet`, from its package.json. */
export const VERSION: string = version;
