/**
 * Shared result types. Security status as in RFC 4033 §5 / RFC 4035 §4.3
 * ("indeterminate" is reported as bogus: dnssec-stub always starts from a
 * trust anchor, and fails closed).
 */

export type Status = 'secure' | 'insecure' | 'bogus';

/** Extended DNS Error info codes used by the validator (RFC 8914 §4). */
export const EDE = {
  OTHER: 0,
  UNSUPPORTED_DNSKEY_ALGORITHM: 1,
  UNSUPPORTED_DS_DIGEST_TYPE: 2,
  DNSSEC_INDETERMINATE: 5,
  DNSSEC_BOGUS: 6,
  SIGNATURE_EXPIRED: 7,
  SIGNATURE_NOT_YET_VALID: 8,
  DNSKEY_MISSING: 9,
  RRSIGS_MISSING: 10,
  NO_ZONE_KEY_BIT_SET: 11,
  NSEC_MISSING: 12,
  NO_REACHABLE_AUTHORITY: 22,
  NETWORK_ERROR: 23,
  UNSUPPORTED_NSEC3_ITERATIONS: 27,
} as const;

export type EdeCode = (typeof EDE)[keyof typeof EDE];

/** Why an answer is bogus (or, for insecure, which proof made it so). */
export interface Reason {
  /** RFC 8914 info code. */
  readonly ede: number;
  /** A short fixed text, e.g. "signature expired". */
  readonly text: string;
  /** The zone the reason is about, presentation form. */
  readonly zone?: string;
  /** The key tag involved, where there is one. */
  readonly keyTag?: number;
}
