/**
 * A node:crypto DSA public key in the DNSKEY form of RFC 2536 §2 (T | Q | P | G | Y), read from its
 * SubjectPublicKeyInfo (RFC 3279 §2.3.2): for tests that need a DSA DNSKEY (algorithms 3 and 6).
 */
import type * as crypto from 'node:crypto';

/** Reads one DER TLV at `offset`: tag, content, next offset. Enough for SubjectPublicKeyInfo. */
function tlv(der: Uint8Array, offset: number): { tag: number; content: Uint8Array; next: number } {
  const tag = der[offset]!;
  let length = der[offset + 1]!;
  let start = offset + 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + der[start + i]!;
    start += n;
  }
  return { tag, content: der.subarray(start, start + length), next: start + length };
}

function children(content: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let o = 0; o < content.length; ) {
    const t = tlv(content, o);
    out.push(t.content);
    o = t.next;
  }
  return out;
}

function fixed(integer: Uint8Array, length: number): number[] {
  let i = 0;
  while (integer.length - i > length && integer[i] === 0) i++;
  const body = integer.subarray(i);
  return [...new Uint8Array(length - body.length), ...body];
}

/** SPKI (RFC 3279 §2.3.2) → RFC 2536 §2: T | Q | P | G | Y. */
export function rfc2536Key(publicKey: crypto.KeyObject): Uint8Array {
  const spki = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }));
  const [algorithmId, bitString] = children(tlv(spki, 0).content) as [Uint8Array, Uint8Array];
  const [, params] = children(algorithmId) as [Uint8Array, Uint8Array];
  const [p, q, g] = children(params) as [Uint8Array, Uint8Array, Uint8Array];
  const y = tlv(bitString.subarray(1), 0).content;
  const size = p[0] === 0 ? p.length - 1 : p.length; // DER INTEGERs carry a 0x00 when the top bit is set
  const t = (size - 64) / 8;
  return Uint8Array.from([t, ...fixed(q, 20), ...fixed(p, size), ...fixed(g, size), ...fixed(y, size)]);
}
