/** `tt decompose <bundle> --method pca --rank 8 [--where EXPR] --out <result>`. */

import { readFile } from "node:fs/promises";
import { createBullmqEngine } from "@tt/engine-bullmq";
import {
  ConfigError,
  createDefaultRegistry,
  type DecompositionResult,
  decompose,
  isTensorToolsError,
  openDataset,
  type Progress,
  writeResult,
} from "tensortools";
import {
  type Command,
  type CommandLineage,
  integerOption,
  type Parsed,
  stringOption,
} from "../command.js";
import { degeneracyWarning } from "../degeneracy-warning.js";
import { EXIT, UsageError } from "../errors.js";
import { firstAxisOf, optionInput, optionList } from "../lineage-inputs.js";
import { note, type Output, print, printJson, progressBar } from "../output.js";
import { componentSummary } from "../summaries.js";

/** The config of `--config FILE`, which must hold a JSON object. */
async function readConfig(path: string): Promise<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new UsageError(`--config ${path}: ${(error as Error).message}`, "decompose");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new ConfigError("config", `${path} must hold a JSON object of config keys`);
  return value as Record<string, unknown>;
}

/** Where the rank of a run came from. */
type RankSource =
  | { from: "option"; rank: number }
  | { from: "config"; path: string }
  | { from: "default" };

/** The default rank of `method`, when it is a number. */
function defaultRank(method: string): number | undefined {
  try {
    const rank = (createDefaultRegistry().method(method).defaults as { rank?: unknown }).rank;
    return typeof rank === "number" ? rank : undefined;
  } catch {
    return undefined;
  }
}

/** The config key `--rank` sets: `ranks` for a method whose defaults have it and no `rank`. */
function rankKeyOf(method: string): string {
  try {
    const defaults = createDefaultRegistry().method(method).defaults as object;
    return "ranks" in defaults && !("rank" in defaults) ? "ranks" : "rank";
  } catch {
    return "rank";
  }
}

/**
 * A rank the data cannot hold, said in terms of where the rank came from (the default, --rank or
 * --config) and what to pass instead; other errors unchanged.
 */
function explainRank(error: unknown, method: string, source: RankSource): unknown {
  if (!isTensorToolsError(error, "config") || (error as ConfigError).field !== "rank") return error;
  const match =
    /: (\d+) is more than the data allows(?:: (min\(instances, features\)) = .*= | (after dropping instances with missing values): )(\d+)$/.exec(
      error.message,
    );
  if (match === null) return error;
  const [, rank, minimum, dropped, allowed] = match;
  const limit = `(${minimum !== undefined ? `${minimum} = ${allowed}` : `${dropped}: ${allowed}`})`;
  if (source.from === "config")
    return new UsageError(
      `"rank": ${rank} in --config ${source.path} is more than the data allows ${limit}: set it to ${allowed} or less`,
      "decompose",
    );
  const what =
    source.from === "option"
      ? `--rank ${rank}`
      : `the default rank ${defaultRank(method) ?? rank} of ${method}`;
  return new UsageError(
    `${what} is more than the data allows ${limit}: pass --rank ${allowed} or less`,
    "decompose",
  );
}

/**
 * The run's inputs and output: the bundle (with the query of `--where` as its view's selectors),
 * the `--config` file, and the result at `--out`.
 */
async function decomposeLineage(args: Parsed): Promise<CommandLineage> {
  const bundle = args.positionals[0]!;
  const where = optionList(args, "where")[0];
  const axis = optionList(args, "axis")[0] ?? (await firstAxisOf(bundle));
  const selectors =
    where === undefined || axis === undefined ? undefined : [{ op: "query", axis, expr: where }];
  return {
    inputs: [
      { location: bundle, ...(selectors === undefined ? {} : { selectors }) },
      ...optionInput(args, "config"),
    ],
    outputs: optionList(args, "out"),
  };
}

/**
 * With `--engine`: the BullMQ engine, the partitions, and progress that notes each round's end
 * and every retry (a worker lost) on stderr besides the bar.
 */
function splitOptions(args: Parsed, out: Output, update: (progress: Progress) => void) {
  const url = stringOption(args, "engine", "decompose");
  const partitions = integerOption(args, "partitions", "decompose");
  const queue = stringOption(args, "queue", "decompose");
  if (url === undefined) {
    if (partitions !== undefined || queue !== undefined)
      throw new UsageError(
        "--partitions and --queue split the fit: give --engine too",
        "decompose",
      );
    return undefined;
  }
  if (!/^rediss?:\/\//.test(url))
    throw new UsageError(`--engine must be a redis:// URL, got '${url}'`, "decompose");
  const engine = createBullmqEngine({ connection: url, ...(queue !== undefined && { queue }) });
  let retried = 0;
  const onProgress = (progress: Progress) => {
    update(progress);
    if (progress.phase !== "round" || progress.message === undefined) return;
    const now = Number(/, (\d+) retried/.exec(progress.message)?.[1] ?? 0);
    if (progress.fraction === 1 || now > retried) note(out, progress.message);
    retried = now;
  };
  return { engine, partitions, onProgress };
}

export const decomposeCommand: Command = {
  name: "decompose",
  summary:
    "run a decomposition (svd, pca, cp, ica, tucker, nmf) on a bundle or a query of it and write the result",
  usage:
    'decompose <bundle> --method <id> [--rank K] [--where "<expr>"] [--config file.json] [--engine redis://host:port] --out <result>',
  positionals: { required: ["bundle"] },
  options: {
    method: {
      type: "string",
      short: "m",
      value: "ID",
      description: "the method: svd, pca, cp, ica, tucker, nmf, or a registered one",
    },
    rank: {
      type: "string",
      short: "k",
      value: "K",
      description:
        "number of components (default: the method's; not together with a rank in --config)",
    },
    where: {
      type: "string",
      value: "EXPR",
      description: "decompose only the instances matching this query",
    },
    axis: {
      type: "string",
      value: "AXIS",
      description: "the axis --where applies to (default: the first)",
    },
    config: { type: "string", value: "FILE", description: "more config keys, as a JSON object" },
    seed: {
      type: "string",
      value: "N",
      description: "seed of the random choices (default 0; not in --config)",
    },
    out: {
      type: "string",
      short: "o",
      value: "DIR",
      description: "where to write the result bundle",
    },
    overwrite: { type: "boolean", description: "replace an existing result at --out" },
    engine: {
      type: "string",
      value: "URL",
      description: "split the fit over tt worker processes through this Redis (redis://host:port)",
    },
    partitions: {
      type: "string",
      value: "N",
      description: "with --engine: partitions of the instances (default one per 128 MiB)",
    },
    queue: {
      type: "string",
      value: "NAME",
      description: "with --engine: the queue the workers take tasks from (default tt-tasks)",
    },
  },
  example: 'tt decompose ./demo/dataset --method pca --rank 5 --where "qc_pass" --out ./demo/pca',
  lineage: decomposeLineage,
  async run(args, out) {
    const method = stringOption(args, "method", "decompose");
    const target = stringOption(args, "out", "decompose");
    if (method === undefined) throw new UsageError("--method is required", "decompose");
    if (target === undefined) throw new UsageError("--out is required", "decompose");
    const configPath = stringOption(args, "config", "decompose");
    const config = configPath === undefined ? {} : await readConfig(configPath);
    if ("seed" in config)
      throw new UsageError(
        `"seed" in --config ${configPath} is not a config key: the seed of a run is given with --seed`,
        "decompose",
      );
    const rank = integerOption(args, "rank", "decompose");
    // Tucker takes one rank per axis (`ranks`): --rank K gives every axis K.
    const rankKey = rankKeyOf(method);
    if (rank !== undefined && rankKey in config)
      throw new UsageError(
        `--rank ${rank} and "${rankKey}" in --config ${configPath} both set the rank; give it in one place`,
        "decompose",
      );
    if (rank !== undefined) config[rankKey] = rank;
    const rankSource: RankSource =
      rank !== undefined
        ? { from: "option", rank }
        : configPath !== undefined && rankKey in config
          ? { from: "config", path: configPath }
          : { from: "default" };
    const seedText = stringOption(args, "seed", "decompose");
    const seed = seedText === undefined ? 0 : Number(seedText);
    if (!Number.isInteger(seed) || seed < 0)
      throw new UsageError(`--seed must be a non-negative integer, got '${seedText}'`, "decompose");
    const dataset = await openDataset(args.positionals[0]!);
    const where = stringOption(args, "where", "decompose");
    const view =
      where === undefined
        ? dataset
        : dataset.query(stringOption(args, "axis", "decompose") ?? dataset.axes[0]!, where);
    const bar = progressBar(out, method);
    const split = splitOptions(args, out, bar.update);
    let result: DecompositionResult | undefined;
    // The fit runs inside the write: with an engine, the workers write the instance table's parts
    // into the result being written, and this process never holds its rows.
    const produce = async (location: string) => {
      try {
        result = await decompose(view, method, config, {
          onProgress: split?.onProgress ?? bar.update,
          signal: out.signal,
          seed,
          ...(split !== undefined && {
            engine: split.engine,
            partitions: split.partitions,
            writeRowsTo: location,
          }),
        });
      } catch (error) {
        throw explainRank(error, method, rankSource);
      }
      bar.done();
      return result;
    };
    try {
      await writeResult(target, produce, { overwrite: Boolean(args.values.overwrite) });
    } finally {
      await split?.engine.close();
    }
    if (result === undefined) throw new Error("the result was written without being made");
    // A warning, not a note: --quiet does not hide it.
    const warning = degeneracyWarning(result);
    if (warning !== undefined) out.stderr.write(`${warning}\n`);
    if (out.json) {
      printJson(out, {
        out: target,
        method: result.method,
        shape: view.shape,
        diagnostics: result.diagnostics,
      });
      return EXIT.ok;
    }
    print(
      out,
      `${result.method} of ${view.axes.map((a, i) => `${a} ${view.shape[i]}`).join(" x ")}${where ? ` (where ${where})` : ""}`,
    );
    print(out, componentSummary(result));
    note(out, `result written to ${target}`);
    return EXIT.ok;
  },
};
