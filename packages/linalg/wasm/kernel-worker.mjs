/**
 * A kernel worker thread of @tt/linalg (started by src/kernel-pool.ts). Plain JavaScript, shipped
 * next to the wasm modules, because Node workers cannot run TypeScript. It instantiates the shared
 * kernel module on the shared memory, then waits on the control block for jobs and takes chunks
 * until none is left. The control block layout and runChunk repeat src/kernel-pool.ts and
 * src/kernel-functions.ts: keep them in step.
 */
import { parentPort, workerData } from "node:worker_threads";

const GENERATION = 0;
const NEXT_CHUNK = 1;
const CHECKED_IN = 2;
const FAILED = 3;
const FUNCTION = 4;
const ROWS_ARG = 5;
const ARG_COUNT = 6;
const CHUNK_COUNT = 7;
const NUMBERS_OFFSET = 64;
const MAX_ARGS = 8;
const STOP = -1;
/** KERNEL_CHUNK_ROWS of src/kernel-functions.ts. */
const CHUNK_ROWS = 2048;

const { module, memory, control: controlBuffer, names } = workerData;
const instance = new WebAssembly.Instance(module, { env: { memory } });
const functions = names.map((name) => instance.exports[name]);
const control = new Int32Array(controlBuffer, 0, NUMBERS_OFFSET / 4);
const numbers = new Float64Array(controlBuffer, NUMBERS_OFFSET, 1 + 2 * MAX_ARGS);

/** Takes chunks of the current job until none is left. */
function runJob() {
  const fn = functions[control[FUNCTION]];
  const rowsArg = control[ROWS_ARG];
  const count = control[CHUNK_COUNT];
  const rows = numbers[0];
  const args = new Array(control[ARG_COUNT]);
  for (let c = Atomics.add(control, NEXT_CHUNK, 1); c < count; ) {
    for (let k = 0; k < args.length; k++) args[k] = numbers[1 + k] + c * numbers[1 + MAX_ARGS + k];
    args[rowsArg] = Math.min(CHUNK_ROWS, rows - c * CHUNK_ROWS);
    fn(...args);
    c = Atomics.add(control, NEXT_CHUNK, 1);
  }
}

// Read the generation before saying ready: the first job comes only after every worker has.
let seen = Atomics.load(control, GENERATION);
parentPort.postMessage({ ready: true });
for (;;) {
  Atomics.wait(control, GENERATION, seen);
  const generation = Atomics.load(control, GENERATION);
  if (generation === seen) continue;
  seen = generation;
  if (control[FUNCTION] === STOP) break;
  try {
    runJob();
  } catch (error) {
    parentPort.postMessage({ error: String(error?.stack ?? error) });
    Atomics.store(control, FAILED, 1);
  }
  Atomics.add(control, CHECKED_IN, 1);
  Atomics.notify(control, CHECKED_IN);
}
