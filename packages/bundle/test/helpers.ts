import { mkdtempSync, rmSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join, normalize } from "node:path";
import { type AxisAnnotatedTensor, columnFromCells, createTensor, MetaTable } from "@tt/schema";

/** A small realistic tensor: instance x sample x channel with metadata on every axis. */
export function sampleTensor(instances = 10, samples = 7, channels = 3): AxisAnnotatedTensor {
  const data = new Float32Array(instances * samples * channels);
  for (let i = 0; i < instances; i++) {
    for (let t = 0; t < samples; t++) {
      for (let c = 0; c < channels; c++) {
        data[(i * samples + t) * channels + c] =
          Math.sin(0.3 * t + c) * (1 + i / 10) + 0.01 * ((i * 31 + t * 7 + c) % 13);
      }
    }
  }
  const labels = ["target", "standard", "novel"];
  return createTensor({
    data,
    shape: [instances, samples, channels],
    axes: ["instance", "sample", "channel"],
    axisIndex: {
      instance: Array.from({ length: instances }, (_, i) => `rec01-e${String(i).padStart(3, "0")}`),
    },
    axisMeta: {
      instance: MetaTable.fromColumns({
        label: columnFromCells(
          "string",
          Array.from({ length: instances }, (_, i) => labels[i % 3]!),
        ),
        qc_pass: columnFromCells(
          "boolean",
          Array.from({ length: instances }, (_, i) => i % 4 !== 0),
        ),
        score: columnFromCells(
          "float64",
          Array.from({ length: instances }, (_, i) => (i % 5 === 0 ? null : i / instances)),
        ),
      }),
      sample: MetaTable.fromColumns({
        sample_id: columnFromCells(
          "int32",
          Array.from({ length: samples }, (_, t) => t),
        ),
        time_s: columnFromCells(
          "float64",
          Array.from({ length: samples }, (_, t) => t / 250),
        ),
      }),
      channel: MetaTable.fromColumns({
        channel_id: columnFromCells("string", ["Fz", "Cz", "Pz", "Oz", "T7"].slice(0, channels)),
      }),
    },
    attrs: { creator: "tests", sampling_rate_hz: 250 },
  });
}

/** A fresh temporary directory, removed by `cleanup`. */
export function temporaryDirectory(): { path: string; cleanup(): void } {
  const path = mkdtempSync(join(tmpdir(), "tt-bundle-"));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** A static file server on 127.0.0.1 with Range support, for reading bundles over HTTP. */
export async function serveDirectory(
  root: string,
): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server: Server = createServer(async (request, response) => {
    const path = normalize(
      join(root, decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname)),
    );
    requests.push(
      `${request.method} ${request.url}${request.headers.range ? ` ${request.headers.range}` : ""}`,
    );
    try {
      const info = await stat(path);
      if (!info.isFile() || !path.startsWith(root)) throw new Error("not a file");
      const bytes = await readFile(path);
      const range = /^bytes=(\d+)-(\d+)$/.exec(request.headers.range ?? "");
      if (range) {
        const body = bytes.subarray(Number(range[1]), Number(range[2]) + 1);
        response.writeHead(206, {
          "content-length": body.length,
          "content-range": `bytes ${range[1]}-${range[2]}/${bytes.length}`,
        });
        response.end(request.method === "HEAD" ? undefined : body);
      } else {
        response.writeHead(200, { "content-length": bytes.length });
        response.end(request.method === "HEAD" ? undefined : bytes);
      }
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
