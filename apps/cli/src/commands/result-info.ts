/** `tt result-info <result>`: what a result bundle holds and where its input came from. */

import { bundleStoreAt, openResult } from "tensortools";
import type { Command } from "../command.js";
import { EXIT } from "../errors.js";
import { print, printJson } from "../output.js";
import { componentSummary } from "../summaries.js";

/**
 * How many parts each table written in parts has (`files.factor_table_parts` of the manifest);
 * none for a result whose tables are whole files.
 */
async function partCounts(location: string): Promise<Record<string, number>> {
  const bytes = await (await bundleStoreAt(location)).get("manifest.json");
  if (bytes === undefined) return {};
  const manifest = JSON.parse(new TextDecoder().decode(bytes)) as {
    files?: { factor_table_parts?: Record<string, string[]> };
  };
  return Object.fromEntries(
    Object.entries(manifest.files?.factor_table_parts ?? {}).map(([name, parts]) => [
      name,
      parts.length,
    ]),
  );
}

export const resultInfoCommand: Command = {
  name: "result-info",
  summary: "show a result's method, config, input, tables, component tensors and diagnostics",
  usage: "result-info <result>",
  positionals: { required: ["result"] },
  options: {},
  example: "tt result-info ./demo/pca",
  async run(args, out) {
    const result = await openResult(args.positionals[0]!);
    const parts = await partCounts(args.positionals[0]!);
    const tables = Object.fromEntries(
      Object.entries(result.factorTables).map(([name, t]) => [
        name,
        {
          rows: t.numRows,
          columns: t.columnNames,
          ...(Object.hasOwn(parts, name) ? { parts: parts[name] } : {}),
        },
      ]),
    );
    const tensors = Object.fromEntries(
      Object.entries(result.componentTensors).map(([name, t]) => [
        name,
        { axes: t.axes, shape: t.shape, dtype: t.dtype },
      ]),
    );
    if (out.json) {
      printJson(out, {
        method: result.method,
        method_version: result.methodVersion,
        config: result.config,
        input_ref: result.inputRef,
        attrs: result.attrs,
        factor_tables: tables,
        component_tensors: tensors,
        diagnostics: result.diagnostics,
      });
      return EXIT.ok;
    }
    print(out, `${result.method} ${result.methodVersion}, made ${result.attrs.created_at ?? "?"}`);
    const input = result.inputRef;
    print(
      out,
      `input: ${input.dataset?.location ?? "(in memory)"}, ${input.n_instances} instances${input.selectors.length ? `, selected by ${input.selectors.map((s) => ("expr" in s ? `${s.op} ${s.axis}: ${s.expr}` : "axis" in s ? `${s.op} ${s.axis}` : s.op)).join("; ")}` : ""}`,
    );
    print(out, `config: ${JSON.stringify(result.config)}`);
    print(out, "");
    for (const [name, t] of Object.entries(tables))
      print(
        out,
        `table ${name}: ${t.rows} rows${t.parts === undefined ? "" : ` in ${t.parts} parts`}; ${t.columns.join(", ")}`,
      );
    for (const [name, t] of Object.entries(tensors))
      print(
        out,
        `tensor ${name}: ${t.axes.map((a, i) => `${a} ${t.shape[i]}`).join(" x ")}, ${t.dtype}`,
      );
    print(out, "");
    print(out, componentSummary(result));
    return EXIT.ok;
  },
};
