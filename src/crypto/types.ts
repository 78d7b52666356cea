/**
 * Types shared by the crypto layer (the DNSSEC hot path: RFC 4035 §5.3.3 signature checks,
 * RFC 4034 §5.1.4 DS digests, RFC 5155 §5 NSEC3 hashes).
 */

/** A crypto implementation: `node` = node:crypto (OpenSSL), `noble` = pure JS (@noble/curves, @noble/hashes, BigInt RSA). */
export type Backend = 'node' | 'noble';

/**
 * Outcome of one signature check.
 * - `valid`: the signature verifies.
 * - `invalid`: it does not (wrong length, wrong bits, malformed signature).
 * - `unsupported`: the algorithm is not implemented or not enabled (RFC 8624 §3.1, RFC 4035 §5.2: treat as insecure).
 * - `bad-key`: the DNSKEY public key field is malformed or outside the accepted limits for its algorithm.
 */
export type VerifyResult = 'valid' | 'invalid' | 'unsupported' | 'bad-key';

export interface CryptoOptions {
  /** Which backend to use; `auto` (default) = the global default set by `setDefaultBackend`, normally the fastest measured per algorithm. */
  backend?: Backend | 'auto';
  /** Enables DSA (algorithms 3 and 6, RFC 2536), which RFC 8624 §3.1 says MUST NOT be validated by default. node:crypto only. */
  legacyAlgorithms?: boolean;
}

/** A verifier bound to one parsed public key: true iff `signature` is a valid signature of `data`. Never throws. */
export type Verifier = (data: Uint8Array, signature: Uint8Array) => boolean;

/** What building a verifier from DNSKEY public-key bytes gives. */
export type VerifierOrFailure = Verifier | 'bad-key' | 'unsupported';
