/** `tt verify <bundle>`: every file of a dataset's current version checked against its inventory. */

import { verifyDataset } from "tensortools";
import type { Command } from "../command.js";
import { EXIT } from "../errors.js";
import { print, printJson } from "../output.js";

export const verifyCommand: Command = {
  name: "verify",
  summary:
    "check every file of a dataset bundle against the lengths and checksums its manifest lists",
  usage: "verify <bundle>",
  positionals: { required: ["bundle"] },
  options: {
    quick: { type: "boolean", description: "check presence and lengths only, not checksums" },
  },
  example: "tt verify ./demo/dataset",
  notes: [
    "Exit code 0 when every file is whole, 1 when a file is missing, of another length, or (without --quick) holds other bytes than were written.",
  ],
  async run(args, out) {
    const bundle = args.positionals[0]!;
    const report = await verifyDataset(bundle, { checksums: !args.values.quick });
    const whole = report.problems.length === 0;
    if (out.json) printJson(out, { bundle, ...report, whole });
    else {
      const checked = report.checksums ? "lengths and SHA-256 checksums" : "presence and lengths";
      print(
        out,
        `${bundle}: version ${report.version}, ${report.files} files, ${(report.bytes / 1e6).toFixed(1)} MB; checked ${checked}`,
      );
      for (const { key, problem } of report.problems) print(out, `  ${key} ${problem}`);
      print(out, whole ? "every file is whole" : `${report.problems.length} damaged file(s)`);
    }
    return whole ? EXIT.ok : EXIT.data;
  },
};
