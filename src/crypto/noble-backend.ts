/**
 * The pure-JS backend: @noble/curves for ECDSA and EdDSA, BigInt RSA (rsa-pkcs1.ts). Runs anywhere (no
 * node:crypto). The noble modules are loaded on first use (_noble.ts). No DSA: DSA (legacy, RFC 8624 §3.1 MUST NOT) is node-only, so this backend answers `unsupported`.
 */
import { ALGORITHM } from './algorithms.js';
import { concatBytes } from './_bytes.js';
import { ed25519, ed448, nist } from './_noble.js';
import { rsaPkcs1Verifier } from './rsa-pkcs1.js';
import { parseRsaPublicKey, rsaHashFor } from './rsa-key.js';
import type { VerifierOrFailure } from './types.js';

/**
 * ECDSA verify options. RFC 6605 §4: signature is r | s, each as long as the curve order.
 * - lowS: false: DNS signers do not normalise s; a high-S signature is valid ECDSA (FIPS 186-4 §6.4).
 * - prehash: true: noble hashes the message once with the curve's hash (SHA-256 for p256, SHA-384 for p384),
 *   which is exactly RFC 6605 §4 (ECDSAP256SHA256 / ECDSAP384SHA384). We must NOT hash before calling.
 * - format: 'compact' = r | s.
 */
const ECDSA_VERIFY_OPTS = Object.freeze({ lowS: false, prehash: true, format: 'compact' as const });

/** RFC 8080 §4 / RFC 8032 §5.1.7: strict decoding (no ZIP-215 leniency for non-canonical encodings). */
const EDDSA_VERIFY_OPTS = Object.freeze({ zip215: false });

type Ecdsa = ReturnType<typeof nist>['p256'];

function ecdsaVerifier(curve: Ecdsa, coordinateLength: number, key: Uint8Array): VerifierOrFailure {
  // RFC 6605 §4: the public key is x | y (uncompressed point without the 0x04 prefix).
  if (key.length !== 2 * coordinateLength) return 'bad-key';
  const sec1 = concatBytes(Uint8Array.of(0x04), key);
  try {
    // Decoding checks the point is on the curve; the identity cannot be encoded uncompressed.
    curve.Point.fromBytes(sec1).assertValidity();
  } catch {
    return 'bad-key';
  }
  const sigLength = 2 * coordinateLength;
  return (data, signature) => {
    if (signature.length !== sigLength) return false;
    try {
      return curve.verify(signature, data, sec1, ECDSA_VERIFY_OPTS);
    } catch {
      return false;
    }
  };
}

type Eddsa = ReturnType<typeof ed25519>['ed25519'] | ReturnType<typeof ed448>['ed448'];

/**
 * RFC 8032 §5.1.3 / §5.2.3 strict decoding (y < p, x = 0 only with sign bit 0), and not a small-order point: a
 * small-order key makes distinct signatures and messages verify (noble rejects those at verify time in strict
 * mode, OpenSSL does not), so both backends call such keys `bad-key` up front.
 */
export function isUsableEddsaKey(curve: Eddsa, key: Uint8Array): boolean {
  try {
    return !curve.Point.fromBytes(key, false).isSmallOrder();
  } catch {
    return false;
  }
}

function eddsaVerifier(curve: Eddsa, keyLength: number, sigLength: number, key: Uint8Array): VerifierOrFailure {
  // RFC 8080 §3: the public key is the RFC 8032 encoding, 32 (Ed25519) or 57 (Ed448) octets.
  if (key.length !== keyLength) return 'bad-key';
  if (!isUsableEddsaKey(curve, key)) return 'bad-key';
  const publicKey = key.slice();
  return (data, signature) => {
    if (signature.length !== sigLength) return false;
    try {
      return curve.verify(signature, data, publicKey, EDDSA_VERIFY_OPTS);
    } catch {
      return false;
    }
  };
}

/** Builds the pure verifier for one DNSKEY public key field. Never throws. */
export function nobleVerifier(algorithm: number, key: Uint8Array): VerifierOrFailure {
  switch (algorithm) {
    case ALGORITHM.RSASHA1:
    case ALGORITHM.RSASHA1_NSEC3_SHA1:
    case ALGORITHM.RSASHA256:
    case ALGORITHM.RSASHA512: {
      const parsed = parseRsaPublicKey(algorithm, key);
      const hash = rsaHashFor(algorithm);
      if (parsed === undefined || hash === undefined) return 'bad-key';
      return rsaPkcs1Verifier(parsed, hash);
    }
    case ALGORITHM.ECDSAP256SHA256:
      return ecdsaVerifier(nist().p256, 32, key);
    case ALGORITHM.ECDSAP384SHA384:
      return ecdsaVerifier(nist().p384, 48, key);
    case ALGORITHM.ED25519:
      return eddsaVerifier(ed25519().ed25519, 32, 64, key);
    case ALGORITHM.ED448:
      return eddsaVerifier(ed448().ed448, 57, 114, key);
    default:
      return 'unsupported';
  }
}

/** Algorithms this backend implements. */
export const NOBLE_ALGORITHMS: ReadonlySet<number> = new Set([5, 7, 8, 10, 13, 14, 15, 16]);
