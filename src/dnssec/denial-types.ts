/**
 * The shapes the denial proofs share (see denial.ts for what each outcome
 * means). Kept apart so that nsec.ts and nsec3.ts need not import denial.ts,
 * which imports them.
 */
import type { Name } from '../wire/name.js';
import type { WorkBudget } from './budget.js';

/** One NSEC or NSEC3 record, signature verified, with its raw RDATA. */
export interface DenialRecord {
  readonly owner: Name;
  readonly rdata: Uint8Array;
}

export interface DenialInput {
  /** The signer zone of every record (the RRSIG signer name). */
  readonly zone: Name;
  readonly nsec: readonly DenialRecord[];
  readonly nsec3: readonly DenialRecord[];
  /**
   * NSEC3 iterations above which the proof is not checked but insecure (EDE 27).
   * Default MAX_NSEC3_ITERATIONS (RFC 9276 §3.2).
   */
  readonly maxIterations?: number;
  /**
   * The question's work budget: NSEC3 hashes are charged to it (one budget per
   * question, whichever proofs run). Without one only the per-proof limit holds.
   */
  readonly budget?: WorkBudget;
}

export interface DenialProven {
  readonly result: 'proven';
  readonly via: 'nsec' | 'nsec3';
  /** proveNoDs only: the child is not a zone cut; DS absence says nothing about a delegation. */
  readonly noDelegation?: true;
  /** proveNoDs only: DS absence proven by an NSEC3 Opt-Out span (no signed delegation exists). */
  readonly optOut?: true;
  /** For tracing. */
  readonly detail: string;
}

export interface DenialInsecure {
  readonly result: 'insecure';
  readonly via: 'nsec3';
  readonly why: 'opt-out' | 'iterations';
  /** 27 (Unsupported NSEC3 Iterations Value) for `iterations`. */
  readonly ede?: number;
  readonly detail: string;
}

export interface DenialFailed {
  readonly result: 'failed';
  /** 12 (NSEC Missing) or 6 (DNSSEC Bogus). */
  readonly ede: number;
  readonly text: string;
}

export type DenialOutcome = DenialProven | DenialInsecure | DenialFailed;
