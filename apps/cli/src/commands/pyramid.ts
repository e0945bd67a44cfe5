/** `tt pyramid <bundle> [--factor 2|4] [--sort-by COLUMN [--from RESULT]]`: multiscale levels for viewers. */

import { performance } from "node:perf_hooks";
import { buildPyramid, instanceTableOf, openResult, type PyramidSortKey } from "tensortools";
import { type Command, stringOption } from "../command.js";
import { EXIT, UsageError } from "../errors.js";
import { optionInput } from "../lineage-inputs.js";
import { print, printJson, progressBar } from "../output.js";

/** `--factor` as 2 or 4 (2 when absent). */
function factorOption(text: string | undefined): number {
  if (text === undefined) return 2;
  if (text !== "2" && text !== "4")
    throw new UsageError(`--factor must be 2 or 4, got '${text}'`, "pyramid");
  return Number(text);
}

/** The sort key: a metadata column, or with `--from` a column of a result's instance table. */
async function sortKey(
  column: string | undefined,
  from: string | undefined,
): Promise<PyramidSortKey | undefined> {
  if (from !== undefined && column === undefined)
    throw new UsageError("--from needs --sort-by: the result's column to sort by", "pyramid");
  if (column === undefined) return undefined;
  if (from === undefined) return column;
  return { column, table: instanceTableOf(await openResult(from)), on: "instance_id" };
}

export const pyramidCommand: Command = {
  name: "pyramid",
  summary: "build multiscale levels (mean, min, max) of a dataset bundle for viewers",
  usage: "pyramid <bundle> [--factor 2|4] [--sort-by COLUMN [--from RESULT]] [--descending]",
  positionals: { required: ["bundle"] },
  options: {
    factor: {
      type: "string",
      value: "2|4",
      description: "downsampling per level along instances and samples (default 2)",
    },
    "sort-by": {
      type: "string",
      value: "COLUMN",
      description: "order the instances by this metadata column (or the --from result's column)",
    },
    from: {
      type: "string",
      value: "RESULT",
      description: "a result bundle whose instance column --sort-by names (joined by id)",
    },
    descending: { type: "boolean", description: "sort descending (default ascending)" },
  },
  example: "tt pyramid ./demo/dataset --sort-by score",
  notes: [
    "Levels are added until one fits in 1 MiB; each keeps the mean and the min/max envelope of its bins (NaN and masked values skipped). They go into a Zarr group with an OME-NGFF style multiscales attribute, next to the data.",
    "The pyramid is a new version of the bundle: readers of the old version keep working, an interrupted run leaves the old version. Appending to the bundle drops its pyramids; run tt pyramid again.",
    "A sorted pyramid (--sort-by) is built alongside the others; one per sort column, rebuilt in place by running the command again.",
  ],
  lineage(args) {
    const bundle = args.positionals[0]!;
    return { inputs: [{ location: bundle }, ...optionInput(args, "from")], outputs: [bundle] };
  },
  async run(args, out) {
    const bundle = args.positionals[0]!;
    const factor = factorOption(stringOption(args, "factor", "pyramid"));
    const sortBy = await sortKey(
      stringOption(args, "sort-by", "pyramid"),
      stringOption(args, "from", "pyramid"),
    );
    const bar = progressBar(out, "pyramid");
    const start = performance.now();
    const manifest = await buildPyramid(bundle, {
      factor,
      sortBy,
      descending: args.values.descending === true,
      signal: out.signal,
      onProgress: (progress) => bar.update(progress),
    });
    bar.done();
    const entry = manifest.pyramids!.at(-1)!;
    const seconds = (performance.now() - start) / 1000;
    const summary = {
      bundle,
      path: entry.path,
      factor,
      levels: entry.levels,
      sort_by: entry.sort_by?.column ?? null,
      version: manifest.version,
      seconds: Math.round(seconds * 100) / 100,
    };
    if (out.json) printJson(out, summary);
    else
      print(
        out,
        `pyramid of ${bundle}${sortBy === undefined ? "" : ` sorted by '${summary.sort_by}'`}: ${entry.levels} levels (factor ${factor}) in ${entry.path}; version ${manifest.version} (${seconds.toFixed(1)} s)`,
      );
    return EXIT.ok;
  },
};
