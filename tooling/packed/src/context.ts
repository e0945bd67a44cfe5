/** What the global setup hands every test file of the packed stage. */

import { inject } from "vitest";
import type { PackedPackage } from "./tarballs.js";

/** The scratch folder and the tarballs packed into it. */
export interface PackedContext {
  /** The scratch folder under the system's temporary folder (removed after the run). */
  root: string;
  /** Every publishable package by name, with its tarball. */
  packages: Record<string, PackedPackage>;
  /** Milliseconds packing took. */
  packMs: number;
}

declare module "vitest" {
  export interface ProvidedContext {
    packed: PackedContext;
  }
}

/** The context the global setup provided. */
export function packedContext(): PackedContext {
  return inject("packed");
}
