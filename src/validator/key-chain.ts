/**
 * The chain of trust: from a trust anchor down to a zone, one delegation at a
 * time (RFC 4035 §5.1-§5.2). For every zone on the way it yields a key entry:
 * secure (a validated DNSKEY RRset), insecure (with the proof that made it so)
 * or bogus (with the reasons). Like Unbound's key cache (val_kentry), entries
 * are shared by all questions of one validator until their TTL runs out.
 */
import { bytesEqual } from '../wire/bytes.js';
import { type Name, ancestorWithLabels, isStrictSubdomain, isSubdomain, nameEquals, nameKey, nameToText, rrsigLabelCount } from '../wire/name.js';
import { rrsigOf } from '../dnssec/records.js';
import type { Message, RR } from '../wire/message.js';
import { RRType, rcodeToText, typeToText } from '../wire/rrtype.js';
import { EDE, type Reason } from '../types.js';
import type { TrustAnchor } from '../dnssec/anchors.js';
import { type RRset, verifyRrset, cappedTtl } from '../dnssec/rrsig.js';
import { matchDsToKeys } from '../dnssec/ds.js';
import { readDs, dnskeyOf, type DsData, DNSKEY_FLAG_ZONE, DNSKEY_FLAG_REVOKE } from '../dnssec/records.js';
import { isSupportedAlgorithm, isSupportedDigestType } from '../crypto/index.js';
import { MAX_KEYS_PER_KEY_TAG, MAX_CUT_CHECK_LABELS, MAX_NSEC3_ITERATIONS_FOR_ZONE_CUTS, MAX_PREFETCH_DEPTH, MAX_RRSIGS_PER_RRSET, MAX_ZONE_DEPTH } from '../dnssec/limits.js';
import { responseRRsets, findRRset } from './rrsets.js';
import { type QuestionContext, QueryBudgetError } from './context.js';
import { reason, rrsetFailureReason, rrsetLabel } from './reasons.js';
import type { ChainStep, TraceDs, TraceKey, TraceSignature } from './result.js';
import { UpstreamError } from './result.js';
import { proveNoDs, denialInputFrom } from './denial-input.js';

interface EntryBase {
  /** The zone the entry is about (for insecure: the cut where security ends). */
  readonly zone: Name;
  /** Trace steps that produced this entry, parents first. */
  readonly steps: readonly ChainStep[];
  /** Unix time after which the entry must be fetched again. */
  readonly expires: number;
}

export type KeyEntry =
  | (EntryBase & { readonly kind: 'secure'; readonly dnskeys: readonly RR[] })
  | (EntryBase & {
      readonly kind: 'insecure';
      readonly reasons: readonly Reason[];
      /** True when only an NSEC3 Opt-Out span proved the delegation unsigned (RFC 5155 §6). */
      readonly optOut?: boolean;
      /**
       * False when the delegation itself is not proven (an Opt-Out span, or
       * NSEC3 beyond the iteration limit): the name may be no zone cut at all.
       */
      readonly cutProven?: boolean;
    })
  | (EntryBase & { readonly kind: 'bogus'; readonly reasons: readonly Reason[] });

/** Bounded LRU of key entries, by name. */
class EntryCache {
  private readonly map = new Map<string, { entry: Promise<KeyEntry>; expires: number }>();
  constructor(private readonly maxEntries: number) {}

  get(key: string, now: number): Promise<KeyEntry> | undefined {
    const hit = this.map.get(key);
    if (!hit) return undefined;
    if (hit.expires <= now) {
      this.map.delete(key);
      return undefined;
    }
    this.map.delete(key);
    this.map.set(key, hit);
    return hit.entry;
  }

  set(key: string, entry: Promise<KeyEntry>, expires: number): void {
    this.map.delete(key);
    this.map.set(key, { entry, expires });
    while (this.map.size > this.maxEntries) {
      const oldest = this.map.keys().next().value as string;
      this.map.delete(oldest);
    }
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }
}

/** How long a bogus entry is kept (Unbound keeps bad keys 60 s: val-bogus-ttl). */
const BOGUS_ENTRY_TTL = 60;
/** Upper bound for any cached entry (Unbound's default cache-max-ttl is a day). */
const MAX_ENTRY_TTL = 86400;

function traceKeys(keyset: RRset | undefined, trusted: ReadonlySet<RR>): TraceKey[] {
  if (!keyset) return [];
  const out: TraceKey[] = [];
  for (const rr of keyset.rrs) {
    const k = dnskeyOf(rr);
    if (k) out.push({ keyTag: k.keyTag, algorithm: k.algorithm, flags: k.flags, trusted: trusted.has(rr) });
  }
  return out;
}

/**
 * RFC 4509 §3: ignore SHA-1 DS records when SHA-256 (or stronger) ones are
 * present; RFC 6840 §5.2: only DS records with a supported algorithm and
 * digest type count.
 */
export function usableDs(dsList: readonly DsData[], ctx: QuestionContext): DsData[] {
  const supported = dsList.filter((d) => isSupportedDigestType(d.digestType) && isSupportedAlgorithm(d.algorithm, ctx.crypto));
  const strong = supported.filter((d) => d.digestType !== 1);
  return strong.length > 0 ? strong : supported;
}

export class KeyChain {
  private readonly cache: EntryCache;
  private readonly notCuts = new Map<string, number>();
  private readonly maxNotCuts: number;

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
    this.cache = new EntryCache(maxEntries);
    this.maxNotCuts = maxEntries;
  }

  clear(): void {
    this.cache.clear();
    this.notCuts.clear();
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
      return {
        kind: 'insecure',
        zone: name,
        reasons: [reason(EDE.OTHER, `no trust anchor at or above ${nameToText(name)}`)],
        steps: [],
        expires: Number.POSITIVE_INFINITY,
      };
    }
    if (nameEquals(anchor.zone, name)) return this.cached(name, ctx, () => this.anchorEntry(anchor, ctx));
    if (depth > MAX_ZONE_DEPTH) {
      return this.bogus(name, [reason(EDE.DNSSEC_BOGUS, `more than ${MAX_ZONE_DEPTH} zone cuts above ${nameToText(name)}`)], [], ctx);
    }
    if (prefetch && depth === 0) this.prefetchFor(name, ctx);
    return this.cached(name, ctx, () => this.zoneEntry(name, anchor, ctx, depth));
  }

  /**
   * One round trip for a whole walk: asks for the DS and DNSKEY sets of every
   * name between the closest anchor and `target` in parallel; the walk then
   * finds them answered. Names with a cached entry are skipped.
   */
  prefetchFor(target: Name, ctx: QuestionContext): void {
    const anchor = this.closestAnchor(target);
    if (!anchor) return;
    if (!this.cache.get(nameKey(anchor.zone), ctx.now)) ctx.prefetch(anchor.zone, RRType.DNSKEY);
    // Zone cuts are usually near the top (TLD, domain, a subdomain or two);
    // deeper ones (ip6.arpa) are found one hop at a time.
    const last = Math.min(target.length, anchor.zone.length + MAX_PREFETCH_DEPTH);
    for (let n = anchor.zone.length + 1; n <= last; n++) {
      const c = ancestorWithLabels(target, n);
      if (this.provenAbsent(c, ctx.now)) break;
      if (this.cache.get(nameKey(c), ctx.now) || this.isKnownNotCut(c, ctx.now)) continue;
      ctx.prefetch(c, RRType.DS);
      ctx.prefetch(c, RRType.DNSKEY);
    }
  }

  /**
   * Remembers that the names from just below `signer` down to `owner` are no
   * zone cuts: `signer` validly signed data at `owner` (a zone signs only its
   * own names, RFC 4035 §2.2). Only prefetching reads this, to skip useless
   * DS/DNSKEY queries; validation never trusts it.
   */
  markNotCuts(owner: Name, signer: Name, expires: number): void {
    for (let n = signer.length + 1; n <= owner.length && n <= signer.length + MAX_PREFETCH_DEPTH; n++) {
      const key = nameKey(ancestorWithLabels(owner, n));
      this.notCuts.delete(key);
      this.notCuts.set(key, expires);
    }
    while (this.notCuts.size > this.maxNotCuts) this.notCuts.delete(this.notCuts.keys().next().value as string);
  }

  private isKnownNotCut(name: Name, now: number): boolean {
    const expires = this.notCuts.get(nameKey(name));
    return expires !== undefined && expires > now;
  }

  private async cached(name: Name, ctx: QuestionContext, make: () => Promise<KeyEntry>, join = true): Promise<KeyEntry> {
    const key = nameKey(name);
    const hit = join ? this.cache.get(key, ctx.now) : undefined;
    if (hit) {
      // A walk started by another question runs on that question's budget.
      // If it ran out (a rejection, or a bogus entry that was not kept), this
      // question decides again on its own budget.
      let entry: KeyEntry | undefined;
      try {
        entry = await hit;
      } catch (e) {
        if (!(e instanceof QueryBudgetError)) throw e;
      }
      if (entry && (entry.kind !== 'bogus' || entry.expires > ctx.now)) {
        for (const s of entry.steps) ctx.addStep(s);
        return entry;
      }
      return this.cached(name, ctx, make, false);
    }
    // An entry decided while this question's work budget ran out, or from a
    // failed fetch, says nothing durable about the zone: it is not kept, and
    // questions that joined the walk decide again on their own budget.
    const p = make().then((entry): KeyEntry => (ctx.budget.exhausted && entry.kind === 'bogus' ? { ...entry, expires: ctx.now } : entry));
    // Until it settles, concurrent walks share the same promise.
    this.cache.set(key, p, Number.POSITIVE_INFINITY);
    try {
      const entry = await p;
      this.cache.set(key, p, ctx.budget.exhausted ? ctx.now : entry.expires);
      for (const s of entry.steps) ctx.addStep(s);
      return entry;
    } catch (e) {
      this.cache.delete(key);
      throw e;
    }
  }

  private bogus(zone: Name, reasons: Reason[], steps: readonly ChainStep[], ctx: QuestionContext, transient = false): KeyEntry {
    return { kind: 'bogus', zone, reasons, steps, expires: transient ? ctx.now : ctx.now + BOGUS_ENTRY_TTL };
  }

  /** RFC 4035 §5: the anchor zone's DNSKEY RRset, self-signed by a key the anchor names. */
  private async anchorEntry(anchor: TrustAnchor, ctx: QuestionContext): Promise<KeyEntry> {
    const zone = anchor.zone;
    const anchorDs = anchor.ds.map((rr) => readDs(rr.rdata)).filter((d): d is DsData => d !== undefined);
    const usable = usableDs(anchorDs, ctx);
    const anchorKeys = anchor.dnskeys.filter((rr) => {
      const k = dnskeyOf(rr);
      return k !== undefined && isSupportedAlgorithm(k.algorithm, ctx.crypto);
    });
    const traceDsBase = anchorDs.map((d) => ({ d, supported: usable.includes(d) }));
    if (usable.length === 0 && anchorKeys.length === 0) {
      const step: ChainStep = {
        kind: 'anchor',
        zone: nameToText(zone),
        ds: traceDsBase.map(({ d }) => dsTrace(d, false, false)),
        signatures: [],
        status: 'insecure',
        note: `trust anchor (${anchor.source}) has only unsupported algorithms or digests`,
      };
      return {
        kind: 'insecure',
        zone,
        reasons: [reason(EDE.UNSUPPORTED_DNSKEY_ALGORITHM, `trust anchor for ${nameToText(zone)} uses only unsupported algorithms or digests (RFC 4035 §5, RFC 6840 §5.2)`, zone)],
        steps: [step],
        expires: ctx.now + MAX_ENTRY_TTL,
      };
    }
    const msg = await fetchKeyData(zone, RRType.DNSKEY, ctx);
    if (msg instanceof UpstreamError) {
      return this.bogus(zone, [reason(EDE.DNSKEY_MISSING, `no DNSKEY RRset for the trust anchor ${nameToText(zone)}: ${msg.message}`, zone)], [], ctx, true);
    }
    const keyset = findRRset(responseRRsets(msg).answer, zone, RRType.DNSKEY);
    const trusted = new Set<RR>();
    const matchedDs = new Set<DsData>();
    const byDs = matchDsToKeys(usable, keyset?.rrs ?? [], zone, MAX_KEYS_PER_KEY_TAG, ctx.crypto);
    for (const rr of byDs.trusted) trusted.add(rr);
    for (const d of byDs.matched) matchedDs.add(d);
    for (const rr of keyset?.rrs ?? []) {
      if (anchorKeys.some((a) => bytesEqual(a.rdata, rr.rdata)) && isZoneKey(rr) && !isRevoked(rr)) trusted.add(rr);
    }
    const sigs: TraceSignature[] = [];
    const stepBase = {
      kind: 'anchor' as const,
      zone: nameToText(zone),
      ds: traceDsBase.map(({ d, supported }) => dsTrace(d, supported, matchedDs.has(d))),
      dnskeys: traceKeys(keyset, trusted),
    };
    if (!keyset) {
      const step: ChainStep = { ...stepBase, signatures: sigs, status: 'bogus', note: `trust anchor from ${anchor.source}` };
      return this.bogus(zone, [reason(EDE.DNSKEY_MISSING, `no DNSKEY RRset for the trust anchor ${nameToText(zone)}`, zone)], [step], ctx);
    }
    if (trusted.size === 0) {
      const step: ChainStep = { ...stepBase, signatures: sigs, status: 'bogus', note: `trust anchor from ${anchor.source}` };
      return this.bogus(zone, [reason(EDE.DNSKEY_MISSING, `no DNSKEY of ${nameToText(zone)} matches the trust anchor`, zone)], [step], ctx);
    }
    const check = verifyRrset(keyset, [...trusted], { now: ctx.now, budget: ctx.budget, crypto: ctx.crypto }, MAX_RRSIGS_PER_RRSET);
    sigs.push(...traceChecks(keyset, check));
    if (!check.ok) {
      const step: ChainStep = { ...stepBase, signatures: sigs, status: 'bogus', note: `trust anchor from ${anchor.source}` };
      return this.bogus(zone, [rrsetFailureReason(check, rrsetLabel(zone, RRType.DNSKEY), zone)], [step], ctx);
    }
    const step: ChainStep = { ...stepBase, signatures: sigs, status: 'secure', note: `trust anchor from ${anchor.source}` };
    const ttl = Math.min(cappedTtl(keyset.ttl, check.sig, ctx.now), MAX_ENTRY_TTL);
    return { kind: 'secure', zone, dnskeys: keyset.rrs, steps: [step], expires: ctx.now + ttl };
  }

  /** A secure entry for `signer`, or the entry that explains why there is none. */
  /**
   * The secure entry of `signer`, the zone that answered the DS query for
   * `zone`; bogus when `signer` is no zone, or when a zone cut lies between
   * it and `zone`'s parent side (it would be signing for another zone).
   */
  private async parentEntry(signer: Name, zone: Name, ctx: QuestionContext, depth: number): Promise<KeyEntry> {
    const parent = await this.entryFor(signer, ctx, false, depth + 1);
    if (parent.kind !== 'secure') return parent;
    if (!nameEquals(parent.zone, signer)) {
      return this.bogus(signer, [reason(EDE.DNSSEC_BOGUS, `${nameToText(signer)} signs for a child but is not a zone (no delegation to it)`, parent.zone)], parent.steps, ctx);
    }
    const cut = await this.cutBetween(signer, zone.slice(1), ctx, depth);
    if (cut) {
      return this.bogus(
        zone,
        [reason(EDE.DNSSEC_BOGUS, `${nameToText(signer)} answers for ${nameToText(zone)}, but ${nameToText(cut)} is a zone cut between them (RFC 4035 §5.2)`, cut)],
        parent.steps,
        ctx,
      );
    }
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
   * (`absent`, or the RFC 8198 cache).
   */
  async cutBetween(upper: Name, lower: Name, ctx: QuestionContext, depth: number, absent?: (name: Name) => boolean): Promise<Name | undefined> {
    const last = Math.min(lower.length, upper.length + MAX_CUT_CHECK_LABELS);
    for (let n = upper.length + 1; n <= last; n++) {
      const c = ancestorWithLabels(lower, n);
      // Validated NSEC/NSEC3 records (this answer's, or held) prove c absent: no cut at or below it.
      if (absent?.(c) || this.provenAbsent(c, ctx.now)) return undefined;
      const e = await this.entryFor(c, ctx, false, depth + 1);
      const proven = e.kind === 'secure' || (e.kind === 'insecure' && e.cutProven !== false);
      if (proven && isStrictSubdomain(e.zone, upper) && isSubdomain(c, e.zone)) return e.zone;
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
    const vctx = { now: ctx.now, budget: ctx.budget, crypto: ctx.crypto };
    const msg = await fetchKeyData(zone, RRType.DS, ctx);
    if (msg instanceof UpstreamError) {
      return this.bogus(zone, [reason(EDE.NETWORK_ERROR, `no answer to the DS query for ${nameToText(zone)}: ${msg.message}`, zone)], [], ctx, true);
    }
    const sets = responseRRsets(msg);
    const zoneText = nameToText(zone);
    // The parent side must be a strict ancestor of `zone`, at or below the anchor.
    const asParent = (p: Name | undefined): Name | undefined =>
      p && isStrictSubdomain(zone, p) && isSubdomain(p, anchor.zone) ? p : undefined;
    const up = () => this.entryFor(zone.slice(1), ctx, false, depth + 1);

    const dsSet = findRRset(sets.answer, zone, RRType.DS);
    if (dsSet) {
      const signer = asParent(signerOf(dsSet));
      const parent = signer ? await this.parentEntry(signer, zone, ctx, depth) : await up();
      if (parent.kind !== 'secure') return parent;
      if (!signer) {
        const step: ChainStep = { kind: 'delegation', zone: zoneText, signatures: [], status: 'bogus', note: 'unsigned DS RRset' };
        return this.bogus(zone, [reason(EDE.RRSIGS_MISSING, `RRSIGs missing: the DS RRset of ${zoneText} is not signed by its parent zone`, parent.zone)], [...parent.steps, step], ctx);
      }
      return this.delegationWithDs(parent, zone, dsSet, ctx);
    }

    // A CNAME at the name: it cannot be a zone cut (RFC 1034 §3.6.2).
    const cname = findRRset(sets.answer, zone, RRType.CNAME);
    if (cname) {
      const signer = asParent(signerOf(cname));
      const parent = signer ? await this.parentEntry(signer, zone, ctx, depth) : await up();
      if (parent.kind !== 'secure') return parent;
      const check = verifyRrset(cname, parent.dnskeys, vctx, MAX_RRSIGS_PER_RRSET);
      if (check.ok && check.sig.labels < rrsigLabelCount(zone)) {
        // A CNAME synthesised from a wildcard says nothing about this name's
        // own existence (RFC 4035 §5.3.4): it must not hide a cut.
        const step: ChainStep = { kind: 'delegation', zone: zoneText, signatures: traceChecks(cname, check), status: 'bogus' };
        return this.bogus(zone, [reason(EDE.DNSSEC_BOGUS, `the DS query for ${zoneText} was answered by a wildcard CNAME`, parent.zone)], [...parent.steps, step], ctx);
      }
      if (check.ok) return parent;
      const step: ChainStep = { kind: 'delegation', zone: zoneText, signatures: traceChecks(cname, check), status: 'bogus' };
      return this.bogus(zone, [rrsetFailureReason(check, rrsetLabel(zone, RRType.CNAME), parent.zone)], [...parent.steps, step], ctx);
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
      const step: ChainStep = { kind: 'delegation', zone: zoneText, signatures: [], status: 'bogus', note: 'no signed answer to the DS query' };
      const r = hadDenial
        ? reason(EDE.RRSIGS_MISSING, `RRSIGs missing: no DS for ${zoneText} and the denial is not signed by ${nameToText(parent.zone)}`, parent.zone)
        : reason(EDE.NSEC_MISSING, `no DS for ${zoneText} and no NSEC/NSEC3 proof of its absence from ${nameToText(parent.zone)}`, parent.zone);
      return this.bogus(zone, [r], [...parent.steps, step], ctx);
    }
    const parent = await this.parentEntry(signer, zone, ctx, depth);
    if (parent.kind !== 'secure') return parent;
    const denial = denialInputFrom(sets.authority, parent, vctx);
    // Where the zone cuts are is checked even in zones with costly NSEC3
    // (see MAX_NSEC3_ITERATIONS_FOR_ZONE_CUTS): an unchecked proof must not
    // turn a stripped answer insecure.
    const outcome = proveNoDs(zone, { ...denial.input, maxIterations: MAX_NSEC3_ITERATIONS_FOR_ZONE_CUTS });
    const sigs = denial.signatures;
    if (outcome.result === 'no-cut') return parent;
    if (outcome.result === 'insecure') {
      const step: ChainStep = { kind: 'delegation', zone: zoneText, signatures: sigs, status: 'insecure', note: outcome.detail };
      return {
        kind: 'insecure',
        zone,
        reasons: [reason(outcome.ede ?? EDE.OTHER, `insecure delegation: ${outcome.detail}`, zone)],
        ...(outcome.optOut ? { optOut: true } : {}),
        cutProven: !outcome.optOut && outcome.ede !== EDE.UNSUPPORTED_NSEC3_ITERATIONS,
        steps: [...parent.steps, step],
        expires: Math.min(ctx.now + Math.min(denial.ttl, MAX_ENTRY_TTL), parent.expires),
      };
    }
    const step: ChainStep = { kind: 'delegation', zone: zoneText, signatures: sigs, status: 'bogus', note: outcome.text };
    const reasons = [...denial.failures, reason(outcome.ede, `no DS for ${zoneText} and no valid proof of its absence: ${outcome.text}`, parent.zone)];
    return this.bogus(zone, reasons, [...parent.steps, step], ctx);
  }

  /** RFC 4035 §5.2: a validated DS RRset, then the child's DNSKEY RRset. */
  private async delegationWithDs(parent: Extract<KeyEntry, { kind: 'secure' }>, child: Name, dsSet: RRset, ctx: QuestionContext): Promise<KeyEntry> {
    const vctx = { now: ctx.now, budget: ctx.budget, crypto: ctx.crypto };
    const childText = nameToText(child);
    const steps = (s: ChainStep) => [...parent.steps, s];
    {
      const check = verifyRrset(dsSet, parent.dnskeys, vctx, MAX_RRSIGS_PER_RRSET);
      const sigs = traceChecks(dsSet, check);
      const dsList = dsSet.rrs.map((rr) => readDs(rr.rdata)).filter((d): d is DsData => d !== undefined);
      if (!check.ok) {
        const step: ChainStep = { kind: 'delegation', zone: childText, ds: dsList.map((d) => dsTrace(d, false, false)), signatures: sigs, status: 'bogus' };
        return this.bogus(child, [rrsetFailureReason(check, rrsetLabel(child, RRType.DS), parent.zone)], steps(step), ctx);
      }
      const usable = usableDs(dsList, ctx);
      if (usable.length === 0) {
        const digestsUnsupported = dsList.every((d) => !isSupportedDigestType(d.digestType));
        const step: ChainStep = {
          kind: 'delegation',
          zone: childText,
          ds: dsList.map((d) => dsTrace(d, false, false)),
          signatures: sigs,
          status: 'insecure',
          note: 'DS set has no supported algorithm and digest (RFC 6840 §5.2)',
        };
        return {
          kind: 'insecure',
          zone: child,
          reasons: [
            reason(
              digestsUnsupported ? EDE.UNSUPPORTED_DS_DIGEST_TYPE : EDE.UNSUPPORTED_DNSKEY_ALGORITHM,
              `the DS set of ${childText} has only unsupported ${digestsUnsupported ? 'digest types' : 'algorithms'} (RFC 6840 §5.2)`,
              child,
            ),
          ],
          steps: steps(step),
          expires: ctx.now + Math.min(cappedTtl(dsSet.ttl, check.sig, ctx.now), MAX_ENTRY_TTL),
        };
      }
      const dsTtl = cappedTtl(dsSet.ttl, check.sig, ctx.now);
      const keyMsg = await fetchKeyData(child, RRType.DNSKEY, ctx);
      if (keyMsg instanceof UpstreamError) {
        const step: ChainStep = { kind: 'delegation', zone: childText, signatures: sigs, status: 'bogus', note: keyMsg.message };
        return this.bogus(child, [reason(EDE.DNSKEY_MISSING, `no DNSKEY RRset for ${childText}, which has a DS: ${keyMsg.message}`, child)], steps(step), ctx, true);
      }
      const keyset = findRRset(responseRRsets(keyMsg).answer, child, RRType.DNSKEY);
      const trusted = new Set<RR>();
      const matched = new Set<DsData>();
      const byDs = matchDsToKeys(usable, keyset?.rrs ?? [], child, MAX_KEYS_PER_KEY_TAG, ctx.crypto);
      for (const rr of byDs.trusted) trusted.add(rr);
      for (const d of byDs.matched) matched.add(d);
      const stepBase = {
        kind: 'delegation' as const,
        zone: childText,
        ds: dsList.map((d) => dsTrace(d, usable.includes(d), matched.has(d))),
        dnskeys: traceKeys(keyset, trusted),
      };
      if (!keyset) {
        const step: ChainStep = { ...stepBase, signatures: sigs, status: 'bogus' };
        return this.bogus(child, [reason(EDE.DNSKEY_MISSING, `no DNSKEY RRset for ${childText}, which has a DS`, child)], steps(step), ctx);
      }
      if (trusted.size === 0) {
        const step: ChainStep = { ...stepBase, signatures: sigs, status: 'bogus' };
        const tags = usable.map((d) => d.keyTag).join(', ');
        return this.bogus(child, [reason(EDE.DNSKEY_MISSING, `no DNSKEY of ${childText} matches its DS (key tag ${tags})`, child, usable[0]?.keyTag)], steps(step), ctx);
      }
      const keyCheck = verifyRrset(keyset, [...trusted], vctx, MAX_RRSIGS_PER_RRSET);
      sigs.push(...traceChecks(keyset, keyCheck));
      if (!keyCheck.ok) {
        const step: ChainStep = { ...stepBase, signatures: sigs, status: 'bogus' };
        return this.bogus(child, [rrsetFailureReason(keyCheck, rrsetLabel(child, RRType.DNSKEY), child)], steps(step), ctx);
      }
      const step: ChainStep = { ...stepBase, signatures: sigs, status: 'secure' };
      const ttl = Math.min(dsTtl, cappedTtl(keyset.ttl, keyCheck.sig, ctx.now), MAX_ENTRY_TTL);
      // A child's keys are only as fresh as the parent's that vouch for them.
      return { kind: 'secure', zone: child, dnskeys: keyset.rrs, steps: steps(step), expires: Math.min(ctx.now + ttl, parent.expires) };
    }
  }
}

/** The signer of an RRset's first readable RRSIG. */
function signerOf(set: RRset): Name | undefined {
  for (const sig of set.sigs) {
    const s = rrsigOf(sig);
    if (s) return s.signerName;
  }
  return undefined;
}

function isRevoked(rr: RR): boolean {
  const k = dnskeyOf(rr);
  return k !== undefined && (k.flags & DNSKEY_FLAG_REVOKE) !== 0;
}

function isZoneKey(rr: RR): boolean {
  const k = dnskeyOf(rr);
  return k !== undefined && (k.flags & DNSKEY_FLAG_ZONE) !== 0 && k.protocol === 3;
}


function dsTrace(d: DsData, supported: boolean, matched: boolean): TraceDs {
  return { keyTag: d.keyTag, algorithm: d.algorithm, digestType: d.digestType, supported, matched };
}

/** Trace lines for the RRSIG checks of one RRset. */
export function traceChecks(rrset: RRset, check: ReturnType<typeof verifyRrset>): TraceSignature[] {
  const label = rrsetLabel(rrset.name, rrset.type);
  const out: TraceSignature[] = [];
  const failures = check.ok ? check.failures : check.checks;
  for (const c of failures) {
    if (c.ok || !c.sig) continue;
    out.push({ rrset: label, signer: nameToText(c.sig.signerName), keyTag: c.sig.keyTag, algorithm: c.sig.algorithm, result: c.failure });
  }
  if (check.ok) {
    out.push({ rrset: label, signer: nameToText(check.sig.signerName), keyTag: check.sig.keyTag, algorithm: check.sig.algorithm, result: 'valid' });
  } else if (check.failure === 'no-rrsig') {
    out.push({ rrset: label, signer: '-', keyTag: 0, algorithm: 0, result: 'no RRSIG' });
  }
  return out;
}

/**
 * Fetches a DNSKEY or DS RRset for the chain. A failure here (timeout,
 * upstream SERVFAIL) leaves the chain unverifiable: the caller makes it a
 * bogus key entry (RFC 8914 EDE 9 / 23) rather than failing the question, as
 * Unbound does. Budget errors still propagate.
 */
async function fetchKeyData(name: Name, type: number, ctx: QuestionContext): Promise<Message | UpstreamError> {
  try {
    const msg = await ctx.ask(name, type);
    checkRcode(msg, name, typeToText(type));
    return msg;
  } catch (e) {
    if (e instanceof UpstreamError) return e;
    throw e;
  }
}

/** Upstream failures (SERVFAIL, REFUSED, ...) are not validation results: no answer at all. */
export function checkRcode(msg: Message, name: Name, what: string): void {
  if (msg.rcode !== 0 && msg.rcode !== 3) {
    throw new UpstreamError(`upstream answered ${rcodeToText(msg.rcode)} to ${nameToText(name)} ${what}`);
  }
}

