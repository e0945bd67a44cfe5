/** Byte-level access to a bundle's files, whatever holds them: a directory, memory, HTTP. */

/** A byte range of a value. */
export interface ByteRange {
  /** First byte. */
  offset: number;
  /** Number of bytes. */
  length: number;
}

/** Options of a read from a {@link KeyValueStore}. */
export interface GetOptions {
  /** Read only these bytes (HTTP range request, file read at offset). */
  range?: ByteRange;
  /** Stops the read. */
  signal?: AbortSignal;
}

/**
 * Read access to values under `/`-separated keys relative to a root (`"meta/instance.parquet"`).
 * A missing key reads as `undefined`, never as an error.
 */
export interface KeyValueStore {
  /** Where the store points, for messages and `input_ref` (a path or URL). */
  readonly location: string;
  /** The bytes of `key`, or `undefined` if there is no such key. */
  get(key: string, options?: GetOptions): Promise<Uint8Array | undefined>;
  /** The byte length of `key`, or `undefined` if there is no such key. */
  size(key: string, options?: { signal?: AbortSignal }): Promise<number | undefined>;
  /**
   * Optional: when the value of `key` was last modified, in milliseconds since the epoch (a
   * file's modification time), or `undefined` if there is no such key. Readers compare it with
   * the time recorded for a file a bundle reads in place, to notice that it changed.
   */
  modified?(key: string, options?: { signal?: AbortSignal }): Promise<number | undefined>;
  /**
   * Optional: reads `range` of `key` straight into `target` at `targetOffset` and returns the
   * number of bytes read, or `undefined` if there is no such key. Lets large reads skip a copy.
   */
  readInto?(
    key: string,
    range: ByteRange,
    target: Uint8Array,
    targetOffset: number,
    options?: { signal?: AbortSignal },
  ): Promise<number | undefined>;
}

/** A {@link KeyValueStore} that can also be written. */
export interface WritableKeyValueStore extends KeyValueStore {
  /**
   * Stores `value` under `key`, replacing what was there. Callers may reuse `value`'s memory once
   * the promise resolves, so a store that keeps the bytes must copy them.
   */
  set(key: string, value: Uint8Array, options?: { signal?: AbortSignal }): Promise<void>;
  /** Removes `key`; removing a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Every key that starts with `prefix`, in no particular order. */
  list(prefix?: string): AsyncIterable<string>;
  /**
   * Optional: makes `to` hold the bytes of `from` without copying them (a hard link on a file
   * system); `to` must not exist yet. Writers of new versions use it to share unchanged chunks.
   */
  link?(from: string, to: string): Promise<void>;
  /**
   * Optional: replaces `key` with `value` only if its bytes are now `expected` (`undefined`: only
   * if there is no such key), atomically with respect to other writers that use it, and resolves
   * whether it did. When it resolves `true`, every value set before is durable (on a file system:
   * files and directories are synced first). This is the commit of a new bundle version.
   */
  swap?(key: string, value: Uint8Array, expected: Uint8Array | undefined): Promise<boolean>;
}
