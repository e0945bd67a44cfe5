/** `tt add-field <bundle> <name> --npy FILE | --from BUNDLE`: a new field beside the bundle's data. */

import {
  addField,
  type MetaTable,
  openDataset,
  readNpyStream,
  type TensorStream,
  type TensorView,
} from "tensortools";
import { type Command, type Parsed, stringOption } from "../command.js";
import { EXIT, UsageError } from "../errors.js";
import { readMetaWithIds } from "../id-columns.js";
import { metaOptions } from "../import-meta.js";
import { optionInput, pairFileInputs } from "../lineage-inputs.js";
import { note, type Output, printJson, progressBar } from "../output.js";
import { naming } from "../system-errors.js";

/** `--axes a,b,c` as a list, or undefined when not given. */
function axisList(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const axes = text.split(",").map((axis) => axis.trim());
  if (axes.some((axis) => axis === ""))
    throw new UsageError(`--axes takes names separated by commas, got '${text}'`, "add-field");
  return axes;
}

/** The field's axis names: `--axes`, or the source's with the bundle's first axis first. */
function namedAxes(given: string[] | undefined, source: readonly string[], first: string) {
  if (given === undefined) return [first, ...source.slice(1)];
  if (given.length !== source.length)
    throw new UsageError(
      `--axes names ${given.length} axes (${given.join(",")}), the source has ${source.length}`,
      "add-field",
    );
  return given;
}

/** The `--meta` tables of the field's own axes, with their `--id` columns. */
async function ownAxisMeta(args: Parsed, axes: readonly string[]) {
  const { metaFiles, idColumns } = metaOptions(args, axes, "the field's axes");
  const axisMeta: Record<string, MetaTable> = {};
  for (const [axis, file] of Object.entries(metaFiles)) {
    if (axis === axes[0])
      throw new UsageError(
        `--meta ${axis}=${file}: the first axis's metadata is the bundle's; --meta is for the field's own axes`,
        "add-field",
      );
    const id = idColumns[axis];
    axisMeta[axis] = await readMetaWithIds(file, axis, id, id !== undefined);
  }
  return { axisMeta, idColumns };
}

/** The source: the `.npy` file streamed, or a field of another bundle (put in this one's order). */
async function sourceOf(args: Parsed, first: string): Promise<TensorStream | TensorView> {
  const npy = stringOption(args, "npy", "add-field");
  const from = stringOption(args, "from", "add-field");
  if ((npy === undefined) === (from === undefined))
    throw new UsageError("give exactly one of --npy FILE and --from BUNDLE", "add-field");
  const given = axisList(stringOption(args, "axes", "add-field"));
  if (npy !== undefined) {
    const stream = await naming(npy, readNpyStream(npy));
    const axes = namedAxes(given, stream.axes, first);
    const { axisMeta } = await ownAxisMeta(args, axes);
    return { ...stream, axes, axisMeta };
  }
  if (args.values.meta !== undefined)
    throw new UsageError(
      "--meta goes with --npy; --from brings its own axis metadata",
      "add-field",
    );
  const dataset = await openDataset(from!);
  const field = stringOption(args, "field", "add-field");
  return field === undefined ? dataset : dataset.field(field);
}

/** Writes the field and says what was written. */
async function run(args: Parsed, out: Output): Promise<number> {
  const [bundle, name] = args.positionals as [string, string];
  const before = await openDataset(bundle);
  const first = before.axes[0]!;
  const source = await sourceOf(args, first);
  const given = axisList(stringOption(args, "axes", "add-field"));
  const axes = namedAxes(given, source.axes, first);
  const { idColumns } = metaOptions(args, axes, "the field's axes");
  const bar = progressBar(out, "add-field");
  const manifest = await addField(bundle, name, source, {
    axes,
    axisIndexColumns: idColumns,
    onProgress: bar.update,
    signal: out.signal,
  });
  bar.done();
  const field = manifest.fields![name]!;
  if (out.json) printJson(out, { bundle, field: name, ...field, version: manifest.version });
  else
    note(
      out,
      `added field '${name}' to ${bundle}: ${field.axes.map((a, i) => `${a} ${field.shape[i]}`).join(" x ")}, ${field.dtype}; version ${manifest.version}`,
    );
  return EXIT.ok;
}

export const addFieldCommand: Command = {
  name: "add-field",
  summary: "add a named array sharing the instance axis (a field) to a dataset bundle",
  usage:
    "add-field <bundle> <name> (--npy <file.npy> | --from <bundle> [--field F]) [--axes a,b,...] [--meta axis=file ...] [--id axis=column ...]",
  positionals: { required: ["bundle", "name"] },
  options: {
    npy: {
      type: "string",
      value: "FILE",
      description: "the field's values, as written by numpy.save (read block by block)",
    },
    from: {
      type: "string",
      value: "BUNDLE",
      description: "another bundle with the same instance ids (any order): its data, or --field",
    },
    field: { type: "string", value: "F", description: "with --from: the field to take" },
    axes: {
      type: "string",
      value: "A,B,...",
      description: "the field's axis names, the bundle's first axis first (default: the source's)",
    },
    meta: {
      type: "string",
      multiple: true,
      value: "AXIS=FILE",
      description: "with --npy: a metadata table of one of the field's own axes (repeatable)",
    },
    id: {
      type: "string",
      multiple: true,
      value: "AXIS=COLUMN",
      description: "the id column of a --meta table (default <axis>_id)",
    },
  },
  example:
    "tt add-field ./events spectrogram --npy spec.npy --axes event,freq,time --meta freq=freqs.csv",
  notes: [
    "The field's first dimension must be the bundle's instance count; rows of a .npy file follow the bundle's instance order, rows of --from are matched by id.",
    "The field is a new version of the bundle that writes only the field's files: the other arrays and tables are kept, readers of the old version keep working, and an interrupted run leaves the old version or the new one.",
  ],
  lineage(args) {
    const bundle = args.positionals[0]!;
    return {
      inputs: [
        { location: bundle },
        ...optionInput(args, "npy"),
        ...optionInput(args, "from"),
        ...pairFileInputs(args, "meta"),
      ],
      outputs: [bundle],
    };
  },
  run,
};
