/**
 * The names both entries of `tensortools` export: what a user needs to build, open, select,
 * decompose and join, in the browser and on Node. Advanced names (kernels, codecs, manifest
 * validation, column helpers, Parquet files) stay in the `@tt/*` packages that define them.
 */

export {
  type AppendBundleOptions,
  appendBundle,
  type CsvOptions,
  type NpyArray,
  type OpenBundleOptions,
  parseCsv,
  parseNpy,
  type StreamBlock,
  type TensorStream,
  type WriteBundleOptions,
  writeBundle,
} from "@tt/bundle";
export {
  type ConcatBundlesOptions,
  type ConcatInput,
  type ConcatOptions,
  type ConcatSummary,
  concatBundles,
  type JoinKind,
  LINEAGE_COLUMNS,
} from "@tt/concat";
export { type CpConfig, cp } from "@tt/decompose-cp";
export { pca, type SvdConfig, svd } from "@tt/decompose-svd";
export {
  type CompiledQuery,
  compileQuery,
  compileQueryToSql,
  createDataset,
  parseQuery,
  queryRows,
  type SqlQuery,
  viewFromJSON,
} from "@tt/query";
export {
  type JoinResultOptions,
  joinResult,
  type ReopenInputOptions,
  type ResultBundleOptions,
  writeResultBundle,
} from "@tt/result";
export {
  AlreadyExistsError,
  type AnyColumn,
  type AxisAnnotatedTensor,
  type AxisIndex,
  type Cell,
  type Column,
  ConfigError,
  ConflictError,
  columnFromCells,
  columnFromValues,
  createHttpStore,
  createMemoryStore,
  createRegistry,
  createTensor,
  DataError,
  type DecompositionMethod,
  type DecompositionResult,
  DTYPES,
  type DType,
  type ErrorTag,
  type FitContext,
  InputChangedError,
  type InputRef,
  InvalidManifestError,
  InvalidSelectionError,
  isTensorToolsError,
  type JsonObject,
  type JsonValue,
  type KernelBackendChoice,
  type KernelSettings,
  type KeyValueStore,
  type LogicalType,
  type Manifest,
  type MetaRecord,
  MetaTable,
  MethodError,
  type MethodOutput,
  NotFoundError,
  type Progress,
  QueryError,
  type ReadableView,
  type Registry,
  SCHEMA_VERSION,
  type Selector,
  type TensorDataset,
  TensorToolsError,
  type TensorView,
  type TypedArray,
  UnsupportedError,
  type ViewJSON,
  type WritableKeyValueStore,
} from "@tt/schema";
export { type DecomposeOptions, decompose } from "./decompose.js";
export { createDefaultRegistry } from "./default-registry.js";
export { VERSION } from "./version.js";
