/**
 * Relaxed SIMD for the kernels on Node 20. Node 22+ (and Chromium 114+) accept WebAssembly relaxed
 * SIMD by default; Node 20 does behind `--experimental-wasm-relaxed-simd`, which V8 also takes at
 * run time, before the first module is compiled. `tt` owns its process, so it turns the flag on at
 * startup and @tt/linalg's "auto" backend then picks the relaxed build (fused multiply-add, about
 * a quarter faster). The libraries never change V8 flags: those are process-wide, and a library
 * that changed its host's would change every other module's WebAssembly too.
 */

import { setFlagsFromString } from "node:v8";

/** A module of one function that uses `f32x4.relaxed_madd`: valid only with relaxed SIMD. */
function relaxedProbe(): Uint8Array<ArrayBuffer> {
  const zeros = [0xfd, 0x0c, ...new Array<number>(16).fill(0)]; // v128.const 0
  const body = [0x00, ...zeros, ...zeros, ...zeros, 0xfd, 0x85, 0x02, 0x0b]; // relaxed_madd; end
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // \0asm, version 1
    ...[0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b], // type section: () -> v128
    ...[0x03, 0x02, 0x01, 0x00], // function section: one function of type 0
    ...[0x0a, body.length + 2, 0x01, body.length, ...body], // code section
  ]);
}

/**
 * Turns on WebAssembly relaxed SIMD when this Node does not accept it yet and the flag does;
 * returns whether relaxed SIMD is available. Call before the first WebAssembly compile.
 */
export function enableRelaxedSimd(): boolean {
  if (typeof WebAssembly !== "object") return false;
  const probe = relaxedProbe();
  if (WebAssembly.validate(probe)) return true;
  setFlagsFromString("--experimental-wasm-relaxed-simd");
  return WebAssembly.validate(probe);
}
