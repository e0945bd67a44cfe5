/**
 * `tt import --h5`: the EEG epochs as an HDF5 file (written here by h5wasm), linked in place or
 * copied into Zarr, with CSV and Parquet metadata; then `tt info`, `query`, `decompose`, `verify`
 * and `gc` on the linked bundle, a changed file refused in the command's words, and each bad
 * argument named.
 */

import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import h5wasm from "h5wasm/node";
import { readNpyFile } from "tensortools";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, removeTempDirs, tempDir, tt } from "./helpers.js";

const EEG = join(FIXTURES, "eeglab_epochs");
let dir: string;
let h5: string;
let epochsParquet: string;
let fromNpy: string;

/** Writes the EEG epochs as `/eeg/epochs` of a new HDF5 file at `path`, chunked by 8 epochs. */
async function writeEegHdf5(path: string): Promise<void> {
  const { data, shape } = await readNpyFile(join(EEG, "tensor.npy"));
  await h5wasm.ready;
  const file = new h5wasm.File(path, "w");
  try {
    file.create_group("eeg");
    (file.get("eeg") as InstanceType<typeof h5wasm.Group>).create_dataset({
      name: "epochs",
      data: data as Float32Array,
      shape,
      chunks: [8, ...shape.slice(1)],
    });
  } finally {
    file.close();
  }
}

/** The arguments of `tt import --h5` of the EEG epochs with their metadata. */
const eegArguments = (source: string) => [
  "import",
  "--h5",
  `${source}:/eeg/epochs`,
  "--axes",
  "epoch,time,channel",
  "--meta",
  `epoch=${epochsParquet}`,
  "--id",
  "epoch=id",
  "--meta",
  `channel=${join(EEG, "axis2_channels.csv")}`,
  "--id",
  "channel=id",
];

beforeAll(async () => {
  dir = tempDir();
  h5 = join(dir, "recordings.h5");
  await writeEegHdf5(h5);
  // The same epochs from numpy and CSV: the reference, and a Parquet epoch table to import.
  fromNpy = join(dir, "from-npy");
  const run = await tt([
    "import",
    "--npy",
    join(EEG, "tensor.npy"),
    "--axes",
    "epoch,time,channel",
    "--meta",
    `epoch=${join(EEG, "axis0_epochs.csv")}`,
    "--id",
    "epoch=id",
    "--meta",
    `channel=${join(EEG, "axis2_channels.csv")}`,
    "--id",
    "channel=id",
    fromNpy,
  ]);
  expect(run.code, run.stderr).toBe(0);
  const meta = readdirSync(join(fromNpy, "meta")).find((name) => name.startsWith("epoch."))!;
  epochsParquet = join(dir, "epochs.parquet");
  copyFileSync(join(fromNpy, "meta", meta), epochsParquet);
}, 120_000);

afterAll(removeTempDirs);

/** `tt decompose <bundle> -m pca -k 3` as JSON. */
async function pca(bundle: string, out: string, extra: string[] = []) {
  const run = await tt([
    "decompose",
    bundle,
    "-m",
    "pca",
    "-k",
    "3",
    "-o",
    out,
    "--json",
    ...extra,
  ]);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout);
}

describe("tt import --h5 --link", () => {
  let linked: string;
  beforeAll(async () => {
    linked = join(dir, "linked");
    const run = await tt([...eegArguments(h5), "--link", linked]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      `linked ${linked}: epoch 80 x time 384 x channel 32, float32, read in place from ${h5}:/eeg/epochs`,
    );
  }, 60_000);

  it("makes a bundle that info, query and decompose read as the copy from numpy", async () => {
    expect(statSync(join(linked, "arrays/recordings.h5")).ino).toBe(statSync(h5).ino);
    const info = JSON.parse((await tt(["info", linked, "--json"])).stdout);
    expect(info.shape).toEqual([80, 384, 32]);
    expect(info.array_store).toEqual({
      path: "arrays/recordings.h5",
      plugin: "hdf5",
      in_place: true,
      options: {
        dataset: "/eeg/epochs",
        axis_order: "hdf5",
        dimension_names: ["epoch", "time", "channel"],
      },
    });
    expect((await tt(["info", linked])).stdout).toContain(
      "read in place from arrays/recordings.h5:/eeg/epochs (hdf5), never copied; tt verify compares it",
    );
    const count = await tt([
      "query",
      linked,
      "rt_ms > 400 and lock_event_type == 'square'",
      "--count",
    ]);
    expect(count.stdout.trim()).toBe(
      (
        await tt(["query", fromNpy, "rt_ms > 400 and lock_event_type == 'square'", "--count"])
      ).stdout.trim(),
    );
    const config = join(dir, "streamed.json");
    writeFileSync(config, JSON.stringify({ memory_budget: 1_000_000 }));
    const streamed = await pca(linked, join(dir, "pca-linked"), ["--config", config]);
    const reference = await pca(fromNpy, join(dir, "pca-npy"));
    expect(streamed.diagnostics.in_memory).toBe(false);
    const ratios = streamed.diagnostics.explained_variance_ratio as number[];
    for (const [k, ratio] of ratios.entries())
      expect(ratio).toBeCloseTo(reference.diagnostics.explained_variance_ratio[k], 6);
  });

  it("is verified with its HDF5 file, and gc leaves the file", async () => {
    const verify = await tt(["verify", linked]);
    expect(verify.code, verify.stdout).toBe(0);
    expect(verify.stdout).toContain("every file is whole");
    const gc = await tt(["gc", linked, "--grace", "0"]);
    expect(gc.code).toBe(0);
    expect(statSync(join(linked, "arrays/recordings.h5")).nlink).toBe(2);
  });

  it("refuses the bundle once the file changed, in the command's words", async () => {
    const file = join(dir, "changing.h5");
    copyFileSync(h5, file);
    const bundle = join(dir, "changing");
    expect((await tt([...eegArguments(file), "--link", bundle])).code).toBe(0);
    utimesSync(file, new Date(), new Date(statSync(file).mtimeMs + 60_000));
    const query = await tt(["query", bundle, "rt_ms > 400", "--count"]);
    expect(query.code).toBe(1);
    expect(query.stderr).toContain(
      "arrays/changing.h5, a file the bundle reads in place, was modified at",
    );
    expect(query.stderr).toContain(
      "tt verify <bundle> compares its bytes, and tt import --h5 FILE:/PATH --link --overwrite <bundle> links it anew",
    );
    expect(query.stderr).toContain("the HDF5 file changed after it was linked");
    const verify = await tt(["verify", bundle]);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain("arrays/changing.h5 was modified at");
    expect(verify.stdout).toContain("its bytes are the same (SHA-256 matches)");
  });
});

describe("tt import --h5 (copy)", () => {
  it("copies into a Zarr bundle; without --axes the file's axis names, ids the positions", async () => {
    const out = join(dir, "copied");
    const run = await tt(["import", "--h5", h5, out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      "note: axes are dim_0, dim_1, dim_2 (the file's; name them with --axes)",
    );
    expect(run.stderr).toContain(
      "note: no metadata for axis 'dim_0'; its ids are the positions 0..79",
    );
    expect(run.stderr).toContain(
      `wrote ${out}: dim_0 80 x dim_1 384 x dim_2 32, float32, copied from ${h5}:/eeg/epochs`,
    );
    const info = JSON.parse((await tt(["info", out, "--json"])).stdout);
    expect(info.shape).toEqual([80, 384, 32]);
    expect(readdirSync(join(out, "arrays")).some((name) => name.endsWith(".h5"))).toBe(false);
  });

  it("reads a MATLAB v7.3 variable in MATLAB's axis order", async () => {
    const out = join(dir, "matlab");
    const mat = join(FIXTURES, "hdf5/matlab-v7.3.mat");
    const run = await tt([
      "import",
      "--h5",
      `${mat}:/X`,
      "--axis-order",
      "matlab",
      "--axes",
      "i,j,k",
      out,
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse((await tt(["info", out, "--json"])).stdout).shape).toEqual([4, 3, 2]);
  });
});

describe("tt import --h5 names what is wrong", () => {
  it.each([
    [["--h5", "H5:/eeg/nothing"], 1, "/eeg/nothing"],
    [
      ["--h5", "H5:/eeg/epochs", "--axes", "a,b"],
      2,
      "has 3 dimensions (80 x 384 x 32) but --axes names 2",
    ],
    [
      ["--h5", "H5:/eeg/epochs", "--axis-order", "fortran"],
      2,
      "--axis-order is hdf5 or matlab, got 'fortran'",
    ],
    [["--h5", "H5", "--npy", "x.npy"], 2, "give --npy or --h5, not both"],
    [["--npy", "x.npy", "--axes", "a", "--link"], 2, "--link goes with --h5, not --npy"],
    [
      ["--h5", "H5", "--meta", "dim_9=x.csv"],
      2,
      "axis 'dim_9' is not one of the axes dim_0,dim_1,dim_2",
    ],
    [[], 2, "--npy or --h5 is required"],
    [["--h5", "NOWHERE.h5:/x"], 1, "no file"],
  ])("tt import %j", async (args, code, says) => {
    const run = await tt([
      "import",
      ...args.map((a) => a.replace(/^H5/, h5).replace("NOWHERE", join(dir, "nowhere"))),
      join(tempDir(), "out"),
    ]);
    expect(run.code, run.stderr).toBe(code);
    expect(run.stderr).toContain(says);
  });

  it("a Parquet --meta table without the --id column lists the columns that could be ids", async () => {
    const run = await tt([
      "import",
      "--h5",
      `${h5}:/eeg/epochs`,
      "--axes",
      "epoch,time,channel",
      "--meta",
      `epoch=${epochsParquet}`,
      "--id",
      "epoch=epoch_id",
      join(tempDir(), "out"),
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("--id epoch=epoch_id: epochs.parquet has no column 'epoch_id'");
    expect(run.stderr).toContain("pass --id epoch=id");
  });

  it.skipIf(!statSync("/dev/shm", { throwIfNoEntry: false })?.isDirectory())(
    "a file on another file system cannot be linked: the error says to copy instead",
    async () => {
      const other = mkdtempSync("/dev/shm/tt-cli-");
      try {
        const elsewhere = join(other, "recordings.h5");
        copyFileSync(h5, elsewhere);
        if (statSync(other).dev === statSync(dir).dev) return;
        const run = await tt([...eegArguments(elsewhere), "--link", join(dir, "elsewhere")]);
        expect(run.code).toBe(1);
        expect(run.stderr).toContain("the bundle must be on the same file system");
        expect(run.stderr).toContain("leave out --link to copy the data into a Zarr bundle");
      } finally {
        rmSync(other, { recursive: true, force: true });
      }
    },
  );
});

describe("tt import --h5 --sparse (a 10X matrix)", () => {
  const tenx = () => {
    const file = join(dir, "tenx.h5");
    copyFileSync(join(FIXTURES, "hdf5-sparse", "tenx.h5"), file);
    return file;
  };
  const tenxArguments = (file: string) => [
    "import",
    "--h5",
    `${file}:/matrix`,
    "--sparse",
    "columns",
    "--transpose",
    "--axes",
    "cell,gene",
    "--h5-column",
    "cell.barcode=/matrix/barcodes",
    "--h5-column",
    "gene.gene_id=/matrix/features/id",
    "--h5-column",
    "gene.gene_name=/matrix/features/name",
    "--id",
    "cell=barcode",
    "--id",
    "gene=gene_id",
  ];

  it("links the matrix cells first, keyed by its barcodes; query and decompose read it", async () => {
    const file = tenx();
    const linked = join(dir, "tenx-linked");
    const run = await tt([...tenxArguments(file), "--link", linked]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      `linked ${linked}: cell 11 x gene 8, int32, read in place from ${file}:/matrix`,
    );
    const query = await tt(["query", linked, "barcode == 'AAACCTGAG004-1'", "--json"]);
    expect(query.code, query.stderr).toBe(0);
    expect(query.stdout).toContain("AAACCTGAG004-1");
    const out = join(dir, "tenx-pca");
    const result = await pca(linked, out, ["-k", "2"]);
    expect(result).toBeDefined();
    const copied = join(dir, "tenx-copied");
    const copy = await tt([...tenxArguments(file), copied]);
    expect(copy.code, copy.stderr).toBe(0);
    expect(copy.stderr).toContain(`wrote ${copied}: cell 11 x gene 8, int32, copied from`);
  });

  it.each([
    [["--sparse", "diagonal"], "--sparse is rows (CSR) or columns (CSC), got 'diagonal'"],
    [["--transpose"], "--transpose goes with --sparse"],
    [["--sparse", "rows", "--axis-order", "matlab"], "--axis-order goes with dense datasets"],
    [["--sparse", "columns", "--h5-column", "cell=/x"], "--h5-column takes AXIS.COLUMN=/PATH"],
    [
      ["--sparse", "columns", "--h5-column", "nope.x=/matrix/barcodes"],
      "axis 'nope' is not one of",
    ],
  ])("refuses %j", async (extra, says) => {
    const run = await tt(["import", "--h5", `${tenx()}:/matrix`, ...extra, join(tempDir(), "out")]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(says);
  });
});
