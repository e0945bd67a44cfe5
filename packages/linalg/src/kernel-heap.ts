import { UnsupportedError } from "@tt/schema";

/** Bytes in a WebAssembly page. */
const PAGE_BYTES = 65536;
/** wasm32 memory is limited to 65536 pages, 4 GiB. */
export const MAX_PAGES = 65536;
/** Pages a heap starts with (1 MiB). */
export const INITIAL_PAGES = 16;
/** Every block starts on a cache line, so f64 views and vector loads line up. */
const ALIGN = 64;
/** Bytes left free after every block: the Gram kernel reads up to one vector past a row. */
const SLACK = 64;
/** The first usable byte: offset 0 stays unused so that a pointer of 0 is never valid. */
const FIRST_BYTE = 1024;

/** Where a heap keeps its bytes: a WebAssembly memory, or an ArrayBuffer for the JS backend. */
export interface HeapStorage {
  /** The current bytes; a new object after growth (the old one may be detached). */
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  /** Adds `pages` pages of zeros at the end. */
  grow(pages: number): void;
}

/** A WebAssembly memory as heap storage. */
export function memoryStorage(memory: WebAssembly.Memory): HeapStorage {
  return {
    get buffer() {
      return memory.buffer;
    },
    grow(pages) {
      memory.grow(pages);
    },
  };
}

/** A plain ArrayBuffer as heap storage; growth copies into a larger buffer. */
export function arrayBufferStorage(initialPages: number): HeapStorage {
  let buffer = new ArrayBuffer(initialPages * PAGE_BYTES);
  return {
    get buffer() {
      return buffer;
    },
    grow(pages) {
      const grown = new ArrayBuffer(buffer.byteLength + pages * PAGE_BYTES);
      new Uint8Array(grown).set(new Uint8Array(buffer));
      buffer = grown;
    },
  };
}

/** One block of a heap: bytes [start, end). */
interface Block {
  start: number;
  end: number;
}

/**
 * A first-fit allocator over a heap storage, run from JavaScript: the kernels never allocate.
 * Blocks are 64-byte aligned and followed by 64 bytes of slack; the storage grows when no gap fits.
 */
export class KernelHeap {
  readonly #storage: HeapStorage;
  /** Live blocks, sorted by start. */
  readonly #blocks: Block[] = [];
  /**
   * Bytes from here on were never handed out, so they still hold the zeros storage starts and
   * grows with: zeroing them again would only touch (fault in) fresh pages for nothing.
   */
  #neverUsed = FIRST_BYTE;
  #f32: Float32Array;
  #f64: Float64Array;

  constructor(storage: HeapStorage) {
    this.#storage = storage;
    this.#f32 = new Float32Array(storage.buffer);
    this.#f64 = new Float64Array(storage.buffer);
  }

  /** The storage's current bytes. */
  get buffer(): ArrayBuffer | SharedArrayBuffer {
    return this.#storage.buffer;
  }

  /** The whole heap as float32, refreshed after growth. */
  get f32(): Float32Array {
    if (this.#f32.buffer !== this.#storage.buffer) this.#f32 = new Float32Array(this.buffer);
    return this.#f32;
  }

  /** The whole heap as float64, refreshed after growth. */
  get f64(): Float64Array {
    if (this.#f64.buffer !== this.#storage.buffer) this.#f64 = new Float64Array(this.buffer);
    return this.#f64;
  }

  /** Reserves `bytes` bytes and returns their offset; grows the storage when needed. */
  alloc(bytes: number): number {
    return this.#place(bytes).start;
  }

  /**
   * {@link alloc}, with the `bytes` bytes zero. Only the part of the block that was handed out
   * before is cleared: bytes never handed out still hold the zeros storage starts and grows with,
   * and writing zeros over them would only fault in fresh pages for nothing.
   */
  allocZeroed(bytes: number): number {
    const { start, neverUsedBefore } = this.#place(bytes);
    const used = Math.min(start + bytes, neverUsedBefore);
    if (used > start) new Uint8Array(this.buffer, start, used - start).fill(0);
    return start;
  }

  /** Places a block of `bytes` bytes (first fit), and says where never-used bytes began before. */
  #place(bytes: number): { start: number; neverUsedBefore: number } {
    const size = Math.ceil((bytes + SLACK) / ALIGN) * ALIGN;
    let start = FIRST_BYTE;
    let index = 0;
    for (; index < this.#blocks.length; index++) {
      const block = this.#blocks[index]!;
      if (block.start - start >= size) break;
      start = block.end;
    }
    this.#ensure(start + size);
    this.#blocks.splice(index, 0, { start, end: start + size });
    const neverUsedBefore = this.#neverUsed;
    this.#neverUsed = Math.max(this.#neverUsed, start + size);
    return { start, neverUsedBefore };
  }

  /** Releases the block that starts at `start`. */
  free(start: number): void {
    const index = this.#blocks.findIndex((block) => block.start === start);
    if (index < 0) throw new Error(`kernel heap: no block starts at ${start}`);
    this.#blocks.splice(index, 1);
  }

  /**
   * Writes rows × l f64 values at `at` as rows × lp elements (f32 rounded to nearest, as
   * Math.fround), zero-filling the lp - l padding columns of every row.
   */
  writeRows(
    at: number,
    src: Float64Array,
    rows: number,
    l: number,
    lp: number,
    single: boolean,
  ): void {
    const view = single ? this.f32 : this.f64;
    const first = at / (single ? 4 : 8);
    if (lp === l) {
      view.set(src.subarray(0, rows * l), first);
      return;
    }
    for (let i = 0; i < rows; i++) {
      const row = first + i * lp;
      view.set(src.subarray(i * l, (i + 1) * l), row);
      view.fill(0, row + l, row + lp);
    }
  }

  /** Reads rows × lp f64 at `at` as rows × l (dropping the padding), into `out` when given. */
  readRows(at: number, rows: number, lp: number, l: number, out?: Float64Array): Float64Array {
    const f64 = this.f64;
    const first = at / 8;
    const result = out ?? new Float64Array(rows * l);
    if (lp === l) result.set(f64.subarray(first, first + rows * l));
    else
      for (let i = 0; i < rows; i++)
        result.set(f64.subarray(first + i * lp, first + i * lp + l), i * l);
    return result;
  }

  /** Grows the storage until it holds `end` bytes, or throws when wasm32's 4 GiB cannot. */
  #ensure(end: number): void {
    const have = this.#storage.buffer.byteLength;
    if (end <= have) return;
    const needed = Math.ceil((end - have) / PAGE_BYTES);
    const havePages = have / PAGE_BYTES;
    if (havePages + needed > MAX_PAGES)
      throw new UnsupportedError(
        "kernel memory over 4 GiB",
        `kernel memory would need ${((havePages + needed) / 16384).toFixed(2)} GiB; ` +
          `WebAssembly (wasm32) memory is limited to 4 GiB: process the matrix in smaller blocks`,
      );
    // An eighth of the new size more than needed, so that the scratch blocks a product takes
    // after a large matrix fit without growing again (growth copies the JS backend's buffer).
    const headroom = Math.min(MAX_PAGES - havePages - needed, Math.ceil((havePages + needed) / 8));
    try {
      this.#storage.grow(needed + headroom);
    } catch (error) {
      throw new UnsupportedError(
        "kernel memory",
        `could not grow kernel memory to ${((havePages + needed) / 16).toFixed(0)} MiB: ${error}`,
        { cause: error },
      );
    }
  }
}
