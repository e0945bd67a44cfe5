/** Where the Redis server of a BullMQ queue is: a URL or host, port and credentials. */

import { ConfigError } from "@tt/schema";

/** A Redis server given field by field; for a URL, pass the string instead. */
export interface RedisConnectionOptions {
  /** Default `127.0.0.1`. */
  readonly host?: string;
  /** Default 6379. */
  readonly port?: number;
  readonly username?: string;
  readonly password?: string;
  /** The database number, default 0. */
  readonly db?: number;
  /** Connect over TLS. */
  readonly tls?: boolean;
}

/** A Redis server: `redis://[user:password@]host:port[/db]` (`rediss://` for TLS) or fields. */
export type RedisConnection = string | RedisConnectionOptions;

/** What BullMQ passes on to ioredis. */
export interface IoredisOptions {
  url?: string;
  host?: string;
  port?: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: Record<string, never>;
}

/** Checks a URL connection: a `redis:` or `rediss:` URL with a host. */
function checkUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new ConfigError("connection", `'${url}' is not a URL; expected redis://host:port`, {
      cause: error,
    });
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:")
    throw new ConfigError(
      "connection",
      `'${url}' is a ${parsed.protocol} URL; expected redis://host:port or rediss://host:port`,
    );
  if (parsed.hostname === "")
    throw new ConfigError("connection", `'${url}' names no host; expected redis://host:port`);
  return parsed;
}

/** The ioredis options for `connection`, after checking it. */
export function ioredisOptions(connection: RedisConnection): IoredisOptions {
  if (typeof connection === "string") {
    checkUrl(connection);
    return { url: connection };
  }
  const { host, port, username, password, db, tls } = connection;
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536))
    throw new ConfigError("connection.port", `must be a TCP port (1 to 65535), got ${port}`);
  if (db !== undefined && !(Number.isInteger(db) && db >= 0))
    throw new ConfigError("connection.db", `must be a database number (0 or more), got ${db}`);
  return {
    host: host ?? "127.0.0.1",
    port: port ?? 6379,
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
    ...(db === undefined ? {} : { db }),
    ...(tls ? { tls: {} } : {}),
  };
}

/** `connection` as a URL for messages, without credentials: `redis://127.0.0.1:6379`. */
export function describeConnection(connection: RedisConnection): string {
  if (typeof connection === "string") {
    const url = checkUrl(connection);
    return `${url.protocol}//${url.host}${url.pathname === "/" ? "" : url.pathname}`;
  }
  const scheme = connection.tls ? "rediss" : "redis";
  const db = connection.db ? `/${connection.db}` : "";
  return `${scheme}://${connection.host ?? "127.0.0.1"}:${connection.port ?? 6379}${db}`;
}
