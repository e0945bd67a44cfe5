/**
 * `tt import --h5 file.h5:/path [--link] [--axes a,b,c] [--axis-order matlab] --meta ... <out>`: a
 * dataset of an HDF5 file as a bundle, read in place (`--link`) or copied into Zarr block by block.
 */

import {
  type AxisOrder,
  importHdf5,
  type Manifest,
  type MetaTable,
  openHdf5Array,
  openHdf5Sparse,
  readHdf5Columns,
} from "tensortools";
import { type Parsed, stringOption } from "../command.js";
import { EXIT, UsageError } from "../errors.js";
import { metaOptions, readAxisMeta } from "../import-meta.js";
import { note, type Output, printJson, progressBar } from "../output.js";
import { naming } from "../system-errors.js";

/**
 * `file.h5:/path` split into the file and the dataset's path (undefined without one): at the
 * first `:/` after a Windows drive letter, so `C:/data/x.h5:/X` names `C:/data/x.h5`.
 */
export function splitH5Argument(text: string): { file: string; dataset: string | undefined } {
  const from = /^[A-Za-z]:[\\/]/.test(text) ? 2 : 0;
  const at = text.indexOf(":/", from);
  if (at < 0) return { file: text, dataset: undefined };
  if (at === 0) throw new UsageError(`--h5 takes FILE or FILE:/PATH, got '${text}'`, "import");
  return { file: text.slice(0, at), dataset: text.slice(at + 1) };
}

/** The HDF5 file of `--h5 FILE[:/PATH]` as a run's input (none when absent or malformed). */
export function h5FileInputs(args: Parsed): { location: string }[] {
  const text = args.values.h5;
  if (typeof text !== "string") return [];
  try {
    return [{ location: splitH5Argument(text).file }];
  } catch {
    // Malformed: the command says so when it runs, and its run is recorded as failed.
    return [];
  }
}

/** `--axis-order`, checked. */
function axisOrderOf(args: Parsed): AxisOrder {
  const order = stringOption(args, "axis-order", "import") ?? "hdf5";
  if (order !== "hdf5" && order !== "matlab")
    throw new UsageError(`--axis-order is hdf5 or matlab, got '${order}'`, "import");
  return order;
}

/** `--sparse` and `--transpose`, checked: the layout of a sparse matrix group, or undefined. */
function sparseOf(
  args: Parsed,
): { compressed: "rows" | "columns"; transpose: boolean } | undefined {
  const compressed = stringOption(args, "sparse", "import");
  const transpose = Boolean(args.values.transpose);
  if (compressed === undefined) {
    if (transpose) throw new UsageError("--transpose goes with --sparse", "import");
    return undefined;
  }
  if (compressed !== "rows" && compressed !== "columns")
    throw new UsageError(`--sparse is rows (CSR) or columns (CSC), got '${compressed}'`, "import");
  if (args.values["axis-order"] !== undefined)
    throw new UsageError(
      "--axis-order goes with dense datasets; a sparse one takes --transpose",
      "import",
    );
  return { compressed, transpose };
}

/** The array `--h5` names, dense or (with `--sparse`) a compressed sparse matrix group. */
async function openArray(file: string, dataset: string | undefined, args: Parsed) {
  const sparse = sparseOf(args);
  if (sparse === undefined) {
    const array = await naming(
      file,
      openHdf5Array(file, dataset, { axisOrder: axisOrderOf(args) }),
    );
    return { array, path: array.hdf5.dataset, axisOrder: array.hdf5.axisOrder, sparse };
  }
  if (dataset === undefined)
    throw new UsageError("--sparse needs the matrix's group: --h5 FILE:/GROUP", "import");
  const array = await naming(file, openHdf5Sparse(file, dataset, sparse));
  return { array, path: dataset, axisOrder: undefined, sparse };
}

/** What the file says of the dataset: its path, shape, dtype and axis names (given or its own). */
async function describe(file: string, dataset: string | undefined, args: Parsed) {
  const { array, path, axisOrder, sparse } = await openArray(file, dataset, args);
  try {
    const { shape, dtype, dimensionNames } = array.metadata;
    const axesText = stringOption(args, "axes", "import");
    const axes =
      axesText === undefined ? [...dimensionNames] : axesText.split(",").map((a) => a.trim());
    const where = `${file}:${path}`;
    if (axes.length !== shape.length)
      throw new UsageError(
        `${where} has ${shape.length} dimensions (${shape.join(" x ")}) but --axes names ${axes.length}`,
        "import",
      );
    return { where, dataset: path, shape, dtype, axes, axisOrder, sparse, named: axesText };
  } finally {
    array.close();
  }
}

/**
 * `--h5-column AXIS.COLUMN=/PATH` (repeatable): one-dimensional datasets of the same file as
 * metadata columns, by axis (an axis takes them or a `--meta` file, not both).
 */
async function h5Columns(args: Parsed, file: string, axes: readonly string[], metaFiles: object) {
  const byAxis: Record<string, Record<string, string>> = {};
  for (const item of (args.values["h5-column"] as string[] | undefined) ?? []) {
    const match = /^([^.=]+)\.([^=]+)=(\/.*)$/.exec(item);
    if (match === null)
      throw new UsageError(`--h5-column takes AXIS.COLUMN=/PATH, got '${item}'`, "import");
    const [, axis, column, path] = match as unknown as [string, string, string, string];
    if (!axes.includes(axis))
      throw new UsageError(`--h5-column: axis '${axis}' is not one of ${axes.join(",")}`, "import");
    if (axis in metaFiles)
      throw new UsageError(`axis '${axis}' has a --meta file and --h5-column: give one`, "import");
    byAxis[axis] = { ...byAxis[axis], [column]: path };
  }
  const tables: Record<string, MetaTable> = {};
  for (const [axis, columns] of Object.entries(byAxis))
    tables[axis] = await naming(file, readHdf5Columns(file, columns));
  return tables;
}

/** The id columns: given, else `<axis>_id` of a first axis whose table came from the file. */
function idColumnsWith(
  given: Record<string, string>,
  tables: Record<string, MetaTable>,
  first: string,
): Record<string, string> {
  const table = tables[first];
  if (table === undefined || given[first] !== undefined) return given;
  if (table.has(`${first}_id`)) return { ...given, [first]: `${first}_id` };
  throw new UsageError(
    `the --h5-column table of axis '${first}' has no column ${first}_id; name its id column with --id ${first}=COLUMN`,
    "import",
  );
}

/** The one line said when the bundle is written. */
function summary(out: string, manifest: Manifest, where: string, link: boolean): string {
  const sizes = manifest.axes.map((a, i) => `${a} ${manifest.shape[i]}`).join(" x ");
  return link
    ? `linked ${out}: ${sizes}, ${manifest.dtype}, read in place from ${where}`
    : `wrote ${out}: ${sizes}, ${manifest.dtype}, copied from ${where}`;
}

/** Runs `tt import --h5 <text>`. */
export async function importH5(args: Parsed, out: Output, text: string): Promise<number> {
  const { file, dataset } = splitH5Argument(text);
  const link = Boolean(args.values.link);
  const about = await describe(file, dataset, args);
  if (about.named === undefined)
    note(out, `note: axes are ${about.axes.join(", ")} (the file's; name them with --axes)`);
  const options = metaOptions(args, about.axes, about.named === undefined ? "the axes" : "--axes");
  const tables = await h5Columns(args, file, about.axes, options.metaFiles);
  const idColumns = idColumnsWith(options.idColumns, tables, about.axes[0]!);
  const { axisMeta, axisIndex } = await readAxisMeta(
    options,
    about.axes,
    about.shape[0]!,
    out,
    tables,
  );
  const bar = progressBar(out, "import");
  const target = args.positionals[0]!;
  const manifest = await importHdf5(target, file, {
    dataset: about.dataset,
    axes: about.axes,
    axisOrder: about.axisOrder,
    axisMeta,
    axisIndex,
    axisIndexColumns: idColumns,
    ...(about.sparse === undefined ? {} : { sparse: about.sparse }),
    link,
    overwrite: Boolean(args.values.overwrite),
    onProgress: bar.update,
    signal: out.signal,
  });
  bar.done();
  if (out.json) printJson(out, manifest);
  else note(out, summary(target, manifest, about.where, link));
  return EXIT.ok;
}
