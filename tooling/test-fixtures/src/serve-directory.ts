/**
 * A static file server for reading bundles and results over HTTP in tests. It runs on a worker
 * thread of its own, so that a reader that blocks its thread while it waits for an answer (HDF5
 * read in place over HTTP on Node) is served all the same.
 */

import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";

/** One request the server answered. */
export interface ServedRequest {
  readonly method: string;
  /** The decoded path, e.g. `/pca/manifest.json`. */
  readonly path: string;
  /** The `Range` header, when there was one. */
  readonly range: string | undefined;
  /** Bytes of the body sent. */
  readonly bytes: number;
}

/** A running server of a directory. */
export interface DirectoryServer {
  /** Its base URL, `http://127.0.0.1:<port>/`. */
  readonly url: string;
  /**
   * Every request so far as `<method> <decoded path>`, e.g. `GET /pca/manifest.json` (the same
   * array each time: `requests.length = 0` forgets those so far).
   */
  readonly requests: string[];
  /** Every request so far, with its range and the bytes sent (the same array each time). */
  readonly served: ServedRequest[];
  /** Stops the server. */
  close(): Promise<void>;
}

/** The server: logs each request on `log` before it answers it. */
const SERVER = `
const { workerData, parentPort } = require("node:worker_threads");
const { readFile, stat } = require("node:fs/promises");
const { createServer } = require("node:http");
const { join, normalize } = require("node:path");
const { root, log } = workerData;
const server = createServer(async (request, response) => {
  const pathname = decodeURIComponent(new URL(request.url || "/", "http://x").pathname);
  const path = normalize(join(root, pathname));
  const range = /^bytes=(\\d+)-(\\d+)$/.exec(request.headers.range || "");
  let status = 404;
  let body;
  let size = 0;
  try {
    const info = await stat(path);
    if (!info.isFile() || !path.startsWith(root)) throw new Error("not a file");
    const bytes = await readFile(path);
    size = bytes.length;
    body = range ? bytes.subarray(Number(range[1]), Number(range[2]) + 1) : bytes;
    status = range ? 206 : 200;
  } catch {}
  const sent = request.method === "HEAD" || body === undefined ? 0 : body.length;
  log.postMessage({ method: request.method, path: pathname, range: request.headers.range, bytes: sent });
  if (body === undefined) {
    response.writeHead(404);
    response.end();
    return;
  }
  response.writeHead(status, {
    "content-length": body.length,
    ...(range ? { "content-range": "bytes " + range[1] + "-" + range[2] + "/" + size } : {}),
  });
  response.end(request.method === "HEAD" ? undefined : body);
});
server.listen(0, "127.0.0.1", () => parentPort.postMessage(server.address().port));
parentPort.on("message", () => server.close(() => parentPort.postMessage("closed")));
`;

/**
 * Serves the files below `root` on 127.0.0.1 at a free port, from a worker thread, with single
 * byte ranges (`bytes=a-b`, answered 206); anything else that is not a file below `root` is a 404.
 */
export async function serveDirectory(root: string): Promise<DirectoryServer> {
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(SERVER, {
    eval: true,
    workerData: { root, log: port2 },
    transferList: [port2],
  });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  const served: ServedRequest[] = [];
  const requests: string[] = [];
  // The log is drained synchronously: a request answered is in it by the time its answer lands.
  const drain = () => {
    for (let m = receiveMessageOnPort(port1); m !== undefined; m = receiveMessageOnPort(port1)) {
      const request = m.message as ServedRequest;
      served.push(request);
      requests.push(`${request.method} ${request.path}`);
    }
  };
  return {
    url: `http://127.0.0.1:${port}/`,
    get requests() {
      drain();
      return requests;
    },
    get served() {
      drain();
      return served;
    },
    async close() {
      const closed = new Promise((resolve) => worker.once("message", resolve));
      worker.postMessage("close");
      await closed;
      port1.close();
      await worker.terminate();
    },
  };
}
