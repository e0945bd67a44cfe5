/**
 * The kernel modules, inlined: src/kernel-wasm.generated.ts carries the four builds as base64
 * strings, so they load in every bundler and runtime (Node, browsers, Vite's dev server) with no
 * asset URL to resolve and no file to read.
 */
import { KERNEL_WASM_BASE64 } from "./kernel-wasm.generated.js";

/** The kernel module builds: SIMD128, or relaxed SIMD with fused multiply-add. */
export type WasmFlavor = "simd" | "relaxed-simd";

/** The WebAssembly feature a build needs, for messages. */
export function featureOf(flavor: WasmFlavor): string {
  return flavor === "simd" ? "WebAssembly SIMD128" : "WebAssembly relaxed SIMD";
}

/** Decodes base64 with `atob` (browsers, Node 16 and later), not Node's Buffer. */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The bytes of a kernel module build, with unshared memory (one thread) or shared (workers). */
export function kernelModuleBytes(flavor: WasmFlavor, shared: boolean): Uint8Array<ArrayBuffer> {
  return decodeBase64(KERNEL_WASM_BASE64[shared ? (`${flavor}-shared` as const) : flavor]);
}
