/**
 * RRSIG checks and signature verification (RFC 4035 §5.3, RFC 4034 §3).
 *
 * Pure: the validation time is passed in. Each outcome is a typed value.
 */
import { type Name, isSubdomain, nameEquals, rrsigLabelCount } from '../wire/name.js';
import type { RR } from '../wire/message.js';
import { RRType } from '../wire/rrtype.js';
import { verifySignature, isSupportedAlgorithm, type CryptoOptions } from '../crypto/index.js';
import { signedData } from './canonical.js';
import { type RrsigData, type DnskeyData, rrsigOf, dnskeyOf } from './records.js';
import { isRevoked, isZoneKey } from './keys.js';
import { MAX_KEYS_PER_KEY_TAG } from './limits.js';
import type { WorkBudget } from './budget.js';
import type { VerifiedSignatures } from './verified.js';

/** An RRset as the validator sees it: records of one owner, type and class. */
export interface RRset {
  readonly name: Name;
  readonly type: number;
  readonly class: number;
  /** The smallest TTL of its records (RFC 2181 §5.2 says they should agree). */
  readonly ttl: number;
  readonly rrs: readonly RR[];
  /** RRSIG records whose type covered is this type, same owner and class. */
  readonly sigs: readonly RR[];
}

/** Why one RRSIG did not validate an RRset. */
export type SigFailure =
  | 'malformed'
  | 'type-mismatch'
  | 'signer-not-ancestor'
  | 'labels-too-large'
  | 'expired'
  | 'not-yet-valid'
  | 'unsupported-algorithm'
  | 'no-matching-key'
  | 'untrusted-key'
  | 'not-zone-key'
  | 'revoked-key'
  | 'bad-signature'
  | 'too-many-keys'
  | 'budget-exhausted';

export type SigCheck =
  | { readonly ok: true; readonly sig: RrsigData; readonly key: DnskeyData }
  | { readonly ok: false; readonly failure: SigFailure; readonly sig?: RrsigData };

/**
 * RFC 4034 §3.1.5: times are serial numbers (RFC 1982) modulo 2^32.
 * Returns true when `a` is before or at `b` in serial order.
 */
export function serialLessOrEqual(a: number, b: number): boolean {
  const diff = (b - a) >>> 0;
  return diff < 0x80000000;
}

/** RFC 4035 §5.3.1 bullet 5/6: inception <= now <= expiration, in serial arithmetic. */
export function checkValidityWindow(sig: RrsigData, nowUnixSeconds: number): 'ok' | 'expired' | 'not-yet-valid' {
  const now = nowUnixSeconds >>> 0;
  if (!serialLessOrEqual(sig.inception, now)) return 'not-yet-valid';
  if (!serialLessOrEqual(now, sig.expiration)) return 'expired';
  return 'ok';
}

/**
 * The question's work budget (src/dnssec/budget.ts), shared by everything done
 * for one question so that no response can make the validator do unbounded
 * work (KeyTrap). The old name stays for callers that count verifications.
 */
export { WorkBudget as VerificationBudget } from './budget.js';

export interface VerifyContext {
  readonly now: number;
  readonly budget: WorkBudget;
  readonly crypto?: CryptoOptions;
  /** The question's verifications so far (verified.ts): the same one is not done twice. */
  readonly verified?: VerifiedSignatures;
}

/**
 * RFC 4035 §5.3.1: the checks that need no key — RRSIG fields against the
 * RRset and the clock.
 */
export function precheckRrsig(rrset: RRset, sig: RrsigData, now: number): SigFailure | undefined {
  if (sig.typeCovered !== rrset.type) return 'type-mismatch';
  // The signer must be the zone containing the RRset: the owner or an ancestor.
  if (!isSubdomain(rrset.name, sig.signerName)) return 'signer-not-ancestor';
  // The labels field must not exceed the owner's label count.
  if (sig.labels > rrsigLabelCount(rrset.name)) return 'labels-too-large';
  const window = checkValidityWindow(sig, now);
  if (window !== 'ok') return window;
  return undefined;
}

/** Whether a DNSKEY may verify an RRSIG of `rrsetType` made with `sig` (RFC 4035 §5.3.1). */
export function keyMatchesSig(key: DnskeyData, keyOwner: Name, sig: RrsigData): boolean {
  return key.algorithm === sig.algorithm && key.keyTag === sig.keyTag && isZoneKey(key) && nameEquals(keyOwner, sig.signerName);
}

const FAILURE_RANK: Record<SigFailure, number> = {
  // Most specific first: the reason a user can act on.
  expired: 10,
  'not-yet-valid': 10,
  'bad-signature': 9,
  'revoked-key': 8,
  'too-many-keys': 8,
  'budget-exhausted': 11,
  'no-matching-key': 7,
  'untrusted-key': 7,
  'not-zone-key': 7,
  'unsupported-algorithm': 6,
  'labels-too-large': 5,
  'signer-not-ancestor': 5,
  'type-mismatch': 4,
  malformed: 3,
};

/** Picks the most specific failure among several RRSIGs' failures. */
export function mostSpecific(failures: readonly SigFailure[]): SigFailure | undefined {
  let best: SigFailure | undefined;
  for (const f of failures) if (!best || FAILURE_RANK[f] > FAILURE_RANK[best]) best = f;
  return best;
}

/**
 * Verifies one RRSIG over an RRset with the candidate keys (the DNSKEY RRs of
 * the signer zone). Tries at most MAX_KEYS_PER_KEY_TAG keys with the tag.
 * When no key could be tried, the failure says why (for --trace): a key with
 * the tag exists in `listed` (the zone's DNSKEY RRset) but is not among the
 * trusted `keys` ('untrusted-key'); a key with the tag has no Zone Key flag
 * ('not-zone-key', RFC 4034 §2.1.1); only revoked ones ('revoked-key'); none
 * at all ('no-matching-key').
 */
export function verifyRrsig(rrset: RRset, sigRR: RR, keys: readonly RR[], ctx: VerifyContext, listed: readonly RR[] = keys): SigCheck {
  const sig = rrsigOf(sigRR);
  if (!sig) return { ok: false, failure: 'malformed' };
  const pre = precheckRrsig(rrset, sig, ctx.now);
  if (pre) return { ok: false, failure: pre, sig };
  if (!isSupportedAlgorithm(sig.algorithm, ctx.crypto)) return { ok: false, failure: 'unsupported-algorithm', sig };
  let tried = 0;
  let sawRevoked = false;
  let data: Uint8Array | undefined;
  let sawNonZoneKey = false;
  for (const keyRR of keys) {
    const key = dnskeyOf(keyRR);
    if (!key) continue;
    if (!keyMatchesSig(key, keyRR.name, sig)) {
      if (key.algorithm === sig.algorithm && key.keyTag === sig.keyTag && !isZoneKey(key)) sawNonZoneKey = true;
      continue;
    }
    // RFC 5011 §2.1: a revoked key validates nothing but its own DNSKEY RRset.
    if (isRevoked(key) && rrset.type !== RRType.DNSKEY) {
      sawRevoked = true;
      continue;
    }
    if (tried >= MAX_KEYS_PER_KEY_TAG) return { ok: false, failure: 'too-many-keys', sig };
    if (!ctx.budget.takeSignature(sig.algorithm, key.publicKey.length)) return { ok: false, failure: 'budget-exhausted', sig };
    tried++;
    data ??= signedData(sig, rrset.name, rrset.type, rrset.class, rrset.rrs);
    const result = ctx.verified
      ? ctx.verified.verify(sig.algorithm, key.publicKey, data, sig.signature, ctx.crypto)
      : verifySignature(sig.algorithm, key.publicKey, data, sig.signature, ctx.crypto);
    if (result === 'valid') return { ok: true, sig, key };
  }
  if (tried > 0) return { ok: false, failure: 'bad-signature', sig };
  if (sawRevoked) return { ok: false, failure: 'revoked-key', sig };
  if (sawNonZoneKey) return { ok: false, failure: 'not-zone-key', sig };
  const untrusted = listed !== keys && listed.some((rr) => {
    const k = dnskeyOf(rr);
    return k !== undefined && keyMatchesSig(k, rr.name, sig) && !keys.includes(rr);
  });
  return { ok: false, failure: untrusted ? 'untrusted-key' : 'no-matching-key', sig };
}

export type RrsetCheck =
  | { readonly ok: true; readonly sig: RrsigData; readonly key: DnskeyData; readonly failures: readonly SigCheck[] }
  | { readonly ok: false; readonly failure: SigFailure | 'no-rrsig'; readonly checks: readonly SigCheck[] };

/**
 * RFC 4035 §5.3.3: an RRset is authentic when any one of its RRSIGs verifies
 * with a key of the signer zone. At most MAX_RRSIGS_PER_RRSET are tried.
 */
export function verifyRrset(rrset: RRset, keys: readonly RR[], ctx: VerifyContext, maxSigs: number, listed: readonly RR[] = keys): RrsetCheck {
  if (rrset.sigs.length === 0) return { ok: false, failure: 'no-rrsig', checks: [] };
  const checks: SigCheck[] = [];
  for (const sigRR of rrset.sigs.slice(0, maxSigs)) {
    const check = verifyRrsig(rrset, sigRR, keys, ctx, listed);
    if (check.ok) return { ok: true, sig: check.sig, key: check.key, failures: checks };
    checks.push(check);
    if (check.failure === 'budget-exhausted') break;
  }
  const failure = mostSpecific(checks.map((c) => (c.ok ? 'malformed' : c.failure))) ?? 'malformed';
  return { ok: false, failure, checks };
}

/**
 * The wildcard label-count rule, in one place (RFC 4034 §3.1.3, RFC 4035
 * §5.3.4): an RRSIG whose Labels field is smaller than the owner's label
 * count (not counting a leading "*" or the root) signed a wildcard, and the
 * RRset was synthesised from it. Every caller that must tell an expansion
 * from data that exists at its owner asks here.
 */
export function isWildcardExpansion(owner: Name, sigLabels: number): boolean {
  return sigLabels < rrsigLabelCount(owner);
}
