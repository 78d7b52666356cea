/**
 * Authenticated denial of existence with NSEC3 (RFC 5155 §8, RFC 9276 §3.2).
 *
 * Pure functions over NSEC3 records whose signatures the caller has already
 * verified, all from one zone. Work is bounded: records per response, the
 * iteration count (checked before any hash is computed) and the number of
 * hashes per proof (CVE-2023-50868), each from limits.ts.
 */
import {
  type Name,
  ancestorWithLabels,
  isStrictSubdomain,
  isSubdomain,
  nameKey,
  nameToCanonicalWire,
  nameToText,
} from '../wire/name.js';
import { EDE } from '../types.js';
import { type Nsec3Data, NSEC3_FLAG_OPT_OUT, readNsec3 } from './records.js';
import { MAX_NSEC3_HASHES_PER_PROOF, MAX_NSEC3_ITERATIONS, MAX_NSEC3_RECORDS_PER_RESPONSE } from './limits.js';
import { base32hexDecode } from '../wire/base32hex.js';
import type { DenialOutcome, DenialRecord } from './denial-types.js';
import type { WorkBudget } from './budget.js';
import { type BitmapProblem, bitmapProblemText, isDelegationBitmap, mayDenyNamesBelow, noDsAtMatch, noDsAtWildcard, nodataProblem } from './bitmap.js';
import { isWildcardExpansion } from './rrsig.js';

/** The one NSEC3 hash algorithm defined (RFC 5155 §11): SHA-1, 20 octets. */
export const NSEC3_HASH_SHA1 = 1;
const SHA1_LENGTH = 20;

/** `nsec3Hash` from src/crypto: RFC 5155 §5 IH(salt, owner, iterations). */
export type Nsec3HashFunction = (ownerCanonicalWire: Uint8Array, salt: Uint8Array, iterations: number) => Uint8Array;

/** An NSEC3 record reduced to what the proofs read. */
export interface Nsec3 {
  readonly owner: Name;
  /** The owner's first label, base32hex-decoded. */
  readonly ownerHash: Uint8Array;
  readonly data: Nsec3Data;
}

const t = nameToText;

function failed(ede: number, text: string): DenialOutcome {
  return { result: 'failed', ede, text };
}

function proven(detail: string, extra?: { noDelegation?: true; optOut?: true }): DenialOutcome {
  return { result: 'proven', via: 'nsec3', detail, ...extra };
}

function optOutInsecure(detail: string): DenialOutcome {
  return { result: 'insecure', via: 'nsec3', why: 'opt-out', detail };
}

/** Thrown inside a proof when it would compute more hashes than allowed; caught at the proof boundary. */
class HashBudgetExceeded extends Error {
  constructor(readonly text: string) {
    super(text);
  }
}

/** Unsigned lexicographic comparison of equal-purpose byte strings. */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return compareBytes(a, b) === 0;
}

function isOptOut(r: Nsec3): boolean {
  return (r.data.flags & NSEC3_FLAG_OPT_OUT) !== 0;
}

function problem(p: BitmapProblem, name: Name): string {
  return bitmapProblemText(p, `NSEC3 matching ${t(name)}`);
}

/**
 * The NSEC3 records of one response for one zone, their common parameters,
 * and a per-proof hash cache. Every hash is charged to the question's work
 * budget when one is given (one budget per question: a fallback proof does
 * not start afresh), and at most MAX_NSEC3_HASHES_PER_PROOF are computed.
 */
export class Nsec3Chain {
  private readonly cache = new Map<string, Uint8Array>();
  private hashesComputed = 0;

  constructor(
    readonly zone: Name,
    readonly records: readonly Nsec3[],
    private readonly salt: Uint8Array,
    private readonly iterations: number,
    private readonly hash: Nsec3HashFunction,
    private readonly budget?: WorkBudget,
  ) {}

  /** H(name) with this chain's parameters; cached per name within the proof. */
  hashOf(name: Name): Uint8Array {
    const key = nameKey(name);
    const hit = this.cache.get(key);
    if (hit) return hit;
    if (this.hashesComputed >= MAX_NSEC3_HASHES_PER_PROOF) {
      throw new HashBudgetExceeded(`NSEC3 proof needs more than ${MAX_NSEC3_HASHES_PER_PROOF} hash computations`);
    }
    const wire = nameToCanonicalWire(name);
    if (this.budget && !this.budget.takeNsec3Hash(wire.length, this.salt.length, this.iterations)) {
      throw new HashBudgetExceeded(`NSEC3 proof stopped: ${this.budget.describe()}`);
    }
    this.hashesComputed++;
    const h = this.hash(wire, this.salt, this.iterations);
    this.cache.set(key, h);
    return h;
  }

  /** RFC 5155 §1.3 "matches": the owner's hash equals H(name). */
  match(name: Name): Nsec3 | undefined {
    const h = this.hashOf(name);
    return this.records.find((r) => sameBytes(r.ownerHash, h));
  }

  /**
   * RFC 5155 §1.3 "covers": H(name) sorts strictly between the owner hash and
   * the Next Hashed Owner Name; the last record wraps (§3.1.7), and a chain of
   * one (owner == next) covers every other hash.
   */
  cover(name: Name): Nsec3 | undefined {
    const h = this.hashOf(name);
    return this.records.find((r) => {
      const owner = r.ownerHash;
      const next = r.data.nextHashed;
      if (compareBytes(owner, next) < 0) return compareBytes(owner, h) < 0 && compareBytes(h, next) < 0;
      return compareBytes(h, owner) > 0 || compareBytes(h, next) < 0;
    });
  }
}

export type Nsec3ChainOrOutcome = { ok: true; chain: Nsec3Chain } | { ok: false; outcome: DenialOutcome };

/**
 * Selects the NSEC3 records that can take part in a proof for `zone`
 * (RFC 5155 §8.1, §8.2) and checks the limits before anything is hashed:
 * - more than MAX_NSEC3_RECORDS_PER_RESPONSE records → failed;
 * - ignored: unknown hash algorithm (§8.1), Flags other than 0 or 1 (§8.2),
 *   malformed RDATA, an owner that is not exactly one base32hex label of the
 *   hash length above the zone, a Next Hashed Owner Name of the wrong length;
 * - none left → failed, EDE 12 (§8.1: "generally be considered bogus");
 * - any record above `maxIterations` (default MAX_NSEC3_ITERATIONS) → insecure,
 *   EDE 27 (RFC 9276 §3.2);
 * - differing salt or iterations among the records → failed (§8.2 allows
 *   treating this as bogus; one proof uses one hash function).
 */
export function prepareNsec3Chain(
  records: readonly DenialRecord[],
  zone: Name,
  hash: Nsec3HashFunction,
  maxIterations: number = MAX_NSEC3_ITERATIONS,
  budget?: WorkBudget,
): Nsec3ChainOrOutcome {
  if (records.length > MAX_NSEC3_RECORDS_PER_RESPONSE) {
    return {
      ok: false,
      outcome: failed(EDE.DNSSEC_BOGUS, `${records.length} NSEC3 records exceed the limit of ${MAX_NSEC3_RECORDS_PER_RESPONSE} per response`),
    };
  }
  const usable: Nsec3[] = [];
  for (const r of records) {
    const d = readNsec3(r.rdata);
    if (!d || d.hashAlgorithm !== NSEC3_HASH_SHA1 || (d.flags & ~NSEC3_FLAG_OPT_OUT) !== 0) continue;
    if (d.nextHashed.length !== SHA1_LENGTH) continue;
    if (r.owner.length !== zone.length + 1 || !isSubdomain(r.owner, zone)) continue;
    const ownerHash = base32hexDecode(r.owner[0]!);
    if (!ownerHash || ownerHash.length !== SHA1_LENGTH) continue;
    usable.push({ owner: r.owner, ownerHash, data: d });
  }
  const first = usable[0];
  if (!first) {
    return { ok: false, outcome: failed(EDE.NSEC_MISSING, `no usable NSEC3 records for zone ${t(zone)}`) };
  }
  const highest = usable.reduce((m, r) => Math.max(m, r.data.iterations), 0);
  if (highest > maxIterations) {
    return {
      ok: false,
      outcome: {
        result: 'insecure',
        via: 'nsec3',
        why: 'iterations',
        ede: EDE.UNSUPPORTED_NSEC3_ITERATIONS,
        detail: `NSEC3 iterations ${highest} in zone ${t(zone)} exceed ${maxIterations} (RFC 9276 §3.2)`,
      },
    };
  }
  for (const r of usable) {
    if (r.data.iterations !== first.data.iterations || !sameBytes(r.data.salt, first.data.salt)) {
      return { ok: false, outcome: failed(EDE.DNSSEC_BOGUS, `NSEC3 records of zone ${t(zone)} disagree on salt or iterations`) };
    }
  }
  return { ok: true, chain: new Nsec3Chain(zone, usable, first.data.salt, first.data.iterations, hash, budget) };
}

/** A closest encloser proof (RFC 5155 §8.3). */
interface ClosestEncloser {
  readonly ce: Name;
  readonly nextCloser: Name;
  /** The NSEC3 covering the next closer name; its Opt-Out flag decides §9.2. */
  readonly ncRecord: Nsec3;
}

type CeResult = { kind: 'proof'; proof: ClosestEncloser } | { kind: 'exists'; record: Nsec3 } | { kind: 'failed'; outcome: DenialOutcome };

/**
 * RFC 5155 §8.3: the longest ancestor X of `qname` matched by an NSEC3 is the
 * candidate; if X is `qname` itself the name exists. Otherwise X's NSEC3 must
 * not be a delegation (NS set, SOA clear) nor carry DNAME, and the next closer
 * name (one label longer than X, towards `qname`) must be covered.
 */
function closestEncloserProof(chain: Nsec3Chain, qname: Name): CeResult {
  for (let n = qname.length; n >= chain.zone.length; n--) {
    const candidate = ancestorWithLabels(qname, n);
    const record = chain.match(candidate);
    if (!record) continue;
    if (n === qname.length) return { kind: 'exists', record };
    // RFC 6840 §4.1 (bitmap.ts): an ancestor delegation or DNAME cannot be the closest encloser.
    if (!mayDenyNamesBelow(record.data.types)) {
      const why = isDelegationBitmap(record.data.types)
        ? `closest encloser ${t(candidate)} is a delegation (NS set, SOA clear); the parent cannot deny names below it`
        : `closest encloser ${t(candidate)} has a DNAME; names below it are redirected, not absent`;
      return { kind: 'failed', outcome: failed(EDE.DNSSEC_BOGUS, why) };
    }
    const nextCloser = ancestorWithLabels(qname, n + 1);
    const ncRecord = chain.cover(nextCloser);
    if (!ncRecord) {
      return { kind: 'failed', outcome: failed(EDE.NSEC_MISSING, `no NSEC3 covers the next closer name ${t(nextCloser)}`) };
    }
    return { kind: 'proof', proof: { ce: candidate, nextCloser, ncRecord } };
  }
  return { kind: 'failed', outcome: failed(EDE.NSEC_MISSING, `no NSEC3 matches any ancestor of ${t(qname)} in ${t(chain.zone)}`) };
}

function outsideZone(name: Name, zone: Name): DenialOutcome | undefined {
  return isSubdomain(name, zone) ? undefined : failed(EDE.DNSSEC_BOGUS, `${t(name)} is not in zone ${t(zone)}`);
}

/** Runs a proof, turning an exhausted hash budget into a failure. */
function bounded(chain: Nsec3Chain, proof: () => DenialOutcome): DenialOutcome {
  try {
    return proof();
  } catch (e) {
    if (e instanceof HashBudgetExceeded) {
      return failed(EDE.DNSSEC_BOGUS, e.text);
    }
    throw e;
  }
}

/**
 * Name error (RFC 5155 §8.4): a closest encloser proof for `qname` and an
 * NSEC3 covering the wildcard at the closest encloser. With Opt-Out on the
 * NSEC3 covering the next closer name the name might exist as an unsigned
 * delegation, so the result is insecure (RFC 5155 §9.2).
 */
export function nsec3ProveNxdomain(qname: Name, chain: Nsec3Chain): DenialOutcome {
  const bad = outsideZone(qname, chain.zone);
  if (bad) return bad;
  return bounded(chain, () => {
    const r = closestEncloserProof(chain, qname);
    if (r.kind === 'failed') return r.outcome;
    if (r.kind === 'exists') return failed(EDE.DNSSEC_BOGUS, `NSEC3 ${t(r.record.owner)} matches ${t(qname)}: the name exists`);
    const { ce, nextCloser, ncRecord } = r.proof;
    const wildcard = ['*', ...ce];
    if (chain.match(wildcard)) return failed(EDE.DNSSEC_BOGUS, `NSEC3 matches the wildcard ${t(wildcard)}: it exists`);
    const wc = chain.cover(wildcard);
    if (!wc) return failed(EDE.NSEC_MISSING, `no NSEC3 covers the wildcard ${t(wildcard)}`);
    const detail = `closest encloser ${t(ce)}; next closer ${t(nextCloser)} covered by ${t(ncRecord.owner)}; wildcard ${t(wildcard)} covered by ${t(wc.owner)}`;
    if (isOptOut(ncRecord)) return optOutInsecure(`${detail}; Opt-Out span (RFC 5155 §9.2)`);
    return proven(detail);
  });
}

/** The bitmap rules (bitmap.ts) on the NSEC3 matching the name (or wildcard) a NODATA is about (RFC 5155 §8.5-§8.7). */
function matchingNsec3DeniesType(r: Nsec3, name: Name, qtype: number): string | undefined {
  const p = nodataProblem(r.data.types, qtype, name.length === 0);
  return p ? problem(p, name) : undefined;
}

/**
 * No data (RFC 5155 §8.5-§8.7 with Errata ID 3441):
 * - an NSEC3 matches `qname` without qtype and CNAME (an empty non-terminal
 *   has its own NSEC3 with an empty bitmap, §7.2.4);
 * - otherwise a closest encloser proof, and either an NSEC3 matching the
 *   wildcard at the closest encloser without qtype and CNAME (§8.7), or an
 *   Opt-Out NSEC3 covering the next closer name (§8.6; Errata 3441 for an
 *   empty non-terminal above an opt-out delegation).
 * Any Opt-Out next closer makes the result insecure (RFC 5155 §9.2).
 */
export function nsec3ProveNodata(qname: Name, qtype: number, chain: Nsec3Chain): DenialOutcome {
  const bad = outsideZone(qname, chain.zone);
  if (bad) return bad;
  return bounded(chain, () => {
    const r = closestEncloserProof(chain, qname);
    if (r.kind === 'exists') {
      const why = matchingNsec3DeniesType(r.record, qname, qtype);
      return why ? failed(EDE.DNSSEC_BOGUS, why) : proven(`NSEC3 ${t(r.record.owner)} matches ${t(qname)} and lacks the type`);
    }
    if (r.kind === 'failed') return r.outcome;
    const { ce, nextCloser, ncRecord } = r.proof;
    const wildcard = ['*', ...ce];
    const wc = chain.match(wildcard);
    if (wc) {
      const why = matchingNsec3DeniesType(wc, wildcard, qtype);
      if (why) return failed(EDE.DNSSEC_BOGUS, why);
      const detail = `closest encloser ${t(ce)}; next closer ${t(nextCloser)} covered by ${t(ncRecord.owner)}; wildcard ${t(wildcard)} lacks the type`;
      if (isOptOut(ncRecord)) return optOutInsecure(`${detail}; Opt-Out span (RFC 5155 §9.2)`);
      return proven(detail);
    }
    if (isOptOut(ncRecord)) {
      return optOutInsecure(`closest encloser ${t(ce)}; next closer ${t(nextCloser)} in the Opt-Out span of ${t(ncRecord.owner)} (RFC 5155 §8.6, §9.2)`);
    }
    return failed(EDE.NSEC_MISSING, `no NSEC3 matches ${t(qname)} or the wildcard ${t(wildcard)}, and the next closer span is not Opt-Out`);
  });
}

/**
 * No DS at `child`, proven in the parent zone (RFC 5155 §8.9, §8.6, RFC 6840 §4.4):
 * - NSEC3 matching child: SOA set → failed (the child apex); DS or CNAME set
 *   → failed; NS set → proven (insecure delegation); NS clear → proven with
 *   noDelegation (not a zone cut, e.g. an empty non-terminal);
 * - otherwise a closest encloser proof whose next closer NSEC3 has Opt-Out →
 *   proven with optOut: no signed delegation exists there, so whatever is
 *   below is insecure;
 * - otherwise a wildcard NODATA for DS → proven with noDelegation.
 */
export function nsec3ProveNoDs(child: Name, chain: Nsec3Chain): DenialOutcome {
  if (!isStrictSubdomain(child, chain.zone)) {
    return failed(EDE.DNSSEC_BOGUS, `the absence of DS at ${t(child)} must be proven by a zone above it, not ${t(chain.zone)}`);
  }
  return bounded(chain, () => {
    const r = closestEncloserProof(chain, child);
    if (r.kind === 'exists') {
      const at = noDsAtMatch(r.record.data.types);
      if ('problem' in at) return failed(EDE.DNSSEC_BOGUS, problem(at.problem, child));
      if (at.cut) return proven(`NSEC3 ${t(r.record.owner)} matches ${t(child)}: delegation (NS set) without DS`);
      return proven(`NSEC3 ${t(r.record.owner)} matches ${t(child)}: no NS, not a zone cut`, { noDelegation: true });
    }
    if (r.kind === 'failed') return r.outcome;
    const { ce, nextCloser, ncRecord } = r.proof;
    if (isOptOut(ncRecord)) {
      return proven(`closest encloser ${t(ce)}; next closer ${t(nextCloser)} in the Opt-Out span of ${t(ncRecord.owner)}: no signed delegation`, {
        optOut: true,
      });
    }
    const wildcard = ['*', ...ce];
    const wc = chain.match(wildcard);
    if (wc) {
      const p = noDsAtWildcard(wc.data.types);
      if (p) return failed(EDE.DNSSEC_BOGUS, problem(p, wildcard));
      return proven(`${t(child)} does not exist; wildcard ${t(wildcard)} has no DS: not a zone cut`, { noDelegation: true });
    }
    return failed(EDE.NSEC_MISSING, `no NSEC3 matches ${t(child)}, and the next closer span is not Opt-Out`);
  });
}

/**
 * A positive answer expanded from the wildcard at the last `rrsigLabels`
 * labels of `qname` (RFC 5155 §8.8, RFC 4035 §5.3.4): an NSEC3 must cover the
 * next closer name. With Opt-Out on it the answer is insecure (§9.2).
 */
export function nsec3ProveWildcardAnswer(qname: Name, rrsigLabels: number, chain: Nsec3Chain): DenialOutcome {
  const bad = outsideZone(qname, chain.zone);
  if (bad) return bad;
  if (!Number.isInteger(rrsigLabels) || rrsigLabels < chain.zone.length || !isWildcardExpansion(qname, rrsigLabels)) {
    return failed(EDE.DNSSEC_BOGUS, `RRSIG labels ${rrsigLabels} does not describe a wildcard in ${t(chain.zone)} for ${t(qname)}`);
  }
  return bounded(chain, () => {
    const nextCloser = ancestorWithLabels(qname, rrsigLabels + 1);
    const nc = chain.cover(nextCloser);
    if (!nc) return failed(EDE.NSEC_MISSING, `no NSEC3 covers the next closer name ${t(nextCloser)} (wildcard answer)`);
    const detail = `next closer ${t(nextCloser)} covered by ${t(nc.owner)}`;
    if (isOptOut(nc)) return optOutInsecure(`${detail}; Opt-Out span (RFC 5155 §9.2)`);
    return proven(detail);
  });
}
