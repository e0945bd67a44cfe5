/**
 * Synchronous HTTP requests on Node, for HDF5 files read in place over HTTP: HDF5 (h5wasm) reads
 * synchronously and Node's HTTP is asynchronous, so a worker thread makes each request with
 * `fetch` and hands the answer back through a message port, while this thread waits on a shared
 * counter (`Atomics.wait`) and takes the answer with `receiveMessageOnPort`.
 */

import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";
import { DataError } from "@tt/schema";
import type { RangeAnswer, SyncRequester } from "./range-source.js";

/** How long one request may take before it is a DataError (ms). */
const REQUEST_MS = 120_000;

/** The worker: answers `{ url, method, range }` messages with `{ status, headers, body }`. */
const WORKER = `
const { workerData } = require("node:worker_threads");
const { port, counter } = workerData;
port.on("message", async ({ url, method, range }) => {
  let reply;
  try {
    const response = await fetch(url, { method, headers: range ? { Range: range } : {} });
    const body = method === "GET" ? new Uint8Array(await response.arrayBuffer()) : new Uint8Array(0);
    reply = { status: response.status, headers: Object.fromEntries(response.headers), body };
  } catch (error) {
    reply = { error: String((error && error.cause && error.cause.message) || (error && error.message) || error) };
  }
  port.postMessage(reply, reply.body ? [reply.body.buffer] : []);
  Atomics.add(counter, 0, 1);
  Atomics.notify(counter, 0);
});
`;

interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: Uint8Array;
  error?: string;
}

/**
 * A requester whose requests run on a worker thread of its own (unreferenced: it keeps no process
 * alive); `close()` ends the thread.
 */
export function workerRequester(): SyncRequester & { close(): void } {
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { port: port2, counter },
    transferList: [port2],
  });
  worker.unref();
  port1.unref();
  const requester = (url: string, method: "HEAD" | "GET", range?: string): RangeAnswer => {
    const seen = Atomics.load(counter, 0);
    port1.postMessage({ url, method, range });
    const started = Date.now();
    for (;;) {
      const received = receiveMessageOnPort(port1);
      if (received !== undefined) return answerOf(url, received.message as Reply);
      const left = REQUEST_MS - (Date.now() - started);
      if (left <= 0) throw new DataError(url, `gave no answer to ${method} in ${REQUEST_MS} ms`);
      Atomics.wait(counter, 0, seen, left);
    }
  };
  return Object.assign(requester, { close: () => void worker.terminate() });
}

function answerOf(url: string, reply: Reply): RangeAnswer {
  if (reply.error !== undefined) throw new DataError(url, `cannot be read: ${reply.error}`);
  const headers = reply.headers ?? {};
  return {
    status: reply.status!,
    header: (name) => headers[name.toLowerCase()] ?? null,
    body: reply.body ?? new Uint8Array(0),
  };
}
