/** `tt info <bundle>`: what a dataset bundle holds. */

import { openDataset } from "tensortools";
import type { Command } from "../command.js";
import { EXIT } from "../errors.js";
import { print, printJson } from "../output.js";
import { columnSummaries, textTable } from "../tables.js";

export const infoCommand: Command = {
  name: "info",
  summary: "show a dataset bundle's axes, shape, dtype, chunking, metadata columns and partitions",
  usage: "info <bundle>",
  positionals: { required: ["bundle"] },
  options: {},
  example: "tt info ./demo/dataset",
  async run(args, out) {
    const dataset = await openDataset(args.positionals[0]!);
    const array = dataset.array.metadata;
    const axes = dataset.axes.map((axis, i) => ({
      axis,
      length: dataset.shape[i]!,
      chunk: array.chunkShape[i]!,
      id_column: dataset.axisIndexColumns[axis] ?? null,
      columns: columnSummaries(dataset.meta(axis)),
    }));
    const summary = {
      location: dataset.location,
      tensor: dataset.manifest.tensor_name,
      dtype: dataset.dtype,
      shape: dataset.shape,
      codec: array.codec,
      mask: dataset.hasMask,
      axes,
      partitions: dataset.manifest.partitions ?? {},
      attrs: dataset.attrs,
    };
    if (out.json) {
      printJson(out, summary);
      return EXIT.ok;
    }
    const bytes =
      dataset.shape.reduce((a, b) => a * b, 1) *
      (dataset.dtype.endsWith("64")
        ? 8
        : dataset.dtype.endsWith("32")
          ? 4
          : dataset.dtype.endsWith("16")
            ? 2
            : 1);
    print(out, `${summary.location}`);
    print(
      out,
      `  ${summary.tensor}: ${dataset.axes.map((a, i) => `${a} ${dataset.shape[i]}`).join(" x ")}, ${dataset.dtype} (${(bytes / 1e6).toFixed(1)} MB), chunks [${array.chunkShape.join(", ")}], codec ${array.codec}${dataset.hasMask ? ", with validity mask" : ""}`,
    );
    for (const a of axes) {
      print(out, "");
      print(out, `axis ${a.axis} (${a.length})${a.id_column ? `, ids in '${a.id_column}'` : ""}`);
      if (a.columns.length === 0) print(out, "  no metadata");
      else
        print(
          out,
          textTable(
            ["  column", "type", "nulls", "values"],
            a.columns.map((c) => [`  ${c.name}`, c.type, String(c.nulls), c.examples.join(", ")]),
          ),
        );
    }
    const partitions = Object.entries(summary.partitions);
    if (partitions.length > 0) {
      print(out, "");
      print(out, `partitions: ${partitions.map(([k, v]) => `${k} (${v})`).join(", ")}`);
    }
    return EXIT.ok;
  },
};
