/** `tt concat <out> <inputs...>`: many bundles into one, with lineage. */

import { concatDatasets } from "tensortools";
import { type Command, stringOption } from "../command.js";
import { EXIT, UsageError } from "../errors.js";
import { note, print, printJson, progressBar } from "../output.js";
import { tableJson, textTable } from "../tables.js";

/** Parses repeated `axis=column` options. */
function alignments(values: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of (values as string[] | undefined) ?? []) {
    const [axis, column, ...rest] = item.split("=");
    if (!axis || !column || rest.length > 0)
      throw new UsageError(`--align takes axis=column, got '${item}'`, "concat");
    out[axis] = column;
  }
  return out;
}

export const concatCommand: Command = {
  name: "concat",
  summary:
    "concatenate bundles along the instances, aligning the other axes by their ids, with lineage",
  usage:
    "concat <out> <inputs...> [--join inner|outer] [--group-by column] [--align axis=column ...]",
  positionals: { required: ["out", "inputs..."] },
  options: {
    join: {
      type: "string",
      value: "KIND",
      description: "inner (common elements, default) or outer (union, gaps masked)",
    },
    "group-by": {
      type: "string",
      value: "COLUMN",
      description: "instance column whose value is each instance's group_id",
    },
    align: {
      type: "string",
      multiple: true,
      value: "AXIS=COLUMN",
      description: "match an axis by this column (default: its ids)",
    },
    "fill-value": {
      type: "string",
      value: "X",
      description: "value of outer-join gaps (default NaN)",
    },
    "source-ids": {
      type: "string",
      value: "A,B,...",
      description: "ids of the inputs (default: their folder names)",
    },
    "allow-precision-loss": {
      type: "boolean",
      description: "allow dtype promotions that round values",
    },
    overwrite: { type: "boolean", description: "replace an existing bundle at <out>" },
  },
  example: "tt concat ./all ./rec01 ./rec02 ./rec03 --join outer --group-by subject",
  lineage(args) {
    const [target, ...inputs] = args.positionals as [string, ...string[]];
    return { inputs: inputs.map((location) => ({ location })), outputs: [target] };
  },
  async run(args, out) {
    const [target, ...inputs] = args.positionals as [string, ...string[]];
    const join = stringOption(args, "join", "concat") ?? "inner";
    if (join !== "inner" && join !== "outer")
      throw new UsageError(`--join must be inner or outer, got '${join}'`, "concat");
    const fillText = stringOption(args, "fill-value", "concat");
    const fillValue = fillText === undefined ? undefined : Number(fillText);
    if (fillValue !== undefined && Number.isNaN(fillValue) && fillText !== "NaN")
      throw new UsageError(`--fill-value must be a number, got '${fillText}'`, "concat");
    const sourceIds = stringOption(args, "source-ids", "concat")?.split(",");
    const bar = progressBar(out, "concat");
    const summary = await concatDatasets(inputs, {
      out: target,
      join,
      align: alignments(args.values.align),
      groupBy: stringOption(args, "group-by", "concat"),
      fillValue,
      sourceIds,
      allowPrecisionLoss: Boolean(args.values["allow-precision-loss"]),
      overwrite: Boolean(args.values.overwrite),
      onProgress: bar.update,
      signal: out.signal,
    });
    bar.done();
    const { manifest, groups } = summary;
    if (out.json) {
      printJson(out, {
        out: target,
        shape: manifest.shape,
        axes: manifest.axes,
        dtype: manifest.dtype,
        files: tableJson(summary.files),
        groups: tableJson(groups),
      });
      return EXIT.ok;
    }
    print(
      out,
      `${target}: ${manifest.axes.map((a, i) => `${a} ${manifest.shape[i]}`).join(" x ")}, ${manifest.dtype}, from ${inputs.length} inputs (${join} join)`,
    );
    print(
      out,
      textTable(
        ["  group", "instances", "datasets"],
        Array.from({ length: groups.numRows }, (_, r) => [
          `  ${groups.get(r, "group_id")}`,
          String(groups.get(r, "n_instances")),
          String(groups.get(r, "n_datasets")),
        ]),
      ),
    );
    note(
      out,
      `lineage in the instance columns source_dataset_id, source_file_id, group_id, source_instance_id; partitions/files.parquet and partitions/groups.parquet`,
    );
    return EXIT.ok;
  },
};
