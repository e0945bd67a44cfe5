import { ConfigError, DataError, NotFoundError } from "tensortools";
import { describe, expect, it } from "vitest";
import { GLOBAL_OPTIONS } from "../src/command.js";
import { inCliWords, REWRITES } from "../src/error-words.js";
import { describeError } from "../src/errors.js";
import { COMMANDS } from "../src/main.js";
import { describeSystemError } from "../src/system-errors.js";

/** A Node.js system error as fs, dns and net make them. */
function systemError(code: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(`${code}: something`), { code, ...fields });
}

describe("library words in CLI words", () => {
  it("every rewrite names only options of the commands it applies to", () => {
    for (const rule of REWRITES)
      for (const name of rule.commands) {
        const command = COMMANDS.find((c) => c.name === name);
        expect(command, name).toBeDefined();
        for (const option of rule.options) expect(Object.keys(command!.options)).toContain(option);
      }
  });

  it.each([
    [
      "decompose",
      "/x already holds a result; pass overwrite: true to replace it",
      "/x already holds a result; pass --overwrite to replace it",
    ],
    [
      "concat",
      "config 'sourceIds': has 1 ids for 2 inputs; give one per input",
      "--source-ids has 1 ids for 2 inputs; give one per input",
    ],
    [
      "concat",
      "x: source ids must be unique: pass sourceIds to name the inputs",
      "x: source ids must be unique: pass --source-ids to name the inputs",
    ],
    [
      "concat",
      "config 'allowPrecisionLoss': a holds int64 values, and converting them to float64 can round them; pass allowPrecisionLoss: true to accept that",
      "a holds int64 values, and converting them to float64 can round them; pass --allow-precision-loss to accept that",
    ],
    [
      "concat",
      "config 'fillValue': the output is int32, which cannot hold NaN, and join \"outer\" leaves gaps; give a fillValue (the mask records the gaps)",
      "--fill-value: the output is int32, which cannot hold NaN, and --join outer leaves gaps; give --fill-value (the mask records the gaps)",
    ],
    [
      "concat",
      "b axis 'channel': has 3 elements but a has 4; axis 'channel' has no id column, so elements are matched by position: give align.channel to match them by a column",
      "b axis 'channel': has 3 elements but a has 4; axis 'channel' has no id column, so elements are matched by position: give --align channel=COLUMN to match them by a column",
    ],
    [
      "concat",
      "axis 'c': no element is in every input under join \"inner\" (matched by column 'id'; x); use join \"outer\" or align by another column",
      "axis 'c': no element is in every input under --join inner (matched by column 'id'; x); use --join outer or align by another column with --align AXIS=COLUMN",
    ],
    [
      "concat",
      "instance_id 'a/1': is made for an instance of x and of y; instance ids must be unique: use idScheme \"dataset\" or a function",
      "instance_id 'a/1': is made for an instance of x and of y; instance ids must be unique: name the inputs apart with --source-ids",
    ],
    [
      "scores",
      "the result's columns score_1 already exist in the 'instance' metadata; pass a prefix such as \"pca_\"",
      "the result's columns score_1 already exist in the 'instance' metadata; pass --prefix pca_",
    ],
    [
      "scores",
      '2 ids are not in the view: a, b; pass { missing: "ignore" } to skip them',
      "2 ids are not in the view: a, b; is --join the dataset the result was computed from?",
    ],
    [
      "decompose",
      '3 instance(s) have missing values (NaN or masked), first: a; set missing to "drop" or "mask" to fit anyway',
      '3 instance(s) have missing values (NaN or masked), first: a; set "missing": "drop" or "mask" in the --config file to fit anyway',
    ],
  ])("%s: %s", (command, library, cli) => {
    expect(inCliWords(library, command)).toBe(cli);
  });

  it("the hints of every command name only its options", () => {
    const errors = [
      new ConfigError("solver", "bad"),
      new NotFoundError("x", "no x"),
      new DataError("x", "bad"),
      Object.assign(new DataError("x", "exists"), { tag: "exists" }),
      Object.assign(new DataError("x", "task failed"), { tag: "task" }),
      systemError("EADDRINUSE", { syscall: "listen", address: "127.0.0.1", port: 80 }),
      systemError("EADDRNOTAVAIL", { syscall: "listen", address: "10.9.9.9", port: 80 }),
      systemError("EACCES", { syscall: "listen", address: "127.0.0.1", port: 80 }),
    ];
    for (const command of COMMANDS)
      for (const error of errors) {
        const { line, hint } = describeError(error, command);
        const named = [...`${line} ${hint}`.matchAll(/--([a-z][a-z-]*)/g)].map((m) => m[1]!);
        for (const option of named)
          expect(
            [...Object.keys(command.options), ...Object.keys(GLOBAL_OPTIONS)],
            `${command.name}: ${hint}`,
          ).toContain(option);
      }
  });
});

describe("a task that failed on a worker", () => {
  // tensortools does not export TaskError (isTensorToolsError(e, "task") finds it); only the tag
  // and the message matter here. split-workers.test.ts has a real one from tt worker.
  it("keeps its message as the line, and the hint sends to the worker's stderr (exit 1)", () => {
    const message =
      "bullmq redis://127.0.0.1:6379 queue tt-tasks: task 'partition 2 of 6 (scan)' of round " +
      "'round 1: scan' failed after 1 attempt: config 'task.kind': 'x' is not a task of a split fit";
    const error = Object.assign(new DataError("x", "y"), { tag: "task", message });
    expect(describeError(error, { name: "decompose", options: {} })).toEqual({
      line: message,
      hint: "a worker could not do its part of the run: the stderr of the tt worker that took the task notes it and its error; fix that, then run again",
      code: 1,
    });
  });
});

describe("system errors", () => {
  it.each([
    [{ code: "ENOENT", path: "a.npy" }, "no such file or folder: a.npy"],
    [{ code: "EACCES", path: "/root/x" }, "permission denied: /root/x"],
    [{ code: "ELOOP", path: "loop" }, "loop: too many levels of symbolic links (a loop of links?)"],
    [{ code: "ENOTFOUND", hostname: "h.invalid" }, "could not resolve host h.invalid"],
    [
      { code: "EAI_AGAIN", hostname: "h.invalid" },
      "could not resolve host h.invalid (temporary DNS failure)",
    ],
    [{ code: "ECONNREFUSED", address: "127.0.0.1", port: 9 }, "connection refused by 127.0.0.1:9"],
    [
      { code: "EADDRINUSE", syscall: "listen", address: "127.0.0.1", port: 8080 },
      "127.0.0.1:8080 is already in use",
    ],
  ])("%j", (fields, line) => {
    const error = systemError(fields.code, fields) as Parameters<typeof describeSystemError>[0];
    expect(describeSystemError(error).line).toBe(line);
  });

  it("are found as the cause of fetch failures and reported with exit 1", () => {
    const fetchFailed = new TypeError("fetch failed", {
      cause: systemError("ENOTFOUND", { hostname: "h.invalid" }),
    });
    expect(describeError(fetchFailed)).toEqual({
      line: "could not resolve host h.invalid",
      hint: "check the URL's host name and the network connection",
      code: 1,
    });
    const wrapped = new NotFoundError(
      "u",
      "could not reach http://h.invalid/m.json: fetch failed",
      {
        cause: fetchFailed,
      },
    );
    expect(describeError(wrapped).line).toBe(
      "could not reach http://h.invalid/m.json: could not resolve host h.invalid",
    );
  });
});
