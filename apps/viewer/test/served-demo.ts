/**
 * The end-to-end setting: the demo's bundles written by the built `tt`, served with the built
 * viewer by `tt serve --viewer` (with a catalog when asked), and what the library itself says
 * about them.
 */

import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import {
  type DecompositionResult,
  joinResult,
  openDataset,
  openResult,
  type TensorView,
} from "tensortools";

/** The built viewer and command line; `pnpm test` builds both before the tests run. */
export const VIEWER_DIST = resolve(import.meta.dirname, "../dist");
export const TT = resolve(import.meta.dirname, "../../cli/dist/tt.js");

/** A running `tt serve` of a fresh demo, and the library's view of the same bundles. */
export interface ServedDemo {
  /** The viewer's URL, as `tt serve` prints it. */
  readonly viewerUrl: string;
  /** The result, read with the library. */
  readonly result: DecompositionResult;
  /** The joined dataset restricted to the result's instances: what the viewer queries. */
  readonly view: TensorView;
  /** The folder the demo was written to (removed by `stop`). */
  readonly dir: string;
  /** The catalog file the server reads lineage from, when one was asked for. */
  readonly catalog: string | undefined;
  /** Stops the server and removes the demo. */
  stop(): Promise<void>;
}

/** Fails with a clear message when a build output the tests need is missing. */
export function assertBuilt(): void {
  for (const [path, what] of [
    [join(VIEWER_DIST, "index.html"), "apps/viewer"],
    [TT, "apps/cli"],
  ] as const)
    if (!existsSync(path))
      throw new Error(`${path} is missing: build ${what} first (npx -y pnpm@10 build)`);
}

/** Runs the built `tt` to completion, failing with its stderr when it fails. */
export function runTt(args: string[]): Promise<void> {
  return new Promise((done, fail) => {
    execFile(process.execPath, [TT, ...args], (error, _stdout, stderr) =>
      error ? fail(new Error(`tt ${args.join(" ")} failed: ${stderr}`)) : done(),
    );
  });
}

/** The `viewer: <url>` line of the PCA result that `tt serve` prints on stdout. */
function viewerUrlOf(child: ChildProcess): Promise<string> {
  return new Promise((done, fail) => {
    let text = "";
    child.stdout!.on("data", (chunk) => {
      text += chunk;
      const match = /^viewer: (\S+&result=\S+\/pca\/) /m.exec(text);
      if (match) done(match[1]!);
    });
    child.once("exit", (code) => fail(new Error(`tt serve exited with ${code}: ${text}`)));
  });
}

/** What to add to the demo before serving it. */
export interface DemoOptions {
  /**
   * Pyramids of the dataset for the ERP image (`tt pyramid`): one in the stored order, and one
   * sorted by each column named here (a column of the PCA result's instance table, `--from`).
   */
  pyramids?: { sortedBy: readonly string[] };
  /**
   * A catalog (in a folder of its own) holding the dataset and the PCA result as `demo/dataset`
   * and `demo/pca` (`tt catalog register`), passed to `tt serve` as `TT_CATALOG`.
   */
  catalog?: boolean;
}

/** A catalog holding the demo's dataset and PCA result: its path. */
async function registerDemo(dir: string): Promise<string> {
  const catalog = join(mkdtempSync(join(tmpdir(), "tt-viewer-catalog-")), "catalog.db");
  for (const name of ["dataset", "pca"])
    await runTt([
      "catalog",
      "register",
      join(dir, name),
      "--key",
      `demo/${name}`,
      "--catalog",
      catalog,
      "--quiet",
    ]);
  return catalog;
}

/** Writes a demo (3 recordings x 200 events), serves it with the viewer and opens it with the library. */
export async function serveDemo(options: DemoOptions = {}): Promise<ServedDemo> {
  assertBuilt();
  const dir = mkdtempSync(join(tmpdir(), "tt-viewer-"));
  await runTt(["demo", dir, "--recordings", "3", "--events", "200", "--quiet"]);
  if (options.pyramids !== undefined) {
    await runTt(["pyramid", join(dir, "dataset"), "--quiet"]);
    for (const column of options.pyramids.sortedBy)
      await runTt([
        "pyramid",
        join(dir, "dataset"),
        "--sort-by",
        column,
        "--from",
        join(dir, "pca"),
        "--quiet",
      ]);
  }
  const catalog = options.catalog === true ? await registerDemo(dir) : undefined;
  const child = spawn(
    process.execPath,
    [TT, "serve", dir, "--viewer", VIEWER_DIST, "--port", "0"],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, TT_CATALOG: catalog ?? "" } },
  );
  const viewerUrl = await viewerUrlOf(child);
  const dataset = await openDataset(join(dir, "dataset"));
  const result = await openResult(join(dir, "pca"));
  const ids = result.factorTables.instance!.column("instance_id").values as string[];
  const view = joinResult(dataset, result).filter("instance", ids);
  return {
    viewerUrl,
    dir,
    catalog,
    result,
    view,
    async stop() {
      const exited = new Promise((done) => child.once("exit", done));
      child.kill("SIGINT");
      await exited;
      rmSync(dir, { recursive: true, force: true });
      if (catalog !== undefined) rmSync(dirname(catalog), { recursive: true, force: true });
    },
  };
}
