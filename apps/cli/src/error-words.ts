/**
 * The library speaks its API ("pass overwrite: true", "sourceIds"); the command line speaks its
 * options. Every library phrase the CLI can show is rewritten here, per command, and each rule
 * lists the options it names so a test can check that the command has them.
 */

/** One rewrite of a library phrase into the words of some commands. */
export interface Rewrite {
  /** The library's phrase. */
  pattern: RegExp;
  /** What the command line says instead (`$1` refers to the pattern's groups). */
  replacement: string | ((match: string, ...groups: string[]) => string);
  /** The commands whose errors this applies to. */
  commands: readonly string[];
  /** The options the replacement names, without `--`. */
  options: readonly string[];
}

const WRITERS = ["demo", "import", "concat", "decompose"];

/** Commands that open a dataset bundle, which may read an HDF5 file in place. */
const OPENERS = ["info", "query", "decompose", "scores", "annotate", "concat", "import", "pyramid"];

/** Every rewrite, applied in order. */
export const REWRITES: readonly Rewrite[] = [
  {
    pattern: /pass overwrite: true to replace it/g,
    replacement: "pass --overwrite to replace it",
    commands: WRITERS,
    options: ["overwrite"],
  },
  {
    pattern:
      /needs unique ids: pass axisIndex\.(.+?), or a metadata column '([^']*)' \(or name another in axisIndexColumns\.\1\)/g,
    replacement:
      "needs unique ids: give its --meta table a column '$2', or name the id column with --id $1=COLUMN",
    commands: ["import"],
    options: ["meta", "id"],
  },
  {
    pattern: /config 'sourceIds\[(\d+)\]': /g,
    replacement: (_match, position) => `--source-ids: id ${Number(position) + 1} `,
    commands: ["concat"],
    options: ["source-ids"],
  },
  {
    pattern: /config 'sourceIds': /g,
    replacement: "--source-ids ",
    commands: ["concat"],
    options: ["source-ids"],
  },
  {
    pattern: /pass sourceIds to name the inputs/g,
    replacement: "pass --source-ids to name the inputs",
    commands: ["concat"],
    options: ["source-ids"],
  },
  {
    pattern: /use idScheme "dataset" or a function/g,
    replacement: "name the inputs apart with --source-ids",
    commands: ["concat"],
    options: ["source-ids"],
  },
  {
    pattern: /config 'allowPrecisionLoss': /g,
    replacement: "",
    commands: ["concat"],
    options: [],
  },
  {
    pattern: /pass allowPrecisionLoss: true to accept that/g,
    replacement: "pass --allow-precision-loss to accept that",
    commands: ["concat"],
    options: ["allow-precision-loss"],
  },
  {
    pattern: /config 'fillValue'/g,
    replacement: "--fill-value",
    commands: ["concat"],
    options: ["fill-value"],
  },
  {
    pattern: /give a fillValue/g,
    replacement: "give --fill-value",
    commands: ["concat"],
    options: ["fill-value"],
  },
  {
    pattern: /join "(inner|outer)"/g,
    replacement: "--join $1",
    commands: ["concat"],
    options: ["join"],
  },
  {
    pattern: /config 'align\.([^']*)'/g,
    replacement: "--align $1=...",
    commands: ["concat"],
    options: ["align"],
  },
  {
    pattern: /give align\.(.+?) to match them by a column/g,
    replacement: "give --align $1=COLUMN to match them by a column",
    commands: ["concat"],
    options: ["align"],
  },
  {
    pattern: /or align by another column/g,
    replacement: "or align by another column with --align AXIS=COLUMN",
    commands: ["concat"],
    options: ["align"],
  },
  {
    pattern: /pass a prefix such as "([^"]*)"/g,
    replacement: "pass --prefix $1",
    commands: ["scores"],
    options: ["prefix"],
  },
  {
    pattern: /; pass \{ missing: "ignore" \} to skip them/g,
    replacement: "; is --join the dataset the result was computed from?",
    commands: ["scores"],
    options: ["join"],
  },
  {
    pattern: /\(or a prefix\), or replace it \(mode "replace"\)/g,
    replacement: "(or --prefix), or pass --replace to replace it",
    commands: ["annotate"],
    options: ["prefix", "replace"],
  },
  {
    pattern: /config '(columns|on)': /g,
    replacement: "--$1: ",
    commands: ["annotate"],
    options: ["columns", "on"],
  },
  {
    pattern: /config 'sortBy(?:\.column)?': /g,
    replacement: "--sort-by: ",
    commands: ["pyramid"],
    options: ["sort-by"],
  },
  {
    pattern: /^the annotation column/,
    replacement: "the --from table's column",
    commands: ["annotate"],
    options: ["from"],
  },
  {
    pattern: /verifying the bundle compares its bytes, and linking the file anew records it again/g,
    replacement:
      "tt verify <bundle> compares its bytes, and tt import --h5 FILE:/PATH --link --overwrite <bundle> links it anew",
    commands: OPENERS,
    options: [],
  },
  {
    pattern: /; name the one to open: /g,
    replacement: "; name one as --h5 FILE:/PATH: ",
    commands: ["import"],
    options: ["h5"],
  },
  {
    pattern: /write the bundle there, or copy the data into a bundle of its own/g,
    replacement: "write <out> there, or leave out --link to copy the data into a Zarr bundle",
    commands: ["import"],
    options: ["link"],
  },
  {
    pattern: /set missing to "drop" or "mask"/g,
    replacement: 'set "missing": "drop" or "mask" in the --config file',
    commands: ["decompose"],
    options: ["config"],
  },
  {
    pattern: /raise memory_budget/g,
    replacement: 'raise "memory_budget" in the --config file',
    commands: ["decompose"],
    options: ["config"],
  },
  {
    // The rest of the message names the feature (or the key) and what it takes.
    pattern: /^config '(?:features\.[^']*|name|dtype|categories|key)': /,
    replacement: "",
    commands: ["catalog"],
    options: [],
  },
];

/** `message` with the library's API words replaced by the options of `command`. */
export function inCliWords(message: string, command: string | undefined): string {
  if (command === undefined) return message;
  let text = message;
  for (const rule of REWRITES)
    if (rule.commands.includes(command))
      text = text.replace(rule.pattern, rule.replacement as (match: string) => string);
  return text;
}
