/**
 * What a validation returns: the verdict, the records, the reasons and the
 * chain that was walked (for tracing, like delv +vtrace).
 */
import type { Reason, Status } from '../types.js';

/** One record of the answer, in presentation form and as raw RDATA. */
export interface ValidatedRecord {
  /** Owner, presentation form with trailing dot. */
  readonly name: string;
  /** Type mnemonic (or TYPEnnn). */
  readonly type: string;
  readonly ttl: number;
  /** RDATA in presentation form, e.g. "10 mx.example.com.". */
  readonly data: string;
  /** The whole record as dig prints it in an answer section. */
  readonly text: string;
  /** Raw RDATA octets. */
  readonly rdata: Uint8Array;
}

/** A DS record as seen in the chain. */
export interface TraceDs {
  readonly keyTag: number;
  readonly algorithm: number;
  readonly digestType: number;
  /** Whether this validator supports the algorithm and digest. */
  readonly supported: boolean;
  /** Whether a DNSKEY of the zone matched it. */
  readonly matched: boolean;
}

export interface TraceKey {
  readonly keyTag: number;
  readonly algorithm: number;
  readonly flags: number;
  /** Trusted because a DS or trust anchor matched it. */
  readonly trusted: boolean;
}

/** One signature check: which key signed which RRset, and its verdict. */
export interface TraceSignature {
  /** "owner TYPE". */
  readonly rrset: string;
  readonly signer: string;
  readonly keyTag: number;
  readonly algorithm: number;
  /** "valid" or the failure, e.g. "expired". */
  readonly result: string;
}

/** One step of the walk: a zone (anchor, delegation), an answer or a denial. */
export interface ChainStep {
  readonly kind: 'anchor' | 'delegation' | 'answer' | 'denial' | 'cname' | 'dname' | 'wildcard';
  /** The zone this step is about (presentation form). */
  readonly zone: string;
  readonly ds?: readonly TraceDs[];
  readonly dnskeys?: readonly TraceKey[];
  readonly signatures: readonly TraceSignature[];
  readonly status: Status;
  /** A short human-readable note: the proof used, the anchor's source, ... */
  readonly note?: string;
}

export interface ValidationResult {
  readonly status: Status;
  /** The question, presentation form. */
  readonly name: string;
  readonly type: string;
  /** Response code of the final answer: NOERROR, NXDOMAIN, ... */
  readonly rcode: string;
  /** The answer: the final RRset(s), plus CNAME/DNAME links before it. */
  readonly records: readonly ValidatedRecord[];
  /** Seconds the result may be cached: capped by RRSIG original TTL and expiration (RFC 4035 §5.3.3). */
  readonly ttl: number;
  /** Bogus: why, most specific first. Insecure: which zone and which proof. */
  readonly reasons: readonly Reason[];
  readonly chain: readonly ChainStep[];
}

/** Defined in src/types.ts (below every layer); re-exported here for existing imports. */
export { UpstreamError } from '../types.js';
