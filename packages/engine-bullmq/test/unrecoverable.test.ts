/** Which errors of a task handler the worker lets BullMQ retry, and how it marks the others. */

import {
  ConfigError,
  ConflictError,
  DataError,
  IoError,
  MethodError,
  NotFoundError,
  TaskError,
} from "@tt/schema";
import { UnrecoverableError } from "bullmq";
import { describe, expect, it } from "vitest";
import { forQueue, isRetryable } from "../src/unrecoverable.js";

describe("errors of a task handler", () => {
  it.each([
    ["an IoError", new IoError("s3://b/k", "connection reset", { code: "ECONNRESET" })],
    ["a ConflictError", new ConflictError("/data/x", "another writer committed first")],
    ["a plain Error", new Error("out of memory")],
    ["a thrown string", "something odd"],
    [
      "a MethodError caused by an IoError",
      new MethodError("pca", "fit", "a read failed", { cause: new IoError("/x", "EIO") }),
    ],
  ])("%s is retried: the worker throws it as it is", (_, error) => {
    expect(isRetryable(error)).toBe(true);
    expect(forQueue(error)).toBe(error);
  });

  it.each([
    ["a DataError", new DataError("/data/x", "holds another version of the dataset")],
    ["a ConfigError", new ConfigError("task.kind", "'x' is not a task of a split fit")],
    ["a NotFoundError", new NotFoundError("/data/x", "no dataset at /data/x")],
    ["a TaskError", new TaskError("in-process", "partition 1 of 2", "failed")],
    [
      "a DataError caused by a plain Error",
      new DataError("/data/x", "not JSON", { cause: new SyntaxError("Unexpected token") }),
    ],
  ])(
    "%s fails at once: an UnrecoverableError with its message, stack, tag and itself as cause",
    (_, error) => {
      expect(isRetryable(error)).toBe(false);
      const thrown = forQueue(error) as UnrecoverableError & { tag: string };
      expect(thrown).toBeInstanceOf(UnrecoverableError);
      expect(thrown.name).toBe("UnrecoverableError");
      expect(thrown.message).toBe(error.message);
      expect(thrown.stack).toBe(error.stack);
      expect(thrown.stack).toMatch(new RegExp(`^${error.name}: `));
      expect(thrown.tag).toBe(error.tag);
      expect(thrown.cause).toBe(error);
    },
  );
});
