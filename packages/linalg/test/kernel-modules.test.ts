/**
 * The inlined kernel modules: they decode and instantiate from the bytes in the generated module,
 * the generated module matches its inputs, and the staleness check sees a change of any input.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  generatedModule,
  kernelInputHash,
  packageDir,
  recordedInputHash,
} from "../scripts/kernel-inputs.mjs";
import { KERNEL_FUNCTION_NAMES } from "../src/kernel-functions.js";
import { KERNEL_WASM_BASE64, KERNEL_WASM_INPUT_HASH } from "../src/kernel-wasm.generated.js";
import { instantiateKernels, unsupportedReason } from "../src/wasm-kernels.js";
import { decodeBase64, kernelModuleBytes, type WasmFlavor } from "../src/wasm-modules.js";

const rebuild = "npx -y pnpm@10 --filter @tt/linalg build:wasm";
const relaxedAccepted = unsupportedReason("relaxed-simd") === undefined;

describe("the inlined kernel modules", () => {
  it("decode from base64 without Buffer, to the bytes Buffer decodes", () => {
    for (const text of Object.values(KERNEL_WASM_BASE64)) {
      const bytes = decodeBase64(text);
      expect(bytes).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(bytes).equals(Buffer.from(text, "base64"))).toBe(true);
      // "\0asm", version 1.
      expect([...bytes.subarray(0, 8)]).toEqual([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    }
    expect(decodeBase64("AAEC/w==")).toEqual(Uint8Array.from([0, 1, 2, 255]));
  });

  it("are four builds, around 11 KB each", () => {
    expect(Object.keys(KERNEL_WASM_BASE64).sort()).toEqual([
      "relaxed-simd",
      "relaxed-simd-shared",
      "simd",
      "simd-shared",
    ]);
    for (const flavor of ["simd", "relaxed-simd"] as const)
      for (const shared of [false, true])
        expect(kernelModuleBytes(flavor, shared).length).toBeGreaterThan(8_000);
  });

  it("SIMD128 is accepted by Node 20; relaxed SIMD only with the V8 flag", () => {
    expect(unsupportedReason("simd")).toBeUndefined();
    const flagged = process.execArgv.includes("--experimental-wasm-relaxed-simd");
    const major = Number(process.versions.node.split(".")[0]);
    if (major === 20) expect(relaxedAccepted).toBe(flagged);
  });

  const flavors: WasmFlavor[] = relaxedAccepted ? ["simd", "relaxed-simd"] : ["simd"];
  for (const flavor of flavors)
    for (const shared of [false, true])
      it(`instantiate the ${flavor} build${shared ? " on shared memory" : ""} with every kernel function`, async () => {
        const { module, memory, functions } = await instantiateKernels(flavor, shared);
        expect(module).toBeInstanceOf(WebAssembly.Module);
        expect(memory.buffer instanceof SharedArrayBuffer).toBe(shared);
        expect(Object.keys(functions).sort()).toEqual([...KERNEL_FUNCTION_NAMES].sort());
        // sum_f64(total, partial, count): total += partial, elementwise.
        const f64 = new Float64Array(memory.buffer);
        f64.set([1, 2], 128);
        f64.set([10, 20], 256);
        functions.sum_f64(128 * 8, 256 * 8, 2);
        expect([...f64.subarray(128, 130)]).toEqual([11, 22]);
      });
});

describe("the generated module", () => {
  const scratch: string[] = [];
  afterAll(() => {
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
  });

  /** A copy of assembly/ and scripts/ to change. */
  function copyInputs(): { assemblyDir: string; scriptsDir: string } {
    const dir = mkdtempSync(join(tmpdir(), "tt-linalg-inputs-"));
    scratch.push(dir);
    const assemblyDir = join(dir, "assembly");
    const scriptsDir = join(dir, "scripts");
    cpSync(join(packageDir, "assembly"), assemblyDir, { recursive: true });
    cpSync(join(packageDir, "scripts"), scriptsDir, { recursive: true });
    return { assemblyDir, scriptsDir };
  }

  it(`is up to date with assembly/, scripts/ and AssemblyScript (else run \`${rebuild}\`)`, () => {
    const text = readFileSync(resolve(packageDir, generatedModule), "utf8");
    expect(recordedInputHash(text)).toBe(KERNEL_WASM_INPUT_HASH);
    expect(
      KERNEL_WASM_INPUT_HASH,
      `${generatedModule} is stale: run \`${rebuild}\` and commit it`,
    ).toBe(kernelInputHash());
  });

  it("is reported stale when a kernel source, a build script or the compiler changes", () => {
    const inputs = copyInputs();
    expect(kernelInputHash(inputs)).toBe(KERNEL_WASM_INPUT_HASH);
    expect(kernelInputHash({ ...inputs, compilerVersion: "0.0.1" })).not.toBe(
      KERNEL_WASM_INPUT_HASH,
    );

    const source = join(inputs.assemblyDir, "multiply.ts");
    const original = readFileSync(source, "utf8");
    // Line endings alone do not count: a CRLF checkout compiles to the same modules.
    writeFileSync(source, original.replaceAll("\n", "\r\n"));
    expect(kernelInputHash(inputs)).toBe(KERNEL_WASM_INPUT_HASH);
    writeFileSync(source, `${original}\n`);
    expect(kernelInputHash(inputs)).not.toBe(KERNEL_WASM_INPUT_HASH);
    writeFileSync(source, original);

    writeFileSync(join(inputs.assemblyDir, "extra.ts"), "export const unused = 1;\n");
    expect(kernelInputHash(inputs)).not.toBe(KERNEL_WASM_INPUT_HASH);
    rmSync(join(inputs.assemblyDir, "extra.ts"));

    const script = join(inputs.scriptsDir, "build-wasm.mjs");
    writeFileSync(script, readFileSync(script, "utf8").replace('"-O3"', '"-O2"'));
    expect(kernelInputHash(inputs)).not.toBe(KERNEL_WASM_INPUT_HASH);
  });

  it("passes `build-wasm.mjs --check`, which fails on a stale module", () => {
    const script = join(packageDir, "scripts/build-wasm.mjs");
    const fresh = spawnSync(process.execPath, [script, "--check"], { encoding: "utf8" });
    expect(fresh.status, fresh.stderr).toBe(0);

    // A copy of the package whose generated module records another hash.
    const dir = mkdtempSync(join(tmpdir(), "tt-linalg-stale-"));
    scratch.push(dir);
    for (const part of ["assembly", "scripts", generatedModule, "package.json"])
      cpSync(join(packageDir, part), join(dir, part), { recursive: true });
    symlinkSync(join(packageDir, "node_modules"), join(dir, "node_modules"));
    const copied = join(dir, generatedModule);
    writeFileSync(
      copied,
      readFileSync(copied, "utf8").replace(KERNEL_WASM_INPUT_HASH, "0".repeat(64)),
    );
    const stale = spawnSync(process.execPath, [join(dir, "scripts/build-wasm.mjs"), "--check"], {
      encoding: "utf8",
    });
    expect(stale.status).toBe(1);
    expect(stale.stderr).toContain(`${generatedModule} is stale: it records input hash 0000`);
    expect(stale.stderr).toContain(`Run \`${rebuild}\``);
    const inCi = spawnSync(process.execPath, [join(dir, "scripts/build-wasm.mjs"), "--if-stale"], {
      encoding: "utf8",
      env: { ...process.env, CI: "true" },
    });
    expect(inCi.status).toBe(1);
    expect(inCi.stderr).toContain("is stale");
  });
});
