/**
 * `tt import --h5 file.h5:/path [--link] [--axes a,b,c] [--axis-order matlab] --meta ... <out>`: a
 * dataset of an HDF5 file as a bundle, read in place (`--link`) or copied into Zarr block by block.
 */

import { type AxisOrder, importHdf5, type Manifest, openHdf5Array } from "tensortools";
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

/** `--axis-order`, checked. */
function axisOrderOf(args: Parsed): AxisOrder {
  const order = stringOption(args, "axis-order", "import") ?? "hdf5";
  if (order !== "hdf5" && order !== "matlab")
    throw new UsageError(`--axis-order is hdf5 or matlab, got '${order}'`, "import");
  return order;
}

/** What the file says of the dataset: its path, shape, dtype and axis names (given or its own). */
async function describe(file: string, dataset: string | undefined, args: Parsed) {
  const axisOrder = axisOrderOf(args);
  const array = await naming(file, openHdf5Array(file, dataset, { axisOrder }));
  try {
    const { shape, dtype, dimensionNames } = array.metadata;
    const axesText = stringOption(args, "axes", "import");
    const axes =
      axesText === undefined ? [...dimensionNames] : axesText.split(",").map((a) => a.trim());
    const where = `${file}:${array.hdf5.dataset}`;
    if (axes.length !== shape.length)
      throw new UsageError(
        `${where} has ${shape.length} dimensions (${shape.join(" x ")}) but --axes names ${axes.length}`,
        "import",
      );
    return { where, dataset: array.hdf5.dataset, shape, dtype, axes, axisOrder, named: axesText };
  } finally {
    array.close();
  }
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
  const { axisMeta, axisIndex } = await readAxisMeta(options, about.axes, about.shape[0]!, out);
  const bar = progressBar(out, "import");
  const target = args.positionals[0]!;
  const manifest = await importHdf5(target, file, {
    dataset: about.dataset,
    axes: about.axes,
    axisOrder: about.axisOrder,
    axisMeta,
    axisIndex,
    axisIndexColumns: options.idColumns,
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
