/**
 * Turning check failures into reasons with RFC 8914 EDE codes, most specific
 * first (as Unbound does: "signature expired" + EDE 7 beats "DNSSEC Bogus").
 */
import { EDE, type Reason } from '../types.js';
import type { SigFailure, RrsetCheck } from '../dnssec/rrsig.js';
import { type Name, nameToText } from '../wire/name.js';
import { typeToText } from '../wire/rrtype.js';

const SIG_FAILURE: Record<SigFailure | 'no-rrsig', { ede: number; text: string }> = {
  expired: { ede: EDE.SIGNATURE_EXPIRED, text: 'signature expired' },
  'not-yet-valid': { ede: EDE.SIGNATURE_NOT_YET_VALID, text: 'signature not yet valid' },
  'bad-signature': { ede: EDE.DNSSEC_BOGUS, text: 'signature does not verify' },
  'no-matching-key': { ede: EDE.DNSKEY_MISSING, text: 'no DNSKEY matches the RRSIG' },
  'revoked-key': { ede: EDE.DNSSEC_BOGUS, text: 'RRSIG made by a revoked key (RFC 5011)' },
  'too-many-keys': { ede: EDE.DNSSEC_BOGUS, text: 'too many keys share the key tag (KeyTrap limit)' },
  'budget-exhausted': { ede: EDE.DNSSEC_BOGUS, text: 'signature verification budget exhausted (KeyTrap limit)' },
  'unsupported-algorithm': { ede: EDE.UNSUPPORTED_DNSKEY_ALGORITHM, text: 'RRSIG algorithm not supported' },
  'labels-too-large': { ede: EDE.DNSSEC_BOGUS, text: 'RRSIG labels field larger than the owner name' },
  'signer-not-ancestor': { ede: EDE.DNSSEC_BOGUS, text: 'RRSIG signer is not the zone of the RRset' },
  'type-mismatch': { ede: EDE.DNSSEC_BOGUS, text: 'RRSIG type covered does not match' },
  malformed: { ede: EDE.DNSSEC_BOGUS, text: 'malformed RRSIG' },
  'no-rrsig': { ede: EDE.RRSIGS_MISSING, text: 'RRSIGs missing' },
};

export function rrsetLabel(name: Name, type: number): string {
  return `${nameToText(name)} ${typeToText(type)}`;
}

/** The reason an RRset failed to verify. */
export function rrsetFailureReason(check: Extract<RrsetCheck, { ok: false }>, what: string, zone: Name): Reason {
  const base = SIG_FAILURE[check.failure];
  const first = check.checks.find((c) => !c.ok && c.failure === check.failure && c.sig);
  const keyTag = first && !first.ok ? first.sig?.keyTag : undefined;
  return {
    ede: base.ede,
    text: `${base.text}: ${what}`,
    zone: nameToText(zone),
    ...(keyTag !== undefined ? { keyTag } : {}),
  };
}

export function reason(ede: number, text: string, zone?: Name, keyTag?: number): Reason {
  return {
    ede,
    text,
    ...(zone ? { zone: nameToText(zone) } : {}),
    ...(keyTag !== undefined ? { keyTag } : {}),
  };
}

const EDE_RANK: Record<number, number> = {
  [EDE.SIGNATURE_EXPIRED]: 9,
  [EDE.SIGNATURE_NOT_YET_VALID]: 9,
  [EDE.DNSKEY_MISSING]: 8,
  [EDE.RRSIGS_MISSING]: 8,
  [EDE.NSEC_MISSING]: 8,
  [EDE.UNSUPPORTED_NSEC3_ITERATIONS]: 7,
  [EDE.UNSUPPORTED_DNSKEY_ALGORITHM]: 6,
  [EDE.UNSUPPORTED_DS_DIGEST_TYPE]: 6,
  [EDE.DNSSEC_BOGUS]: 5,
};

/** Orders reasons most specific first; stable for equal rank; duplicates dropped. */
export function sortReasons(reasons: readonly Reason[]): Reason[] {
  const seen = new Set<string>();
  const unique = reasons.filter((r) => {
    const k = `${r.ede}|${r.text}|${r.zone ?? ''}|${r.keyTag ?? ''}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  return unique
    .map((r, i) => ({ r, i }))
    .sort((a, b) => (EDE_RANK[b.r.ede] ?? 0) - (EDE_RANK[a.r.ede] ?? 0) || a.i - b.i)
    .map((x) => x.r);
}
