/** `tt demo [dir]`: the main job, end to end, on an embedded dataset. */

import { existsSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import type { DecompositionResult, TensorView } from "tensortools";
import {
  concatDatasets,
  decompose,
  joinResult,
  openDataset,
  writeDataset,
  writeResult,
} from "tensortools";
import { type Command, type CommandLineage, integerOption, type Parsed } from "../command.js";
import { degeneracyWarning } from "../degeneracy-warning.js";
import { DEMO_SHAPE, demoRecording, demoRecordingName } from "../demo-data.js";
import { EXIT } from "../errors.js";
import { note, print, printJson, progressBar } from "../output.js";
import { cellText, textTable } from "../tables.js";

const SELECTION = "qc_pass";
const JOIN_QUERY = "event_type == 'target' and score_1 > 0";
const RANK = 6;
/**
 * The demo's CP: non-negative, rank 2. The channels see one source at different gains, so every
 * component gets the same channel loadings and unconstrained CP above rank 1 is degenerate (core
 * consistency below 0: -71 at rank 2, about -55000 at rank 3 on the default demo); non-negative
 * rank 2 keeps a core consistency near 98 and separates the target response from the standard
 * one, from any start.
 */
const CP_CONFIG = { rank: 2, nonnegative: true, init: "svd", tol: 1e-8, n_iter_max: 500 } as const;
const CP_WHY = [
  "why this CP: the channels see one source at different gains, so every component has the same",
  "channel loadings and unconstrained CP above rank 1 is degenerate (core consistency below 0);",
  "non-negative rank 2 separates the responses by their time course",
];

/** How the user can run `tt` again: `tt` when installed as such, else `node <path to the script>`. */
function invocation(): string {
  const script = process.argv[1];
  if (script === undefined || basename(script) === "tt") return "tt";
  const path = relative(process.cwd(), script);
  return `node ${path.startsWith("..") ? script : path}`;
}

/**
 * How to open the viewer on the demo: the root `viewer` script inside the tensortools repository
 * (it serves ./tt-demo), else `tt serve <dir> --viewer <the built viewer>`.
 */
function viewerHint(tt: string, dir: string): string {
  const inRepo = existsSync("apps/viewer/package.json") && existsSync("pnpm-workspace.yaml");
  if (inRepo && dir === resolve("tt-demo"))
    return "npx -y pnpm@10 viewer   (then open the printed viewer URL)";
  const viewer = inRepo ? "apps/viewer/dist" : "<path to the built viewer>";
  return `${tt} serve ${dir} --viewer ${viewer}   (then open the printed viewer URL)`;
}

/**
 * Per CP component: the time of its sample factor's peak and the event type with the largest mean
 * score, as table cells.
 */
function cpComponentTraits(
  cpResult: DecompositionResult,
  view: TensorView,
  sampleTimes: (position: number) => unknown,
): string[][] {
  const samples = cpResult.factorTables.sample!;
  const scores = cpResult.factorTables.instance!;
  const types = view.meta("instance");
  return Array.from({ length: cpResult.factorTables.component!.numRows }, (_, r) => {
    let peak = 0;
    for (let t = 1; t < samples.numRows; t++)
      if (
        (samples.get(t, `factor_${r + 1}`) as number) >
        (samples.get(peak, `factor_${r + 1}`) as number)
      )
        peak = t;
    const sums = new Map<string, { sum: number; count: number }>();
    for (let i = 0; i < scores.numRows; i++) {
      const type = String(types.get(i, "event_type"));
      const entry = sums.get(type) ?? { sum: 0, count: 0 };
      entry.sum += scores.get(i, `score_${r + 1}`) as number;
      entry.count += 1;
      sums.set(type, entry);
    }
    const top = [...sums].sort((a, b) => b[1].sum / b[1].count - a[1].sum / a[1].count)[0]!;
    const time = sampleTimes(peak);
    return [typeof time === "number" ? time.toFixed(3) : cellText(time), top[0]];
  });
}

/** The `count` instances with the largest `score_k`, as rows for the summary. */
function topInstances(joined: TensorView, k: number, count: number): string[][] {
  const meta = joined.meta("instance");
  const rows = Array.from({ length: meta.numRows }, (_, r) => r).filter(
    (r) => meta.get(r, `score_${k}`) !== null,
  );
  rows.sort(
    (a, b) => (meta.get(b, `score_${k}`) as number) - (meta.get(a, `score_${k}`) as number),
  );
  return rows
    .slice(0, count)
    .map((r) => [
      `  PC${k}`,
      cellText(meta.get(r, "instance_id")),
      cellText(meta.get(r, "event_type")),
      cellText(meta.get(r, `score_${k}`)),
    ]);
}

/**
 * The bundles the demo writes in `dir`: the recordings, the dataset, the PCA and the CP (an
 * invalid `--recordings` names none: the command says so, and its run is recorded as failed).
 */
function demoLineage(args: Parsed): CommandLineage {
  const dir = resolve(args.positionals[0] ?? "tt-demo");
  const count = Number(args.values.recordings ?? DEMO_SHAPE.recordings);
  const recordings = Number.isInteger(count) && count > 0 ? count : 0;
  return {
    inputs: [],
    outputs: [
      ...Array.from({ length: recordings }, (_, i) =>
        join(dir, "recordings", demoRecordingName(i)),
      ),
      join(dir, "dataset"),
      join(dir, "pca"),
      join(dir, "cp"),
    ],
  };
}

export const demoCommand: Command = {
  name: "demo",
  summary: "build a demo dataset, select, decompose, write the result and join the scores back",
  usage: "demo [dir] [--recordings N] [--events N]",
  positionals: { required: [], optional: ["dir"] },
  options: {
    recordings: {
      type: "string",
      value: "N",
      description: `source recordings (default ${DEMO_SHAPE.recordings})`,
    },
    events: {
      type: "string",
      value: "N",
      description: `events per recording (default ${DEMO_SHAPE.eventsPerRecording})`,
    },
    overwrite: { type: "boolean", description: "replace an earlier demo in <dir>" },
  },
  example: "tt demo ./tt-demo",
  lineage: demoLineage,
  async run(args, out) {
    const started = performance.now();
    const dir = resolve(args.positionals[0] ?? "tt-demo");
    const shape = {
      ...DEMO_SHAPE,
      recordings: integerOption(args, "recordings", "demo") ?? DEMO_SHAPE.recordings,
      eventsPerRecording: integerOption(args, "events", "demo") ?? DEMO_SHAPE.eventsPerRecording,
    };
    const overwrite = Boolean(args.values.overwrite);
    const datasetPath = join(dir, "dataset");
    const resultPath = join(dir, "pca");
    const cpPath = join(dir, "cp");

    // 1. The sources: each recording generated and written as its own bundle, one at a time;
    //    then concatenated into one dataset with lineage.
    const sources: string[] = [];
    const writing = progressBar(out, "writing");
    for (let i = 0; i < shape.recordings; i++) {
      const path = join(dir, "recordings", demoRecordingName(i));
      await writeDataset(path, demoRecording(i, shape), { overwrite, signal: out.signal });
      sources.push(path);
      writing.update({ phase: "write", fraction: (i + 1) / shape.recordings });
    }
    writing.done();
    const joining = progressBar(out, "concat");
    await concatDatasets(sources, {
      out: datasetPath,
      groupBy: "group",
      overwrite,
      onProgress: joining.update,
      signal: out.signal,
    });
    joining.done();

    // 2. Select, decompose, write the result.
    const dataset = await openDataset(datasetPath);
    const view = dataset.query("instance", SELECTION);
    const fitting = progressBar(out, "pca");
    const result: DecompositionResult = await decompose(
      view,
      "pca",
      { rank: RANK },
      { onProgress: fitting.update, signal: out.signal },
    );
    fitting.done();
    await writeResult(resultPath, result, { overwrite });

    // 2b. CP: one factor per axis (instance scores, time signatures, channel loadings).
    const cpFitting = progressBar(out, "cp");
    const cpResult = await decompose(view, "cp", CP_CONFIG, {
      onProgress: cpFitting.update,
      signal: out.signal,
    });
    cpFitting.done();
    await writeResult(cpPath, cpResult, { overwrite });
    const cpFit = cpResult.diagnostics.fit as number;
    const cpCoreConsistency = cpResult.diagnostics.core_consistency as number;
    const cpWarning = degeneracyWarning(cpResult);
    const cpWeights = cpResult.factorTables.component!;
    const channelTable = cpResult.factorTables.channel!;

    // 3. Join the scores back and query on scores and metadata together.
    const joined = joinResult(dataset, result);
    const matches = joined.query("instance", JOIN_QUERY);
    const seconds = (performance.now() - started) / 1000;
    const ratios = (result.diagnostics.explained_variance_ratio as number[]) ?? [];

    if (out.json) {
      printJson(out, {
        dataset: datasetPath,
        result: resultPath,
        shape: dataset.shape,
        selection: { query: SELECTION, instances: view.shape[0] },
        explained_variance_ratio: ratios,
        cp: {
          result: cpPath,
          rank: CP_CONFIG.rank,
          nonnegative: CP_CONFIG.nonnegative,
          fit: cpFit,
          core_consistency: cpCoreConsistency,
          degenerate: cpWarning !== undefined,
          iterations: cpResult.diagnostics.iterations,
        },
        join_query: { query: JOIN_QUERY, instances: matches.shape[0] },
        seconds,
      });
      return EXIT.ok;
    }
    const [n, samples, channels] = dataset.shape as [number, number, number];
    print(out, `tensortools demo: ${shape.recordings} recordings of event-locked waveforms`);
    print(out, "");
    print(
      out,
      `sources   ${join(dir, "recordings")}: ${shape.recordings} bundles of ${shape.eventsPerRecording} events`,
    );
    print(out, `dataset   ${datasetPath} (concatenated, groups by 'group')`);
    print(
      out,
      `          instance ${n} x sample ${samples} x channel ${channels}, float32 (${((n * samples * channels * 4) / 1e6).toFixed(1)} MB)`,
    );
    print(out, `          instance metadata: ${dataset.meta("instance").columnNames.join(", ")}`);
    print(out, `selection query("instance", "${SELECTION}"): ${view.shape[0]} of ${n} instances`);
    print(out, "");
    print(
      out,
      `PCA, rank ${RANK} (${result.diagnostics.solver} solver, ${(result.attrs.duration_ms as number | undefined)?.toFixed(0) ?? "?"} ms)`,
    );
    let cumulative = 0;
    print(
      out,
      textTable(
        ["  component", "explained variance", "cumulative"],
        ratios.map((r, i) => {
          cumulative += r;
          return [`  PC${i + 1}`, `${(100 * r).toFixed(1)}%`, `${(100 * cumulative).toFixed(1)}%`];
        }),
      ),
    );
    print(out, "");
    print(out, "top instances per component");
    print(
      out,
      textTable(
        ["  component", "instance_id", "event_type", "score"],
        [1, 2, 3].flatMap((k) => topInstances(joined, k, 3)),
      ),
    );
    print(out, "");
    print(
      out,
      `scores joined onto the instances: query("instance", "${JOIN_QUERY}") -> ${matches.shape[0]} instances`,
    );
    print(out, "");
    print(
      out,
      `CP, rank ${CP_CONFIG.rank}, non-negative: fit ${cpFit.toFixed(4)} (1 - relative error), core consistency ${cpCoreConsistency.toFixed(1)}, ${cpResult.diagnostics.iterations} sweeps, ${(cpResult.attrs.duration_ms as number).toFixed(0)} ms`,
    );
    const sampleMeta = dataset.meta("sample");
    const traits = cpComponentTraits(cpResult, view, (t) =>
      sampleMeta.columnNames.includes("time_s") ? sampleMeta.get(t, "time_s") : t,
    );
    print(
      out,
      textTable(
        [
          "  component",
          "weight",
          "share of fit",
          "peak (time_s)",
          "highest mean score",
          "channel loadings",
        ],
        Array.from({ length: cpWeights.numRows }, (_, r) => [
          `  ${r + 1}`,
          cellText(cpWeights.get(r, "weight")),
          `${(100 * (cpWeights.get(r, "share_of_fit") as number)).toFixed(1)}%`,
          ...traits[r]!,
          Array.from({ length: channelTable.numRows }, (_, c) =>
            (channelTable.get(c, `factor_${r + 1}`) as number).toFixed(2),
          ).join(" "),
        ]),
      ),
    );
    for (const line of CP_WHY) print(out, line);
    if (cpWarning !== undefined) out.stderr.write(`${cpWarning}\n`);
    print(out, "");
    print(out, `results   ${resultPath} (PCA), ${cpPath} (CP)`);
    print(out, "");
    const tt = invocation();
    print(out, "next:");
    print(out, `  ${tt} info ${datasetPath}`);
    print(out, `  ${tt} scores ${resultPath} --join ${datasetPath} --csv > scores.csv`);
    print(out, `  ${tt} serve ${dir}`);
    print(out, "open the viewer:");
    print(out, `  ${viewerHint(tt, dir)}`);
    note(out, `done in ${seconds.toFixed(1)} s`);
    return EXIT.ok;
  },
};
