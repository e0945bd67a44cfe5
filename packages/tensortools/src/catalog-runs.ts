/**
 * Runs of the API's writes, recorded in a catalog when one is in use: the `catalog` option of the
 * write, else the environment variable `TT_CATALOG`. `@tt/catalog` is an optional peer
 * dependency (users who never record runs need not install it): it is loaded only then.
 */

import type { RunInput } from "@tt/catalog";
import { ConfigError, type JsonValue } from "@tt/schema";
import { bundleStoreAt, isS3Location } from "./s3-locations.js";
import { VERSION } from "./version.js";

/** The option of the API's writes that says where their runs are recorded. */
export interface CatalogOptions {
  /**
   * The catalog file to record the write's run in (created when missing): its transform (the
   * function's name), parameters, the bundles it read and the bundle it wrote. `false` records no
   * run even when `TT_CATALOG` names a catalog; by default, the catalog `TT_CATALOG` names, if
   * any. Needs the package `@tt/catalog` installed.
   */
  catalog?: string | false;
}

/** What a write says of itself for its run. */
export interface WriteRun {
  /** The function's name: `writeDataset`, `annotate`, ... */
  transform: string;
  params: Record<string, JsonValue>;
  /** The bundles read, as they are before the write. */
  inputs: RunInput[];
  /** The directory written. */
  output: string;
}

/** The catalog file a write records in: the option, else `TT_CATALOG` (non-empty), else none. */
export function catalogPathOf(
  option: unknown,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (option === false) return undefined;
  if (option !== undefined) {
    if (typeof option !== "string" || option === "")
      throw new ConfigError(
        "catalog",
        `must be the path of a catalog file, or false to record no run; got ${JSON.stringify(option) ?? String(option)}`,
      );
    return option;
  }
  const fromEnvironment = env.TT_CATALOG;
  return fromEnvironment === undefined || fromEnvironment === "" ? undefined : fromEnvironment;
}

/**
 * `error`, thrown by importing the package `name`, as a ConfigError saying to install it when it
 * is the package itself that is missing (not one of its own dependencies); else `error` itself.
 */
export function missingPackageError(error: unknown, name: string): unknown {
  const message = error instanceof Error ? error.message : "";
  const code = (error as { code?: unknown } | null)?.code;
  const notFound = code === "ERR_MODULE_NOT_FOUND" || /Cannot find (package|module)/.test(message);
  if (!notFound || !new RegExp(`['"]${name}['"]`).test(message)) return error;
  return new ConfigError(
    "catalog",
    `recording runs in a catalog needs the package ${name}, which is not installed: install it (npm install ${name}), or pass catalog: false (or unset TT_CATALOG) to write without recording`,
    { cause: error },
  );
}

/** `@tt/catalog`, loaded when a catalog is in use. */
export async function loadCatalog(): Promise<typeof import("@tt/catalog")> {
  try {
    return await import("@tt/catalog");
  } catch (error) {
    throw missingPackageError(error, "@tt/catalog");
  }
}

/**
 * Runs `work`, a write of the API, as a run recorded in the catalog that `option` (or
 * `TT_CATALOG`) names, described by `describe`: its inputs registered as they are before, its
 * output after, or the failure recorded and the error thrown on. Without a catalog, or inside a
 * run already being recorded (a `tt` command, `catalog.recordRun`), `work` runs alone. An output
 * that is neither a directory nor an `s3://` location is a ConfigError before anything is written.
 */
export async function recordWrite<T>(
  option: string | false | undefined,
  describe: () => WriteRun,
  work: () => Promise<T>,
): Promise<T> {
  const path = catalogPathOf(option);
  if (path === undefined) return work();
  const { currentRun, openCatalog } = await loadCatalog();
  if (currentRun() !== undefined) return work();
  const { transform, params, inputs, output } = describe();
  checkOutput(output);
  const catalog = openCatalog(path, { openStore: bundleStoreAt });
  try {
    return await catalog.recordRun(
      { transform, libraryVersion: `tensortools ${VERSION}`, params, inputs },
      work,
      () => [output],
    );
  } finally {
    catalog.close();
  }
}

/**
 * `recordWrite` for a write whose run is known only partway through (a result made inside its
 * own atomic write): `work` calls `begin` with the run's description once it knows it, and the
 * run is started then (its inputs registered as they are at that moment), finished with
 * `output` registered when `work` resolves, or marked failed when it rejects. A failure before
 * `begin` records no run. Without a catalog, or inside a run being recorded, `begin` does nothing.
 */
export async function recordLateWrite<T>(
  option: string | false | undefined,
  output: string,
  work: (begin: (run: Omit<WriteRun, "output">) => Promise<void>) => Promise<T>,
): Promise<T> {
  const nothing = async () => {};
  const path = catalogPathOf(option);
  if (path === undefined) return work(nothing);
  const { currentRun, openCatalog } = await loadCatalog();
  if (currentRun() !== undefined) return work(nothing);
  checkOutput(output);
  const catalog = openCatalog(path, { openStore: bundleStoreAt });
  let runId: number | undefined;
  try {
    const value = await work(async ({ transform, params, inputs }) => {
      runId = await catalog.startRun({
        transform,
        libraryVersion: `tensortools ${VERSION}`,
        params,
        inputs,
      });
    });
    if (runId !== undefined) await catalog.finishRun(runId, [output]);
    return value;
  } catch (error) {
    if (runId !== undefined) catalog.failRun(runId, error);
    throw error;
  } finally {
    catalog.close();
  }
}

/** A ConfigError, before anything is written, for an output a catalog cannot register. */
function checkOutput(output: string): void {
  if (!isLocalPath(output) && !isS3Location(output))
    throw new ConfigError(
      "catalog",
      `${output} is neither a directory nor an s3:// location, where a catalog registers bundles; pass catalog: false (or unset TT_CATALOG) to write it without recording a run`,
    );
}

/** Whether `location` is a local path (not a URL, not a store held in memory). */
function isLocalPath(location: unknown): location is string {
  return typeof location === "string" && !/^[a-z][a-z0-9+.-]*:\/\//i.test(location);
}

/**
 * The bundle `source` reads, as a run input: a view's (or a dataset's) dataset location (a
 * directory or URL) with the view's selectors, a stored dataset's or a store's directory or
 * `s3://` location; none for data held in memory.
 */
export function inputsOf(source: unknown): RunInput[] {
  if (source === null || typeof source !== "object") return [];
  const view = source as {
    dataset?: { location?: unknown };
    toJSON?: () => { selectors?: unknown[] };
  };
  if (typeof view.toJSON === "function" && view.dataset !== undefined) {
    const location = view.dataset.location;
    if (typeof location !== "string") return [];
    return [{ location, selectors: structuredClone(view.toJSON().selectors ?? []) }];
  }
  const { location } = source as { location?: unknown };
  return isLocalPath(location) || (typeof location === "string" && isS3Location(location))
    ? [{ location }]
    : [];
}
