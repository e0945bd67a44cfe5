/** The query box's logic: the library's selection, errors with reason and position, URL parameters. */

import { columnFromCells, MetaTable, queryRows } from "tensortools/browser";
import { describe, expect, it } from "vitest";
import { readParams } from "../src/params.js";
import { caretLines, runQuery } from "../src/query-state.js";

const table = MetaTable.fromColumns({
  instance_id: columnFromCells("string", ["a", "b", "c", "d"]),
  event_type: columnFromCells("string", ["target", "standard", "target", "novel"]),
  score_1: columnFromCells("float64", [3, -1, 0.5, 4]),
});

describe("runQuery", () => {
  it("selects what the library selects", () => {
    const expression = "event_type == 'target' and score_1 > 1";
    const outcome = runQuery(table, expression);
    expect(outcome.ok && Array.from(outcome.rows)).toEqual(
      Array.from(queryRows(table, expression)),
    );
    expect(outcome.ok && Array.from(outcome.rows)).toEqual([0]);
  });

  it("selects every row for a blank expression", () => {
    const outcome = runQuery(table, "   ");
    expect(outcome.ok && Array.from(outcome.rows)).toEqual([0, 1, 2, 3]);
  });

  it("returns a syntax error's reason and position instead of throwing", () => {
    const outcome = runQuery(table, "score_1 > and qc");
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.problem.position).toBe(10);
    expect(outcome.problem.reason).not.toContain("\n");
    expect(caretLines(outcome.problem)).toBe("score_1 > and qc\n          ^");
  });

  it("names an unknown column and the available ones", () => {
    const outcome = runQuery(table, "scor_1 > 1");
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.problem.reason).toContain("unknown column 'scor_1'");
    expect(outcome.problem.reason).toContain("score_1");
    expect(outcome.problem.position).toBe(0);
  });
});

describe("readParams", () => {
  it("defaults to the bundles beside the viewer's folder, as tt serve lays them out", () => {
    const params = readParams("http://127.0.0.1:8080/viewer/");
    expect(params.dataset).toBe("http://127.0.0.1:8080/dataset/");
    expect(params.result).toBe("http://127.0.0.1:8080/pca/");
    expect(params.query).toBe("");
  });

  it("resolves given URLs against the page and reads the view options", () => {
    const params = readParams(
      "http://h/app/index.html?dataset=/d/&result=http://other/r/&x=score_2&color=group&query=score_1%20%3E%200",
    );
    expect(params.dataset).toBe("http://h/d/");
    expect(params.result).toBe("http://other/r/");
    expect(params.x).toBe("score_2");
    expect(params.y).toBeUndefined();
    expect(params.colour).toBe("group");
    expect(params.query).toBe("score_1 > 0");
  });
});
