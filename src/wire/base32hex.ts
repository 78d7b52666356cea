/**
 * Base32 with the "Extended Hex" alphabet (RFC 4648 §7), as NSEC3 uses it for
 * hashed owner names (RFC 5155 §3.3, Errata ID 3544: base32hex, not base32).
 * NSEC3 owner labels carry no padding and compare case-insensitively.
 */

const ALPHABET = '0123456789abcdefghijklmnopqrstuv';

const DECODE: Int8Array = (() => {
  const t = new Int8Array(128).fill(-1);
  for (let i = 0; i < 32; i++) {
    t[ALPHABET.charCodeAt(i)] = i;
    t[ALPHABET.toUpperCase().charCodeAt(i)] = i;
  }
  return t;
})();

/** Lower-case base32hex without padding (RFC 4648 §7, RFC 5155 §3.3). */
export function base32hexEncode(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const b of bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >>> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/**
 * Decodes unpadded base32hex, either case. Returns undefined for a character
 * outside the alphabet, a length no byte count produces, or non-zero
 * trailing bits (RFC 4648 §3.5: canonical encoding), so one label has one
 * meaning.
 */
export function base32hexDecode(text: string): Uint8Array | undefined {
  const rem = text.length % 8;
  // 8 chars carry 5 bytes; a partial group of 2, 4, 5 or 7 chars carries 1-4 bytes.
  if (rem === 1 || rem === 3 || rem === 6) return undefined;
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  let buffer = 0;
  let bits = 0;
  let pos = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? DECODE[c]! : -1;
    if (v < 0) return undefined;
    buffer = (buffer << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[pos++] = (buffer >>> bits) & 0xff;
    }
    buffer &= (1 << bits) - 1;
  }
  if (buffer !== 0) return undefined;
  return out;
}
