/**
 * DNSSEC signature verification (the crypto step of RFC 4035 §5.3.3): algorithm dispatch, backend choice and
 * the parsed-key cache. `data` is the signed data of RFC 4034 §3.1.8.1 (RRSIG RDATA without the signature,
 * then the canonical RRset), built by the caller from raw wire bytes.
 */
import { DEFAULT_ALGORITHMS, FASTEST_BACKEND, LEGACY_ALGORITHMS } from './algorithms.js';
import { setHashBackend } from './digest.js';
import { KeyCache } from './key-cache.js';
import { NOBLE_ALGORITHMS, nobleVerifier } from './noble-backend.js';
import { NODE_ALGORITHMS, nodeVerifier } from './node-backend.js';
import { nodeCrypto } from './_node.js';
import type { Backend, CryptoOptions, VerifierOrFailure, VerifyResult } from './types.js';

const cache = new KeyCache();

/**
 * No supported algorithm has a longer public key: RSA 4096 bits with a 64-bit exponent in the 3-octet length
 * form is 3 + 8 + 512 = 523 octets (rsa-key.ts), DSA with T = 8 is 405 (RFC 2536 §2), Ed448 57. Longer keys are
 * rejected before the cache, so hostile 64 KB DNSKEYs cannot fill it with large entries.
 */
export const MAX_PUBLIC_KEY_LENGTH = 523;

let globalBackend: Backend | 'auto' = 'auto';

/**
 * Sets, process-wide, the backend used when a call does not name one (`backend` absent or `auto`), and the
 * one used for DS digests and NSEC3 hashes.
 * - `auto` (initial): the fastest backend per algorithm (see FASTEST_BACKEND); hashes on node:crypto.
 *   Where node:crypto is absent everything falls back to noble, so such runtimes need not call this.
 * - `noble`: pure JS everywhere, e.g. to run on Node exactly the code a browser runs, or where node:crypto is
 *   present but unwanted. DSA is then unsupported.
 * - `node`: node:crypto for every algorithm; all algorithms are unsupported where node:crypto is absent.
 */
export function setDefaultBackend(backend: Backend | 'auto'): void {
  globalBackend = backend;
  setHashBackend(backend === 'noble' ? 'noble' : 'node');
}

export function getDefaultBackend(): Backend | 'auto' {
  return globalBackend;
}

/** Whether node:crypto is available in this runtime. */
export function hasNodeCrypto(): boolean {
  return nodeCrypto !== undefined;
}

function enabled(algorithm: number, opts: CryptoOptions | undefined): boolean {
  return DEFAULT_ALGORITHMS.has(algorithm) || (opts?.legacyAlgorithms === true && LEGACY_ALGORITHMS.has(algorithm));
}

function backendImplements(backend: Backend, algorithm: number): boolean {
  return backend === 'node' ? nodeCrypto !== undefined && NODE_ALGORITHMS.has(algorithm) : NOBLE_ALGORITHMS.has(algorithm);
}

/** The backend that will verify `algorithm`, or undefined when the algorithm is unsupported under these options. */
export function backendFor(algorithm: number, opts?: CryptoOptions): Backend | undefined {
  if (!enabled(algorithm, opts)) return undefined;
  const requested = opts?.backend === undefined || opts.backend === 'auto' ? globalBackend : opts.backend;
  let backend: Backend;
  if (requested === 'node' || requested === 'noble') {
    backend = requested;
  } else if (requested === 'auto') {
    const fastest = FASTEST_BACKEND.get(algorithm) ?? 'noble';
    backend = backendImplements(fastest, algorithm) ? fastest : fastest === 'node' ? 'noble' : 'node';
  } else {
    return undefined; // not a backend name (untyped caller): fail closed
  }
  return backendImplements(backend, algorithm) ? backend : undefined;
}

/** RFC 8624 §3.1 plus what the chosen backend implements. */
export function isSupportedAlgorithm(algorithm: number, opts?: CryptoOptions): boolean {
  return backendFor(algorithm, opts) !== undefined;
}

const BUILDERS: Readonly<Record<Backend, (algorithm: number, key: Uint8Array) => VerifierOrFailure>> = {
  node: nodeVerifier,
  noble: nobleVerifier,
};

/**
 * Verifies one RRSIG signature with one DNSKEY public key. `publicKey` is the DNSKEY RDATA's Public Key field
 * (after flags, protocol, algorithm), `signature` the RRSIG Signature field. Never throws: malformed keys give
 * `bad-key`, malformed signatures `invalid`, disabled/unknown algorithms `unsupported`.
 */
export function verifySignature(
  algorithm: number,
  publicKey: Uint8Array,
  data: Uint8Array,
  signature: Uint8Array,
  opts?: CryptoOptions,
): VerifyResult {
  try {
    const backend = backendFor(algorithm, opts);
    if (backend === undefined) return 'unsupported';
    if (!(publicKey instanceof Uint8Array) || publicKey.length > MAX_PUBLIC_KEY_LENGTH) return 'bad-key';
    if (!(data instanceof Uint8Array) || !(signature instanceof Uint8Array)) return 'invalid';
    const verifier = cache.get(backend, algorithm, publicKey, BUILDERS[backend]);
    if (typeof verifier !== 'function') return verifier;
    return verifier(data, signature) ? 'valid' : 'invalid';
  } catch {
    return 'invalid';
  }
}

/** Builds a verifier without the cache (benchmarks, tests). */
export function buildVerifier(backend: Backend, algorithm: number, publicKey: Uint8Array): VerifierOrFailure {
  return BUILDERS[backend](algorithm, publicKey);
}

/** Empties the parsed-key cache. */
export function clearKeyCache(): void {
  cache.clear();
}
