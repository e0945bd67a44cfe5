/**
 * The page's HDF5 array store: a bundle linked to an HDF5 file (`tt import --h5 --link`) names the
 * file and the `hdf5` store's settings; the page cannot read HDF5 itself without downloading the
 * whole file (HDF5 reads synchronously), so each array opened is read by a web worker
 * (`hdf5-worker.ts`) with byte-range requests, and this store hands its reads over.
 */

import type { ArrayStoreBackend, AxisSelection, JsonObject, StoredArray } from "@tt/schema";
import { DataError, NotFoundError, UnsupportedError } from "tensortools";
import type { WorkerReply, WorkerRequest } from "./hdf5-worker.js";

type Request = WorkerRequest extends infer R ? (R extends unknown ? Omit<R, "id"> : never) : never;

/** A worker for one HDF5 array, and how to ask it something. */
function startWorker(where: string) {
  const worker = new Worker(new URL("./hdf5-worker.ts", import.meta.url), { type: "module" });
  const pending = new Map<number, { resolve(value: unknown): void; reject(e: Error): void }>();
  let next = 0;
  worker.onmessage = (event: MessageEvent<WorkerReply>) => {
    const reply = event.data;
    const waiting = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.ok) waiting?.resolve(reply.value);
    else if (reply.tag === "not-found") waiting?.reject(new NotFoundError(where, reply.message));
    else waiting?.reject(new DataError(where, reply.message));
  };
  worker.onerror = (event) => {
    for (const waiting of pending.values())
      waiting.reject(new DataError(where, `the HDF5 reader failed: ${event.message}`));
    pending.clear();
  };
  return (request: Request) =>
    new Promise<unknown>((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...request, id } as WorkerRequest);
    });
}

async function openInWorker(location: string, path: string, settings: JsonObject) {
  const ask = startWorker(`${location.replace(/\/?$/, "/")}${path}`);
  const metadata = (await ask({
    type: "open",
    location,
    path,
    settings,
  })) as StoredArray["metadata"];
  const array: StoredArray = {
    metadata,
    read: async (selection: readonly AxisSelection[]) =>
      (await ask({ type: "read", selection: [...selection] })) as never,
  };
  return array;
}

/**
 * The `hdf5` array store for the page: arrays read by a web worker by byte ranges, set up by the
 * settings a linked bundle records (`configure`). Read only.
 */
export function hdf5WorkerStore(settings: JsonObject = {}): ArrayStoreBackend {
  const readOnly = () =>
    Promise.reject(new UnsupportedError("writing HDF5 in the viewer", "the viewer only reads"));
  return {
    id: "hdf5",
    version: "viewer",
    configure: (next) => hdf5WorkerStore(next),
    open: (store, path) => openInWorker(store.location, path, settings),
    create: readOnly,
    openWritable: readOnly,
  };
}
