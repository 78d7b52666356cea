/**
 * Bridges a response's authority section to the denial proofs: verifies each
 * NSEC/NSEC3 RRset with the zone's keys (RFC 4035 §5.4: only authenticated
 * NSEC RRs may be used) and maps the proofs' outcomes for the validator.
 */
import type { Name } from '../wire/name.js';
import { nameEquals, nameToText } from '../wire/name.js';
import { rrsigOf } from '../dnssec/records.js';
import { RRType } from '../wire/rrtype.js';
import type { Reason } from '../types.js';
import { type RRset, type VerifyContext, verifyRrset, isWildcardExpansion } from '../dnssec/rrsig.js';
import { cappedTtl, negativeTtl } from '../dnssec/ttl.js';
import { MAX_RRSIGS_PER_RRSET } from '../dnssec/limits.js';
import * as denial from '../dnssec/denial.js';
import type { DenialInput, DenialOutcome, DenialRecord } from '../dnssec/denial.js';
import { because, rrsetFailureReason, rrsetLabel } from './reasons.js';
import type { TraceSignature } from './result.js';
import { traceChecks } from './trace.js';
import type { RR } from '../wire/message.js';

export interface VerifiedDenial {
  readonly input: DenialInput;
  readonly signatures: TraceSignature[];
  /** Reasons for NSEC/NSEC3 RRsets that failed to verify (they are left out of the proof). */
  readonly failures: Reason[];
  /**
   * Signatures of this zone that failed: of an NSEC/NSEC3 RRset whose RRSIG
   * names the zone as signer, or of the zone's SOA. Any one makes the denial
   * bogus, whatever the rest proves (RFC 4033 §5, RFC 4035 §5; Unbound:
   * "failed AUTHORITY rrset").
   */
  readonly badSignatures: Reason[];
  /** The zone's SOA, verified: its negative TTL capped by its RRSIG (RFC 2308 §5, RFC 4035 §5.3.3). */
  readonly soaTtl?: number;
  /** Smallest capped TTL of the records used. */
  readonly ttl: number;
  /** Whether the authority section had any NSEC/NSEC3 at all. */
  readonly hadRecords: boolean;
  /** Whether any of them carried an RRSIG. */
  readonly hadSignatures: boolean;
}

/** Whether one of the set's RRSIGs names `zone` as its signer (the zone claims the set). */
function claimedBy(set: RRset, zone: Name): boolean {
  return set.sigs.some((sig) => {
    const s = rrsigOf(sig);
    return s !== undefined && nameEquals(s.signerName, zone);
  });
}

/** Verifies the NSEC and NSEC3 RRsets of `authority`, and the zone's SOA, with the keys of `zone`. */
export function denialInputFrom(
  authority: readonly RRset[],
  keys: { readonly zone: Name; readonly dnskeys: readonly RR[] },
  ctx: VerifyContext,
): VerifiedDenial {
  const nsec: DenialRecord[] = [];
  const nsec3: DenialRecord[] = [];
  const signatures: TraceSignature[] = [];
  const failures: Reason[] = [];
  const badSignatures: Reason[] = [];
  let soaTtl: number | undefined;
  let ttl = Number.POSITIVE_INFINITY;
  let hadRecords = false;
  let hadSignatures = false;
  for (const set of authority) {
    if (set.type === RRType.SOA && nameEquals(set.name, keys.zone)) {
      const check = verifyRrset(set, keys.dnskeys, ctx, MAX_RRSIGS_PER_RRSET);
      signatures.push(...traceChecks(set, check));
      if (check.ok) soaTtl = Math.min(soaTtl ?? Number.POSITIVE_INFINITY, cappedTtl(negativeTtl(set), check.sig, ctx.now));
      else badSignatures.push(rrsetFailureReason(check, rrsetLabel(set.name, set.type), keys.zone));
      continue;
    }
    if (set.type !== RRType.NSEC && set.type !== RRType.NSEC3) continue;
    hadRecords = true;
    if (set.sigs.length > 0) hadSignatures = true;
    const check = verifyRrset(set, keys.dnskeys, ctx, MAX_RRSIGS_PER_RRSET);
    signatures.push(...traceChecks(set, check));
    if (!check.ok) {
      const r = rrsetFailureReason(check, rrsetLabel(set.name, set.type), keys.zone);
      failures.push(r);
      if (claimedBy(set, keys.zone)) badSignatures.push(r);
      continue;
    }
    if (isWildcardExpansion(set.name, check.sig.labels)) {
      // An NSEC/NSEC3 expanded from a wildcard proves nothing about its
      // owner's neighbourhood (RFC 4035 §5.3.4; CVE-2017-15105).
      failures.push(because({ kind: 'wildcard-expanded-denial', what: rrsetLabel(set.name, set.type), zone: keys.zone }));
      continue;
    }
    ttl = Math.min(ttl, cappedTtl(set.ttl, check.sig, ctx.now));
    const target = set.type === RRType.NSEC ? nsec : nsec3;
    for (const rr of set.rrs) target.push({ owner: rr.name, rdata: rr.rdata });
  }
  return {
    input: { zone: keys.zone, nsec, nsec3, budget: ctx.budget },
    signatures,
    failures,
    badSignatures,
    ...(soaTtl !== undefined ? { soaTtl } : {}),
    ttl: Number.isFinite(ttl) ? ttl : 0,
    hadRecords,
    hadSignatures,
  };
}

/** A denial outcome as the validator uses it. */
export type Denial =
  | { readonly result: 'proven'; readonly detail: string }
  | { readonly result: 'no-cut'; readonly detail: string }
  | { readonly result: 'insecure'; readonly detail: string; readonly ede?: number; readonly optOut?: boolean }
  | { readonly result: 'failed'; readonly ede: number; readonly text: string };

function normalise(o: DenialOutcome): Denial {
  if (o.result === 'proven') {
    if ('noDelegation' in o && o.noDelegation) return { result: 'no-cut', detail: o.detail };
    return { result: 'proven', detail: o.detail };
  }
  if (o.result === 'insecure') return { result: 'insecure', detail: o.detail, ...(o.ede !== undefined ? { ede: o.ede } : {}) };
  return { result: 'failed', ede: o.ede, text: o.text };
}

/**
 * What the absence of a DS at `child` means for the walk (RFC 4035 §5.2,
 * RFC 5155 §8.9, §8.6): 'insecure' when a delegation without DS is proven
 * (or an opt-out span covers it), 'no-cut' when the name is proven not to be
 * a zone cut (it exists without NS, is an empty non-terminal, or does not
 * exist at all), 'failed' otherwise. Built on the pure proof
 * dnssec/denial.ts proveNoDs.
 */
export function dsAbsence(child: Name, input: DenialInput): Exclude<Denial, { result: 'proven' }> {
  const raw = denial.proveNoDs(child, input);
  const o = normalise(raw);
  if (o.result === 'proven') return { result: 'insecure', detail: o.detail, optOut: raw.result === 'proven' && raw.optOut === true };
  if (o.result === 'failed') {
    // A name that does not exist is no zone cut either.
    const nx = normalise(denial.proveNxdomain(child, input));
    if (nx.result === 'proven') return { result: 'no-cut', detail: `${nameToText(child)} does not exist: ${nx.detail}` };
    if (nx.result === 'insecure') return nx;
  }
  return o;
}

export function proveNxdomain(qname: Name, input: DenialInput): Denial {
  return normalise(denial.proveNxdomain(qname, input));
}

export function proveNodata(qname: Name, qtype: number, input: DenialInput): Denial {
  return normalise(denial.proveNodata(qname, qtype, input));
}

export function proveWildcardAnswer(qname: Name, rrsigLabels: number, input: DenialInput): Denial {
  return normalise(denial.proveWildcardAnswer(qname, rrsigLabels, input));
}

