/**
 * Shared result types. Security status as in RFC 4033 §5 / RFC 4035 §4.3
 * ("indeterminate" is reported as bogus: dnssec-stub always starts from a
 * trust anchor, and fails closed).
 *
 * The types that more than one layer needs live here, below all of them.
 */
import type { Name } from './wire/name.js';
import type { Message } from './wire/message.js';

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
  /** RFC 8914 §4.22: the requested operation or query is not supported (serve: AXFR, IXFR, RRSIG, other classes and opcodes). */
  NOT_SUPPORTED: 21,
  NO_REACHABLE_AUTHORITY: 22,
  NETWORK_ERROR: 23,
  UNSUPPORTED_NSEC3_ITERATIONS: 27,
  /** RFC 9824 §3.5, §9: a meta-type or QTYPE that cannot be asked (serve). */
  INVALID_QUERY_TYPE: 30,
} as const;

export type EdeCode = (typeof EDE)[keyof typeof EDE];

/**
 * The closed set of reason kinds. Each kind carries its data (the zone, the
 * key tag, the RRset, the proof's detail); the text and the EDE code are
 * derived from the kind and its data in one place (src/validator/reasons.ts).
 */
export type ReasonKind =
  | 'signature'
  | 'unsigned'
  | 'no-trust-anchor'
  | 'anchor-unsupported'
  | 'anchor-no-dnskey'
  | 'anchor-no-match'
  | 'ds-unsigned'
  | 'ds-unsupported'
  | 'dnskey-missing'
  | 'dnskey-no-match'
  | 'insecure-delegation'
  | 'no-ds-proof'
  | 'ds-denial-unsigned'
  | 'ds-denial-missing'
  | 'ds-wildcard-cname'
  | 'not-a-zone'
  | 'skipped-cut'
  | 'too-many-cuts'
  | 'denial-missing'
  | 'denial-failed'
  | 'denial-insecure'
  | 'wildcard-expanded-denial'
  | 'wildcard-unproven'
  | 'wildcard-insecure'
  | 'referral'
  | 'chain-too-long'
  | 'malformed-link'
  | 'loop'
  | 'dname-from-wildcard'
  | 'dname-mismatch'
  | 'rcode-contradicts'
  | 'yxdomain-without-dname'
  | 'budget'
  /** Not a validation verdict: a lookup that got no answer (UpstreamError), as reports beside verdicts show it (EDE 22/23). */
  | 'no-answer';

/** Why an answer is bogus (or, for insecure, which proof made it so). */
export interface Reason {
  /** What happened; the text and EDE code follow from it and its data. */
  readonly kind: ReasonKind;
  /**
   * RFC 8914 info code; null for an insecure reason that is no error (no
   * trust anchor, an unsigned delegation, an Opt-Out span): EDE 0 would say
   * "Other Error".
   */
  readonly ede: number | null;
  /** A short fixed text, e.g. "signature expired". */
  readonly text: string;
  /** The zone the reason is about, presentation form. */
  readonly zone?: string;
  /** The key tag involved, where there is one. */
  readonly keyTag?: number;
}

/**
 * Where responses come from: the network transports, a captured fixture, or
 * a test's replay. Returns the full response message to a query sent with
 * DO=1 and CD=1 (RFC 4035 §3.2.2), or rejects when there is no answer
 * (UpstreamError).
 */
export interface ResponseSource {
  query(name: Name, type: number, opts?: QueryOptions): Promise<Message>;
  /**
   * Optional: sources that reach the same data by another path (another
   * upstream server), best first, for a second opinion when an answer is
   * bogus in a way a path can cause (RRSIGs stripped, DNSKEY or DS missing).
   */
  otherPaths?(): readonly ResponseSource[];
}

/** Per-query options a source may honour: the question's abort signal and the time it has left. */
export interface QueryOptions {
  readonly signal?: AbortSignal;
  /** Milliseconds left until the question's deadline. */
  readonly deadlineMs?: number;
}

/**
 * Thrown (as a rejection) when no answer could be had at all: network
 * failure, timeouts, an upstream that answered SERVFAIL/REFUSED. Never a
 * verdict, never cached. `ede` is the RFC 8914 code for whoever shows one:
 * 22 (No Reachable Authority) when the upstream answered that it could not
 * get an answer, 23 (Network Error) when nothing usable came back.
 */
export class UpstreamError extends Error {
  override name = 'UpstreamError';
  constructor(
    message: string,
    override readonly cause?: unknown,
    readonly ede: number = EDE.NETWORK_ERROR,
  ) {
    super(message);
  }
}
