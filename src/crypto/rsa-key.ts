/**
 * RSA public keys in DNSKEY RDATA (RFC 3110 §2), with the size limits this validator enforces.
 *
 * Accepted sizes (checked here, so both backends agree):
 * - Modulus 512..4096 bits. RFC 3110 §2 (RSA/SHA-1) and RFC 5702 §2.1 (RSA/SHA-256) allow 512..4096 bits;
 *   RFC 5702 §2.2 requires 1024..4096 bits for RSA/SHA-512. The 4096-bit cap is also a cost bound (KeyTrap,
 *   CVE-2023-50387: verification cost grows with the modulus, and BIND/Unbound refuse larger keys too).
 *   The RFC 5702 §6.1 example key is 512 bits and is therefore accepted.
 * - Exponent: at most 64 bits (OpenSSL's OPENSSL_RSA_MAX_PUBEXP_BITS; BIND is stricter at 35 bits), odd, >= 3.
 *   Real DNSKEYs use 3 or 65537; a huge exponent only makes verification slow.
 * - RFC 3110 §2: "Leading zero octets are prohibited in the exponent and modulus": rejected, so the modulus
 *   length in octets is its size, which is also the required signature length (see rsa-pkcs1.ts).
 * - A zero-length exponent or modulus is malformed.
 * Any violation gives `bad-key`.
 */
import { ALGORITHM } from './algorithms.js';
import { bitLength } from './_bytes.js';

export const RSA_MIN_MODULUS_BITS = 512;
/** RFC 5702 §2.2: RSA/SHA-512 keys are at least 1024 bits. */
export const RSASHA512_MIN_MODULUS_BITS = 1024;
export const RSA_MAX_MODULUS_BITS = 4096;
export const RSA_MAX_EXPONENT_BITS = 64;

export interface RsaPublicKey {
  /** Big-endian, no leading zero octet. */
  readonly exponent: Uint8Array;
  /** Big-endian, no leading zero octet; its length is the signature length. */
  readonly modulus: Uint8Array;
  readonly modulusBits: number;
}

/** RFC 3110 §2 public key field → exponent and modulus; undefined when malformed or outside the limits above. */
export function parseRsaPublicKey(algorithm: number, key: Uint8Array): RsaPublicKey | undefined {
  if (key.length < 1) return undefined;
  // RFC 3110 §2: one length octet, or a zero octet followed by a two-octet length.
  let exponentLength = key[0] as number;
  let offset = 1;
  if (exponentLength === 0) {
    if (key.length < 3) return undefined;
    exponentLength = ((key[1] as number) << 8) | (key[2] as number);
    offset = 3;
  }
  if (exponentLength === 0 || offset + exponentLength >= key.length) return undefined;
  const exponent = key.subarray(offset, offset + exponentLength);
  const modulus = key.subarray(offset + exponentLength);
  if (exponent[0] === 0 || modulus[0] === 0) return undefined;

  const exponentBits = bitLength(exponent);
  if (exponentBits > RSA_MAX_EXPONENT_BITS || exponentBits < 2) return undefined;
  if (((exponent[exponent.length - 1] as number) & 1) === 0) return undefined;

  const modulusBits = bitLength(modulus);
  const minBits = algorithm === ALGORITHM.RSASHA512 ? RSASHA512_MIN_MODULUS_BITS : RSA_MIN_MODULUS_BITS;
  if (modulusBits < minBits || modulusBits > RSA_MAX_MODULUS_BITS) return undefined;
  // An even modulus is not an RSA modulus.
  if (((modulus[modulus.length - 1] as number) & 1) === 0) return undefined;
  return { exponent, modulus, modulusBits };
}

/** The hash each RSA algorithm signs with (RFC 3110 §3, RFC 5155 §2, RFC 5702 §3). */
export type RsaHash = 'sha1' | 'sha256' | 'sha512';

export function rsaHashFor(algorithm: number): RsaHash | undefined {
  switch (algorithm) {
    case ALGORITHM.RSASHA1:
    case ALGORITHM.RSASHA1_NSEC3_SHA1:
      return 'sha1';
    case ALGORITHM.RSASHA256:
      return 'sha256';
    case ALGORITHM.RSASHA512:
      return 'sha512';
    default:
      return undefined;
  }
}
