/** Running commands for the packed stage: child processes with a clean environment and clear failures. */

import { spawn } from "node:child_process";

/** What a finished command printed and how long it took. */
export interface CommandOutput {
  stdout: string;
  stderr: string;
  /** Wall-clock milliseconds. */
  ms: number;
}

/** Options of {@link runCommand}. */
export interface RunOptions {
  cwd: string;
  /** Extra environment variables (on top of {@link cleanEnvironment}). */
  env?: Record<string, string>;
  /** Milliseconds before the command is killed; 5 minutes by default. */
  timeout?: number;
}

/**
 * The environment of this process without the `npm_*` variables that `pnpm run` / `npm run`
 * set for the workspace (config, user agent, lifecycle), so a scratch install behaves as a
 * user's would; the registry and proxies the machine configures stay.
 */
export function cleanEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    const lower = key.toLowerCase();
    const keep =
      !lower.startsWith("npm_") ||
      lower === "npm_config_registry" ||
      lower.endsWith("_proxy") ||
      lower === "npm_config_cache";
    if (keep && !lower.startsWith("pnpm_") && lower !== "vitest" && !lower.startsWith("vitest_"))
      env[key] = value;
  }
  return {
    ...env,
    TURBO_TELEMETRY_DISABLED: "1",
    DO_NOT_TRACK: "1",
    NODE_OPTIONS: "",
    ...extra,
  };
}

/** The last `lines` lines of `text`. */
function tail(text: string, lines = 30): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

/**
 * Runs `command args` in `cwd` and resolves with its output; rejects when it exits non-zero or
 * times out, with the command, the folder, the exit status and the tail of what it printed.
 */
export function runCommand(
  command: string,
  args: readonly string[],
  options: RunOptions,
): Promise<CommandOutput> {
  const started = Date.now();
  const timeout = options.timeout ?? 300_000;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: cleanEnvironment(options.env),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeout);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(
        new Error(
          `${command} ${args.join(" ")} (in ${options.cwd}) did not start: ${error.message}`,
        ),
      );
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const ms = Date.now() - started;
      if (code === 0) {
        resolve({ stdout, stderr, ms });
        return;
      }
      const status = signal
        ? `was killed (${signal}, timeout ${timeout} ms)`
        : `exited with ${code}`;
      reject(
        new Error(
          `\`${command} ${args.join(" ")}\` (in ${options.cwd}) ${status} after ${ms} ms\n` +
            `--- stderr (tail) ---\n${tail(stderr)}\n--- stdout (tail) ---\n${tail(stdout)}`,
        ),
      );
    });
  });
}

/** `npx -y pnpm@10 …`, the way the README runs pnpm. */
export function runPnpm(args: readonly string[], options: RunOptions): Promise<CommandOutput> {
  return runCommand("npx", ["-y", "pnpm@10", ...args], options);
}

/** The last line of `stdout` that parses as a JSON object: how the scratch scripts report. */
export function lastJsonLine<T>(stdout: string): T {
  const lines = stdout.trimEnd().split("\n").reverse();
  for (const line of lines) {
    if (!line.startsWith("{")) continue;
    try {
      return JSON.parse(line) as T;
    } catch {}
  }
  throw new Error(`no JSON report in the output:\n${tail(stdout)}`);
}

/** Bytes as `1.23 MB` (decimal units, as npm prints them). */
export function formatBytes(bytes: number): string {
  if (bytes < 1e3) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${(bytes / 1e6).toFixed(2)} MB`;
}
