import { gram, matmul, qr, svdSmall, symmetricEigen } from "../src/index.js";

/** Times the kernels on a 2000×500 uniform random matrix; run with `pnpm bench`. */
function uniformMatrix(rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  let state = 12345;
  for (let i = 0; i < out.length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    out[i] = state / 2 ** 32 - 0.5;
  }
  return out;
}

function time(label: string, run: () => unknown): void {
  const start = performance.now();
  run();
  console.log(`${label}: ${(performance.now() - start).toFixed(0)} ms`);
}

const m = 2000;
const n = 500;
const A = uniformMatrix(m, n);
const B = uniformMatrix(n, n);
time(`matmul ${m}x${n} by ${n}x${n}`, () => matmul(A, m, n, B, n));
time(`gram ${m}x${n}`, () => gram(A, m, n));
time(`qr ${m}x${n}`, () => qr(A, m, n));
time(`symmetricEigen ${n}x${n}`, () => symmetricEigen(gram(A, m, n), n));
time(`svdSmall ${m}x${n}`, () => svdSmall(A, m, n));
