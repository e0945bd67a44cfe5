/** `tt serve <dir>`: serve bundles over HTTP on localhost, for the viewer and remote reads. */

import { stat } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import {
  type BundleSurvey,
  SEARCH_DEPTH,
  shown,
  surveyBundles,
  viewerUrl,
} from "../bundle-pairs.js";
import { type Command, type Parsed, stringOption } from "../command.js";
import { EXIT, InputError, UsageError } from "../errors.js";
import { checkCorsOrigin } from "../http/cors.js";
import { isLoopback } from "../http/loopback.js";
import { note, type Output, print, printJson } from "../output.js";
import { serveDirectory } from "../serve.js";

/** Fails with one line unless `path` is an existing folder. */
async function requireFolder(path: string, what: string): Promise<void> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT" || error.code === "ENOTDIR")
      throw new InputError(`no folder to serve at ${path}`, `check the ${what}`);
    throw error;
  });
  if (!info.isDirectory())
    throw new InputError(
      `${path} is a file; tt serve serves a folder (the one holding the bundles)`,
      `give the folder that holds ${path}`,
    );
}

/**
 * The catalog whose lineage the server answers: `--catalog FILE`, else `TT_CATALOG`; it must
 * exist (serving reads a catalog, and never creates an empty one by a typo).
 */
async function catalogOf(args: Parsed): Promise<string | undefined> {
  const option = args.values.catalog;
  if (option === "") throw new UsageError("--catalog needs the path of a catalog file", "serve");
  const path = typeof option === "string" ? option : process.env.TT_CATALOG || undefined;
  if (path === undefined) return undefined;
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile())
    throw new InputError(
      `no catalog at ${resolve(path)}`,
      "check --catalog or TT_CATALOG; tt catalog register <bundle> creates one",
    );
  return path;
}

/** The viewer's URL for each dataset/result pair under the served folder, and what has none. */
function printViewerLinks(out: Output, url: string, root: string, survey: BundleSurvey): void {
  for (const pair of survey.pairs)
    print(
      out,
      `viewer: ${viewerUrl(url, pair)}  (${shown(pair.result)}: ${pair.method} of ${shown(pair.dataset)}${pair.note === undefined ? "" : `; ${pair.note}`})`,
    );
  if (survey.pairs.length === 0)
    note(
      out,
      `no result beside its dataset under ${root} (searched ${SEARCH_DEPTH} levels deep): the viewer opens a dataset with a result computed from it; make one with tt decompose <dataset> --out ${root}/<name>`,
    );
  const alone = survey.datasetsWithoutResults;
  if (alone.length > 0)
    note(
      out,
      `${alone.length === 1 ? "dataset" : "datasets"} without a result here (tt decompose to browse in the viewer): ${alone.map(shown).join(", ")}`,
    );
  for (const dataset of survey.datasetsWithoutPyramids)
    note(
      out,
      `${shown(dataset)} has no pyramid, so the viewer cannot draw its ERP image: build one with tt pyramid ${join(root, dataset)}`,
    );
  for (const { result, reason } of survey.unpaired)
    note(out, `result ${shown(result)} is not offered: ${reason}`);
}

/** The command line's settings, checked: the folders exist, the port and origin are valid. */
async function serveSettings(args: Parsed) {
  const root = args.positionals[0]!;
  const portText = stringOption(args, "port", "serve") ?? "8080";
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535)
    throw new UsageError(`--port must be 0-65535, got '${portText}'`, "serve");
  const host = stringOption(args, "host", "serve") ?? "127.0.0.1";
  if (host === "") throw new UsageError("--host needs an address, e.g. 127.0.0.1", "serve");
  const corsText = stringOption(args, "cors", "serve");
  let cors: string | undefined;
  if (corsText !== undefined) {
    const checked = checkCorsOrigin(corsText);
    if ("error" in checked) throw new UsageError(checked.error, "serve");
    cors = checked.origin;
  }
  const viewer = stringOption(args, "viewer", "serve");
  await requireFolder(root, "path");
  const catalog = await catalogOf(args);
  if (viewer !== undefined) {
    await requireFolder(viewer, "--viewer folder");
    const index = await stat(join(viewer, "index.html")).catch(() => undefined);
    if (!index?.isFile())
      throw new UsageError(`--viewer ${viewer} has no index.html; build the viewer first`, "serve");
  }
  return { root, port, host, cors, viewer, catalog };
}

export const serveCommand: Command = {
  name: "serve",
  summary: "serve a folder of bundles over HTTP (byte ranges) on localhost until interrupted",
  usage: "serve <dir> [--port 8080] [--host 127.0.0.1] [--cors ORIGIN] [--viewer DIR]",
  positionals: { required: ["dir"] },
  options: {
    port: {
      type: "string",
      short: "p",
      value: "N",
      description: "port (default 8080; 0 picks a free one)",
    },
    host: {
      type: "string",
      value: "HOST",
      description: "interface to listen on (default 127.0.0.1: this machine only)",
    },
    cors: {
      type: "string",
      value: "ORIGIN",
      description: "let pages of this origin read the files (default: none; '*' for any)",
    },
    viewer: {
      type: "string",
      value: "DIR",
      description: "also serve this built viewer (apps/viewer/dist) at /viewer/",
    },
  },
  example: "tt serve ./demo --port 8080",
  notes: [
    "Serves GET, HEAD and OPTIONS of the files under <dir> (and --viewer's) with byte ranges, and\n" +
      "nothing else: symbolic links that lead out of the folder, dot segments and encoded\n" +
      "separators are refused. On 127.0.0.1 (the default) it answers only requests naming a\n" +
      "loopback host, so pages whose DNS name points at this machine cannot read it. Without\n" +
      "--cors, web pages of other origins cannot read the files; --cors '*' lets any page read them.",
    "With --catalog FILE or TT_CATALOG=FILE it also answers GET /.tt/lineage?path=<bundle>\n" +
      "[&direction=up|down] with the lineage of a bundle under <dir> that the catalog holds, as\n" +
      "JSON ({ text, mermaid, tree }; 404 for a bundle it does not hold), for the viewer.",
  ],
  async run(args, out) {
    const { root, viewer, ...settings } = await serveSettings(args);
    const { host, cors, catalog } = settings;
    const server = await serveDirectory({
      root,
      ...settings,
      mounts: viewer === undefined ? {} : { "/viewer/": viewer },
      onError: (error) =>
        out.stderr.write(`tt serve: ${error instanceof Error ? error.message : String(error)}\n`),
    });
    const address = server.address() as AddressInfo;
    const url = `http://${host.includes(":") ? `[${host}]` : host}:${address.port}/`;
    const viewerPage = viewer === undefined ? undefined : `${url}viewer/`;
    const survey = viewer === undefined ? undefined : await surveyBundles(root);
    if (out.json)
      printJson(out, {
        url,
        root,
        viewer: viewerPage ?? null,
        cors: cors ?? null,
        host,
        catalog: catalog === undefined ? null : resolve(catalog),
        ...(survey && {
          pairs: survey.pairs.map((pair) => ({ ...pair, viewer: viewerUrl(url, pair) })),
          datasets_without_results: survey.datasetsWithoutResults,
          datasets_without_pyramids: survey.datasetsWithoutPyramids,
          unpaired_results: survey.unpaired,
        }),
      });
    else print(out, url);
    // Warnings are not notes: --quiet does not hide them.
    if (!isLoopback(host))
      out.stderr.write(
        `warning: listening on ${host}: every machine that can reach this one can read the files under ${root}\n`,
      );
    if (cors === "*")
      out.stderr.write(
        `warning: --cors '*': any web page open in a browser on this machine can read the files under ${root} while the server runs\n`,
      );
    if (survey !== undefined && !out.json) printViewerLinks(out, url, root, survey);
    if (catalog !== undefined)
      note(out, `lineage of the bundles in ${resolve(catalog)}: ${url}.tt/lineage?path=<bundle>`);
    note(out, `serving ${root} at ${url} (Ctrl-C stops)`);
    await new Promise<void>((done) => {
      const stop = () => {
        server.close(() => done());
        server.closeAllConnections();
      };
      if (out.signal?.aborted) stop();
      out.signal?.addEventListener("abort", stop, { once: true });
      process.once("SIGTERM", stop);
    });
    return EXIT.ok;
  },
};
