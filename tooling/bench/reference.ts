/**
 * Honest references for the benches: numpy run on its best OpenBLAS kernel, named; whole processes
 * timed with their peak memory; and how busy the rest of the machine was meanwhile, since numbers
 * taken on a shared machine mean little without it.
 *
 * OpenBLAS reads `OPENBLAS_CORETYPE` and `OPENBLAS_L2_SIZE` from the environment; the development
 * machines set them, which pins it to its AVX2 (Haswell) kernels on CPUs that have faster ones.
 * The numpy children of the benches run without both, so that numpy picks the kernel its CPU is
 * best at (only there: tests and CI keep the environment they are given).
 */

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The variables that pin OpenBLAS to a kernel other than the one it would pick. */
const PINNING = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"];

/** The environment of a numpy child: this one without the pinning, with `threads` BLAS threads. */
export function numpyEnvironment(threads: number): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of PINNING) delete env[name];
  env.OPENBLAS_NUM_THREADS = String(threads);
  env.OMP_NUM_THREADS = String(threads);
  return env;
}

/** The pinning variables this process was given, to show beside the kernel numpy ran. */
export function pinningInEnvironment(): string[] {
  return PINNING.filter((name) => process.env[name] !== undefined).map(
    (name) => `${name}=${process.env[name]}`,
  );
}

const KERNEL_SCRIPT = `
import ctypes, json, numpy
# The OpenBLAS numpy loaded (numpy's own scipy-openblas, or the system's), from this process's maps.
paths = sorted({line.split()[-1] for line in open("/proc/self/maps") if "openblas" in line.lower() and ".so" in line})
found = None
for path in paths:
    lib = ctypes.CDLL(path)
    for prefix in ("scipy_", ""):
        for suffix in ("64_", ""):
            core = getattr(lib, prefix + "openblas_get_corename" + suffix, None)
            config = getattr(lib, prefix + "openblas_get_config" + suffix, None)
            if core is not None and config is not None and found is None:
                core.restype = ctypes.c_char_p
                config.restype = ctypes.c_char_p
                found = {"core": core().decode(), "config": config().decode(), "library": path}
print(json.dumps({"numpy": numpy.__version__, **(found or {})}))
`;

/** Which OpenBLAS kernel numpy runs in {@link numpyEnvironment}, or why that is unknown. */
export function openblasKernel(): string {
  const run = spawnSync("python3", ["-c", KERNEL_SCRIPT], {
    encoding: "utf8",
    env: numpyEnvironment(1),
  });
  if (run.status !== 0) return `unknown (python3 with numpy did not run: ${run.stderr.trim()})`;
  const info = JSON.parse(run.stdout.trim().split("\n").pop()!) as {
    numpy: string;
    core?: string;
    config?: string;
  };
  if (info.core === undefined) return `unknown (numpy ${info.numpy} loads no OpenBLAS)`;
  return `numpy ${info.numpy}, OpenBLAS kernel ${info.core} (${info.config?.trim()})`;
}

/** A whole process, timed from the outside. */
export interface ProcessRun {
  /** Wall time, seconds. */
  seconds: number;
  /** Peak resident memory (VmHWM), MB; undefined without /usr/bin/time. */
  maxRssMb: number | undefined;
  /** CPU seconds (user + system) of the process; undefined without /usr/bin/time. */
  cpuSeconds: number | undefined;
  /** Cores the rest of the machine kept busy meanwhile, on average; undefined without /proc/stat. */
  otherCores: number | undefined;
  stdout: string;
}

const TIME = "/usr/bin/time";

/** Busy and total jiffies of all CPUs, from /proc/stat (Linux). */
function cpuJiffies(): { busy: number; total: number } | undefined {
  try {
    const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/);
    const values = fields.slice(1).map(Number);
    const idle = values[3]! + (values[4] ?? 0);
    const total = values.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/** Jiffies per second: Linux reports /proc/stat in USER_HZ, 100 on every common platform. */
const USER_HZ = 100;

/**
 * Runs `command args` to completion and times it: wall time, peak RSS and CPU time from
 * `/usr/bin/time` where it exists, and how busy the other processes kept the machine. Throws with
 * the child's stderr when it fails.
 */
export function timeProcess(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): ProcessRun {
  const timed = existsSync(TIME);
  const dir = mkdtempSync(join(tmpdir(), "tt-bench-time-"));
  const report = join(dir, "time.txt");
  try {
    const before = cpuJiffies();
    const start = performance.now();
    const run = timed
      ? spawnSync(TIME, ["-f", "%e %M %U %S", "-o", report, command, ...args], {
          encoding: "utf8",
          maxBuffer: 1 << 26,
          ...options,
        })
      : spawnSync(command, args, { encoding: "utf8", maxBuffer: 1 << 26, ...options });
    const seconds = (performance.now() - start) / 1000;
    const after = cpuJiffies();
    if (run.status !== 0)
      throw new Error(`${command} ${args.join(" ")} failed (${run.status}): ${run.stderr}`);
    let maxRssMb: number | undefined;
    let cpuSeconds: number | undefined;
    if (timed) {
      const [, kb, user, system] = readFileSync(report, "utf8")
        .trim()
        .split("\n")
        .pop()!
        .split(" ");
      maxRssMb = Number(kb) / 1024;
      cpuSeconds = Number(user) + Number(system);
    }
    const otherCores =
      before && after && cpuSeconds !== undefined
        ? Math.max(0, (after.busy - before.busy) / USER_HZ - cpuSeconds) / seconds
        : undefined;
    return { seconds, maxRssMb, cpuSeconds, otherCores, stdout: run.stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The smallest and the median of some measurements. */
export function bestAndMedian(values: readonly number[]): { best: number; median: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { best: sorted[0]!, median: sorted[Math.floor((sorted.length - 1) / 2)]! };
}

/**
 * With TT_BENCH_QUIET=1, waits (up to TT_BENCH_QUIET_WAIT seconds, default 300) until the machine
 * has been nearly idle (under a tenth of its CPU busy) for a second and a half: on a shared
 * machine, runs then start when nobody else is computing. Otherwise returns at once.
 */
export function waitForQuiet(): void {
  if (process.env.TT_BENCH_QUIET !== "1") return;
  const deadline = Date.now() + 1000 * Number(process.env.TT_BENCH_QUIET_WAIT ?? 300);
  while (Date.now() < deadline) {
    const before = cpuJiffies();
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1500);
    const after = cpuJiffies();
    if (before === undefined || after === undefined) return;
    if ((after.busy - before.busy) / Math.max(1, after.total - before.total) < 0.1) return;
  }
}

/**
 * Runs every job `runs` times, one job after the other in turn (A B C A B C ...), so that a change
 * in the machine's load falls on all of them alike; returns each job's results in order. Each run
 * waits for a quiet machine first when TT_BENCH_QUIET=1 (see {@link waitForQuiet}).
 */
export function alternate<T extends readonly unknown[]>(
  runs: number,
  jobs: { readonly [K in keyof T]: () => T[K] },
): { [K in keyof T]: T[K][] } {
  const results: unknown[][] = jobs.map(() => []);
  for (let r = 0; r < runs; r++)
    for (const [j, job] of jobs.entries()) {
      waitForQuiet();
      results[j]!.push(job());
    }
  return results as { [K in keyof T]: T[K][] };
}

/** How busy the machine is now: the 1-minute load average and the core count. */
export function machineLoadLine(): string {
  try {
    const [one] = readFileSync("/proc/loadavg", "utf8").split(" ");
    const cores = readFileSync("/proc/cpuinfo", "utf8").match(/^processor\s*:/gm)?.length;
    return `load average ${one} on ${cores} cores`;
  } catch {
    return "load average unknown";
  }
}

/** Prints rows under a header, columns padded to their widest cell. */
export function printTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? "").length)));
  for (const r of all) console.log(r.map((cell, c) => cell.padEnd(widths[c]!)).join("  "));
}
