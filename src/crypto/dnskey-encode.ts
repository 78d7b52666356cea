/**
 * The reverse direction: a public key (as a JWK, RFC 7517/7518, e.g. from node:crypto `KeyObject.export({ format:
 * 'jwk' })`) → the DNSKEY Public Key field. Used by tests, the benchmark and anyone signing test zones.
 */
import { concatBytes, fromBase64Url } from './_bytes.js';

export interface PublicJwk {
  readonly kty?: string;
  readonly crv?: string;
  readonly n?: string;
  readonly e?: string;
  readonly x?: string;
  readonly y?: string;
}

function stripLeadingZeros(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return bytes.subarray(i);
}

/** RFC 3110 §2: exponent length (1 octet, or 0 then 2 octets), exponent, modulus; no leading zero octets. */
export function rsaDnskeyPublicKey(exponent: Uint8Array, modulus: Uint8Array): Uint8Array {
  const e = stripLeadingZeros(exponent);
  const n = stripLeadingZeros(modulus);
  const prefix = e.length <= 255 ? Uint8Array.of(e.length) : Uint8Array.of(0, e.length >> 8, e.length & 0xff);
  return concatBytes(prefix, e, n);
}

const EC_SIZE: Readonly<Record<string, number>> = { 'P-256': 32, 'P-384': 48 };

/**
 * RSA → RFC 3110 §2; EC P-256/P-384 → x | y (RFC 6605 §4); Ed25519/Ed448 → the RFC 8032 encoding (RFC 8080 §3).
 * Undefined for anything else.
 */
export function dnskeyPublicKeyFromJwk(jwk: PublicJwk): Uint8Array | undefined {
  if (jwk.kty === 'RSA' && jwk.n !== undefined && jwk.e !== undefined) {
    const n = fromBase64Url(jwk.n);
    const e = fromBase64Url(jwk.e);
    return n && e ? rsaDnskeyPublicKey(e, n) : undefined;
  }
  if (jwk.kty === 'EC' && jwk.crv !== undefined && jwk.x !== undefined && jwk.y !== undefined) {
    const size = EC_SIZE[jwk.crv];
    const x = fromBase64Url(jwk.x);
    const y = fromBase64Url(jwk.y);
    if (size === undefined || !x || !y || x.length !== size || y.length !== size) return undefined;
    return concatBytes(x, y);
  }
  if (jwk.kty === 'OKP' && (jwk.crv === 'Ed25519' || jwk.crv === 'Ed448') && jwk.x !== undefined) {
    return fromBase64Url(jwk.x);
  }
  return undefined;
}
