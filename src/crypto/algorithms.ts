/**
 * DNSSEC algorithm numbers (IANA "DNS Security Algorithm Numbers") and which ones this validator implements,
 * following RFC 8624 §3.1 (validation column).
 */
import type { Backend } from './types.js';

export const ALGORITHM = {
  RSAMD5: 1,
  DH: 2,
  DSA: 3,
  RSASHA1: 5,
  DSA_NSEC3_SHA1: 6,
  RSASHA1_NSEC3_SHA1: 7,
  RSASHA256: 8,
  RSASHA512: 10,
  ECC_GOST: 12,
  ECDSAP256SHA256: 13,
  ECDSAP384SHA384: 14,
  ED25519: 15,
  ED448: 16,
} as const;

/**
 * Algorithms validated by default. RFC 8624 §3.1: RSAMD5 (1) MUST NOT, DSA (3, 6) MUST NOT, ECC-GOST (12) MAY
 * (not implemented here); everything else listed is MUST or RECOMMENDED for validation.
 */
export const DEFAULT_ALGORITHMS: ReadonlySet<number> = new Set([5, 7, 8, 10, 13, 14, 15, 16]);

/** DSA (RFC 2536), validated only when `legacyAlgorithms` is set (needs node:crypto: there is no pure DSA here). */
export const LEGACY_ALGORITHMS: ReadonlySet<number> = new Set([3, 6]);

/**
 * The backend `auto` picks per algorithm: the faster one, as measured by `npm run bench:crypto` on the
 * development machine (2026-11-28, Node 20.20.2 with its bundled OpenSSL 3, 2 vCPU VM; verifies per CPU-second;
 * RSA 2048 bits, e = 65537; 200-byte signed data; raw library calls, keys prebuilt):
 *
 *   algorithm             node:crypto   noble (RSA: our pure BigInt RSA)
 *   5  RSASHA1                 36 175     7 969
 *   7  RSASHA1-NSEC3-SHA1      36 502     7 998
 *   8  RSASHA256               35 514     7 352
 *   10 RSASHA512               34 474     6 863
 *   13 ECDSAP256SHA256         11 921       365   node 33x: OpenSSL's P-256 is assembly; noble does NOT win P-256
 *   14 ECDSAP384SHA384          1 233       176
 *   15 ED25519                  7 411       640   node 12x
 *   16 ED448                    3 479       229
 *
 * So node:crypto wins every algorithm here; DSA (3, 6) is node-only anyway. When node:crypto is missing (browsers,
 * some edge runtimes) `auto` falls back to noble for every algorithm it implements.
 */
export const FASTEST_BACKEND: ReadonlyMap<number, Backend> = new Map<number, Backend>([
  [5, 'node'],
  [7, 'node'],
  [8, 'node'],
  [10, 'node'],
  [13, 'node'],
  [14, 'node'],
  [15, 'node'],
  [16, 'node'],
  [3, 'node'],
  [6, 'node'],
]);
