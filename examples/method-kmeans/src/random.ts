/** A small seeded random number generator, so the same seed always gives the same clustering. */

/** splitmix32: spreads a 32-bit state into well-mixed outputs; used to seed xoshiro128**. */
function splitmix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [next, (z ^ (z >>> 16)) >>> 0];
}

/**
 * A generator of uniform numbers in [0, 1) (xoshiro128**) for `seed` and one `stream`, so each
 * k-means start draws from its own reproducible sequence. Seeds up to 2^53 are used whole.
 */
export function uniformGenerator(seed: number, stream: number): () => number {
  const high = Math.floor(seed / 2 ** 32);
  let state = (seed >>> 0) ^ Math.imul(high, 0x27d4eb2d) ^ Math.imul(stream + 1, 0x165667b1);
  const words = new Uint32Array(4);
  for (let i = 0; i < 4; i++) {
    const [next, value] = splitmix32(state);
    state = next;
    words[i] = value;
  }
  if (words.every((w) => w === 0)) words[0] = 1;
  return () => {
    const [s0, s1, s2, s3] = words as unknown as [number, number, number, number];
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    words[2] = s2 ^ s0;
    words[3] = s3 ^ s1;
    words[1] = s1 ^ words[2]!;
    words[0] = s0 ^ words[3]!;
    words[2] = words[2]! ^ t;
    words[3] = rotl(words[3]!, 11);
    return result / 2 ** 32;
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
