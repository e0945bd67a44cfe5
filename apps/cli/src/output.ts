/** Where commands write: results on stdout, progress and messages on stderr. */

import type { Progress } from "tensortools";

/** The streams and switches a command writes with; tests pass their own. */
export interface Output {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** No progress and no notes. */
  quiet: boolean;
  /** Machine-readable output on stdout. */
  json: boolean;
  /** Stack traces on errors. */
  debug: boolean;
  /** Stops long work (Ctrl-C). */
  signal?: AbortSignal;
}

/** Writes a line to stdout. */
export function print(out: Output, line = ""): void {
  out.stdout.write(`${line}\n`);
}

/** Writes a note to stderr unless quiet. */
export function note(out: Output, line: string): void {
  if (!out.quiet) out.stderr.write(`${line}\n`);
}

/** Writes `value` as JSON on stdout. */
export function printJson(out: Output, value: unknown): void {
  out.stdout.write(
    `${JSON.stringify(value, (_, v) => (typeof v === "bigint" ? String(v) : v), 2)}\n`,
  );
}

/**
 * A progress reporter for `label`: a bar redrawn on stderr when it is a terminal and output is
 * not quiet, nothing otherwise. Call `done()` to clear it.
 */
export function progressBar(
  out: Output,
  label: string,
): { update(progress: Progress): void; done(): void } {
  if (out.quiet || !out.stderr.isTTY) return { update() {}, done() {} };
  let last = -1;
  let lastPhase = "";
  const width = Math.max(10, Math.min(40, (out.stderr.columns ?? 80) - label.length - 30));
  return {
    update(progress) {
      const percent = Math.floor(Math.min(1, Math.max(0, progress.fraction)) * 100);
      if (percent === last && progress.phase === lastPhase) return;
      last = percent;
      lastPhase = progress.phase;
      const filled = Math.round((percent / 100) * width);
      const bar = "#".repeat(filled) + "-".repeat(width - filled);
      out.stderr.write(
        `\r${label} ${progress.phase.padEnd(8)} [${bar}] ${String(percent).padStart(3)}%`,
      );
    },
    done() {
      if (last >= 0) out.stderr.write("\r\x1b[2K");
    },
  };
}

/**
 * Ends the process quietly with exit code 0 when the reader of stdout goes away (`tt ... | head`),
 * as other Unix tools do; a closed stderr is ignored so the work still completes.
 */
export function exitQuietlyOnClosedPipe(
  stdout: NodeJS.WritableStream,
  stderr: NodeJS.WritableStream,
): void {
  stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE" && error.code !== "ERR_STREAM_DESTROYED") throw error;
    process.exit(0);
  });
  stderr.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE" && error.code !== "ERR_STREAM_DESTROYED") throw error;
  });
}
