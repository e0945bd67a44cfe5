/**
 * DuckDB-wasm in Node, for tests that need DuckDB to read Arrow IPC: the native DuckDB package
 * has no Arrow entry point and its arrow extension is downloaded at run time, while the wasm
 * build reads IPC streams with the Arrow reader compiled into it, offline.
 */

import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** A DuckDB-wasm database with one connection. */
export interface DuckDbWasm {
  /** Creates table `name` from the Arrow IPC stream `bytes`, read by DuckDB itself. */
  insertArrowIPC(name: string, bytes: Uint8Array): void;
  /** The rows of `sql` as plain objects; lists become arrays, BIGINTs stay bigints. */
  rows(sql: string): Record<string, unknown>[];
  /** Closes the connection and the database. */
  close(): Promise<void>;
}

interface WasmConnection {
  insertArrowFromIPCStream(bytes: Uint8Array, options: { name: string; create?: boolean }): void;
  query(sql: string): { toArray(): { toJSON(): Record<string, unknown> }[] };
  close(): void;
}

/** A list value of DuckDB-wasm's Arrow result (a Vector) as an array. */
function plain(value: unknown): unknown {
  if (value !== null && typeof value === "object" && "toArray" in value)
    return [...(value as { toArray(): Iterable<unknown> }).toArray()].map(plain);
  return value;
}

/**
 * A fresh in-memory DuckDB-wasm database, loaded from the package's own wasm files.
 *
 * @example
 * ```ts
 * const duckdb = await openDuckDbWasm();
 * duckdb.insertArrowIPC("scores", bytes);
 * duckdb.rows("SELECT count(*) AS n FROM scores"); // [{ n: 120n }]
 * await duckdb.close();
 * ```
 */
export async function openDuckDbWasm(): Promise<DuckDbWasm> {
  const require = createRequire(import.meta.url);
  const duckdb = require("@duckdb/duckdb-wasm/blocking");
  const dist = dirname(require.resolve("@duckdb/duckdb-wasm/dist/duckdb-eh.wasm"));
  const bundles = {
    mvp: {
      mainModule: join(dist, "duckdb-mvp.wasm"),
      mainWorker: join(dist, "duckdb-node-mvp.worker.cjs"),
    },
    eh: {
      mainModule: join(dist, "duckdb-eh.wasm"),
      mainWorker: join(dist, "duckdb-node-eh.worker.cjs"),
    },
  };
  const db = await duckdb.createDuckDB(bundles, new duckdb.VoidLogger(), duckdb.NODE_RUNTIME);
  await db.instantiate(() => {});
  const connection = db.connect() as WasmConnection;
  return {
    insertArrowIPC(name, bytes) {
      connection.insertArrowFromIPCStream(bytes, { name, create: true });
    },
    rows(sql) {
      return connection
        .query(sql)
        .toArray()
        .map((row) =>
          Object.fromEntries(Object.entries(row.toJSON()).map(([key, v]) => [key, plain(v)])),
        );
    },
    async close() {
      connection.close();
      await db.reset?.();
    },
  };
}
