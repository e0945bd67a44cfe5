/** What a command is: its usage, options and run function, parsed with `node:util` parseArgs. */

import { parseArgs } from "node:util";
import { UsageError } from "./errors.js";
import type { Output } from "./output.js";

/** One option of a command. */
export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  /** What it does, for `--help`. */
  description: string;
  /** The value's placeholder in `--help`, e.g. `"EXPR"`. */
  value?: string;
}

/** An input of a command's run: a bundle directory or a file, with the selectors of a view. */
export interface LineageInput {
  location: string;
  /** The selectors of the view the command reads, when it reads one (`decompose --where`). */
  selectors?: unknown[];
}

/** What a command reads and writes, recorded as its run when a catalog is in use. */
export interface CommandLineage {
  inputs: LineageInput[];
  /** The bundle directories it writes. */
  outputs: string[];
}

/** A parsed command line. */
export interface Parsed {
  positionals: string[];
  values: Record<string, string | boolean | string[] | undefined>;
}

/** A subcommand of `tt`. */
export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The synopsis after `tt`, e.g. `"info <bundle>"`. */
  usage: string;
  /** Names of the positional arguments: required ones, then optional ones in brackets. */
  positionals: { required: string[]; optional?: string[] };
  options: Record<string, OptionSpec>;
  /** An example command line. */
  example: string;
  /** Paragraphs `--help` prints after the options (defaults, safety). */
  notes?: readonly string[];
  run(args: Parsed, out: Output): Promise<number>;
  /**
   * What the command reads and writes, for commands that write bundles: with `--catalog` or
   * `TT_CATALOG`, `tt` records a run of it in the catalog (see `run-recording.ts`).
   */
  lineage?(args: Parsed): CommandLineage | Promise<CommandLineage>;
}

/** Options every command takes. */
export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  help: { type: "boolean", short: "h", description: "show this help" },
  quiet: { type: "boolean", short: "q", description: "no progress bars or notes" },
  json: { type: "boolean", description: "machine-readable JSON on stdout" },
  debug: { type: "boolean", description: "print stack traces on errors" },
  catalog: {
    type: "string",
    value: "FILE",
    description: "the catalog to record runs in or to read (default: $TT_CATALOG)",
  },
};

/** A value that starts with a dash but is a number, such as `-1` or `-.5` or `-Infinity`. */
const NEGATIVE_NUMBER = /^-(?:\d|\.\d|Infinity$)/;

/**
 * `argv` with `--name -1` (and `-k -1`) written as `--name=-1` for options that take a value:
 * parseArgs would otherwise take `-1` for an option and call the argument ambiguous.
 */
function attachNegativeValues(argv: string[], options: Record<string, OptionSpec>): string[] {
  const byShort = new Map(
    Object.entries(options).flatMap(([name, spec]) => (spec.short ? [[spec.short, name]] : [])),
  );
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === "--") {
      out.push(...argv.slice(i));
      break;
    }
    const name = token.startsWith("--")
      ? token.slice(2)
      : /^-[^-]$/.test(token)
        ? byShort.get(token[1]!)
        : undefined;
    const next = argv[i + 1];
    if (
      name !== undefined &&
      options[name]?.type === "string" &&
      next !== undefined &&
      NEGATIVE_NUMBER.test(next)
    ) {
      out.push(`--${name}=${next}`);
      i++;
    } else out.push(token);
  }
  return out;
}

/** Parses `argv` for `command`; unknown options or missing arguments are UsageErrors. */
export function parseCommand(command: Command, argv: string[]): Parsed {
  const options = { ...GLOBAL_OPTIONS, ...command.options };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: attachNegativeValues(argv, options),
      allowPositionals: true,
      strict: true,
      options: Object.fromEntries(
        Object.entries(options).map(([name, spec]) => [
          name,
          {
            type: spec.type,
            ...(spec.short ? { short: spec.short } : {}),
            ...(spec.multiple ? { multiple: true } : {}),
          },
        ]),
      ),
    });
  } catch (error) {
    throw new UsageError((error as Error).message.split("\n")[0]!, command.name);
  }
  const values = parsed.values as Parsed["values"];
  if (values.help) return { positionals: parsed.positionals, values };
  const { required, optional = [] } = command.positionals;
  if (parsed.positionals.length < required.length)
    throw new UsageError(
      `missing ${required
        .slice(parsed.positionals.length)
        .map((n) => `<${n}>`)
        .join(" ")}`,
      command.name,
    );
  const variadic = (optional.at(-1) ?? required.at(-1))?.endsWith("...") === true;
  if (parsed.positionals.length > required.length + optional.length && !variadic)
    throw new UsageError(
      `unexpected argument '${parsed.positionals[required.length + optional.length]}'`,
      command.name,
    );
  return { positionals: parsed.positionals, values };
}

/** The `--help` text of `command`. */
export function commandHelp(command: Command): string {
  const rows = Object.entries({ ...command.options, ...GLOBAL_OPTIONS }).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : "    "}--${name}${spec.value ? ` ${spec.value}` : ""}`;
    return `  ${flag.padEnd(30)} ${spec.description}`;
  });
  return [
    `tt ${command.usage}`,
    "",
    command.summary,
    "",
    "Options:",
    ...rows,
    "",
    ...(command.notes ?? []).flatMap((note) => [note, ""]),
    "Example:",
    `  ${command.example}`,
    "",
  ].join("\n");
}

/** A string option's value, or a UsageError when it is required and absent. */
export function stringOption(args: Parsed, name: string, command: string): string | undefined {
  const value = args.values[name];
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw new UsageError(`--${name} needs a value`, command);
  return value;
}

/** A positive integer option, or a UsageError naming it. */
export function integerOption(args: Parsed, name: string, command: string): number | undefined {
  const raw = stringOption(args, name, command);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new UsageError(`--${name} must be a positive integer, got '${raw}'`, command);
  return value;
}
