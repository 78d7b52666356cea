/**
 * Minimal DER (ITU-T X.690 §10) encoder for the key structures node:crypto imports from us: RSAPublicKey
 * (RFC 8017 §A.1.1) and the DSA SubjectPublicKeyInfo (RFC 3279 §2.3.2). Definite lengths, unsigned INTEGERs only.
 *
 * Import formats were chosen by measurement (Node 20.20.2, createPublicKey per second): RSA-2048 PKCS#1 DER
 * 309 k/s, JWK 212 k/s, SPKI DER 7.4 k/s (OpenSSL 3's decoder framework); P-256 JWK 11.3 k/s vs SPKI 6.2 k/s;
 * Ed25519 JWK 131 k/s vs SPKI 10 k/s. So RSA uses PKCS#1 DER, EC and EdDSA use JWK (node-backend.ts), and only
 * DSA, which has no JWK form, goes through SPKI. (SPKI-imported RSA keys verify ~1.4% faster, which would take
 * ~300 verifies per key to repay the import cost.)
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

/** 1.2.840.10040.4.1 id-dsa (RFC 3279 §2.3.2). */
const OID_ID_DSA = Uint8Array.of(0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01);

/** RFC 8017 §A.1.1: RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (node's 'pkcs1' type). */
export function rsaPublicKeyDer(modulus: Uint8Array, exponent: Uint8Array): Uint8Array {
  return derSequence(derUnsignedInteger(modulus), derUnsignedInteger(exponent));
}

/** RFC 3279 §2.3.2: SubjectPublicKeyInfo with id-dsa, parameters Dss-Parms { p, q, g }, key INTEGER y. */
export function dsaSpki(p: Uint8Array, q: Uint8Array, g: Uint8Array, y: Uint8Array): Uint8Array {
  const params = derSequence(derUnsignedInteger(p), derUnsignedInteger(q), derUnsignedInteger(g));
  return derSequence(derSequence(OID_ID_DSA, params), derBitString(derUnsignedInteger(y)));
}
