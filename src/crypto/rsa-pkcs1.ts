/**
 * Pure-JS RSASSA-PKCS1-v1_5 verification (RFC 8017 §8.2.2, EMSA-PKCS1-v1_5 §9.2) for DNSSEC RSA algorithms
 * (RFC 3110 §3, RFC 5702 §3), on BigInt modular exponentiation.
 *
 * Following RFC 8017 §8.2.2 step 3-4 the expected encoded message
 *   EM = 0x00 || 0x01 || 0xFF..FF || 0x00 || DigestInfo(hash(data))
 * is BUILT and compared in full with s^e mod n; the decrypted block is never parsed. Parsing it (looking for
 * the 0x00 separator, then reading the DigestInfo) is what made Bleichenbacher's 2006 e = 3 forgery possible.
 * The comparison is done on integers: both sides are < 256^k, so integer equality is byte-for-byte equality of
 * the k-octet blocks. Constant time is not needed: keys, signatures and data are all public.
 *
 * Signature length: RFC 8017 §8.2.2 step 1 requires exactly k octets (k = modulus length); signers produce k
 * octets (I2OSP, §5.2.1 / RFC 3110 §3). OpenSSL (used by BIND and Unbound) and Go's crypto/rsa (miekg/dns) reject
 * other lengths rather than left-padding them, and so does this code (and the node backend, see node-backend.ts).
 */
import { bytesToBigInt } from './_bytes.js';
import { legacy, modular, sha2 } from './_noble.js';
import type { RsaHash, RsaPublicKey } from './rsa-key.js';
import type { Verifier } from './types.js';

/** DER DigestInfo prefixes, RFC 8017 §9.2 Notes 1 (AlgorithmIdentifier with NULL parameters). */
export const DIGEST_INFO_PREFIX: Readonly<Record<RsaHash, Uint8Array>> = {
  sha1: Uint8Array.of(0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14),
  sha256: Uint8Array.of(
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
  ),
  sha512: Uint8Array.of(
    0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40,
  ),
};

/** The noble hash for each RSA hash (loaded on first use, _noble.ts). */
function nobleHash(hash: RsaHash): (data: Uint8Array) => Uint8Array {
  return hash === 'sha1' ? legacy().sha1 : hash === 'sha256' ? sha2().sha256 : sha2().sha512;
}
const HASH_LENGTH: Readonly<Record<RsaHash, number>> = { sha1: 20, sha256: 32, sha512: 64 };

/**
 * The part of EM before the hash, as an integer already shifted left by the hash length:
 * 0x00 01 FF..FF 00 || DigestInfo prefix, for a k-octet modulus. Undefined when k is too short for
 * EMSA-PKCS1-v1_5 (RFC 8017 §9.2 step 3: k >= tLen + 11).
 */
function encodedMessageHead(k: number, hash: RsaHash): bigint | undefined {
  const prefix = DIGEST_INFO_PREFIX[hash];
  const hLen = HASH_LENGTH[hash];
  const tLen = prefix.length + hLen;
  if (k < tLen + 11) return undefined;
  const head = new Uint8Array(k - hLen);
  head[0] = 0x00;
  head[1] = 0x01;
  head.fill(0xff, 2, k - tLen - 1);
  head[k - tLen - 1] = 0x00;
  head.set(prefix, k - tLen);
  return bytesToBigInt(head) << BigInt(8 * hLen);
}

/** A pure verifier for one parsed RFC 3110 key. */
export function rsaPkcs1Verifier(key: RsaPublicKey, hash: RsaHash): Verifier {
  const k = key.modulus.length;
  const n = bytesToBigInt(key.modulus);
  const e = bytesToBigInt(key.exponent);
  const head = encodedMessageHead(k, hash);
  if (head === undefined) return () => false;
  const digest = nobleHash(hash);
  const { pow } = modular();
  return (data, signature) => {
    if (signature.length !== k) return false;
    const s = bytesToBigInt(signature);
    if (s >= n) return false; // RFC 8017 §5.2.2 step 1: s must be in [0, n-1]
    const m = pow(s, e, n);
    return m === head + bytesToBigInt(digest(data));
  };
}
