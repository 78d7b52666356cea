/** Small byte helpers for the crypto layer (no node:crypto, no Buffer: these also run in the pure backend). */

import { concat, bytesEqual } from '../wire/bytes.js';

export { bytesEqual };

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  return concat(parts);
}

/** Big-endian unsigned integer. */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  let hex = '';
  for (let i = 0; i < bytes.length; i++) hex += (bytes[i] as number).toString(16).padStart(2, '0');
  return hex.length === 0 ? 0n : BigInt('0x' + hex);
}

/** Big-endian, left-padded to exactly `length` bytes; undefined when `value` does not fit. */
export function bigIntToBytes(value: bigint, length: number): Uint8Array | undefined {
  if (value < 0n) return undefined;
  const hex = value.toString(16);
  if (hex.length > length * 2) return undefined;
  const padded = hex.padStart(length * 2, '0');
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = parseInt(padded.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Number of significant bits of a big-endian unsigned integer. */
export function bitLength(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b !== 0) return (bytes.length - i - 1) * 8 + (32 - Math.clz32(b));
  }
  return 0;
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** base64url (RFC 4648 §5, as in JWK, RFC 7518 §6) or standard base64, padding optional; undefined on bad input. */
export function fromBase64Url(text: string): Uint8Array | undefined {
  const clean = text.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  if (clean.length % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (const ch of clean) {
    const v = B64URL.indexOf(ch);
    if (v < 0) return undefined;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >>> bits) & 0xff;
    }
  }
  return out;
}

/**
 * A string holding exactly the given bytes (one char per byte), usable as a Map key.
 * Chunked so that very long keys stay below engine argument limits.
 */
export function bytesToKeyString(bytes: Uint8Array): string {
  const CHUNK = 4096;
  if (bytes.length <= CHUNK) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  let out = '';
  for (let i = 0; i < bytes.length; i += CHUNK) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK) as unknown as number[]);
  }
  return out;
}
