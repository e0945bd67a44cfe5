/**
 * Loopback names and addresses. A server bound to loopback answers only requests that name a
 * loopback host, so a web page whose DNS name is rebound to 127.0.0.1 cannot read it.
 */

/** Whether `hostname` (a name, an IPv4 address or a bracketed or bare IPv6 address) is loopback. */
export function isLoopback(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, "");
  if (name === "localhost" || name.endsWith(".localhost")) return true;
  if (/^127(\.\d{1,3}){3}$/.test(name)) return true;
  const bare = name.startsWith("[") && name.endsWith("]") ? name.slice(1, -1) : name;
  return bare === "::1" || bare === "0:0:0:0:0:0:0:1" || bare === "::ffff:127.0.0.1";
}

/** The host name of a `Host` header value (`name`, `name:port`, `[v6]:port`), or `undefined`. */
export function hostnameOf(hostHeader: string): string | undefined {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[^:[\]\s]+)(?::\d*)?$/.exec(hostHeader.trim());
  return match?.[1];
}
