/**
 * Check 1's Node ESM script on the installed umbrella, run once per app and run: its report
 * (and the bundles it writes) are what the lightweight, browser and plugin checks reuse.
 */

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type AppName, type InstalledApp, installApp } from "./apps.js";
import { AMINO, EEG, FIXTURES } from "./figures.js";
import { lastJsonLine, runCommand } from "./run.js";

/** What check-umbrella.mjs reports. */
export interface UmbrellaReport {
  iris: {
    shape: number[];
    explainedVarianceRatio: number[];
    firstComponent: number[];
    ids: string[];
    score1: number[];
    score2: number[];
    svdSingularValues: number[];
    backend: string;
    virginica: number;
  };
  eeg: {
    shape: number[];
    selectedIds: string[];
    singularValues: number[];
    explainedVarianceRatio: number[];
    totalVariance: number;
    scoresHead: number[];
    componentsShape: number[];
    backend: string;
    reopenedSameScores: boolean;
    reopenedIsMetaTable: boolean;
    pickedIds: string[];
    expectedPickedIds: string[];
    unscored: number;
    badQuery?: { isQueryError: boolean; message: string };
  };
  cp: { fit: number; iterations: number; weights: number[]; ids: string[]; backend: string };
  ms: number;
}

/** A finished run: the app, the bundles' folder, the report and the printed summary. */
export interface UmbrellaRun {
  app: InstalledApp;
  /** Where the script wrote the bundles: `iris`, `eeg`, `eeg-pca`, `amino`. */
  out: string;
  report: UmbrellaReport;
  /** The script's human-readable lines. */
  summary: string[];
  /** Wall-clock milliseconds of the node process. */
  ms: number;
}

/** Runs check-umbrella.mjs in the app `name` (installing it first), once per run. */
export async function umbrellaRun(name: AppName & `${string}-umbrella`): Promise<UmbrellaRun> {
  const app = await installApp(name);
  const out = join(app.dir, "out");
  const saved = join(app.dir, ".tt-umbrella-run.json");
  if (!existsSync(saved)) {
    let record: { stdout?: string; ms?: number; error?: string };
    try {
      const { stdout, ms } = await runCommand(
        "node",
        ["check-umbrella.mjs", FIXTURES, out, EEG.query, JSON.stringify(AMINO.config)],
        { cwd: app.dir },
      );
      record = { stdout, ms };
    } catch (error) {
      record = { error: (error as Error).message };
    }
    writeFileSync(saved, JSON.stringify(record));
  }
  const record = JSON.parse(readFileSync(saved, "utf8")) as {
    stdout?: string;
    ms?: number;
    error?: string;
  };
  if (record.error !== undefined)
    throw new Error(`check-umbrella.mjs failed in ${name}: ${record.error}`);
  const stdout = record.stdout!;
  return {
    app,
    out,
    report: lastJsonLine<UmbrellaReport>(stdout),
    summary: stdout.trimEnd().split("\n").slice(0, -1),
    ms: record.ms!,
  };
}
