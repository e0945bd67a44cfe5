/** `tt serve <dir>`: serve bundles over HTTP on localhost, for the viewer and remote reads. */

import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { type Command, stringOption } from "../command.js";
import { EXIT, UsageError } from "../errors.js";
import { note, print, printJson } from "../output.js";
import { serveDirectory } from "../serve.js";

export const serveCommand: Command = {
  name: "serve",
  summary: "serve a folder of bundles over HTTP (byte ranges, CORS) until interrupted",
  usage: "serve <dir> [--port 8080] [--host 127.0.0.1] [--viewer DIR]",
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
      description: "interface to listen on (default 127.0.0.1)",
    },
    viewer: {
      type: "string",
      value: "DIR",
      description: "also serve this built viewer (apps/viewer/dist) at /viewer/",
    },
  },
  example: "tt serve ./demo --port 8080",
  async run(args, out) {
    const portText = stringOption(args, "port", "serve") ?? "8080";
    const port = Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError(`--port must be 0-65535, got '${portText}'`, "serve");
    const host = stringOption(args, "host", "serve") ?? "127.0.0.1";
    const viewer = stringOption(args, "viewer", "serve");
    if (viewer !== undefined && !existsSync(join(viewer, "index.html")))
      throw new UsageError(`--viewer ${viewer} has no index.html; build the viewer first`, "serve");
    const mounts: Record<string, string> = viewer === undefined ? {} : { "/viewer/": viewer };
    const server = await serveDirectory(args.positionals[0]!, port, host, mounts);
    const address = server.address() as AddressInfo;
    const url = `http://${host.includes(":") ? `[${host}]` : host}:${address.port}/`;
    const viewerUrl = viewer === undefined ? undefined : `${url}viewer/`;
    if (out.json) printJson(out, { url, root: args.positionals[0], viewer: viewerUrl ?? null });
    else print(out, url);
    if (viewerUrl !== undefined)
      note(out, `viewer: ${viewerUrl}?dataset=${url}dataset/&result=${url}pca/`);
    note(out, `serving ${args.positionals[0]} at ${url} (Ctrl-C stops)`);
    await new Promise<void>((done) => {
      const stop = () => server.close(() => done());
      if (out.signal?.aborted) stop();
      out.signal?.addEventListener("abort", stop, { once: true });
      process.once("SIGTERM", stop);
    });
    return EXIT.ok;
  },
};
