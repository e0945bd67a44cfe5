/**
 * Core types and interfaces of tensortools: dtypes, metadata tables, axis-annotated tensors,
 * the bundle manifest, selectors, the plugin interfaces (array stores, metadata IO,
 * decomposition methods), the registry and the error family. No runtime dependencies.
 *
 * @example
 * ```ts
 * import { MetaTable, columnFromCells, createTensor, validateManifest } from "@tt/schema";
 *
 * const instance = MetaTable.fromColumns({
 *   instance_id: columnFromCells("string", ["e1", "e2"]),
 *   qc_pass: columnFromCells("boolean", [true, false]),
 * });
 * const tensor = createTensor({
 *   data: new Float32Array(2 * 4 * 3),
 *   shape: [2, 4, 3],
 *   axes: ["instance", "sample", "channel"],
 *   axisMeta: { instance },
 * });
 * ```
 *
 * @packageDocumentation
 */

export { buildIdIndex, columnFromIndex, type IdIndex, lookupId } from "./axis-ids.js";
export {
  type AnyColumn,
  type Cell,
  type CellByType,
  type Column,
  type ColumnValuesByType,
  cellAt,
  columnFromCells,
  columnFromValues,
  columnLength,
  concatColumns,
  isNullAt,
  LOGICAL_TYPES,
  type LogicalType,
  takeColumn,
} from "./column.js";
export {
  allocate,
  assertDType,
  bytesPerElement,
  DTYPES,
  type DType,
  dtypeOf,
  isBigIntDType,
  isDType,
  isFloatDType,
  matchesDType,
  type TypedArray,
  type TypedArrayByDType,
  type TypedArrayOf,
  typedArrayConstructor,
} from "./dtype.js";
export type {
  Engine,
  EngineTask,
  RoundOptions,
  RoundProgress,
  TaskHandler,
} from "./engine.js";
export {
  AlreadyExistsError,
  ArgumentError,
  ConfigError,
  ConflictError,
  DataError,
  type ErrorByTag,
  type ErrorOptions,
  type ErrorTag,
  type InputChange,
  InputChangedError,
  InvalidManifestError,
  InvalidSelectionError,
  IoError,
  type IoErrorOptions,
  isTensorToolsError,
  MethodError,
  type MethodPhase,
  NotFoundError,
  QueryError,
  TaskError,
  type TaskErrorOptions,
  TensorToolsError,
  UnsupportedError,
} from "./errors.js";
export { hashIds, hashManifest } from "./hash.js";
export {
  findNonJson,
  isPlainObject,
  type JsonObject,
  type JsonPrimitive,
  type JsonValue,
} from "./json.js";
export type {
  ByteRange,
  GetOptions,
  KeyValueStore,
  WritableKeyValueStore,
} from "./key-value-store.js";
export {
  changesSince,
  DATASET_KIND,
  type Manifest,
  type ManifestFile,
  parseManifest,
  SCHEMA_VERSION,
  SUPPORTED_SCHEMA_VERSIONS,
  validateManifest,
} from "./manifest.js";
export { checkArrayAgainstManifest } from "./manifest-arrays.js";
export {
  DEFAULT_FIELD,
  FIELD_NAME_PATTERN,
  fieldNameProblem,
  type ManifestField,
} from "./manifest-fields.js";
export type { ManifestPyramid } from "./manifest-pyramids.js";
export { type Field, type MetaRecord, MetaTable } from "./meta-table.js";
export {
  type DecompositionMethod,
  type FitContext,
  INSTANCE_ID,
  INSTANCE_TABLE,
  type KernelBackendChoice,
  type KernelSettings,
  type MethodOutput,
  type Progress,
  type WrittenTable,
} from "./method.js";
export { isSafeRelativePath, normalizeRelativePath, unsafePathReason } from "./paths.js";
export type {
  ArrayCreateOptions,
  ArrayMetadata,
  ArrayStoreBackend,
  CoordinateValues,
  IOOptions,
  MetaIO,
  MetaReadOptions,
  MetaWriteOptions,
  StoredArray,
  WritableArray,
} from "./plugins.js";
export {
  createRegistry,
  type Plugin,
  type PluginKind,
  pluginKind,
  type RegisterOptions,
  type Registry,
} from "./registry.js";
export type { DecompositionResult, InputRef, ResultInstance } from "./result.js";
export {
  type AxisSelection,
  gather,
  type Range,
  type ResolvedSelection,
  resolveSelection,
  selectionShape,
} from "./selection.js";
export {
  type FilterSelector,
  type QuerySelector,
  type Selector,
  type SliceSelector,
  type TakeSelector,
  validateSelectors,
} from "./selectors.js";
export { cOrderStrides, isLength, sizeOf } from "./shape.js";
export {
  type AxisAnnotatedTensor,
  type AxisIndex,
  axisPosition,
  createTensor,
  type TensorInit,
} from "./tensor.js";
export {
  type ArithmeticSelector,
  isTransformSelector,
  type LinearMapSelector,
  type SubtractElementSelector,
  type SubtractMeanSelector,
  type TransformSelector,
  type UnarySelector,
} from "./transform-selectors.js";
export type {
  AxisElement,
  BlockOptions,
  BroadcastOptions,
  FilterOptions,
  ReadableView,
  RowAffine,
  StoredDataset,
  TensorBlock,
  TensorDataset,
  TensorView,
  ViewJSON,
  ViewRange,
} from "./view.js";
