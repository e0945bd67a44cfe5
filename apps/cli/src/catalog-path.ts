/** Which catalog a command uses: `--catalog FILE`, else the environment variable `TT_CATALOG`. */

import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { type Catalog, openCatalog } from "@tt/catalog";
import { bundleStoreAt } from "tensortools";
import type { Parsed } from "./command.js";
import { InputError, UsageError } from "./errors.js";

/** The catalog's path from `--catalog` or `TT_CATALOG` (non-empty), or undefined for neither. */
export function catalogPathOf(
  args: Parsed,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const option = args.values.catalog;
  if (typeof option === "string") {
    if (option === "") throw new UsageError("--catalog needs the path of a catalog file");
    return option;
  }
  const fromEnvironment = env.TT_CATALOG;
  return fromEnvironment === undefined || fromEnvironment === "" ? undefined : fromEnvironment;
}

/**
 * The catalog `command` reads or changes: a UsageError when neither `--catalog` nor `TT_CATALOG`
 * names one, an InputError when it does not exist yet and `create` is not set (reading a catalog
 * never creates an empty one by a typo).
 */
export function openCatalogOf(args: Parsed, command: string, create = false): Catalog {
  const path = catalogPathOf(args);
  if (path === undefined)
    throw new UsageError(
      `tt ${command} needs a catalog: pass --catalog FILE or set TT_CATALOG=FILE`,
      command,
    );
  if (!create && !existsSync(path))
    throw new InputError(
      `no catalog at ${resolve(path)}`,
      "check --catalog or TT_CATALOG; tt catalog register <bundle> creates a catalog, and so does any command that writes while one is set",
    );
  return openCatalog(path, { openStore: bundleStoreAt });
}
