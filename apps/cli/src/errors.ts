/** How the command line reports failures: one clear line, a hint, and an exit code by kind. */

import { isTensorToolsError } from "tensortools";

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

/** What to print for `error` (one line and a hint) and the exit code. */
export function describeError(error: unknown): { line: string; hint: string; code: number } {
  if (error instanceof UsageError) {
    const help = error.command ? `tt ${error.command} --help` : "tt --help";
    return { line: error.message, hint: `see '${help}'`, code: EXIT.usage };
  }
  if (isTensorToolsError(error, "config")) {
    return { line: error.message, hint: "check the option or the --config file", code: EXIT.usage };
  }
  if (isTensorToolsError(error, "query")) {
    const hint = "queries look like: label == 'target' and qc_pass and score > 0.8";
    return { line: error.message, hint, code: EXIT.usage };
  }
  if (isTensorToolsError(error)) {
    const hint =
      error.tag === "not-found"
        ? "check the path or name"
        : error.tag === "exists"
          ? "pass --overwrite to replace it"
          : error.tag === "input-changed"
            ? "the dataset changed after the result was made; re-run the decomposition"
            : "run with --debug for details";
    return { line: error.message, hint, code: EXIT.data };
  }
  if (error instanceof Error && error.name === "AbortError")
    return { line: "interrupted", hint: "", code: EXIT.interrupted };
  const message = error instanceof Error ? error.message : String(error);
  return {
    line: `unexpected error: ${message}`,
    hint: "run with --debug for the stack trace, and report it if it persists",
    code: EXIT.data,
  };
}
