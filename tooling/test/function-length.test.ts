import { resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  checkFunctionLengths,
  LONG_FUNCTIONS_ALLOWED,
  MAX_FUNCTION_LINES,
  measureFunctions,
} from "../src/function-length.js";
import { createTempRepo, removeTempRepos } from "./temp-repo.js";

const repoRoot = resolve(import.meta.dirname, "../..");

afterEach(removeTempRepos);

/** A function body of `lines` lines in all, from its first line to its closing brace. */
function functionOf(name: string, lines: number): string {
  const body = Array.from({ length: lines - 2 }, (_, i) => `  const x${i} = ${i};`);
  return [`export function ${name}() {`, ...body, "}"].join("\n");
}

describe("the tensortools repo", () => {
  it(`has no function of ${MAX_FUNCTION_LINES} lines or more in packages/*/src but the allowed`, () => {
    const problems = checkFunctionLengths(repoRoot);
    expect(problems, `\n${problems.join("\n")}\n`).toEqual([]);
  });

  it("allows each long function once, by file and name", () => {
    const keys = LONG_FUNCTIONS_ALLOWED.map(({ file, name }) => `${file} ${name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe("measureFunctions", () => {
  it("measures every kind of function from its first to its last line, by qualified name", () => {
    const text = [
      "/** Doc lines do not count. */",
      "export function outer() {", // 2
      "  const inner = () => {", // 3
      "    return 1;",
      "  };", // 5
      "  return {",
      "    read() {", // 7
      "      return inner();",
      "    },", // 9
      "    write: function () {}, ",
      "  };",
      "}", // 12
      "class Store {",
      "  constructor() {}",
      "  get size() { return 0; }",
      "  #open = async (x: number) =>",
      "    x;",
      "}",
      "[1].map((n) => n);",
    ].join("\n");
    const measured = measureFunctions("src/a.ts", text).map(({ name, line, lines }) => [
      name,
      line,
      lines,
    ]);
    expect(measured).toEqual([
      ["outer", 2, 11],
      ["outer.inner", 3, 3],
      ["outer.read", 7, 3],
      ["outer.write", 10, 1],
      ["Store.constructor", 14, 1],
      ["Store.size", 15, 1],
      ["Store.#open", 16, 2],
      ["(anonymous)", 19, 1],
    ]);
  });
});

describe("checkFunctionLengths", () => {
  it("names the file, the function and its length of each function too long", () => {
    const root = createTempRepo({
      "packages/a/src/long.ts": `${functionOf("short", 79)}\n${functionOf("long", 80)}\n`,
      "packages/a/src/deep/nested.ts": `export const make = () => ({\n${functionOf("x", 100).replace("export function x()", "  run()")},\n});\n`,
    });
    expect(checkFunctionLengths(root, [])).toEqual([
      "packages/a/src/deep/nested.ts:1 make is 102 lines long; split it into named steps of under 80 lines",
      "packages/a/src/deep/nested.ts:2 make.run is 100 lines long; split it into named steps of under 80 lines",
      "packages/a/src/long.ts:80 long is 80 lines long; split it into named steps of under 80 lines",
    ]);
  });

  it("reads only packages/*/src, not tests, apps or generated modules", () => {
    const long = functionOf("long", 90);
    const root = createTempRepo({
      "packages/a/src/ok.ts": functionOf("fine", 10),
      "packages/a/src/kernel.generated.ts": long,
      "packages/a/src/types.d.ts": long,
      "packages/a/test/long.test.ts": long,
      "packages/a/bench/long.bench.ts": long,
      "apps/cli/src/long.ts": long,
    });
    expect(checkFunctionLengths(root, [])).toEqual([]);
  });

  it("lets an allowed function stay long, and fails once it is split or gone", () => {
    const root = createTempRepo({
      "packages/a/src/long.ts": `${functionOf("long", 85)}\n${functionOf("split", 20)}\n`,
    });
    const allowed = [
      { file: "packages/a/src/long.ts", name: "long" },
      { file: "packages/a/src/long.ts", name: "split" },
      { file: "packages/a/src/gone.ts", name: "removed" },
    ];
    expect(checkFunctionLengths(root, allowed)).toEqual([
      "packages/a/src/long.ts split is allowed to be long but no function of that name is 80 lines or longer any more: remove it from LONG_FUNCTIONS_ALLOWED",
      "packages/a/src/gone.ts removed is allowed to be long but no function of that name is 80 lines or longer any more: remove it from LONG_FUNCTIONS_ALLOWED",
    ]);
  });
});
