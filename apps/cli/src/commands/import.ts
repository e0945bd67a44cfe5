/** `tt import --npy X.npy --axes a,b,c --meta a=table.csv ... <out>`: a bundle from numpy and CSV files. */

import { open } from "node:fs/promises";
import { createTensor, type MetaTable, readNpyFile, writeDataset } from "tensortools";
import { type Command, stringOption } from "../command.js";
import { EXIT, UsageError } from "../errors.js";
import { missingIdColumn, readMetaWithIds } from "../id-columns.js";
import { note, printJson, progressBar } from "../output.js";
import { naming } from "../system-errors.js";

/** Parses repeated `key=value` options into a record, naming the option on bad input. */
function pairs(values: unknown, option: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of (values as string[] | undefined) ?? []) {
    const at = item.indexOf("=");
    if (at < 1 || at === item.length - 1)
      throw new UsageError(`--${option} takes axis=value, got '${item}'`, "import");
    const key = item.slice(0, at);
    if (key in out) throw new UsageError(`--${option} names axis '${key}' twice`, "import");
    out[key] = item.slice(at + 1);
  }
  return out;
}

export const importCommand: Command = {
  name: "import",
  summary: "build a dataset bundle from a .npy array and CSV metadata tables",
  usage:
    "import --npy <file.npy> --axes <a,b,...> [--meta axis=file.csv ...] [--id axis=column ...] <out>",
  positionals: { required: ["out"] },
  options: {
    npy: { type: "string", value: "FILE", description: "the array, as written by numpy.save" },
    axes: { type: "string", value: "A,B,...", description: "axis names, one per array dimension" },
    meta: {
      type: "string",
      multiple: true,
      value: "AXIS=CSV",
      description: "a metadata table for an axis (repeatable)",
    },
    id: {
      type: "string",
      multiple: true,
      value: "AXIS=COLUMN",
      description: "the id column of an axis (default <axis>_id)",
    },
    overwrite: { type: "boolean", description: "replace an existing bundle at <out>" },
  },
  example:
    "tt import --npy epochs.npy --axes instance,sample,channel --meta instance=epochs.csv --id instance=epoch_id ./epochs",
  async run(args, out) {
    const npy = stringOption(args, "npy", "import");
    const axesText = stringOption(args, "axes", "import");
    if (npy === undefined) throw new UsageError("--npy is required", "import");
    if (axesText === undefined) throw new UsageError("--axes is required", "import");
    const axes = axesText.split(",").map((a) => a.trim());
    const metaFiles = pairs(args.values.meta, "meta");
    const idColumns = pairs(args.values.id, "id");
    for (const axis of [...Object.keys(metaFiles), ...Object.keys(idColumns)])
      if (!axes.includes(axis))
        throw new UsageError(`axis '${axis}' is not one of --axes ${axes.join(",")}`, "import");
    const array = await naming(npy, readNpyFile(npy));
    if (array.shape.length !== axes.length)
      throw new UsageError(
        `${npy} has ${array.shape.length} dimensions (${array.shape.join(" x ")}) but --axes names ${axes.length}`,
        "import",
      );
    const first = axes[0]!;
    const axisMeta: Record<string, MetaTable> = {};
    for (const [axis, file] of Object.entries(metaFiles)) {
      // Ids are checked while the CSV is read, so that a repeat is reported by file and line.
      const named =
        idColumns[axis] ?? (axis === first ? await defaultIdColumn(file, axis) : undefined);
      axisMeta[axis] = await readMetaWithIds(file, axis, named, idColumns[axis] !== undefined);
      if (axis === first && named === undefined) throw missingIdColumn(axisMeta[axis]!, axis, file);
    }
    const axisIndex: Record<string, string[]> = {};
    if (axisMeta[first] === undefined) {
      axisIndex[first] = Array.from({ length: array.shape[0]! }, (_, i) => String(i));
      note(
        out,
        `note: no metadata for axis '${first}'; its ids are the positions 0..${array.shape[0]! - 1}`,
      );
    }
    const tensor = createTensor({
      data: array.data,
      dtype: array.dtype,
      shape: array.shape,
      axes,
      axisMeta,
      axisIndex,
    });
    const bar = progressBar(out, "import");
    const manifest = await writeDataset(args.positionals[0]!, tensor, {
      overwrite: Boolean(args.values.overwrite),
      axisIndexColumns: idColumns,
      onProgress: bar.update,
      signal: out.signal,
    });
    bar.done();
    if (out.json) printJson(out, manifest);
    else
      note(
        out,
        `wrote ${args.positionals[0]}: ${axes.map((a, i) => `${a} ${array.shape[i]}`).join(" x ")}, ${array.dtype}`,
      );
    return EXIT.ok;
  },
};

/** `<axis>_id` when the header of the CSV at `file` has that column, else undefined. */
async function defaultIdColumn(file: string, axis: string): Promise<string | undefined> {
  const handle = await open(file, "r").catch(() => undefined);
  if (handle === undefined) return undefined;
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(64 * 1024), 0, 64 * 1024, 0);
    const header = buffer.subarray(0, bytesRead).toString("utf8").split(/\r?\n/, 1)[0] ?? "";
    const column = `${axis}_id`;
    return header.split(",").some((name) => name.trim().replace(/^"|"$/g, "") === column)
      ? column
      : undefined;
  } finally {
    await handle.close();
  }
}
