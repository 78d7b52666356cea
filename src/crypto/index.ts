/**
 * The crypto hot path of dnssec-stub: RRSIG signature checks (RFC 4035 §5.3.3), DS digests (RFC 4034 §5.1.4)
 * and NSEC3 hashes (RFC 5155 §5), each on node:crypto or pure JS (noble), whichever is faster per algorithm.
 *
 * Runtimes without node:crypto: nothing to configure, `auto` falls back to noble. To force the pure backend
 * everywhere (e.g. to run the browser code path on Node): `setDefaultBackend('noble')` (signatures, DS digests and
 * NSEC3 hashes); `setDefaultBackend('auto')` restores the default.
 */
export type { Backend, CryptoOptions, VerifyResult } from './types.js';
export { ALGORITHM, DEFAULT_ALGORITHMS, LEGACY_ALGORITHMS } from './algorithms.js';
export {
  backendFor,
  clearKeyCache,
  getDefaultBackend,
  hasNodeCrypto,
  isSupportedAlgorithm,
  setDefaultBackend,
  verifySignature,
} from './verify.js';
export { pureCryptoReady } from './ready.js';
export { DIGEST_TYPE, dsDigest, getHashBackend, isSupportedDigestType } from './digest.js';
export { MAX_NSEC3_ITERATIONS_FIELD, NSEC3_HASH_ALGORITHM_SHA1, nsec3Hash } from './nsec3-hash.js';
export { dnskeyPublicKeyFromJwk, rsaDnskeyPublicKey, type PublicJwk } from './dnskey-encode.js';
export { RSA_MAX_MODULUS_BITS, RSA_MIN_MODULUS_BITS, RSASHA512_MIN_MODULUS_BITS } from './rsa-key.js';
