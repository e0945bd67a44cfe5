/** `tt lineage <key-or-path> [--version N] [--down] [--mermaid]`: where a bundle came from. */

import { formatLineage, lineageMermaid } from "@tt/catalog";
import { openCatalogOf } from "../catalog-path.js";
import { type Command, integerOption } from "../command.js";
import { EXIT, UsageError } from "../errors.js";
import { printJson } from "../output.js";

export const lineageCommand: Command = {
  name: "lineage",
  summary: "show where a cataloged bundle came from (runs, inputs, files), or what was made of it",
  usage: "lineage <key-or-path> [--version N] [--down] [--mermaid]",
  positionals: { required: ["key-or-path"] },
  options: {
    version: {
      type: "string",
      value: "N",
      description: "start from this version (default the newest)",
    },
    down: { type: "boolean", description: "what was made of it, instead of what it came from" },
    mermaid: { type: "boolean", description: "a Mermaid flowchart instead of the text tree" },
  },
  example: "tt lineage ./study/pca --catalog ./study/catalog.db",
  notes: [
    "The catalog is the SQLite file --catalog names, else TT_CATALOG. Each line is a version (kind, key, version, manifest hash), a file a run read (with its SHA-256) or a bundle the catalog does not hold; the line above it says how they are linked: <- run N: tt decompose [the view's selectors], input, source, view or previous version. --json prints the tree.",
  ],
  async run(args, out) {
    if (args.values.mermaid === true && args.values.json === true)
      throw new UsageError("give --mermaid or --json, not both", "lineage");
    const version = integerOption(args, "version", "lineage");
    const direction = args.values.down === true ? "down" : "up";
    const catalog = openCatalogOf(args, "lineage");
    try {
      const tree = catalog.lineage(args.positionals[0]!, { version, direction });
      if (out.json) printJson(out, tree);
      else if (args.values.mermaid === true) out.stdout.write(lineageMermaid(tree, direction));
      else out.stdout.write(formatLineage(tree, direction));
      return EXIT.ok;
    } finally {
      catalog.close();
    }
  },
};
