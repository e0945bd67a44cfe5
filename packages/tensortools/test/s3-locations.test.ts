/**
 * `s3://` locations on Node, against a local S3-compatible server (s3rver on 127.0.0.1) named by
 * the standard AWS environment variables: writeDataset -> openDataset -> decompose -> writeResult
 * -> openResult -> reopenInput through a bucket, the same numbers as through directories, the
 * dataset's location kept as the s3:// URL, unsigned reads, and the writes' refusals.
 */

import { join } from "node:path";
import { openCatalog } from "@tt/catalog";
import { PINS_PREFIX } from "@tt/storage";
import {
  EEG_INDEX_COLUMNS,
  eegTensor,
  S3_CREDENTIALS,
  type S3Server,
  startS3Server,
} from "@tt/test-fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AlreadyExistsError,
  bundleStoreAt,
  ConfigError,
  type DecompositionResult,
  decompose,
  openDataset,
  openInstances,
  openResult,
  reopenInput,
  UnsupportedError,
  writeDataset,
  writeResult,
} from "../src/index.js";
import { s3StoreAt } from "../src/s3-locations.js";
import { scratchDirectory } from "./helpers.js";
import { withInstanceParts } from "./parts-helpers.js";

const QUERY = "lock_position == 1";
const VARIABLES = [
  "AWS_ENDPOINT_URL_S3",
  "AWS_ENDPOINT_URL",
  "AWS_REGION",
  "AWS_DEFAULT_REGION",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
];
const saved = new Map(VARIABLES.map((name) => [name, process.env[name]]));
let server: S3Server;

/** Names the server and its credentials in the AWS variables (or no credentials: unsigned). */
function useServer(signed = true): void {
  for (const name of VARIABLES) delete process.env[name];
  process.env.AWS_ENDPOINT_URL_S3 = server.endpoint;
  if (!signed) return;
  process.env.AWS_ACCESS_KEY_ID = S3_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = S3_CREDENTIALS.secretAccessKey;
}

beforeAll(async () => {
  server = await startS3Server();
  useServer();
});
afterAll(async () => {
  for (const [name, value] of saved)
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  await server.close();
});

/** The factor tables and components of `result`, as plain values. */
function numbersOf(result: DecompositionResult) {
  return {
    factors: Object.fromEntries(
      Object.entries(result.factorTables).map(([name, table]) => [name, table.toRecords()]),
    ),
    components: Object.fromEntries(
      Object.entries(result.componentTensors).map(([name, tensor]) => [
        name,
        Array.from(tensor.data as Float64Array),
      ]),
    ),
    diagnostics: result.diagnostics,
  };
}

describe("a dataset and its result in a bucket", () => {
  const dir = scratchDirectory("tt-s3-");

  it("round trip through s3:// locations gives the numbers of the round trip through directories", async () => {
    const tensor = await eegTensor();
    const written = await writeDataset("s3://test-bucket/eeg", tensor, {
      axisIndexColumns: EEG_INDEX_COLUMNS,
    });
    expect(written.version).toBe(1);
    const dataset = await openDataset("s3://test-bucket/eeg");
    expect(dataset.location).toBe("s3://test-bucket/eeg/");
    expect(dataset.shape).toEqual([80, 384, 32]);
    const result = await decompose(dataset.query("epoch", QUERY), "pca", { rank: 3 });
    expect(result.inputRef.dataset?.location).toBe("s3://test-bucket/eeg/");
    await writeResult("s3://test-bucket/results/eeg-pca", result);
    const reopened = await openResult("s3://test-bucket/results/eeg-pca");
    expect(reopened.inputRef).toEqual(result.inputRef);

    // A result made in the write, its instance table written in parts under the prefix.
    let prefix: string | undefined;
    const inParts = await writeResult(
      "s3://test-bucket/results/eeg-pca-parts",
      async (location) => {
        prefix = location;
        const n = result.inputRef.n_instances;
        return withInstanceParts(await s3StoreAt(location), result, [n - 7, 7]);
      },
    );
    expect(prefix).toBe("s3://test-bucket/results/eeg-pca-parts/");
    expect(inParts.files.factor_table_parts?.instance).toHaveLength(2);
    const joined = await openResult("s3://test-bucket/results/eeg-pca-parts");
    expect(joined.factorTables.instance!.toRecords()).toEqual(
      result.factorTables.instance!.toRecords(),
    );

    await writeDataset(join(dir, "eeg"), tensor, { axisIndexColumns: EEG_INDEX_COLUMNS });
    const local = await decompose(
      (await openDataset(join(dir, "eeg"))).query("epoch", QUERY),
      "pca",
      {
        rank: 3,
      },
    );
    await writeResult(join(dir, "eeg-pca"), local);
    const localResult = await openResult(join(dir, "eeg-pca"));
    expect(numbersOf(reopened)).toEqual(numbersOf(localResult));
    expect(reopened.inputRef.ids_hash).toBe(localResult.inputRef.ids_hash);

    // A later process reopens the input from the location the result recorded.
    const view = await reopenInput(reopened);
    expect(view.shape).toEqual([localResult.inputRef.n_instances, 384, 32]);
    expect(view.ids("epoch")).toEqual(
      (await openDataset(join(dir, "eeg"))).query("epoch", QUERY).ids("epoch"),
    );
    const reader = await openInstances("s3://test-bucket/eeg");
    const ids = dataset.ids("epoch")!;
    const { ids: got } = await reader.getMany([ids[4]!, ids[0]!]);
    expect(got).toEqual([ids[4], ids[0]]);
    await reader.close();
  });

  it("reads unsigned without credentials (a public bucket), and writes a next version with overwrite", async () => {
    const tensor = await eegTensor();
    await writeDataset("s3://test-bucket/public/eeg", tensor, {
      axisIndexColumns: EEG_INDEX_COLUMNS,
    });
    useServer(false);
    try {
      const opened = await openDataset("s3://test-bucket/public/eeg");
      const rows = await opened.slice("epoch", 2, 3).materialize();
      expect(Array.from(rows.data as Float32Array).slice(0, 5)).toEqual(
        Array.from(tensor.data as Float32Array).slice(2 * 384 * 32, 2 * 384 * 32 + 5),
      );
    } finally {
      useServer();
    }
    const again = await writeDataset("s3://test-bucket/public/eeg", tensor, {
      axisIndexColumns: EEG_INDEX_COLUMNS,
      overwrite: true,
      graceMs: 0,
    });
    expect(again.version).toBe(2);
    expect((await openDataset("s3://test-bucket/public/eeg")).manifest.version).toBe(2);
  });
});

describe("what an s3:// write refuses, and malformed locations", () => {
  const catalogDirectory = scratchDirectory("tt-s3-catalog-");

  it("a dataset over a dataset without overwrite, over a result, or over other objects; a result over anything", async () => {
    const tensor = await eegTensor();
    const options = { axisIndexColumns: EEG_INDEX_COLUMNS };
    await writeDataset("s3://test-bucket/refusals/eeg", tensor, options);
    await expect(writeDataset("s3://test-bucket/refusals/eeg", tensor, options)).rejects.toThrow(
      new AlreadyExistsError(
        "s3://test-bucket/refusals/eeg/",
        "s3://test-bucket/refusals/eeg/ already holds a dataset; pass overwrite: true to replace it",
      ),
    );
    const result = await decompose(await openDataset("s3://test-bucket/refusals/eeg"), "pca", {
      rank: 2,
    });
    await expect(writeResult("s3://test-bucket/refusals/eeg", result)).rejects.toThrow(
      "s3://test-bucket/refusals/eeg/ holds a dataset, not a result; a result does not replace it",
    );
    await writeResult("s3://test-bucket/refusals/pca", result);
    await expect(writeResult("s3://test-bucket/refusals/pca", result)).rejects.toThrow(
      "s3://test-bucket/refusals/pca/ already holds a result; write to a new prefix",
    );
    await expect(
      writeResult("s3://test-bucket/refusals/pca", result, { overwrite: true }),
    ).rejects.toThrow(UnsupportedError);
    await expect(
      writeDataset("s3://test-bucket/refusals/pca", tensor, { ...options, overwrite: true }),
    ).rejects.toThrow("s3://test-bucket/refusals/pca/ holds a result, not a dataset");
    const other = await s3StoreAt("s3://test-bucket/refusals/notes");
    await other.set("readme.txt", new TextEncoder().encode("not a bundle"));
    for (const write of [
      () => writeDataset("s3://test-bucket/refusals/notes", tensor, options),
      () => writeResult("s3://test-bucket/refusals/notes", result),
    ])
      await expect(write()).rejects.toThrow(
        /^s3:\/\/test-bucket\/refusals\/notes\/ holds objects that are not a bundle's \('readme.txt'\)/,
      );
  });

  it("a write to an s3:// location with a catalog in use is recorded: its output and input registered at their s3:// locations", async () => {
    const catalogPath = join(catalogDirectory, "catalog.db");
    const tensor = await eegTensor();
    const options = { axisIndexColumns: EEG_INDEX_COLUMNS, catalog: catalogPath };
    await writeDataset("s3://test-bucket/catalogued/eeg/", tensor, options);
    const dataset = await openDataset("s3://test-bucket/catalogued/eeg");
    const result = await decompose(dataset.query("epoch", "rt_ms > 400"), "pca", { rank: 2 });
    await writeResult("s3://test-bucket/catalogued/pca", result, { catalog: catalogPath });
    const catalog = openCatalog(catalogPath, { openStore: bundleStoreAt });
    try {
      const eeg = catalog.resolve("s3://test-bucket/catalogued/eeg/");
      expect(eeg).toMatchObject({
        key: "s3/test-bucket/catalogued/eeg",
        kind: "dataset",
        version: 1,
        location: "s3://test-bucket/catalogued/eeg",
        nInstances: tensor.shape[0],
      });
      const pca = catalog.resolve("s3/test-bucket/catalogued/pca");
      expect(pca).toMatchObject({ kind: "result", location: "s3://test-bucket/catalogued/pca" });
      const [run] = catalog.runs(1);
      expect(run).toMatchObject({ transform: "writeResult", status: "done" });
      expect(run!.outputs).toEqual([{ key: "s3/test-bucket/catalogued/pca", version: 1 }]);
      // The result's lineage reaches the dataset in the bucket, with the view's query.
      const lineage = catalog.lineage("s3://test-bucket/catalogued/pca");
      expect(JSON.stringify(lineage)).toContain("s3/test-bucket/catalogued/eeg");
      expect(JSON.stringify(lineage)).toContain("rt_ms > 400");
      // No pin is written into the bucket (gc works on directories).
      const store = await s3StoreAt("s3://test-bucket/catalogued/eeg");
      const keys: string[] = [];
      for await (const key of store.list()) keys.push(key);
      expect(keys).toContain("manifest.json");
      expect(keys.filter((key) => key.startsWith(PINS_PREFIX))).toEqual([]);
    } finally {
      catalog.close();
    }
  });

  it("registering a URL without a store opener is a ConfigError that says how", async () => {
    const catalog = openCatalog(join(catalogDirectory, "plain.db"));
    try {
      await expect(catalog.register("s3://test-bucket/catalogued/eeg")).rejects.toThrow(
        "s3://test-bucket/catalogued/eeg is a URL: the catalog registers bundles there only when opened with an openStore option",
      );
    } finally {
      catalog.close();
    }
  });

  it("a malformed s3:// location is a ConfigError naming it, for opens and writes", async () => {
    const tensor = await eegTensor();
    for (const run of [
      () => openDataset("s3://Not_A_Bucket/eeg"),
      () => openResult("s3://Not_A_Bucket/eeg"),
      () => writeDataset("s3://Not_A_Bucket/eeg", tensor),
      () => openInstances("s3://Not_A_Bucket/eeg"),
    ]) {
      const error = await run().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(
        /^config 'location': "s3:\/\/Not_A_Bucket\/eeg" is not an S3 location \(s3:\/\/<bucket>\/<prefix>\): 'Not_A_Bucket' is not a bucket name/,
      );
    }
    await expect(openDataset("s3:/test-bucket/eeg")).rejects.toThrow(
      `"s3:/test-bucket/eeg" is not an S3 location (s3://<bucket>/<prefix>): it does not start with s3://`,
    );
  });
});
