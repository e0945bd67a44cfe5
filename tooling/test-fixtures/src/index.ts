/**
 * Test fixtures shared by the tensortools packages: the EEGLAB epochs as a tensor and as a
 * bundle, small seeded random waveforms, temporary directories, a static HTTP server with byte
 * ranges and a local S3-compatible server. A private workspace package, never published and only
 * ever a devDependency, so the packages' tests build the same data the same way.
 *
 * @example
 * ```ts
 * import { serveDirectory, temporaryDirectory, writeEegBundle } from "@tt/test-fixtures";
 *
 * const dir = temporaryDirectory("tt-result-");
 * await writeEegBundle(`${dir.path}/eeg`);
 * const server = await serveDirectory(dir.path); // `${server.url}eeg/` is the bundle over HTTP
 * await server.close();
 * dir.cleanup();
 * ```
 *
 * @packageDocumentation
 */

export { type DuckDbWasm, openDuckDbWasm } from "./duckdb-wasm.js";
export { EEG_INDEX_COLUMNS, eegTensor, writeEegBundle } from "./eeg.js";
export { fixture } from "./fixtures-folder.js";
export { correlation, expectClose, factorColumns, fitContext } from "./numeric.js";
export { randomWaveforms, seededRandom } from "./random-waveforms.js";
export { S3_CREDENTIALS, type S3Server, startS3Server } from "./s3-server.js";
export { type DirectoryServer, type ServedRequest, serveDirectory } from "./serve-directory.js";
export { type TemporaryDirectory, temporaryDirectory } from "./temporary-directory.js";
