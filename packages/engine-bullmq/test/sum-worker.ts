/**
 * A worker process for the engine tests: sums the float64 values of each task (base64 in
 * `data.values`) after `data.delayMs`, reporting half-way progress; a task of kind `"fail"`
 * throws an Error, of kind `"bad-data"` a DataError and of kind `"lost-read"` an IoError. Prints
 * `ready` once connected and `started <label>` as it takes each task.
 *
 * Usage: `node --import tsx --conditions=@tt/source sum-worker.ts <redis url> <queue>`.
 */

import { DataError, IoError } from "@tt/schema";
import { startBullmqWorker } from "../src/index.js";

const [url, queue] = process.argv.slice(2);
if (url === undefined || queue === undefined) throw new Error("usage: sum-worker.ts <url> <queue>");

const worker = await startBullmqWorker({
  connection: url,
  queue,
  lockDurationMs: 3000,
  stalledIntervalMs: 1000,
  handler: async (task, onProgress) => {
    process.stdout.write(`started ${task.label}\n`);
    const { values, delayMs } = task.data as { values: string; delayMs: number };
    if (task.kind === "fail") throw new Error(`cannot sum ${task.label}: refused on purpose`);
    if (task.kind === "bad-data") throw new DataError(`${task.label}`, "not numbers, on purpose");
    if (task.kind === "lost-read")
      throw new IoError("s3://bucket/values", "the read failed on purpose", { code: "ECONNRESET" });
    const bytes = Buffer.from(values, "base64");
    const floats = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
    let sum = 0;
    for (const value of floats) sum += value;
    await new Promise((resolve) => setTimeout(resolve, delayMs / 2));
    onProgress(0.5);
    await new Promise((resolve) => setTimeout(resolve, delayMs / 2));
    return { sum, count: floats.length, pid: process.pid };
  },
});
process.stdout.write("ready\n");
process.once("SIGTERM", () => {
  worker.close().then(() => process.exit(0));
});
