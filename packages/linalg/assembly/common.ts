/**
 * Helpers shared by the kernels. Every kernel is generic over the element type `T` (f32 or f64)
 * and compiled once per type; `sizeof<T>()` is a compile-time constant, so the branches below
 * vanish from the compiled code.
 */

/** Depth of an f32 product block: products are summed in f32 over this many terms, then in f64. */
export const DEPTH_F32: i32 = 256;

/** `a * b + c` lane-wise: fused (relaxed madd) in the relaxed-SIMD build, else multiply then add. */
export function madd<T>(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_madd<T>(a, b, c);
  return v128.add<T>(v128.mul<T>(a, b), c);
}

/** The element at `ptr` in every lane. */
export function splatLoad<T>(ptr: usize): v128 {
  if (sizeof<T>() === 4) return v128.load32_splat(ptr);
  return v128.load64_splat(ptr);
}

/** Adds the lanes of `acc` (4 × f32 or 2 × f64) to the f64 values at `dst`. */
export function addToF64<T>(dst: usize, acc: v128): void {
  if (sizeof<T>() === 4) {
    v128.store(dst, f64x2.add(v128.load(dst), f64x2.promote_low_f32x4(acc)));
    const high = v128.shuffle<f32>(acc, acc, 2, 3, 2, 3);
    v128.store(dst, f64x2.add(v128.load(dst, 16), f64x2.promote_low_f32x4(high)), 16);
  } else {
    v128.store(dst, f64x2.add(v128.load(dst), acc));
  }
}

/** Sets `bytes` bytes (a multiple of 16) at `ptr` to zero, with plain stores rather than memory.fill. */
export function zeroBytes(ptr: usize, bytes: usize): void {
  const zero = i64x2.splat(0);
  for (let at: usize = 0; at < bytes; at += 16) v128.store(ptr + at, zero);
}

/** The f64 `value` as a T (rounded to nearest for f32). */
export function fromF64<T>(value: f64): T {
  return <T>value;
}
