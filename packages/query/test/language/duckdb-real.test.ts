/**
 * DuckDB and our evaluator select the same rows of real metadata: DuckDB reads the fixture CSVs
 * itself and runs the SQL from compileQueryToSql; we read them with readCsvFile and evaluate.
 */

import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { readCsvFile } from "@tt/bundle/fs";
import { columnFromCells, type MetaTable } from "@tt/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileQuery } from "../../src/index.js";
import { duckDbColumn, duckDbRows, loadCsv, openDuckDb } from "./duckdb.js";
import { FIXTURES } from "./helpers.js";

/** A fixture file: our table name, its path and the type overrides a user would pass. */
const FILES = {
  covid: { file: "covid19_serology/axis0_samples.csv", types: { patient_ID: "string" } },
  motions: { file: "basicmotions_uea/axis0_instances.csv", types: { instance_index: "int64" } },
  motionTime: { file: "basicmotions_uea/axis1_time.csv", types: {} },
  motionChannels: { file: "basicmotions_uea/axis2_channels.csv", types: {} },
  epochs: {
    file: "eeglab_epochs/axis0_epochs.csv",
    types: {
      all_event_types: "list<string>",
      all_event_positions: "list<string>",
      all_event_latencies_ms: "list<string>",
    },
  },
  eegTime: { file: "eeglab_epochs/axis1_time.csv", types: {} },
  eegChannels: { file: "eeglab_epochs/axis2_channels.csv", types: {} },
} as const;

type Name = keyof typeof FILES;

/** Every expression, on the table it queries. */
const EXPRESSIONS: [Name, string][] = [
  ["covid", "COVID == 'P' and age > 60 and ICU == 1"],
  ["covid", "group in ['Severe', 'Deceased'] and BMI > 30"],
  ["covid", "ARDS.isnull()"],
  ["covid", "ARDS.notnull() and ARDS == 'Yes'"],
  ["covid", "isna(BMI) or BMI < 20"],
  ["covid", "week != 1"],
  ["covid", "week.isnull()"],
  ["covid", "between(age, 40, 60) and sex == 'F'"],
  ["covid", "death_COVID == 1 or (ICU == 1 and age >= 80)"],
  ["covid", "25 <= BMI < 30"],
  ["covid", "between(BMI, 18.5, 24.9)"],
  ["covid", "tensorly_label != group"],
  ["covid", "not (sex == 'M') and days > 10"],
  ["covid", "week >= 4 and not immunosup == 1"],
  ["covid", "had_ards"],
  ["covid", "not had_ards"],
  ["covid", "~in_icu & had_ards"],
  ["covid", "had_ards or age > 85"],
  ["covid", "had_ards and age > 85"],
  ["covid", "not (had_ards and days < 5)"],
  ["covid", "had_ards != True"],
  ["covid", "in_icu == False"],
  ["covid", "patient_ID in ['23', '45', '6']"],
  ["covid", "patient_ID not in ['23']"],
  ["covid", "BMI not in [25.8, 21.8]"],
  ["covid", "ARDS in ['Yes', None]"],
  ["covid", "ARDS not in ['No', None]"],
  ["covid", "BMI * 2 - 10 > 50"],
  ["covid", "age / 10 >= 7.5"],
  ["covid", "-days < -20"],
  ["covid", "age + days > 100"],
  ["covid", "age > BMI * 2"],
  ["covid", "BMI == BMI"],
  ["covid", "BMI != BMI"],
  ["covid", "group < 'N'"],
  ["covid", "zohar_sample_ID == '1_43' or sample_index > 430"],
  ["covid", "True"],
  ["covid", "False or had_ards.isnull()"],
  ["motions", "split == 'test' and label in ['Walking', 'Running']"],
  ["motions", "index_within_split < 10 and label == 'Standing'"],
  ["motions", "between(instance_index, 10, 19) or label != 'Badminton'"],
  ["motionTime", "time_s >= 2.5 and time_s < 5"],
  ["motionTime", "time_s * 10 == 3"],
  ["motionChannels", "sensor == 'gyroscope' and axis_guess != 'z'"],
  ["epochs", "rt_ms.isnull()"],
  ["epochs", "lock_position == 1 and rt_ms < 400"],
  ["epochs", "rt_ms > 500 or rt_ms.isnull()"],
  ["epochs", "n_events_in_epoch > 2 and not (lock_position == 2)"],
  ["epochs", "between(rt_ms, 350, 450)"],
  ["eegTime", "-200 <= time_ms <= 0"],
  ["eegChannels", "type == 'EOG'"],
  ["eegChannels", "theta < 0 and radius > 0.4"],
  ["eegChannels", "Z > 50 or X.isnull()"],
  ["eegChannels", "not (theta >= 0)"],
  ["eegChannels", "sph_phi != 0"],
];

let connection: DuckDBConnection;
const tables = {} as Record<Name, MetaTable>;

/** Adds the same derived boolean columns to our covid table and to DuckDB's. */
async function addBooleans(): Promise<void> {
  const covid = tables.covid;
  const icu = covid.typedColumn("ICU", "int32").values;
  const ards = covid.typedColumn("ARDS", "string");
  tables.covid = covid
    .withColumn(
      "in_icu",
      columnFromCells(
        "boolean",
        Array.from(icu, (v) => v === 1),
      ),
    )
    .withColumn(
      "had_ards",
      columnFromCells(
        "boolean",
        ards.values.map((v, i) => (ards.valid?.[i] === 0 ? null : v === "Yes")),
      ),
    );
  await connection.run(
    `ALTER TABLE covid ADD COLUMN in_icu BOOLEAN; UPDATE covid SET in_icu = ("ICU" = 1);
     ALTER TABLE covid ADD COLUMN had_ards BOOLEAN;
     UPDATE covid SET had_ards = CASE "ARDS" WHEN 'Yes' THEN TRUE WHEN 'No' THEN FALSE END;`,
  );
}

beforeAll(async () => {
  connection = await openDuckDb();
  for (const [name, { file, types }] of Object.entries(FILES) as [Name, (typeof FILES)[Name]][]) {
    const path = join(FIXTURES, file);
    tables[name] = await readCsvFile(path, { types: { ...types } });
    await loadCsv(connection, name, path, tables[name]);
  }
  await addBooleans();
});

afterAll(() => connection?.closeSync());

describe("the same data on both sides", () => {
  it.each(Object.keys(FILES) as Name[])(
    "DuckDB reads %s with the same rows in the same order",
    async (name) => {
      const ids = tables[name].typedColumn("id", "string").values;
      expect(await duckDbColumn(connection, name, "id")).toEqual(ids);
    },
  );

  it("has real nulls in the covid BMI and ARDS columns and in the EEG reaction times", () => {
    expect(Array.from(compileQuery("BMI.isnull()").rows(tables.covid)).length).toBe(92);
    expect(Array.from(compileQuery("had_ards.isnull()").rows(tables.covid)).length).toBe(100);
    expect(Array.from(compileQuery("rt_ms.isnull()").rows(tables.epochs)).length).toBe(6);
  });
});

describe("DuckDB agrees with the evaluator", () => {
  it.each(EXPRESSIONS)("on %s: %s", async (name, expression) => {
    const ours = Array.from(compileQuery(expression).rows(tables[name]));
    expect(await duckDbRows(connection, name, expression, tables[name])).toEqual(ours);
  });

  it("on expressions that mostly select some but not all rows", () => {
    const partial = EXPRESSIONS.filter(([name, expression]) => {
      const count = compileQuery(expression).rows(tables[name]).length;
      return count > 0 && count < tables[name].numRows;
    });
    expect(partial.length).toBeGreaterThanOrEqual(45);
  });
});
