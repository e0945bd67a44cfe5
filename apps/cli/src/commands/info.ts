/** `tt info <bundle>`: what a dataset bundle holds. */

import { type Manifest, openDataset } from "tensortools";
import type { Command } from "../command.js";
import { EXIT } from "../errors.js";
import { print, printJson } from "../output.js";
import { columnSummaries, textTable } from "../tables.js";

/** Bytes per element of `dtype`. */
function elementBytes(dtype: string): number {
  if (dtype.endsWith("64")) return 8;
  if (dtype.endsWith("32")) return 4;
  return dtype.endsWith("16") ? 2 : 1;
}

/** The line that says the array is read in place from a file the bundle links (an HDF5 file). */
function inPlaceLine(manifest: Manifest): string {
  const dataset = manifest.plugins?.array_store_options?.dataset;
  const inFile = typeof dataset === "string" ? `:${dataset}` : "";
  const plugin = manifest.plugins?.array_store ?? "zarr";
  return `  read in place from ${manifest.array_store}${inFile} (${plugin}), never copied; tt verify compares it`;
}

/** The bundle's pyramids in a line: field, order, factor and levels of each. */
function pyramidsLine(pyramids: NonNullable<Manifest["pyramids"]>): string {
  const each = pyramids.map(
    (p) =>
      `${p.field}${p.sort_by ? ` sorted by '${p.sort_by.column}'${p.sort_by.descending ? " descending" : ""}` : ""} (factor ${p.factor}, ${p.levels} levels)`,
  );
  return `pyramids: ${each.join(", ")}`;
}

/** The bundle's fields beside its data in a line: name, axes with lengths, dtype of each. */
function fieldsLine(fields: NonNullable<Manifest["fields"]>): string {
  const each = Object.entries(fields).map(
    ([name, f]) =>
      `${name} (${f.axes.map((a, i) => `${a} ${f.shape[i]}`).join(" x ")}, ${f.dtype})`,
  );
  return `fields: ${each.join(", ")}`;
}

export const infoCommand: Command = {
  name: "info",
  summary:
    "show a dataset bundle's axes, shape, dtype, chunking, metadata columns, partitions, pyramids and fields",
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
    const { manifest } = dataset;
    const inPlace = manifest.inventory?.[manifest.array_store]?.mtime_ms !== undefined;
    const summary = {
      location: dataset.location,
      tensor: manifest.tensor_name,
      array_store: {
        path: manifest.array_store,
        plugin: manifest.plugins?.array_store ?? "zarr",
        in_place: inPlace,
        ...(manifest.plugins?.array_store_options
          ? { options: manifest.plugins.array_store_options }
          : {}),
      },
      dtype: dataset.dtype,
      shape: dataset.shape,
      codec: array.codec,
      mask: dataset.hasMask,
      axes,
      partitions: dataset.manifest.partitions ?? {},
      pyramids: dataset.manifest.pyramids ?? [],
      fields: dataset.manifest.fields ?? {},
      attrs: dataset.attrs,
    };
    if (out.json) {
      printJson(out, summary);
      return EXIT.ok;
    }
    const bytes = dataset.shape.reduce((a, b) => a * b, 1) * elementBytes(dataset.dtype);
    print(out, `${summary.location}`);
    print(
      out,
      `  ${summary.tensor}: ${dataset.axes.map((a, i) => `${a} ${dataset.shape[i]}`).join(" x ")}, ${dataset.dtype} (${(bytes / 1e6).toFixed(1)} MB), chunks [${array.chunkShape.join(", ")}], codec ${array.codec}${dataset.hasMask ? ", with validity mask" : ""}`,
    );
    if (inPlace) print(out, inPlaceLine(manifest));
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
    if (summary.pyramids.length > 0) {
      print(out, "");
      print(out, pyramidsLine(summary.pyramids));
    }
    if (Object.keys(summary.fields).length > 0) print(out, `\n${fieldsLine(summary.fields)}`);
    return EXIT.ok;
  },
};
