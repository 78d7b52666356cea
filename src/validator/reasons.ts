/**
 * Reasons: a closed union of kinds carrying data (ReasonData), from which
 * the text and the RFC 8914 EDE code are derived here and nowhere else; and
 * their order, most specific first (as Unbound does: "signature expired" +
 * EDE 7 beats "DNSSEC Bogus").
 */
import { EDE, type Reason, type ReasonKind } from '../types.js';
import type { SigFailure, RrsetCheck } from '../dnssec/rrsig.js';
import { type Name, nameToText } from '../wire/name.js';
import { typeToText } from '../wire/rrtype.js';

const SIG_FAILURE: Record<SigFailure | 'no-rrsig', { ede: number; text: string }> = {
  expired: { ede: EDE.SIGNATURE_EXPIRED, text: 'signature expired' },
  'not-yet-valid': { ede: EDE.SIGNATURE_NOT_YET_VALID, text: 'signature not yet valid' },
  'bad-signature': { ede: EDE.DNSSEC_BOGUS, text: 'signature does not verify' },
  'no-matching-key': { ede: EDE.DNSKEY_MISSING, text: 'no DNSKEY matches the RRSIG' },
  'untrusted-key': { ede: EDE.DNSKEY_MISSING, text: 'the RRSIG\'s key is in the DNSKEY RRset but not trusted (no DS or trust anchor matches it)' },
  'not-zone-key': { ede: EDE.NO_ZONE_KEY_BIT_SET, text: 'the RRSIG\'s key has no Zone Key flag (RFC 4034 §2.1.1)' },
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

/** What is missing from data met in a signed zone (RFC 4035 §5.3, §5.4). */
const MISSING = {
  rrsigs: { ede: EDE.RRSIGS_MISSING, text: 'RRSIGs missing' },
  'denial-rrsigs': { ede: EDE.RRSIGS_MISSING, text: 'RRSIGs missing on the denial of existence' },
  denial: { ede: EDE.NSEC_MISSING, text: 'no NSEC or NSEC3 proof' },
  'dname-island': { ede: EDE.RRSIGS_MISSING, text: 'redirected by a DNAME from outside the island of trust' },
} as const;

export type Missing = keyof typeof MISSING;

/** Every reason the validator gives, with its data. `what` is "owner TYPE" or "NXDOMAIN for owner TYPE". */
export type ReasonData =
  | { kind: 'signature'; failure: SigFailure | 'no-rrsig'; what: string; zone: Name; keyTag?: number }
  | { kind: 'unsigned'; missing: Missing; what: string; zone: Name }
  | { kind: 'no-trust-anchor'; name: Name }
  | { kind: 'anchor-unsupported'; zone: Name }
  | { kind: 'anchor-no-dnskey'; zone: Name }
  | { kind: 'anchor-no-match'; zone: Name }
  | { kind: 'ds-unsigned'; zone: Name; parent: Name }
  | { kind: 'ds-unsupported'; zone: Name; digests: boolean }
  | { kind: 'dnskey-missing'; zone: Name }
  | { kind: 'dnskey-no-match'; zone: Name; keyTags: readonly number[] }
  | { kind: 'insecure-delegation'; zone: Name; detail: string; ede?: number }
  | { kind: 'no-ds-proof'; zone: Name; parent: Name; ede: number; text: string }
  | { kind: 'ds-denial-unsigned'; zone: Name; parent: Name }
  | { kind: 'ds-denial-missing'; zone: Name; parent: Name }
  | { kind: 'ds-wildcard-cname'; zone: Name; parent: Name }
  | { kind: 'not-a-zone'; signer: Name; parent: Name; what?: string }
  | { kind: 'skipped-cut'; signer: Name; name: Name; cut: Name; what?: string }
  | { kind: 'too-many-cuts'; name: Name; limit: number }
  | { kind: 'denial-missing'; what: string; zone: Name }
  | { kind: 'denial-failed'; what: string; zone: Name; ede: number; text: string }
  | { kind: 'denial-insecure'; what: string; zone: Name; detail: string; ede?: number }
  | { kind: 'wildcard-expanded-denial'; what: string; zone: Name }
  | { kind: 'wildcard-unproven'; what: string; zone: Name; ede: number; text: string }
  | { kind: 'wildcard-insecure'; what: string; zone: Name; detail: string; ede?: number }
  | { kind: 'referral'; zone: Name; signed: Name }
  | { kind: 'chain-too-long'; limit: number }
  | { kind: 'malformed-link'; type: 'CNAME' | 'DNAME'; owner: Name }
  | { kind: 'loop'; type: 'CNAME' | 'DNAME'; at: Name }
  | { kind: 'dname-from-wildcard'; owner: Name }
  | { kind: 'dname-mismatch'; name: Name; dname: Name }
  | { kind: 'rcode-contradicts'; rcode: string; what: string }
  | { kind: 'yxdomain-without-dname'; what: string }
  | { kind: 'budget'; detail: string }
  | { kind: 'no-answer'; detail: string; ede: number };

// Every public kind has data here and every kind here is public.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const kindsAgree: Same<ReasonData['kind'], ReasonKind> = true;
void kindsAgree;

/** `ede: null` for an insecure reason that is no error (RFC 8914 EDE 0 means "Other Error"). */
type Derived = { ede: number | null; text: string; zone?: Name; keyTag?: number };
const t = nameToText;

function derive(d: ReasonData): Derived {
  switch (d.kind) {
    case 'signature': {
      const base = SIG_FAILURE[d.failure];
      return { ede: base.ede, text: `${base.text}: ${d.what}`, zone: d.zone, ...(d.keyTag !== undefined ? { keyTag: d.keyTag } : {}) };
    }
    case 'unsigned':
      return { ede: MISSING[d.missing].ede, text: `${MISSING[d.missing].text}: ${d.what} in the signed zone ${t(d.zone)}`, zone: d.zone };
    case 'no-trust-anchor':
      return { ede: null, text: `no trust anchor at or above ${t(d.name)}` };
    case 'anchor-unsupported':
      return { ede: EDE.UNSUPPORTED_DNSKEY_ALGORITHM, text: `trust anchor for ${t(d.zone)} uses only unsupported algorithms or digests (RFC 4035 §5, RFC 6840 §5.2)`, zone: d.zone };
    case 'anchor-no-dnskey':
      return { ede: EDE.DNSKEY_MISSING, text: `no DNSKEY RRset for the trust anchor ${t(d.zone)}`, zone: d.zone };
    case 'anchor-no-match':
      return { ede: EDE.DNSKEY_MISSING, text: `no DNSKEY of ${t(d.zone)} matches the trust anchor`, zone: d.zone };
    case 'ds-unsigned':
      return { ede: EDE.RRSIGS_MISSING, text: `RRSIGs missing: the DS RRset of ${t(d.zone)} is not signed by its parent zone`, zone: d.parent };
    case 'ds-unsupported':
      return {
        ede: d.digests ? EDE.UNSUPPORTED_DS_DIGEST_TYPE : EDE.UNSUPPORTED_DNSKEY_ALGORITHM,
        text: `the DS set of ${t(d.zone)} has only unsupported ${d.digests ? 'digest types' : 'algorithms'} (RFC 6840 §5.2)`,
        zone: d.zone,
      };
    case 'dnskey-missing':
      return { ede: EDE.DNSKEY_MISSING, text: `no DNSKEY RRset for ${t(d.zone)}, which has a DS`, zone: d.zone };
    case 'dnskey-no-match':
      return {
        ede: EDE.DNSKEY_MISSING,
        text: `no DNSKEY of ${t(d.zone)} matches its DS (key tag ${d.keyTags.join(', ')})`,
        zone: d.zone,
        ...(d.keyTags[0] !== undefined ? { keyTag: d.keyTags[0] } : {}),
      };
    case 'insecure-delegation':
      return { ede: d.ede ?? null, text: `insecure delegation: ${d.detail}`, zone: d.zone };
    case 'no-ds-proof':
      return { ede: d.ede, text: `no DS for ${t(d.zone)} and no valid proof of its absence: ${d.text}`, zone: d.parent };
    case 'ds-denial-unsigned':
      return { ede: EDE.RRSIGS_MISSING, text: `RRSIGs missing: no DS for ${t(d.zone)} and the denial is not signed by ${t(d.parent)}`, zone: d.parent };
    case 'ds-denial-missing':
      return { ede: EDE.NSEC_MISSING, text: `no DS for ${t(d.zone)} and no NSEC/NSEC3 proof of its absence from ${t(d.parent)}`, zone: d.parent };
    case 'ds-wildcard-cname':
      return { ede: EDE.DNSSEC_BOGUS, text: `the DS query for ${t(d.zone)} was answered by a wildcard CNAME`, zone: d.parent };
    case 'not-a-zone':
      return d.what
        ? { ede: EDE.DNSSEC_BOGUS, text: `${d.what} is signed by ${t(d.signer)}, which is not a zone (no delegation to it from ${t(d.parent)})`, zone: d.parent }
        : { ede: EDE.DNSSEC_BOGUS, text: `${t(d.signer)} signs for a child but is not a zone (no delegation to it)`, zone: d.parent };
    case 'skipped-cut':
      return d.what
        ? { ede: EDE.DNSSEC_BOGUS, text: `${d.what} is signed by ${t(d.signer)}, but ${t(d.cut)} is a zone cut between them (RFC 4035 §5.3.1)`, zone: d.cut }
        : { ede: EDE.DNSSEC_BOGUS, text: `${t(d.signer)} answers for ${t(d.name)}, but ${t(d.cut)} is a zone cut between them (RFC 4035 §5.2)`, zone: d.cut };
    case 'too-many-cuts':
      return { ede: EDE.DNSSEC_BOGUS, text: `more than ${d.limit} zone cuts above ${t(d.name)}` };
    case 'denial-missing':
      return { ede: EDE.NSEC_MISSING, text: `${d.what} without NSEC or NSEC3 records`, zone: d.zone };
    case 'denial-failed':
      return { ede: d.ede, text: `${d.what}: ${d.text}`, zone: d.zone };
    case 'denial-insecure':
      return { ede: d.ede ?? null, text: `${d.what}: ${d.detail}`, zone: d.zone };
    case 'wildcard-expanded-denial':
      return { ede: EDE.DNSSEC_BOGUS, text: `${d.what} is a wildcard expansion and proves nothing`, zone: d.zone };
    case 'wildcard-unproven':
      return { ede: d.ede, text: `wildcard answer ${d.what} without a proof that the name does not exist: ${d.text}`, zone: d.zone };
    case 'wildcard-insecure':
      return { ede: d.ede ?? null, text: `wildcard answer ${d.what}: ${d.detail}`, zone: d.zone };
    case 'referral':
      return { ede: EDE.DNSSEC_BOGUS, text: `upstream returned a referral to the signed zone ${t(d.zone)} instead of an answer`, zone: d.signed };
    case 'chain-too-long':
      return { ede: EDE.DNSSEC_BOGUS, text: `CNAME/DNAME chain longer than ${d.limit} links` };
    case 'malformed-link':
      return { ede: EDE.DNSSEC_BOGUS, text: `malformed ${d.type} RRset at ${t(d.owner)}` };
    case 'loop':
      return { ede: EDE.DNSSEC_BOGUS, text: `${d.type} loop at ${t(d.at)}` };
    case 'dname-from-wildcard':
      return { ede: EDE.DNSSEC_BOGUS, text: `DNAME ${t(d.owner)} synthesised from a wildcard` };
    case 'dname-mismatch':
      return { ede: EDE.DNSSEC_BOGUS, text: `the CNAME at ${t(d.name)} does not match the synthesis from the DNAME at ${t(d.dname)} (RFC 6672 §3.2)` };
    case 'rcode-contradicts':
      return { ede: EDE.DNSSEC_BOGUS, text: `${d.rcode} contradicts the data for ${d.what} in the same response` };
    case 'yxdomain-without-dname':
      return { ede: EDE.DNSSEC_BOGUS, text: `YXDOMAIN for ${d.what} without a DNAME that grows too long (RFC 6672 §2.2)` };
    case 'budget':
      return { ede: EDE.DNSSEC_BOGUS, text: `${d.detail} (denial-of-service limit)` };
    case 'no-answer':
      return { ede: d.ede, text: `no answer: ${d.detail}` };
  }
}

/** The public reason for `d`: its kind, the derived EDE code and text, zone and key tag. */
export function because(d: ReasonData): Reason {
  const x = derive(d);
  return {
    kind: d.kind,
    ede: x.ede,
    text: x.text,
    ...(x.zone ? { zone: nameToText(x.zone) } : {}),
    ...(x.keyTag !== undefined ? { keyTag: x.keyTag } : {}),
  };
}

export function rrsetLabel(name: Name, type: number): string {
  return `${nameToText(name)} ${typeToText(type)}`;
}

/** The reason an RRset failed to verify. */
export function rrsetFailureReason(check: Extract<RrsetCheck, { ok: false }>, what: string, zone: Name): Reason {
  const first = check.checks.find((c) => !c.ok && c.failure === check.failure && c.sig);
  const keyTag = first && !first.ok ? first.sig?.keyTag : undefined;
  return because({ kind: 'signature', failure: check.failure, what, zone, ...(keyTag !== undefined ? { keyTag } : {}) });
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
    .sort((a, b) => (EDE_RANK[b.r.ede ?? -1] ?? 0) - (EDE_RANK[a.r.ede ?? -1] ?? 0) || a.i - b.i)
    .map((x) => x.r);
}
