/** A static file server for reading bundles and results over HTTP in tests. */

import { readFile, stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { join, normalize } from "node:path";

/** A running server of a directory. */
export interface DirectoryServer {
  /** Its base URL, `http://127.0.0.1:<port>/`. */
  readonly url: string;
  /** Every request so far as `<method> <decoded path>`, e.g. `GET /pca/manifest.json`. */
  readonly requests: string[];
  /** Stops the server. */
  close(): Promise<void>;
}

/**
 * Serves the files below `root` on 127.0.0.1 at a free port, with single byte ranges
 * (`bytes=a-b`, answered 206); anything else that is not a file below `root` is a 404.
 */
export async function serveDirectory(root: string): Promise<DirectoryServer> {
  const requests: string[] = [];
  const server: Server = createServer(async (request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname);
    const path = normalize(join(root, pathname));
    requests.push(`${request.method} ${pathname}`);
    try {
      const info = await stat(path);
      if (!info.isFile() || !path.startsWith(root)) throw new Error("not a file");
      const bytes = await readFile(path);
      const range = /^bytes=(\d+)-(\d+)$/.exec(request.headers.range ?? "");
      const body = range ? bytes.subarray(Number(range[1]), Number(range[2]) + 1) : bytes;
      response.writeHead(range ? 206 : 200, {
        "content-length": body.length,
        ...(range ? { "content-range": `bytes ${range[1]}-${range[2]}/${bytes.length}` } : {}),
      });
      response.end(request.method === "HEAD" ? undefined : body);
    } catch {
      response.writeHead(404);
      response.end();
    }
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}/`,
    requests,
    close: () => new Promise((done) => server.close(() => done())),
  };
}
