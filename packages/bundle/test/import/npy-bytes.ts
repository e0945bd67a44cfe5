/** Builds .npy bytes by hand, for inputs numpy would never write. */

/** A .npy file with the header dict `header` (padded as numpy pads it) followed by `data`. */
export function npyBytes(header: string, data: ArrayLike<number> = [], major = 1): Uint8Array {
  const lengthSize = major === 1 ? 2 : 4;
  const unpadded = 8 + lengthSize + header.length + 1;
  const text = `${header}${" ".repeat((64 - (unpadded % 64)) % 64)}\n`;
  const bytes = new Uint8Array(8 + lengthSize + text.length + data.length);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(bytes.buffer);
  if (major === 1) view.setUint16(8, text.length, true);
  else view.setUint32(8, text.length, true);
  for (let i = 0; i < text.length; i++) bytes[8 + lengthSize + i] = text.charCodeAt(i);
  bytes.set(data, 8 + lengthSize + text.length);
  return bytes;
}
