/**
 * The web worker that reads an HDF5 file a linked bundle names, for the page: HDF5 reads
 * synchronously, which a worker may do over HTTP (byte-range requests, never the whole file). It
 * answers `open` (the array's metadata) and `read` (a selection's values) messages from
 * `hdf5-worker-store.ts`.
 */

import type { AxisSelection, JsonObject, StoredArray } from "@tt/schema";
import { hdf5Store } from "@tt/store-hdf5";
import { createHttpStore } from "tensortools";

/** What the page asks for. */
export type WorkerRequest =
  | { id: number; type: "open"; location: string; path: string; settings: JsonObject }
  | { id: number; type: "read"; selection: AxisSelection[] };

/** What the worker answers: the value, or the error's tag and message. */
export type WorkerReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; tag: string | undefined; message: string };

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(reply: WorkerReply, transfer?: Transferable[]): void;
};

let opened: Promise<StoredArray> | undefined;

async function answer(request: WorkerRequest): Promise<[unknown, Transferable[]]> {
  if (request.type === "open") {
    const store = hdf5Store.configure!(request.settings);
    opened = store.open(createHttpStore(request.location), request.path);
    return [(await opened).metadata, []];
  }
  if (opened === undefined) throw new Error("read before open");
  const values = await (await opened).read(request.selection);
  return [values, [values.buffer as ArrayBuffer]];
}

scope.onmessage = (event) => {
  const { id } = event.data;
  answer(event.data).then(
    ([value, transfer]) => scope.postMessage({ id, ok: true, value }, transfer),
    (error: unknown) =>
      scope.postMessage({
        id,
        ok: false,
        tag: (error as { tag?: string }).tag,
        message: error instanceof Error ? error.message : String(error),
      }),
  );
};
