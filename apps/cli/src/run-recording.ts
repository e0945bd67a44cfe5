/**
 * Recording a command's run in a catalog: with `--catalog FILE` or `TT_CATALOG`, a command that
 * writes bundles runs inside `catalog.recordRun`, so its inputs are registered as they are when
 * it starts, its outputs when it ends, and a failure is recorded with its error. Library
 * functions called inside see the run (`currentRun()`) and record none of their own.
 */

import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { openCatalog } from "@tt/catalog";
import { bundleStoreAt } from "tensortools";
import type { Command, LineageInput, Parsed } from "./command.js";
import { EXIT } from "./errors.js";
import type { Output } from "./output.js";
import { cliVersion } from "./version.js";

/** A command that ended with a nonzero exit code without throwing: its run failed. */
class ExitCodeError extends Error {
  constructor(
    readonly code: number,
    command: string,
  ) {
    super(`tt ${command} exited with code ${code}`);
    this.name = "ExitCodeError";
  }
}

/** The run's parameters: every option and positional as parsed (but `--help`, never set here). */
function paramsOf(args: Parsed): Record<string, unknown> {
  const { help: _help, ...options } = args.values;
  return { positionals: args.positionals, options };
}

/**
 * The inputs the catalog can record: a folder without a manifest.json is no bundle, so the
 * command fails on it with its own message (and its run is recorded as failed without it),
 * instead of the catalog refusing to register it before the command runs.
 */
function recordable(inputs: readonly LineageInput[]): LineageInput[] {
  return inputs.filter(
    ({ location }) =>
      !existsSync(location) ||
      !statSync(location).isDirectory() ||
      existsSync(join(location, "manifest.json")),
  );
}

/**
 * Runs `command` as a run recorded in the catalog at `path` (created when missing): transform
 * `tt <name>`, library version `tensortools-cli <version>`, the parsed command line as its
 * parameters, and what `command.lineage` declares as its inputs and outputs. Errors are thrown
 * on as they are, so `tt` reports them as it always does; a nonzero exit code is a failed run too.
 */
export async function runRecorded(
  command: Command,
  args: Parsed,
  out: Output,
  path: string,
): Promise<number> {
  const lineage = (await command.lineage?.(args)) ?? { inputs: [], outputs: [] };
  const spec = {
    transform: `tt ${command.name}`,
    libraryVersion: `tensortools-cli ${await cliVersion()}`,
    params: paramsOf(args),
    inputs: recordable(lineage.inputs),
  };
  const catalog = openCatalog(path, { openStore: bundleStoreAt });
  try {
    return await catalog.recordRun(
      spec,
      async () => {
        const code = await command.run(args, out);
        if (code !== EXIT.ok) throw new ExitCodeError(code, command.name);
        return code;
      },
      () => lineage.outputs,
    );
  } catch (error) {
    if (error instanceof ExitCodeError) return error.code;
    throw error;
  } finally {
    catalog.close();
  }
}
