/**
 * Realistic queries on the real datasets, checked against the same selection written by hand as
 * plain loops over the CSV text (fields split by hand, `NA` and empty fields are null).
 */

import { join } from "node:path";
import { readCsvFile } from "@tt/bundle/fs";
import type { MetaTable } from "@tt/schema";
import { beforeAll, describe, expect, it } from "vitest";
import { compileQuery } from "../../src/index.js";
import { csvRecords, FIXTURES, queryError, whereRows } from "./helpers.js";

type Row = Record<string, string>;

/** A field's number, or undefined when the field is null. */
const num = (field: string | undefined): number | undefined =>
  field === undefined || field === "" || field === "NA" ? undefined : Number(field);
/** Whether a field is null. */
const isNull = (field: string | undefined) => field === "" || field === "NA";
/** `a > b` when both are numbers, false when either is null (pandas). */
const gt = (a: number | undefined, b: number) => a !== undefined && a > b;
const lt = (a: number | undefined, b: number) => a !== undefined && a < b;
const ge = (a: number | undefined, b: number) => a !== undefined && a >= b;
const le = (a: number | undefined, b: number) => a !== undefined && a <= b;

/** A dataset file: its records as text and our table of it. */
function dataset(file: string, types: Record<string, "list<string>" | "string"> = {}) {
  const path = join(FIXTURES, file);
  const loaded = { records: [] as Row[], table: undefined as unknown as MetaTable };
  beforeAll(async () => {
    loaded.records = csvRecords(path);
    loaded.table = await readCsvFile(path, { types });
  });
  return loaded;
}

/** One test per [expression, hand-written row predicate]. */
function agrees(
  data: { records: Row[]; table: MetaTable },
  cases: [string, (r: Row) => boolean][],
) {
  it.each(cases)("%s selects the rows a plain loop selects", (expression, keep) => {
    const expected = whereRows(data.records, keep);
    expect(expected.length).toBeGreaterThan(0);
    expect(Array.from(compileQuery(expression).rows(data.table))).toEqual(expected);
  });
}

describe("COVID-19 serology samples", () => {
  const covid = dataset("covid19_serology/axis0_samples.csv", { patient_ID: "string" });

  it("has the 438 samples and the class counts the README gives", () => {
    const count = (expression: string) => compileQuery(expression).rows(covid.table).length;
    expect(covid.table.numRows).toBe(438);
    expect(count("tensorly_label == 'Severe'")).toBe(196);
    expect(count("tensorly_label == 'Deceased'")).toBe(74);
    expect(count("tensorly_label != group")).toBe(0);
  });

  agrees(covid, [
    [
      "COVID == 'P' and age > 60 and ICU == 1",
      (r) => r.COVID === "P" && +r.age! > 60 && r.ICU === "1",
    ],
    [
      "COVID == 'P' and age > 60 and not ARDS.isnull()",
      (r) => r.COVID === "P" && +r.age! > 60 && !isNull(r.ARDS),
    ],
    [
      "group in ['Severe', 'Deceased'] and BMI >= 30",
      (r) => (r.group === "Severe" || r.group === "Deceased") && ge(num(r.BMI), 30),
    ],
    ["ARDS == 'Yes' and days <= 7", (r) => r.ARDS === "Yes" && +r.days! <= 7],
    ["BMI.isnull() or BMI < 22", (r) => isNull(r.BMI) || lt(num(r.BMI), 22)],
    ["week != 1", (r) => r.week !== "1"],
    ["between(age, 40, 60) and sex == 'F'", (r) => +r.age! >= 40 && +r.age! <= 60 && r.sex === "F"],
    [
      "death_COVID == 1 or (ICU == 1 and age >= 80)",
      (r) => r.death_COVID === "1" || (r.ICU === "1" && +r.age! >= 80),
    ],
    ["18.5 <= BMI < 25", (r) => ge(num(r.BMI), 18.5) && lt(num(r.BMI), 25)],
    ["not (sex == 'M') and days > 10", (r) => r.sex !== "M" && +r.days! > 10],
    ["immunosup == 1 or hospitalized == 0", (r) => r.immunosup === "1" || r.hospitalized === "0"],
    ["patient_ID in ['23', '45', '6']", (r) => ["23", "45", "6"].includes(r.patient_ID!)],
    ["ARDS not in ['No']", (r) => r.ARDS !== "No"],
    [
      "BMI / 2 > 15 and age - days < 50",
      (r) => !isNull(r.BMI) && +r.BMI! / 2 > 15 && +r.age! - +r.days! < 50,
    ],
    ["`week` * 7 > days", (r) => !isNull(r.week) && +r.week! * 7 > +r.days!],
  ]);
});

describe("BasicMotions instances, time and channels", () => {
  const instances = dataset("basicmotions_uea/axis0_instances.csv");
  const time = dataset("basicmotions_uea/axis1_time.csv");
  const channels = dataset("basicmotions_uea/axis2_channels.csv");

  it("has 40 train and 40 test instances, 10 per class and split", () => {
    const count = (expression: string) => compileQuery(expression).rows(instances.table).length;
    expect(count("split == 'train'")).toBe(40);
    expect(count("split == 'test' and label == 'Badminton'")).toBe(10);
  });

  agrees(instances, [
    [
      "split == 'test' and label in ['Walking', 'Running']",
      (r) => r.split === "test" && (r.label === "Walking" || r.label === "Running"),
    ],
    [
      "index_within_split < 5 & label == 'Standing'",
      (r) => +r.index_within_split! < 5 && r.label === "Standing",
    ],
    [
      "~(label == 'Badminton') | instance_index >= 75",
      (r) => r.label !== "Badminton" || +r.instance_index! >= 75,
    ],
  ]);
  agrees(time, [["time_s >= 2.5 and time_s < 5", (r) => +r.time_s! >= 2.5 && +r.time_s! < 5]]);
  agrees(channels, [
    [
      "sensor == 'gyroscope' and axis_guess != 'z'",
      (r) => r.sensor === "gyroscope" && r.axis_guess !== "z",
    ],
  ]);
});

describe("EEGLAB epochs, time and channels", () => {
  const lists = { all_event_types: "list<string>", all_event_positions: "list<string>" } as const;
  const epochs = dataset("eeglab_epochs/axis0_epochs.csv", lists);
  const time = dataset("eeglab_epochs/axis1_time.csv");
  const channels = dataset("eeglab_epochs/axis2_channels.csv");

  it("finds the six epochs without a response that the README describes", () => {
    const rows = compileQuery("rt_ms.isnull()").rows(epochs.table);
    expect(Array.from(rows, (row) => epochs.table.get(row, "id"))).toEqual([
      "ep01",
      "ep04",
      "ep27",
      "ep46",
      "ep71",
      "ep76",
    ]);
  });

  it("refuses to compare a list<string> column of real data", () => {
    const error = queryError(() => compileQuery("all_event_types == 'rt'").rows(epochs.table));
    expect(error.reason).toBe(
      "column 'all_event_types' is list<string>, which queries cannot compare",
    );
  });

  agrees(epochs, [
    ["lock_position == 1 and rt_ms < 400", (r) => r.lock_position === "1" && lt(num(r.rt_ms), 400)],
    ["rt_ms > 500 or rt_ms.isnull()", (r) => gt(num(r.rt_ms), 500) || isNull(r.rt_ms)],
    ["not rt_ms > 500", (r) => !gt(num(r.rt_ms), 500)],
    ["between(rt_ms, 350, 450)", (r) => ge(num(r.rt_ms), 350) && le(num(r.rt_ms), 450)],
    ["n_events_in_epoch > 2", (r) => +r.n_events_in_epoch! > 2],
  ]);
  agrees(time, [["-200 <= time_ms <= 0", (r) => +r.time_ms! >= -200 && +r.time_ms! <= 0]]);
  agrees(channels, [
    ["type == 'EOG'", (r) => r.type === "EOG"],
    ["theta < 0 and radius > 0.4", (r) => lt(num(r.theta), 0) && gt(num(r.radius), 0.4)],
    ["Z > 50 or X.isnull()", (r) => gt(num(r.Z), 50) || isNull(r.X)],
    ["not (theta >= 0)", (r) => !ge(num(r.theta), 0)],
    ["`id` in ['Fz', 'Cz', 'Pz', 'EOG1']", (r) => ["Fz", "Cz", "Pz", "EOG1"].includes(r.id!)],
  ]);
});
