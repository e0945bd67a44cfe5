/** `tt decompose <bundle> --method pca --rank 8 [--where EXPR] --out <result>`. */

import { readFile } from "node:fs/promises";
import { ConfigError, decompose, openDataset, writeResult } from "tensortools";
import { type Command, integerOption, stringOption } from "../command.js";
import { EXIT, UsageError } from "../errors.js";
import { note, print, printJson, progressBar } from "../output.js";
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

export const decomposeCommand: Command = {
  name: "decompose",
  summary: "run a decomposition (svd, pca, cp) on a bundle or a query of it and write the result",
  usage:
    'decompose <bundle> --method <id> [--rank K] [--where "<expr>"] [--config file.json] --out <result>',
  positionals: { required: ["bundle"] },
  options: {
    method: {
      type: "string",
      short: "m",
      value: "ID",
      description: "the method: svd, pca, cp, or a registered one",
    },
    rank: { type: "string", short: "k", value: "K", description: "number of components" },
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
    seed: { type: "string", value: "N", description: "seed of the random choices (default 0)" },
    out: {
      type: "string",
      short: "o",
      value: "DIR",
      description: "where to write the result bundle",
    },
    overwrite: { type: "boolean", description: "replace an existing result at --out" },
  },
  example: 'tt decompose ./demo/dataset --method pca --rank 5 --where "qc_pass" --out ./demo/pca',
  async run(args, out) {
    const method = stringOption(args, "method", "decompose");
    const target = stringOption(args, "out", "decompose");
    if (method === undefined) throw new UsageError("--method is required", "decompose");
    if (target === undefined) throw new UsageError("--out is required", "decompose");
    const config = args.values.config
      ? await readConfig(stringOption(args, "config", "decompose")!)
      : {};
    const rank = integerOption(args, "rank", "decompose");
    if (rank !== undefined) config.rank = rank;
    const seedText = stringOption(args, "seed", "decompose");
    const seed = seedText === undefined ? 0 : Number(seedText);
    if (!Number.isInteger(seed))
      throw new UsageError(`--seed must be an integer, got '${seedText}'`, "decompose");
    const dataset = await openDataset(args.positionals[0]!);
    const where = stringOption(args, "where", "decompose");
    const view =
      where === undefined
        ? dataset
        : dataset.query(stringOption(args, "axis", "decompose") ?? dataset.axes[0]!, where);
    const bar = progressBar(out, method);
    const result = await decompose(view, method, config, {
      onProgress: bar.update,
      signal: out.signal,
      seed,
    });
    bar.done();
    await writeResult(target, result, { overwrite: Boolean(args.values.overwrite) });
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
