/** The plugin registry: an explicit value holding methods, array stores and metadata IO. */

import { ConfigError, NotFoundError } from "./errors.js";
import type { DecompositionMethod } from "./method.js";
import type { ArrayStoreBackend, MetaIO } from "./plugins.js";

/** Anything that can be registered. */
export type Plugin = DecompositionMethod<object> | ArrayStoreBackend | MetaIO;

/** The kinds of plugin a registry holds. */
export type PluginKind = "method" | "array-store" | "meta-io";

/** Options of {@link Registry.register}. */
export interface RegisterOptions {
  /** Replace a plugin of the same kind and id instead of failing. */
  replace?: boolean;
}

/** A set of plugins looked up by id. */
export interface Registry {
  /** Adds `plugin`; an id already registered for its kind is an error unless `replace` is set. */
  register(plugin: Plugin, options?: RegisterOptions): Registry;
  /** The method `id`; an unknown id is a NotFoundError listing the known ones. */
  method(id: string): DecompositionMethod<object>;
  /** The array store backend `id`. */
  arrayStore(id: string): ArrayStoreBackend;
  /** The metadata IO `id`. */
  metaIO(id: string): MetaIO;
  /** The registered ids of one kind, sorted. */
  ids(kind: PluginKind): string[];
}

/** Which kind a plugin is, told by its shape: `fit` (method), `create` + `open` (store), `read` + `write` (metadata). */
export function pluginKind(plugin: unknown): PluginKind {
  const p = plugin as Record<string, unknown> | null;
  const id = typeof p?.id === "string" ? p.id : undefined;
  if (id === undefined || id.length === 0) {
    throw new ConfigError("plugin.id", "a plugin needs a non-empty string id");
  }
  if (typeof p?.version !== "string") {
    throw new ConfigError(`plugin '${id}'.version`, "a plugin needs a version string");
  }
  if (typeof p.fit === "function" && typeof p.validate === "function") return "method";
  if (typeof p.create === "function" && typeof p.open === "function") return "array-store";
  if (typeof p.read === "function" && typeof p.write === "function") return "meta-io";
  throw new ConfigError(
    `plugin '${id}'`,
    "is not a method (validate + fit), an array store (create + open) or a metadata IO (read + write)",
  );
}

const NOUN: Record<PluginKind, string> = {
  method: "method",
  "array-store": "array store",
  "meta-io": "metadata IO",
};

/**
 * A registry holding `plugins`. Library functions take a registry as an argument; only the
 * umbrella package builds a default one.
 *
 * @example
 * ```ts
 * const registry = createRegistry([svd, zarrStore]);
 * registry.register(myMethod);
 * registry.method("svd").validate({ rank: 8 });
 * ```
 */
export function createRegistry(plugins: Iterable<Plugin> = []): Registry {
  const byKind: Record<PluginKind, Map<string, Plugin>> = {
    method: new Map(),
    "array-store": new Map(),
    "meta-io": new Map(),
  };

  const lookup = (kind: PluginKind, id: string): Plugin => {
    const plugin = byKind[kind].get(id);
    if (plugin === undefined) {
      const known = [...byKind[kind].keys()].sort();
      throw new NotFoundError(
        `${NOUN[kind]} '${id}'`,
        `unknown ${NOUN[kind]} '${id}'; registered: ${known.length ? known.join(", ") : "(none)"}`,
        { available: known },
      );
    }
    return plugin;
  };

  const registry: Registry = {
    register(plugin, options = {}) {
      const kind = pluginKind(plugin);
      const plugins = byKind[kind];
      if (plugins.has(plugin.id) && !options.replace) {
        throw new ConfigError(
          `plugin '${plugin.id}'`,
          `a ${NOUN[kind]} with id '${plugin.id}' is already registered; pass { replace: true } to replace it`,
        );
      }
      plugins.set(plugin.id, plugin);
      return registry;
    },
    method: (id) => lookup("method", id) as DecompositionMethod<object>,
    arrayStore: (id) => lookup("array-store", id) as ArrayStoreBackend,
    metaIO: (id) => lookup("meta-io", id) as MetaIO,
    ids: (kind) => [...byKind[kind].keys()].sort(),
  };
  for (const plugin of plugins) registry.register(plugin);
  return registry;
}
