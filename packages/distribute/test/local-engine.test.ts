/** The in-process engine: answers in task order through JSON, its failures as a remote engine's. */

import {
  ArgumentError,
  ConfigError,
  DataError,
  type EngineTask,
  isTensorToolsError,
  type RoundProgress,
  TaskError,
} from "@tt/schema";
import { describe, expect, it } from "vitest";
import { createLocalEngine } from "../src/index.js";

const tasks: EngineTask[] = [1, 2, 3, 4].map((value) => ({
  kind: "double",
  data: { value },
  label: `part ${value} of 4`,
}));

describe("createLocalEngine", () => {
  it("answers in task order, a few at once, with progress, through a JSON round trip", async () => {
    const seen: unknown[] = [];
    const engine = createLocalEngine(
      async (task) => {
        seen.push(task.data);
        const { value } = task.data as { value: number };
        await new Promise((resolve) => setTimeout(resolve, (5 - value) * 5));
        return { doubled: value * 2, at: new Date(0) } as never;
      },
      { concurrency: 2 },
    );
    const progress: RoundProgress[] = [];
    const answers = await engine.runRound(tasks, { onProgress: (p) => progress.push(p) });
    expect(answers).toEqual([2, 4, 6, 8].map((doubled) => ({ doubled, at: new Date(0).toJSON() })));
    expect(seen).toEqual(tasks.map((task) => task.data));
    expect(seen[0]).not.toBe(tasks[0]!.data);
    expect(progress.map((p) => p.done)).toEqual([1, 2, 3, 4]);
    expect(progress.every((p) => p.total === 4 && p.retried === 0)).toBe(true);
  });

  it("fails the round with a TaskError naming the task, the round and the handler's error", async () => {
    const bad = new DataError("s3://bucket/eeg", "holds another version of the dataset");
    const ran: string[] = [];
    const engine = createLocalEngine(async (task) => {
      ran.push(task.label!);
      if (task.label === "part 2 of 4") throw bad;
      return 0;
    });
    const failure = await engine.runRound(tasks, { name: "svd pass 3 of 7" }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(TaskError);
    expect(isTensorToolsError(failure, "task")).toBe(true);
    expect(failure).toMatchObject({
      engine: "in-process",
      task: "part 2 of 4",
      round: "svd pass 3 of 7",
      attempts: 1,
      reason: "s3://bucket/eeg: holds another version of the dataset",
      message:
        "in-process: task 'part 2 of 4' of round 'svd pass 3 of 7' failed after 1 attempt: " +
        "s3://bucket/eeg: holds another version of the dataset",
    });
    expect((failure as TaskError).cause).toBe(bad);
    // The tasks after the failed one do not run.
    expect(ran).toEqual(["part 1 of 4", "part 2 of 4"]);
  });

  it("names a task without a label by its kind and place, and a thrown value by its text", async () => {
    const engine = createLocalEngine(async () => {
      throw "no";
    });
    await expect(engine.runRound([{ kind: "sum", data: 1 }])).rejects.toThrow(
      new TaskError("in-process", "sum (task 1 of 1)", "no", { attempts: 1 }),
    );
  });

  it("is an ArgumentError after close, and refuses a concurrency that is not a positive integer", async () => {
    const engine = createLocalEngine(async () => 1);
    expect(await engine.runRound(tasks.slice(0, 1))).toEqual([1]);
    await engine.close();
    const closed = await engine.runRound(tasks).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(closed).toBeInstanceOf(ArgumentError);
    expect(closed).toMatchObject({
      parameter: "this",
      message: "runRound: the engine in-process is closed",
    });
    for (const concurrency of [0, 1.5, Number.NaN])
      expect(() => createLocalEngine(async () => 1, { concurrency })).toThrow(
        new ConfigError("concurrency", `must be a positive integer, got ${concurrency}`),
      );
  });
});
