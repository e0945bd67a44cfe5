/** The `tt` command line: dispatches to a command, prints errors as one line with a hint. */

import { catalogPathOf } from "./catalog-path.js";
import { type Command, commandHelp, parseCommand } from "./command.js";
import { addFieldCommand } from "./commands/add-field.js";
import { annotateCommand } from "./commands/annotate.js";
import { catalogCommand } from "./commands/catalog.js";
import { concatCommand } from "./commands/concat.js";
import { decomposeCommand } from "./commands/decompose.js";
import { demoCommand } from "./commands/demo.js";
import { gcCommand } from "./commands/gc.js";
import { importCommand } from "./commands/import.js";
import { infoCommand } from "./commands/info.js";
import { lineageCommand } from "./commands/lineage.js";
import { pyramidCommand } from "./commands/pyramid.js";
import { queryCommand } from "./commands/query.js";
import { resultInfoCommand } from "./commands/result-info.js";
import { scoresCommand } from "./commands/scores.js";
import { serveCommand } from "./commands/serve.js";
import { sqlCommand } from "./commands/sql.js";
import { verifyCommand } from "./commands/verify.js";
import { workerCommand } from "./commands/worker.js";
import { describeError, EXIT, UsageError } from "./errors.js";
import type { Output } from "./output.js";
import { runRecorded } from "./run-recording.js";
import { cliVersion } from "./version.js";

/** Every command, in the order `tt --help` lists them. */
export const COMMANDS: readonly Command[] = [
  demoCommand,
  infoCommand,
  importCommand,
  concatCommand,
  queryCommand,
  sqlCommand,
  decomposeCommand,
  workerCommand,
  scoresCommand,
  annotateCommand,
  addFieldCommand,
  pyramidCommand,
  resultInfoCommand,
  serveCommand,
  verifyCommand,
  gcCommand,
  catalogCommand,
  lineageCommand,
];

function mainHelp(): string {
  return [
    "tt: axis-annotated tensors, their decompositions, and results joined back onto the instances",
    "",
    "Usage: tt <command> [options]",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(12)} ${c.summary}`),
    "",
    "Every command takes --help, --quiet, --json, --debug and --catalog.",
    "With --catalog FILE or TT_CATALOG=FILE, every command that writes bundles records its run",
    "(inputs, parameters, outputs) in that catalog; tt catalog and tt lineage read it.",
    "Start with: tt demo",
    "",
  ].join("\n");
}

/** Runs `tt` with `argv` (without the program name) and returns the exit code. */
export async function runCli(argv: string[], out: Output): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    out.stdout.write(mainHelp());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === "--version") {
    out.stdout.write(`${await cliVersion()}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  const debug = rest.includes("--debug");
  try {
    if (command === undefined)
      throw new UsageError(
        `unknown command '${name}'; commands: ${COMMANDS.map((c) => c.name).join(", ")}`,
      );
    const args = parseCommand(command, rest);
    const options = {
      ...out,
      quiet: Boolean(args.values.quiet),
      json: Boolean(args.values.json),
      debug,
    };
    if (args.values.help) {
      out.stdout.write(commandHelp(command));
      return EXIT.ok;
    }
    const catalog = command.lineage === undefined ? undefined : catalogPathOf(args);
    if (catalog === undefined) return await command.run(args, options);
    return await runRecorded(command, args, options, catalog);
  } catch (error) {
    const { line, hint, code } = describeError(error, command);
    out.stderr.write(`tt: ${line}\n`);
    if (hint) out.stderr.write(`hint: ${hint}\n`);
    if (debug && error instanceof Error && error.stack) out.stderr.write(`${error.stack}\n`);
    return code;
  }
}
