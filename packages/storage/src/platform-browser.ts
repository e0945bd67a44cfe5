/**
 * Who a writer is outside Node (the default of the package's `#platform` import): a page has no
 * host name or process id that another page could check, so liveness goes by age alone.
 */

/** A stand-in host name: no other writer can check a page's liveness. */
export function hostName(): string {
  return "browser";
}

/** No process id in a page. */
export function processId(): number {
  return 0;
}

/** Unknown in a page: another page's writer is judged by age. */
export function processAlive(_pid: number): boolean | undefined {
  return undefined;
}

/** None in a page (WebCrypto hashes whole buffers only): large files are hashed whole. */
export function incrementalSha256():
  | { update(bytes: Uint8Array): void; hex(): string }
  | undefined {
  return undefined;
}
