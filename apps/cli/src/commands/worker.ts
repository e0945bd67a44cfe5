/** `tt worker redis://host:port`: answer the partition tasks of split fits until stopped. */

import { startBullmqWorker } from "@tt/engine-bullmq";
import { partitionHandler } from "tensortools";
import { type Command, integerOption, stringOption } from "../command.js";
import { describeError, EXIT, UsageError } from "../errors.js";
import { note, type Output, print, printJson } from "../output.js";

/**
 * Writes a task's failure on stderr, even with --quiet: the engine's TaskError names the task and
 * the message, and its hint points here for the rest (the stack trace with --debug).
 */
function noteFailure(out: Output, label: string, took: string, error: unknown): void {
  const { line } = describeError(error, { name: "worker", options: {} });
  out.stderr.write(`task ${label}: failed after ${took}: ${line}\n`);
  if (out.debug && error instanceof Error && error.stack) out.stderr.write(`${error.stack}\n`);
}

export const workerCommand: Command = {
  name: "worker",
  summary: "work for split decompositions (tt decompose --engine): take partition tasks from Redis",
  usage: "worker <redis://host:port> [--queue NAME] [--threads N] [--concurrency N] [--lock-ms MS]",
  positionals: { required: ["engine"] },
  options: {
    queue: {
      type: "string",
      value: "NAME",
      description: "the queue's name, as tt decompose --queue has it (default tt-tasks)",
    },
    threads: {
      type: "string",
      value: "N",
      description: "threads of the numeric kernels per task (default: every core)",
    },
    concurrency: {
      type: "string",
      value: "N",
      description: "tasks this worker runs at once (default 1)",
    },
    "lock-ms": {
      type: "string",
      value: "MS",
      description:
        "how long a task stays this worker's without a renewal (default 30000): a worker that dies loses its task to another within about this",
    },
  },
  example: "tt worker redis://127.0.0.1:6379 --threads 2",
  notes: [
    "Runs until interrupted (Ctrl-C or SIGTERM), then finishes the task under way; notes each\n" +
      "task's start and end on stderr (not with --quiet), and a task's failure with its error\n" +
      "(also with --quiet; its stack trace with --debug). Workers\n" +
      "open the datasets of their tasks by location (a folder, an http(s) or s3:// URL, with\n" +
      "the AWS_* variables for S3), so every worker must reach them. A worker that dies\n" +
      "mid-task costs a retry of that task on another worker (BullMQ's stalled-job check), not\n" +
      "the fit.",
  ],
  async run(args, out) {
    const connection = args.positionals[0]!;
    if (!/^rediss?:\/\//.test(connection))
      throw new UsageError(`the engine must be a redis:// URL, got '${connection}'`, "worker");
    const threads = integerOption(args, "threads", "worker");
    const concurrency = integerOption(args, "concurrency", "worker");
    const queue = stringOption(args, "queue", "worker");
    const lockDurationMs = integerOption(args, "lock-ms", "worker");
    const handler = partitionHandler(threads === undefined ? {} : { kernels: { threads } });
    const worker = await startBullmqWorker({
      connection,
      handler: async (task, onProgress) => {
        const label = task.label ?? task.kind;
        note(out, `task ${label}: started`);
        const started = performance.now();
        const took = () => `${Math.round(performance.now() - started)} ms`;
        try {
          const answer = await handler.handle(task, onProgress);
          note(out, `task ${label}: done in ${took()}`);
          return answer;
        } catch (error) {
          noteFailure(out, label, took(), error);
          throw error;
        }
      },
      ...(queue !== undefined && { queue }),
      ...(concurrency !== undefined && { concurrency }),
      ...(lockDurationMs !== undefined && { lockDurationMs }),
    });
    if (out.json) printJson(out, { worker: worker.name, pid: process.pid });
    else print(out, `worker ${process.pid} ready: ${worker.name}`);
    await new Promise<void>((resolve) => {
      if (out.signal?.aborted) resolve();
      out.signal?.addEventListener("abort", () => resolve(), { once: true });
      process.once("SIGTERM", () => resolve());
    });
    note(out, "stopping: finishing the task under way");
    await worker.close();
    await handler.close();
    return EXIT.ok;
  },
};
