/** Octet-string helpers shared by every layer (no node:crypto, no Buffer required). */

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/**
 * Node's Buffer#equals (a memcmp) also accepts plain Uint8Arrays; measured 67 ns vs 497 ns for a JS loop on
 * 260 bytes (a 2048-bit RSA DNSKEY), which matters on the key-cache hit path. Absent outside Node.
 */
const nativeEquals = (globalThis as { Buffer?: { prototype: { equals(this: Uint8Array, other: Uint8Array): boolean } } })
  .Buffer?.prototype.equals;

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  if (nativeEquals !== undefined && a.length > 32) return nativeEquals.call(a, b);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Unsigned lexicographic order of octet strings (RFC 4034 §6.3 "left-justified"). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
}
