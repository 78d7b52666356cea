/**
 * Minimal DER (ITU-T X.690 §10) encoder for the two structures node:crypto needs from us: a DSA
 * SubjectPublicKeyInfo (RFC 3279 §2.3.2) and nothing else. Definite lengths, unsigned INTEGERs only.
 */
import { concatBytes } from './_bytes.js';

function derLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Uint8Array.from([0x80 | bytes.length, ...bytes]);
}

export function derTlv(tag: number, content: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(tag), derLength(content.length), content);
}

/** INTEGER from an unsigned big-endian magnitude: minimal (leading zeros dropped), 0x00 prefix when the top bit is set. */
export function derUnsignedInteger(magnitude: Uint8Array): Uint8Array {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  let body = magnitude.subarray(start);
  if (body.length === 0) body = Uint8Array.of(0);
  if (((body[0] as number) & 0x80) !== 0) body = concatBytes(Uint8Array.of(0), body);
  return derTlv(0x02, body);
}

export function derSequence(...items: readonly Uint8Array[]): Uint8Array {
  return derTlv(0x30, concatBytes(...items));
}

/** BIT STRING with zero unused bits. */
export function derBitString(content: Uint8Array): Uint8Array {
  return derTlv(0x03, concatBytes(Uint8Array.of(0), content));
}

/** OBJECT IDENTIFIER 1.2.840.10040.4.1 (id-dsa, RFC 3279 §2.3.2), pre-encoded. */
export const OID_ID_DSA = Uint8Array.of(0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01);
