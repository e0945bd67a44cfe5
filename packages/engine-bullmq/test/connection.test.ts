/**
 * Mistakes and lost servers: wrong options and tasks (ConfigError, ArgumentError, before any
 * connection), a Redis that cannot be reached or that goes away mid-round (IoError).
 */

import { createServer } from "node:net";
import { ArgumentError, ConfigError, isTensorToolsError } from "@tt/schema";
import { describe, expect, it } from "vitest";
import { startRedisServer } from "../../../tooling/src/redis.js";
import { createBullmqEngine, startBullmqWorker } from "../src/index.js";

/** A port on 127.0.0.1 where nothing listens (it did a moment ago). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

describe("options", () => {
  it("refuse a connection that is not a Redis server, naming the field", () => {
    const cases: [unknown, string, string][] = [
      ["http://127.0.0.1:6379", "connection", "is a http: URL; expected redis://host:port"],
      ["127.0.0.1:6379", "connection", "expected redis://host:port"],
      ["not a url", "connection", "'not a url' is not a URL"],
      [{ port: 70_000 }, "connection.port", "must be a TCP port (1 to 65535), got 70000"],
      [{ db: -1 }, "connection.db", "must be a database number (0 or more), got -1"],
    ];
    for (const [connection, field, message] of cases) {
      const attempt = () => createBullmqEngine({ connection: connection as string });
      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(message);
      try {
        attempt();
      } catch (error) {
        expect(error).toMatchObject({ field });
      }
    }
  });

  it("refuse attempts, waits and worker settings out of range", () => {
    const connection = "redis://127.0.0.1:1";
    expect(() => createBullmqEngine({ connection, attempts: 0 })).toThrow(
      "config 'attempts': must be a positive integer, got 0",
    );
    expect(() => createBullmqEngine({ connection, backoffMs: -1 })).toThrow(
      "config 'backoffMs': must be a number of milliseconds (0 or more), got -1",
    );
    expect(() => createBullmqEngine({ connection, pollMs: Number.NaN })).toThrow(
      "config 'pollMs': must be a number of milliseconds (0 or more), got NaN",
    );
    const handler = async () => null;
    return Promise.all([
      expect(startBullmqWorker({ connection, handler, lockDurationMs: 0 })).rejects.toThrow(
        "config 'lockDurationMs': must be a positive number of milliseconds, got 0",
      ),
      expect(startBullmqWorker({ connection, handler, maxStalledCount: 0 })).rejects.toThrow(
        "config 'maxStalledCount': must be an integer of at least 1, got 0",
      ),
      expect(startBullmqWorker({ connection, handler, concurrency: 1.5 })).rejects.toThrow(
        ConfigError,
      ),
    ]);
  });

  it("name the engine by its server and queue, without credentials", async () => {
    const engine = createBullmqEngine({ connection: "redis://me:secret@127.0.0.1:1/2" });
    expect(engine.name).toBe("bullmq redis://127.0.0.1:1/2 queue tt-tasks");
    const fields = createBullmqEngine({ connection: { port: 1, password: "x" }, queue: "q" });
    expect(fields.name).toBe("bullmq redis://127.0.0.1:1 queue q");
    await Promise.all([engine.close(), fields.close()]);
  });
});

describe("runRound", () => {
  it("refuses tasks without a kind or with data JSON cannot carry, naming the task", async () => {
    const engine = createBullmqEngine({ connection: "redis://127.0.0.1:1" });
    await expect(engine.runRound([{ kind: "", data: 1 }])).rejects.toThrow(
      "runRound: tasks[0].kind must be a task kind",
    );
    const notJson = { kind: "sum", data: { values: [1, Number.NaN] } };
    await expect(engine.runRound([{ kind: "sum", data: 1 }, notJson])).rejects.toThrow(
      "runRound: tasks[1].data.values[1] cannot be sent as JSON",
    );
    await expect(engine.runRound([])).resolves.toEqual([]);
    await engine.close();
    await expect(engine.runRound([{ kind: "sum", data: 1 }])).rejects.toThrow(ArgumentError);
    await expect(engine.runRound([])).rejects.toThrow(
      "runRound: the engine bullmq redis://127.0.0.1:1 queue tt-tasks is closed",
    );
  });

  it("fails with an IoError naming the server when Redis cannot be reached", async () => {
    const port = await closedPort();
    const engine = createBullmqEngine({ connection: `redis://127.0.0.1:${port}`, timeoutMs: 500 });
    const failure = await engine.runRound([{ kind: "sum", data: 1 }]).catch((error) => error);
    await engine.close();
    expect(isTensorToolsError(failure, "io")).toBe(true);
    expect(failure).toMatchObject({ location: `redis://127.0.0.1:${port}`, code: "ECONNREFUSED" });
    expect(failure.message).toMatch(
      new RegExp(
        `^could not reach Redis at redis://127.0.0.1:${port} within 500 ms: .*ECONNREFUSED`,
      ),
    );
  });

  it("fails with an IoError when Redis goes away while the round waits", async () => {
    const redis = await startRedisServer((line) => console.log(line));
    const engine = createBullmqEngine({
      connection: redis.url,
      queue: "no-workers",
      timeoutMs: 1000,
      pollMs: 100,
    });
    const round = engine.runRound([{ kind: "sum", data: 1 }]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    redis.process.kill("SIGKILL");
    const failure = await round.catch((error) => error);
    await engine.close();
    await redis.stop();
    expect(isTensorToolsError(failure, "io")).toBe(true);
    expect(failure.location).toBe(redis.url);
    expect(failure.message).toMatch(new RegExp(`^Redis at ${redis.url} has not answered for`));
  });
});

describe("startBullmqWorker", () => {
  it("fails with an IoError naming the server when Redis cannot be reached", async () => {
    const port = await closedPort();
    const failure = await startBullmqWorker({
      connection: `redis://127.0.0.1:${port}`,
      handler: async () => null,
      timeoutMs: 500,
      onError: () => {},
    }).catch((error) => error);
    expect(isTensorToolsError(failure, "io")).toBe(true);
    expect(failure.message).toMatch(
      new RegExp(
        `^could not reach Redis at redis://127.0.0.1:${port} within 500 ms: .*ECONNREFUSED`,
      ),
    );
  });
});
