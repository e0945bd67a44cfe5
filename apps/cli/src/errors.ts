/** How the command line reports failures: one clear line, a hint, and an exit code by kind. */

import { isTensorToolsError } from "tensortools";
import { inCliWords } from "./error-words.js";
import { describeSystemError, findSystemError } from "./system-errors.js";

/** Exit codes: 0 done, 1 bad data or a failed run, 2 bad usage (options, config, query), 130 interrupted. */
export const EXIT = { ok: 0, data: 1, usage: 2, interrupted: 130 } as const;

/** A command line that does not parse: unknown option, missing argument, bad value. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose `--help` to point to. */
    readonly command?: string,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

/** A path or input that cannot be used as given (exit 1), e.g. a folder to serve that does not exist. */
export class InputError extends Error {
  constructor(
    message: string,
    /** What to do about it. */
    readonly hint: string,
  ) {
    super(message);
    this.name = "InputError";
  }
}

/** What the error formatter needs to know of the command that failed. */
export interface FailedCommand {
  name: string;
  /** The command's own options (without the global ones). */
  options: Readonly<Record<string, unknown>>;
}

/** The hint of a tensortools error, naming only options `command` has. */
function libraryHint(tag: string, line: string, options: readonly string[]): string {
  switch (tag) {
    case "not-found":
      return "check the path or name";
    case "exists":
      if (line.includes("--overwrite")) return "to keep it, write somewhere else";
      return options.includes("overwrite")
        ? "pass --overwrite to replace it"
        : "write somewhere else";
    case "input-changed":
      if (line.includes("a file the bundle reads in place"))
        return "the HDF5 file changed after it was linked: link it anew, or restore it";
      return "the dataset changed after the result was made; re-run the decomposition";
    case "io":
      return "check that the server or disk is reachable and that you may read it, then try again";
    case "task":
      return "a worker could not do its part of the run: the stderr of the tt worker that took the task notes it and its error; fix that, then run again";
    case "data":
      if (line.includes("the bundle is damaged"))
        return "tt verify <bundle> lists every damaged file; restore it or write the bundle again";
      return "run with --debug for details";
    default:
      return "run with --debug for details";
  }
}

/**
 * What to print for `error` (one line and a hint) and the exit code. Library messages are put in
 * the words of `command` (its options, not the API's names); system errors (ENOENT, ELOOP,
 * ENOTFOUND, ...) become one line naming the path or host.
 */
export function describeError(
  error: unknown,
  command?: FailedCommand,
): { line: string; hint: string; code: number } {
  const options = Object.keys(command?.options ?? {});
  const words = (text: string) => inCliWords(text, command?.name);
  const help = command ? `see 'tt ${command.name} --help'` : "see 'tt --help'";
  if (error instanceof UsageError) {
    const usageHelp = error.command ? `see 'tt ${error.command} --help'` : "see 'tt --help'";
    return { line: error.message, hint: usageHelp, code: EXIT.usage };
  }
  if (error instanceof InputError)
    return { line: error.message, hint: error.hint, code: EXIT.data };
  if (isTensorToolsError(error, "config")) {
    const hint = options.includes("config") ? "check the option or the --config file" : help;
    return { line: words(error.message), hint, code: EXIT.usage };
  }
  if (isTensorToolsError(error, "query")) {
    const hint = "queries look like: label == 'target' and qc_pass and score > 0.8";
    return { line: error.message, hint, code: EXIT.usage };
  }
  const system = findSystemError(error);
  if (isTensorToolsError(error)) {
    let line = words(error.message);
    let hint = libraryHint(error.tag, line, options);
    if (system !== undefined && /fetch failed$/.test(line)) {
      const described = describeSystemError(system, options);
      line = line.replace(/fetch failed$/, described.line);
      hint = described.hint;
    }
    return { line, hint, code: EXIT.data };
  }
  if (error instanceof Error && error.name === "AbortError")
    return { line: "interrupted", hint: "", code: EXIT.interrupted };
  if (system !== undefined) return { ...describeSystemError(system, options), code: EXIT.data };
  const message = error instanceof Error ? error.message : String(error);
  return {
    line: `unexpected error: ${message}`,
    hint: "run with --debug for the stack trace, and report it if it persists",
    code: EXIT.data,
  };
}
