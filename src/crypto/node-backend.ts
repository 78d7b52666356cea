/**
 * The node:crypto (OpenSSL) backend. Each DNSKEY is turned into a KeyObject once (key-cache.ts keeps it); a
 * verify is then one `crypto.verify` call. Key checks shared with the pure backend (RFC 3110 limits, point
 * decoding) happen here too, so both backends give the same `bad-key` answers.
 *
 * If crypto.verify THROWS (rather than returning false) the answer comes from the pure verifier for the same key
 * instead. That happens when the local OpenSSL policy refuses a digest, e.g. SHA-1 signatures on RHEL 9
 * (OpenSSL patched with `rh-allow-sha1-signatures`, off by default): RSASHA1 zones would otherwise turn bogus on
 * such hosts. (Unbound, in the same situation, maps EVP_R_INVALID_DIGEST to "indeterminate" in val_secalgo.c
 * digest_error_status rather than bogus.) The fallback is built lazily: nothing is spent on the normal path.
 */
import type { KeyObject } from 'node:crypto';
import { ALGORITHM } from './algorithms.js';
import { rsaPublicKeyDer } from './_der.js';
import { dsaSignatureForm, parseDsaPublicKey } from './dsa.js';
import { isUsableEddsaKey, nobleVerifier } from './noble-backend.js';
import { nodeCrypto, type NodeCrypto } from './_node.js';
import { ed25519, ed448 } from './_noble.js';
import { parseRsaPublicKey, rsaHashFor } from './rsa-key.js';
import type { Verifier, VerifierOrFailure } from './types.js';

/** The pure verifier for the same key, built on first use (see the module comment). */
function lazyPureVerifier(algorithm: number, key: Uint8Array): Verifier {
  const keyCopy = key.slice();
  let pure: Verifier | undefined;
  return (data, signature) => {
    if (pure === undefined) {
      const built = nobleVerifier(algorithm, keyCopy);
      pure = typeof built === 'function' ? built : () => false;
    }
    return pure(data, signature);
  };
}

/** DER (PKCS#1 RSAPublicKey or SPKI) → KeyObject; undefined when OpenSSL rejects it. Format choice: _der.ts. */
function importDer(crypto: NodeCrypto, der: Uint8Array, type: 'pkcs1' | 'spki'): KeyObject | undefined {
  try {
    return crypto.createPublicKey({ key: Buffer.from(der.buffer, der.byteOffset, der.length), format: 'der', type });
  } catch {
    return undefined;
  }
}

function base64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64url');
}

/** JWK (RFC 7517/7518) → KeyObject; undefined when OpenSSL rejects it (e.g. an EC point not on the curve). */
function importJwk(crypto: NodeCrypto, jwk: Record<string, string>): KeyObject | undefined {
  try {
    return crypto.createPublicKey({ key: jwk, format: 'jwk' });
  } catch {
    return undefined;
  }
}

function rsaVerifier(crypto: NodeCrypto, algorithm: number, key: Uint8Array): VerifierOrFailure {
  const parsed = parseRsaPublicKey(algorithm, key);
  const hash = rsaHashFor(algorithm);
  if (parsed === undefined || hash === undefined) return 'bad-key';
  const keyObject = importDer(crypto, rsaPublicKeyDer(parsed.modulus, parsed.exponent), 'pkcs1');
  if (keyObject === undefined) return 'bad-key';
  const k = parsed.modulus.length;
  const fallback = lazyPureVerifier(algorithm, key);
  // RSASSA-PKCS1-v1_5 is crypto.verify's default padding for RSA keys. The length check makes the rule of
  // rsa-pkcs1.ts (exactly k octets, RFC 8017 §8.2.2 step 1) explicit instead of relying on OpenSSL's.
  return (data, signature) => {
    if (signature.length !== k) return false;
    try {
      return crypto.verify(hash, data, keyObject, signature);
    } catch {
      return fallback(data, signature);
    }
  };
}

function ecdsaVerifier(
  crypto: NodeCrypto,
  algorithm: number,
  crv: 'P-256' | 'P-384',
  size: number,
  key: Uint8Array,
): VerifierOrFailure {
  // RFC 6605 §4: key x | y, signature r | s.
  if (key.length !== 2 * size) return 'bad-key';
  // createPublicKey rejects points not on the curve.
  // RFC 7518 §6.2.1: x and y, each the full coordinate length.
  const keyObject = importJwk(crypto, { kty: 'EC', crv, x: base64Url(key.subarray(0, size)), y: base64Url(key.subarray(size)) });
  if (keyObject === undefined) return 'bad-key';
  const hash = crv === 'P-256' ? 'sha256' : 'sha384';
  // r | s is IEEE P1363 form; no DER conversion needed.
  const verifyKey = { key: keyObject, dsaEncoding: 'ieee-p1363' as const };
  const sigLength = 2 * size;
  const fallback = lazyPureVerifier(algorithm, key);
  return (data, signature) => {
    if (signature.length !== sigLength) return false;
    try {
      return crypto.verify(hash, data, verifyKey, signature);
    } catch {
      return fallback(data, signature);
    }
  };
}

function eddsaVerifier(crypto: NodeCrypto, algorithm: number, crv: 'Ed25519' | 'Ed448', key: Uint8Array): VerifierOrFailure {
  const keyLength = crv === 'Ed25519' ? 32 : 57;
  const sigLength = crv === 'Ed25519' ? 64 : 114;
  if (key.length !== keyLength) return 'bad-key';
  // OpenSSL does not decode the point at import: the same key check as the pure backend, once per key.
  if (!isUsableEddsaKey(crv === 'Ed25519' ? ed25519().ed25519 : ed448().ed448, key)) return 'bad-key';
  // RFC 8037 §2: OKP key, x = the RFC 8032 encoding.
  const keyObject = importJwk(crypto, { kty: 'OKP', crv, x: base64Url(key) });
  if (keyObject === undefined) return 'bad-key';
  const fallback = lazyPureVerifier(algorithm, key);
  return (data, signature) => {
    if (signature.length !== sigLength) return false;
    try {
      return crypto.verify(null, data, keyObject, signature);
    } catch {
      return fallback(data, signature);
    }
  };
}

function dsaVerifier(crypto: NodeCrypto, key: Uint8Array): VerifierOrFailure {
  const parsed = parseDsaPublicKey(key);
  if (parsed === undefined) return 'bad-key';
  const keyObject = importDer(crypto, parsed.spki, 'spki');
  if (keyObject === undefined) return 'bad-key';
  const p1363Key = { key: keyObject, dsaEncoding: 'ieee-p1363' as const };
  const derKey = { key: keyObject, dsaEncoding: 'der' as const };
  return (data, signature) => {
    const form = dsaSignatureForm(parsed, signature);
    if (form === undefined) return false;
    try {
      // RFC 2536 §3: SHA-1 over the signed data.
      return crypto.verify('sha1', data, form.encoding === 'der' ? derKey : p1363Key, form.bytes);
    } catch {
      return false;
    }
  };
}

/** Builds the node:crypto verifier for one DNSKEY public key field. Never throws. */
export function nodeVerifier(algorithm: number, key: Uint8Array): VerifierOrFailure {
  const crypto = nodeCrypto;
  if (crypto === undefined) return 'unsupported';
  switch (algorithm) {
    case ALGORITHM.RSASHA1:
    case ALGORITHM.RSASHA1_NSEC3_SHA1:
    case ALGORITHM.RSASHA256:
    case ALGORITHM.RSASHA512:
      return rsaVerifier(crypto, algorithm, key);
    case ALGORITHM.ECDSAP256SHA256:
      return ecdsaVerifier(crypto, algorithm, 'P-256', 32, key);
    case ALGORITHM.ECDSAP384SHA384:
      return ecdsaVerifier(crypto, algorithm, 'P-384', 48, key);
    case ALGORITHM.ED25519:
      return eddsaVerifier(crypto, algorithm, 'Ed25519', key);
    case ALGORITHM.ED448:
      return eddsaVerifier(crypto, algorithm, 'Ed448', key);
    case ALGORITHM.DSA:
    case ALGORITHM.DSA_NSEC3_SHA1:
      return dsaVerifier(crypto, key);
    default:
      return 'unsupported';
  }
}

/** Algorithms this backend implements (when node:crypto is present). */
export const NODE_ALGORITHMS: ReadonlySet<number> = new Set([3, 5, 6, 7, 8, 10, 13, 14, 15, 16]);
