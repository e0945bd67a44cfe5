/**
 * Test helpers for tensortools plugins: in-memory reference plugins and conformance kits that a
 * third-party store or method runs against its own plugin.
 *
 * @example
 * ```ts
 * import { testArrayStore } from "@tt/schema/testing";
 * import { createMemoryStore } from "@tt/storage";
 * for (const c of testArrayStore(() => ({ backend: myStore, store: createMemoryStore() })))
 *   it(c.name, c.run);
 * ```
 *
 * @packageDocumentation
 */

export type { ConformanceCase } from "./conformance.js";
export { memoryArrayStore } from "./memory-array-store.js";
export { memoryMetaIO } from "./memory-meta-io.js";
export { viewFromTensor } from "./tensor-view.js";
export { type ArrayStoreFixture, testArrayStore } from "./test-array-store.js";
export { type MethodCase, testMethod } from "./test-method.js";
