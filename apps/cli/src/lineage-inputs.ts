/**
 * What commands declare as the inputs of their runs, read from the command line as given. These
 * helpers never throw on a malformed option: the command itself reports it, as a failed run.
 */

import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { LineageInput, Parsed } from "./command.js";

/** The values of an option given once or repeatedly (none when absent). */
export function optionList(args: Parsed, name: string): string[] {
  const value = args.values[name];
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value : [];
}

/** The value of a string option as an input, when given. */
export function optionInput(args: Parsed, name: string): LineageInput[] {
  return optionList(args, name).map((location) => ({ location }));
}

/** The files of repeated `AXIS=FILE` options (`--meta`): what follows the first `=`. */
export function pairFileInputs(args: Parsed, name: string): LineageInput[] {
  return optionList(args, name)
    .filter((item) => item.indexOf("=") > 0)
    .map((item) => ({ location: item.slice(item.indexOf("=") + 1) }));
}

/**
 * The first axis the manifest of the bundle in `folder` names, or undefined when it cannot be
 * read: then the command fails opening the bundle and says why.
 */
export async function firstAxisOf(folder: string): Promise<string | undefined> {
  try {
    const manifest = JSON.parse(await readFile(join(folder, "manifest.json"), "utf8"));
    const first = (manifest as { axes?: unknown[] }).axes?.[0];
    return typeof first === "string" ? first : undefined;
  } catch {
    return undefined;
  }
}
