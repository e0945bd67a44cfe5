import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const read = (path: string) => readFileSync(resolve(root, path), "utf8");

/** The shell commands of the README's quick start code block, without comments. */
function quickStartCommands(): string[] {
  const section = read("README.md").split("## Quick start")[1] ?? "";
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
  return block
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith("#"));
}

describe("the README quick start", () => {
  it("has a test command that installs with npx pnpm and runs the tests", () => {
    const test = quickStartCommands().find((command) => command.endsWith("pnpm@10 test"));
    expect(test).toBe("npx -y pnpm@10 install --frozen-lockfile && npx -y pnpm@10 test");
  });

  it("has exactly two commands: the demo and the tests", () => {
    expect(quickStartCommands()).toEqual([
      "npx -y pnpm@10 install --frozen-lockfile && npx -y pnpm@10 demo",
      "npx -y pnpm@10 install --frozen-lockfile && npx -y pnpm@10 test",
    ]);
  });

  it("has a root demo script that builds the command line and runs tt demo", () => {
    const script = JSON.parse(read("package.json")).scripts.demo as string;
    expect(script).toMatch(
      /^turbo run build --filter=tensortools-cli\.\.\. .*&& node apps\/cli\/dist\/tt\.js demo /,
    );
  });

  it("is what .ci/run runs, verbatim", () => {
    const test = quickStartCommands().find((command) => command.endsWith("pnpm@10 test"))!;
    const ciLines = read(".ci/run")
      .split("\n")
      .map((line) => line.trim());
    expect(ciLines).toContain(test);
  });

  it("has the root test script build, typecheck, lint and run every test", () => {
    const script = JSON.parse(read("package.json")).scripts.test as string;
    for (const step of ["turbo run build typecheck", "biome check", "vitest run"])
      expect(script).toContain(step);
  });
});
