/**
 * The chain of trust: from a trust anchor down to a zone, one delegation at a
 * time (RFC 4035 §5.1-§5.2). For every zone on the way it yields a key entry
 * (key-cache.ts): secure, insecure with its proof, or bogus with its reasons.
 * Delegations with DS are decided in delegation.ts; here the walk, the DS
 * query's answer and the zone-cut checks.
 */
import { type Name, ancestorWithLabels, isStrictSubdomain, isSubdomain, nameEquals, nameToText } from '../wire/name.js';
import { RRType } from '../wire/rrtype.js';
import { EDE, UpstreamError } from '../types.js';
import type { TrustAnchor } from '../dnssec/anchors.js';
import { type RRset, verifyRrset, isWildcardExpansion } from '../dnssec/rrsig.js';
import { rrsigOf } from '../dnssec/records.js';
import { MAX_CUT_CHECK_LABELS, MAX_NSEC3_ITERATIONS_FOR_ZONE_CUTS, MAX_PREFETCH_DEPTH, MAX_RRSIGS_PER_RRSET, MAX_ZONE_DEPTH } from '../dnssec/limits.js';
import { MAX_ENTRY_TTL, cappedTtl } from '../dnssec/ttl.js';
import { responseRRsets, findRRset } from './rrsets.js';
import type { HeldContext, QuestionContext } from './context.js';
import { because, rrsetFailureReason, rrsetLabel } from './reasons.js';
import type { ChainStep } from './result.js';
import { traceChecks } from './trace.js';
import { fetchKeyData } from './fetch.js';
import { dsAbsence, denialInputFrom } from './denial-input.js';
import { type KeyEntry, KeyCache, bogusEntry } from './key-cache.js';
import { anchorEntry, delegationWithDs } from './delegation.js';

export type { KeyEntry, SecureEntry } from './key-cache.js';

/** The signer of an RRset's first readable RRSIG. */
function signerOf(set: RRset): Name | undefined {
  for (const sig of set.sigs) {
    const s = rrsigOf(sig);
    if (s) return s.signerName;
  }
  return undefined;
}

/**
 * Whether the key entry `e` found for `c` proves a zone cut strictly below
 * `upper` at or above `c`: a secure delegation, or a proven unsigned one
 * (an Opt-Out span or NSEC3 beyond the limit proves no cut).
 */
function provesCut(e: KeyEntry, c: Name, upper: Name): boolean {
  const proven = e.kind === 'secure' || (e.kind === 'insecure' && e.cutProven !== false);
  return proven && isStrictSubdomain(e.zone, upper) && isSubdomain(c, e.zone);
}

/**
 * The parent's entry, kept for a name below it that a proof showed is no
 * zone cut: for at most `ttl` seconds, the life of that proof. Past it the
 * name is checked again (a re-delegation is then seen).
 */
function holdingFor(parent: KeyEntry, ttl: number, now: number): KeyEntry {
  return { ...parent, expires: Math.min(parent.expires, now + Math.min(ttl, MAX_ENTRY_TTL)) };
}

export class KeyChain {
  readonly cache: KeyCache;

  constructor(
    private readonly anchors: readonly TrustAnchor[],
    maxEntries = 10_000,
    /**
     * Names that validated denial records held (the RFC 8198 cache) prove
     * absent at the time: neither they nor names below them are zone cuts,
     * so they are neither asked ahead for nor checked with a DS query.
     */
    private readonly provenAbsent: (name: Name, now: number) => boolean = () => false,
  ) {
    this.cache = new KeyCache(maxEntries);
  }

  clear(): void {
    this.cache.clear();
  }

  /** The deepest trust anchor at or above `name` (a deeper anchor wins: islands of trust). */
  closestAnchor(name: Name): TrustAnchor | undefined {
    let best: TrustAnchor | undefined;
    for (const a of this.anchors) {
      if (isSubdomain(name, a.zone) && (!best || a.zone.length > best.zone.length)) best = a;
    }
    return best;
  }

  /**
   * The key entry for `name`: for a zone apex, that zone's entry; for a name
   * that is no zone cut, the entry of the zone that holds it. Works upwards
   * from the DS query for `name`, whose answer names the parent zone (the
   * signer of the DS RRset or of the denial), and hops from zone cut to zone
   * cut up to the closest trust anchor (RFC 4035 §5.2). Insecurity and
   * bogusness propagate down: everything below an insecure cut is insecure.
   */
  async entryFor(name: Name, ctx: QuestionContext, prefetch: boolean, depth = 0): Promise<KeyEntry> {
    const anchor = this.closestAnchor(name);
    if (!anchor) {
      return { kind: 'insecure', zone: name, reasons: [because({ kind: 'no-trust-anchor', name })], steps: [], expires: Number.POSITIVE_INFINITY };
    }
    if (nameEquals(anchor.zone, name)) return this.cache.entry(name, ctx, () => anchorEntry(anchor, ctx));
    if (depth > MAX_ZONE_DEPTH) return bogusEntry(name, [because({ kind: 'too-many-cuts', name, limit: MAX_ZONE_DEPTH })], [], ctx.now);
    if (prefetch && depth === 0) this.prefetchFor(name, ctx);
    return this.cache.entry(name, ctx, () => this.zoneEntry(name, anchor, ctx, depth));
  }

  /**
   * One round trip for a whole walk: asks for the DS and DNSKEY sets of every
   * name between the closest anchor and `target` in parallel; the walk then
   * finds them answered. Names with a cached entry are skipped.
   *
   * `target` itself may be no zone at all (most names are not): with
   * `targetMayBeApex` false and the entry of its parent already held (the
   * walk down to it is done), its DNSKEY set is not asked for ahead. The DS
   * query there still runs (RFC 4035 §5.3.1: it tells whether `target` is a
   * cut); should it show one, the DNSKEY query follows: two round trips at
   * most, one query fewer for every name that is no apex.
   */
  prefetchFor(target: Name, ctx: QuestionContext, targetMayBeApex = true): void {
    const anchor = this.closestAnchor(target);
    if (!anchor) return;
    if (!this.cache.has(anchor.zone, ctx.now)) ctx.prefetch(anchor.zone, RRType.DNSKEY);
    // Zone cuts are usually near the top (TLD, domain, a subdomain or two);
    // deeper ones (ip6.arpa) are found one hop at a time.
    const last = Math.min(target.length, anchor.zone.length + MAX_PREFETCH_DEPTH);
    for (let n = anchor.zone.length + 1; n <= last; n++) {
      const c = ancestorWithLabels(target, n);
      if (this.provenAbsent(c, ctx.now)) break;
      if (this.cache.has(c, ctx.now) || this.cache.isKnownNotCut(c, ctx.now)) continue;
      ctx.prefetch(c, RRType.DS);
      if (n < target.length || targetMayBeApex || !this.cache.peek(c.slice(1), ctx.now)) ctx.prefetch(c, RRType.DNSKEY);
    }
  }

  /** See KeyCache.markNotCuts. */
  markNotCuts(owner: Name, signer: Name, expires: number): void {
    this.cache.markNotCuts(owner, signer, expires);
  }

  /**
   * The secure entry of `signer`, the zone that answered the DS query for
   * `zone`; bogus when `signer` is no zone, or when a zone cut lies between
   * it and `zone`'s parent side (it would be signing for another zone).
   */
  private async parentEntry(signer: Name, zone: Name, ctx: QuestionContext, depth: number): Promise<KeyEntry> {
    const parent = await this.entryFor(signer, ctx, false, depth + 1);
    if (parent.kind !== 'secure') return parent;
    if (!nameEquals(parent.zone, signer)) {
      return bogusEntry(signer, [because({ kind: 'not-a-zone', signer, parent: parent.zone })], parent.steps, ctx.now);
    }
    const cut = await this.cutBetween(signer, zone.slice(1), ctx, depth);
    if (cut) return bogusEntry(zone, [because({ kind: 'skipped-cut', signer, name: zone, cut })], parent.steps, ctx.now);
    return parent;
  }

  /**
   * RFC 4035 §5.3.1, §5.2: a signer must be THE zone holding a name. Hopping
   * by signer names takes the signer at its word, so this looks for a zone
   * cut that the resolver's own answers prove between `upper` (a secure
   * zone, the signer) and `lower`: a name C with upper < C <= lower whose DS
   * query proves a delegation (a validated DS, or a proven unsigned one), or
   * a trust anchor. Answers that prove nothing either way — chains in the
   * style of RFC 9102 §3 carry no proofs for names that are not cuts — are no
   * evidence of a cut. At most MAX_CUT_CHECK_LABELS names, nearest first;
   * the search stops at the first name validated records prove absent
   * (`absent`, or the RFC 8198 cache): no cut lies at or below it.
   */
  async cutBetween(upper: Name, lower: Name, ctx: QuestionContext, depth: number, absent?: (name: Name) => boolean): Promise<Name | undefined> {
    const last = Math.min(lower.length, upper.length + MAX_CUT_CHECK_LABELS);
    for (let n = upper.length + 1; n <= last; n++) {
      const c = ancestorWithLabels(lower, n);
      if (absent?.(c) || (!this.cache.has(c, ctx.now) && this.provenAbsent(c, ctx.now))) return undefined;
      // A DS query that got no answer proves nothing either way: no evidence
      // of a cut. Should the answer end bogus, the validator reports the
      // missing answer instead (QuestionContext.unanswered).
      const e = await this.entryFor(c, ctx, false, depth + 1).catch((err: unknown) => {
        if (!(err instanceof UpstreamError)) throw err;
        ctx.unanswered ??= err;
        return undefined;
      });
      if (!e) continue;
      if (provesCut(e, c, upper)) return e.zone;
    }
    return undefined;
  }

  /**
   * The settled, unexpired key entry for `name` held in the cache, or
   * undefined (none, or still being decided): entryFor without waiting and
   * without any query. Its trace steps are added to `ctx`.
   */
  peekEntry(name: Name, ctx: HeldContext): KeyEntry | undefined {
    if (!this.closestAnchor(name)) return undefined;
    const e = this.cache.peek(name, ctx.now);
    if (e) for (const s of e.steps) ctx.addStep(s);
    return e;
  }

  /**
   * cutBetween decided from what is held, without waiting: the cut, or
   * undefined for none, or 'unknown' when a name on the way has no settled
   * entry (then only cutBetween, which may ask, can tell).
   */
  cutBetweenNow(upper: Name, lower: Name, ctx: HeldContext, absent?: (name: Name) => boolean): Name | undefined | 'unknown' {
    const last = Math.min(lower.length, upper.length + MAX_CUT_CHECK_LABELS);
    for (let n = upper.length + 1; n <= last; n++) {
      const c = ancestorWithLabels(lower, n);
      if (absent?.(c) || (!this.cache.has(c, ctx.now) && this.provenAbsent(c, ctx.now))) return undefined;
      const e = this.peekEntry(c, ctx);
      if (!e) return 'unknown';
      if (provesCut(e, c, upper)) return e.zone;
    }
    return undefined;
  }

  /**
   * RFC 4035 §5.2: the DS RRset of `zone` from its parent (validated with the
   * parent's keys), then the DNSKEY RRset of `zone` signed by a key a DS
   * names. Without a DS, the parent must prove its absence (insecure
   * delegation) or that the name is no zone cut (the parent's entry holds it).
   */
  private async zoneEntry(zone: Name, anchor: TrustAnchor, ctx: QuestionContext, depth: number): Promise<KeyEntry> {
    const up = () => this.entryFor(zone.slice(1), ctx, false, depth + 1);
    const msg = await fetchKeyData(zone, RRType.DS, ctx).catch(async (err: unknown) => {
      if (!(err instanceof UpstreamError)) throw err;
      // RFC 4035 §4.3, §5.2: below a proven insecure delegation everything is
      // insecure (up to the next trust anchor, which `anchor` would be), and
      // below a bogus one nothing can be secure: this DS answer could not
      // change the verdict. Below an Opt-Out span the same holds: anyone can
      // claim an unsigned delegation there (RFC 5155 §12.2.1). Under a secure
      // zone the answer could decide: no answer stands (issue 10 correction 5).
      const parent = await up();
      if (parent.kind === 'secure') throw err;
      return parent;
    });
    if (!('rcode' in msg)) return msg;
    const sets = responseRRsets(msg);
    // The parent side must be a strict ancestor of `zone`, at or below the anchor.
    const asParent = (p: Name | undefined): Name | undefined => (p && isStrictSubdomain(zone, p) && isSubdomain(p, anchor.zone) ? p : undefined);
    const step = (status: ChainStep['status'], extra: Partial<ChainStep> = {}): ChainStep => ({ kind: 'delegation', zone: nameToText(zone), signatures: [], status, ...extra });

    const dsSet = findRRset(sets.answer, zone, RRType.DS);
    if (dsSet) {
      const signer = asParent(signerOf(dsSet));
      const parent = signer ? await this.parentEntry(signer, zone, ctx, depth) : await up();
      if (parent.kind !== 'secure') return parent;
      if (!signer) {
        return bogusEntry(zone, [because({ kind: 'ds-unsigned', zone, parent: parent.zone })], [...parent.steps, step('bogus', { note: 'unsigned DS RRset' })], ctx.now);
      }
      return delegationWithDs(parent, zone, dsSet, ctx);
    }

    // A CNAME at the name: it cannot be a zone cut (RFC 1034 §3.6.2).
    const cname = findRRset(sets.answer, zone, RRType.CNAME);
    if (cname) {
      const signer = asParent(signerOf(cname));
      const parent = signer ? await this.parentEntry(signer, zone, ctx, depth) : await up();
      if (parent.kind !== 'secure') return parent;
      const check = verifyRrset(cname, parent.dnskeys, ctx.verify, MAX_RRSIGS_PER_RRSET);
      // No cut here for as long as the CNAME holds (RFC 4035 §5.3.3), not for the parent keys' lifetime.
      if (check.ok && !isWildcardExpansion(zone, check.sig.labels)) return holdingFor(parent, cappedTtl(cname.ttl, check.sig, ctx.now), ctx.now);
      // A CNAME synthesised from a wildcard says nothing about this name's
      // own existence (RFC 4035 §5.3.4): it must not hide a cut.
      const r = check.ok ? because({ kind: 'ds-wildcard-cname', zone, parent: parent.zone }) : rrsetFailureReason(check, rrsetLabel(zone, RRType.CNAME), parent.zone);
      return bogusEntry(zone, [r], [...parent.steps, step('bogus', { signatures: traceChecks(cname, check) })], ctx.now);
    }

    // No DS: the parent zone, named by the denial's signer (or, unsigned, by
    // its SOA), must prove it (RFC 4035 §5.2, RFC 5155 §8.9, §8.6).
    let signer: Name | undefined;
    let soaOwner: Name | undefined;
    let hadDenial = false;
    for (const set of sets.authority) {
      if (set.type === RRType.NSEC || set.type === RRType.NSEC3) hadDenial = true;
      if (set.type === RRType.SOA) soaOwner ??= asParent(set.name);
      if (set.type !== RRType.NSEC && set.type !== RRType.NSEC3 && set.type !== RRType.SOA) continue;
      const s = asParent(signerOf(set));
      if (s && (!signer || s.length > signer.length)) signer = s;
    }
    // An SOA below every signer names the zone that answered (an unsigned
    // zone under a signed parent): the parent's records cannot speak for it.
    if (signer && soaOwner && isStrictSubdomain(soaOwner, signer)) signer = undefined;
    if (!signer) {
      const parent = soaOwner ? await this.entryFor(soaOwner, ctx, false, depth + 1) : await up();
      if (parent.kind !== 'secure') return parent;
      const r = because({ kind: hadDenial ? 'ds-denial-unsigned' : 'ds-denial-missing', zone, parent: parent.zone });
      return bogusEntry(zone, [r], [...parent.steps, step('bogus', { note: 'no signed answer to the DS query' })], ctx.now);
    }
    const parent = await this.parentEntry(signer, zone, ctx, depth);
    if (parent.kind !== 'secure') return parent;
    const denial = denialInputFrom(sets.authority, parent, ctx.verify);
    // Where the zone cuts are is checked even in zones with costly NSEC3
    // (see MAX_NSEC3_ITERATIONS_FOR_ZONE_CUTS): an unchecked proof must not
    // turn a stripped answer insecure.
    const outcome = dsAbsence(zone, { ...denial.input, maxIterations: MAX_NSEC3_ITERATIONS_FOR_ZONE_CUTS });
    const signatures = denial.signatures;
    if (denial.badSignatures.length > 0) {
      return bogusEntry(zone, denial.badSignatures, [...parent.steps, step('bogus', { signatures, note: 'a signature of the DS denial failed' })], ctx.now);
    }
    // No cut here for as long as the proof holds: its records' TTLs and RRSIGs (RFC 4035 §5.3.3).
    if (outcome.result === 'no-cut') return holdingFor(parent, denial.ttl, ctx.now);
    if (outcome.result === 'insecure') {
      return {
        kind: 'insecure',
        zone,
        reasons: [because({ kind: 'insecure-delegation', zone, detail: outcome.detail, ...(outcome.ede !== undefined ? { ede: outcome.ede } : {}) })],
        ...(outcome.optOut ? { optOut: true } : {}),
        cutProven: !outcome.optOut && outcome.ede !== EDE.UNSUPPORTED_NSEC3_ITERATIONS,
        steps: [...parent.steps, step('insecure', { signatures, note: outcome.detail })],
        expires: Math.min(ctx.now + Math.min(denial.ttl, MAX_ENTRY_TTL), parent.expires),
      };
    }
    const reasons = [...denial.failures, because({ kind: 'no-ds-proof', zone, parent: parent.zone, ede: outcome.ede, text: outcome.text })];
    return bogusEntry(zone, reasons, [...parent.steps, step('bogus', { signatures, note: outcome.text })], ctx.now);
  }
}
