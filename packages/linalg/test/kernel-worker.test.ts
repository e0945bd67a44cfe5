/**
 * Kernel workers start from the inline source, not from a file: from the TypeScript sources and
 * from the built dist/, with Node evaluating the source as a script (the default) or as a module
 * (--input-type=module, which workers inherit), and their products equal one thread's bit for bit.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { kernelWorkerSource } from "../src/kernel-worker.js";

const packageDir = resolve(import.meta.dirname, "..");
const distEntry = resolve(packageDir, "dist/index.js");

/** A program that runs products on 1 and 2 threads and prints whether they agree, as JSON. */
function program(entry: string): string {
  return `
const { createKernels } = await import(${JSON.stringify(entry)});
const n = 9000, p = 96, l = 6;
const data = Float64Array.from({ length: n * p }, (_, i) => Math.sin(i * 0.37));
const Y = Float64Array.from({ length: p * l }, (_, i) => Math.cos(i * 1.3));
async function run(threads) {
  const kernels = await createKernels({ backend: "wasm-simd", threads });
  const A = kernels.allocMatrix(n, p, "float32");
  A.data.set(data);
  const out = [await kernels.multiply(A, Y, l), await kernels.normalProduct(A, Y, l), await kernels.gram(A)];
  const info = { backend: kernels.backend, threads: kernels.threads };
  await kernels.dispose();
  return { info, out };
}
const one = await run(1);
const two = await run(2);
const same = (a, b) => a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
console.log(JSON.stringify({ ...two.info, identical: one.out.map((a, k) => same(a, two.out[k])) }));
`;
}

/** Runs `code` in a child Node with `flags`; returns its last line of output, parsed. */
function runNode(flags: string[], code: string): Record<string, unknown> {
  const child = spawnSync(process.execPath, [...flags, "-e", code], {
    cwd: packageDir,
    encoding: "utf8",
    timeout: 60_000,
  });
  expect(child.status, child.stderr).toBe(0);
  return JSON.parse(child.stdout.trim().split("\n").pop()!);
}

const fromSource = ["--import", "tsx", "--conditions=@tt/source"];
const expected = { backend: "wasm-simd", threads: 2, identical: [true, true, true] };

describe("kernel workers started from code", () => {
  it("have a self-contained source: no import declarations, no require", () => {
    const source = kernelWorkerSource();
    expect(source).not.toMatch(/^\s*import\s/m);
    expect(source).not.toContain("require(");
    expect(source).toContain('import("node:worker_threads")');
    expect(() => new Function(source)).not.toThrow();
  });

  it("run from the TypeScript sources, the script way (node -e)", () => {
    const code = `(async () => { ${program("./src/index.ts")} })().catch((e) => { console.error(e); process.exit(1); });`;
    expect(runNode(fromSource, code)).toEqual(expected);
  });

  it("run from the TypeScript sources under --input-type=module", () => {
    expect(runNode(["--input-type=module", ...fromSource], program("./src/index.ts"))).toEqual(
      expected,
    );
  });

  it.skipIf(!existsSync(distEntry))("run from the built dist/ (as users install it)", () => {
    expect(runNode(["--input-type=module"], program(distEntry))).toEqual(expected);
    const code = `(async () => { ${program(distEntry)} })().catch((e) => { console.error(e); process.exit(1); });`;
    expect(runNode([], code)).toEqual(expected);
  });
});
