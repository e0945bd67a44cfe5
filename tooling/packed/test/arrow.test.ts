/**
 * The Arrow check: `@tt/arrow` installed from its tarball beside `tensortools`, with npm and with pnpm:
 * a result's instance table and a joined view go to Arrow (a table, an IPC stream and file) and
 * back unchanged, numeric columns without a copy (apps/umbrella/check-arrow.mjs). apache-arrow
 * comes as @tt/arrow's dependency; the app does not name it.
 */

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { installApp } from "../src/apps.js";
import { lastJsonLine, runCommand } from "../src/run.js";

interface ArrowReport {
  arrowFields: string[];
  rows: number;
  scoresRoundTrip: boolean;
  zeroCopy: boolean;
  joinedSchema: string[];
  joinedRoundTrip: boolean;
  fileFormat: boolean;
}

describe.each(["npm", "pnpm"] as const)("@tt/arrow installed with %s", (manager) => {
  it("turns a result table and a joined view into Arrow and back", async () => {
    const app = await installApp(`${manager}-umbrella`);
    const { stdout, ms } = await runCommand(
      "node",
      ["check-arrow.mjs", join(app.dir, "arrow-out")],
      {
        cwd: app.dir,
      },
    );
    console.log(`${manager}: node check-arrow.mjs ${ms} ms`);
    const report = lastJsonLine<ArrowReport>(stdout);
    expect(report.arrowFields.slice(0, 3)).toEqual([
      "instance_id: Utf8",
      "score_1: Float64",
      "score_2: Float64",
    ]);
    expect(report.rows).toBe(40);
    expect(report.scoresRoundTrip).toBe(true);
    expect(report.zeroCopy).toBe(true);
    expect(report.joinedSchema).toEqual(
      expect.arrayContaining([
        "label: string",
        "count: int64",
        "at: timestamp",
        "tags: list<string>",
        "score_1: float64",
      ]),
    );
    expect(report.joinedRoundTrip).toBe(true);
    expect(report.fileFormat).toBe(true);
  });
});
