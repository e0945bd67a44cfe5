/** The codecs the Zarr store writes, as Zarr v3 codec pipelines, and a gzip encoder. */

import { bytesPerElement, type DType, UnsupportedError } from "@tt/schema";
import * as zarr from "zarrita";
import { gunzip, gzip } from "#platform";

/** Codec names accepted when creating an array. */
export const ZARR_CODECS = ["none", "zstd", "gzip", "blosc-lz4"] as const;

/** A codec name accepted when creating an array. */
export type ZarrCodec = (typeof ZARR_CODECS)[number];

/**
 * The default codec: none. Measured by `packages/bundle/bench` on noisy float32 signals, compression saves
 * only about 7% of the bytes but costs 8-25 times the write and read time, and uncompressed
 * slabs can be fetched as byte ranges.
 */
export const DEFAULT_CODEC: ZarrCodec = "none";

type CodecMetadata = { name: string; configuration?: Record<string, unknown> };

/** The Zarr v3 codec pipeline for `codec` on elements of `dtype`. */
export function codecPipeline(codec: string, dtype: DType): CodecMetadata[] {
  const width = bytesPerElement(dtype);
  const bytes: CodecMetadata =
    width > 1 ? { name: "bytes", configuration: { endian: "little" } } : { name: "bytes" };
  switch (codec) {
    case "none":
      return [bytes];
    case "zstd":
      return [bytes, { name: "zstd", configuration: { level: 1, checksum: false } }];
    case "gzip":
      return [bytes, { name: "gzip", configuration: { level: 1 } }];
    case "blosc-lz4":
      return [
        bytes,
        {
          name: "blosc",
          configuration: {
            cname: "lz4",
            clevel: 5,
            shuffle: width > 1 ? "shuffle" : "noshuffle",
            typesize: width,
            blocksize: 0,
          },
        },
      ];
    default:
      throw new UnsupportedError(
        `codec ${codec}`,
        `unknown codec '${codec}'; expected one of ${ZARR_CODECS.join(", ")}`,
      );
  }
}

/** A short name for a stored codec pipeline: the compressor's name, or `none`. */
export function codecName(codecs: readonly CodecMetadata[] | undefined): string {
  const compressor = codecs?.find((c) => !["bytes", "transpose"].includes(c.name));
  if (compressor === undefined) return "none";
  if (compressor.name === "blosc") return `blosc-${String(compressor.configuration?.cname ?? "")}`;
  return compressor.name;
}

let gzipInstalled = false;

/**
 * Gives zarrita a gzip codec that also encodes (zarrita only decodes gzip): `node:zlib` on Node,
 * the web's CompressionStream elsewhere (picked by the package's `#platform` import).
 */
export function installGzipEncoder(): void {
  if (gzipInstalled) return;
  gzipInstalled = true;
  class GzipCodec {
    readonly kind = "bytes_to_bytes" as const;
    constructor(private readonly level: number) {}
    static fromConfig(config: { level?: number } | undefined) {
      return new GzipCodec(config?.level ?? 1);
    }
    encode(bytes: Uint8Array): Promise<Uint8Array> {
      return gzip(bytes, this.level);
    }
    decode(bytes: Uint8Array): Promise<Uint8Array> {
      return gunzip(bytes);
    }
  }
  zarr.registry.set("gzip", () => GzipCodec as never);
}
