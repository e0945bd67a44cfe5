/** Decoding the bytes of an imported text file as UTF-8, refusing invalid sequences with their place. */

import { DataError } from "@tt/schema";

const LF = 0x0a;
const CR = 0x0d;

/** The first invalid UTF-8 sequence in `bytes`: its offset and how many bytes it spans, or undefined. */
export function firstInvalidUtf8(
  bytes: Uint8Array,
): { offset: number; length: number } | undefined {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    // The continuation bytes allowed after `lead` (WHATWG's decoder: no overlong forms, no
    // surrogates, nothing above U+10FFFF).
    let need: number;
    let lower = 0x80;
    let upper = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) need = 1;
    else if (lead >= 0xe0 && lead <= 0xef) {
      need = 2;
      if (lead === 0xe0) lower = 0xa0;
      if (lead === 0xed) upper = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      need = 3;
      if (lead === 0xf0) lower = 0x90;
      if (lead === 0xf4) upper = 0x8f;
    } else return { offset: i, length: 1 };
    for (let k = 1; k <= need; k++) {
      const next = bytes[i + k];
      if (next === undefined || next < lower || next > upper) return { offset: i, length: k };
      lower = 0x80;
      upper = 0xbf;
    }
    i += need + 1;
  }
  return undefined;
}

/** The 1-based line of byte `offset`, counting LF, CRLF and a lone CR as line breaks, as the CSV reader does. */
function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) {
    const byte = bytes[i]!;
    if (byte === LF || (byte === CR && bytes[i + 1] !== LF)) line++;
  }
  return line;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => `0x${b.toString(16).toUpperCase().padStart(2, "0")}`).join(" ");
}

/**
 * The text of `bytes`, which must be UTF-8 (a byte order mark at the start is dropped). An invalid
 * sequence is a DataError naming `path`, the line and the byte offset of the first one, instead
 * of a silent U+FFFD in the data.
 */
export function decodeUtf8File(bytes: Uint8Array, path: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (error) {
    if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
      throw new DataError(
        `${path} line 1, byte offset 0`,
        `starts with a UTF-16 byte order mark (${hex(bytes.subarray(0, 2))}): the file is UTF-16, not UTF-8; save it as UTF-8`,
        { cause: error },
      );
    }
    const invalid = firstInvalidUtf8(bytes) ?? { offset: 0, length: 1 };
    const { offset, length } = invalid;
    throw new DataError(
      `${path} line ${lineAt(bytes, offset)}, byte offset ${offset}`,
      `is not valid UTF-8 (${hex(bytes.subarray(offset, offset + Math.max(length, 1)))}): the file must be UTF-8; if it was saved as Latin-1 or Windows-1252, convert it (for example iconv -f WINDOWS-1252 -t UTF-8)`,
      { cause: error },
    );
  }
}
