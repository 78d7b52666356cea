/**
 * Aggressive use of DNSSEC-validated cache (RFC 8198): NSEC and NSEC3 records
 * whose signatures the validator has already verified with a secure zone's
 * keys, kept per zone, so that later questions under the same zone can be
 * answered without asking upstream:
 * - NXDOMAIN and NODATA are synthesised when the kept records prove them
 *   (RFC 8198 §5.1 NSEC, §5.2 NSEC3), by the very proofs that judge a
 *   response (dnssec/denial.ts): one home for the rules;
 * - a positive answer is synthesised from a kept wildcard RRset when the kept
 *   records prove the name absent and the wildcard's owner its closest
 *   encloser (RFC 8198 §5.3, RFC 4035 §5.3.4);
 * - `isAbsent` tells the chain walk that a name does not exist, so neither it
 *   nor anything below it is a zone cut: no DS and DNSKEY queries there.
 *
 * NSEC3, as far as RFC 8198 allows: records with the Opt-Out flag are never
 * kept (an Opt-Out span may hide unsigned delegations, RFC 5155 §6, so no
 * denial is synthesised from it, RFC 8198 §5.2), nor records beyond
 * MAX_NSEC3_ITERATIONS (RFC 9276 §3.2: those proofs are insecure, not
 * secure); one salt and iteration count per zone (a re-salted zone replaces
 * its records). Everything else works as for NSEC, with the hashes computed
 * per question (at most 2 per label of depth, MAX_AGGRESSIVE_DEPTH, and at
 * most MAX_AGGRESSIVE_NSEC3_HASH_WORK hash computations per look-up).
 *
 * TTLs (RFC 8198 §5.4 as updated by RFC 9077 §3): a record lives for the
 * smallest of its RRSIG-capped TTL, the SOA TTL and SOA MINIMUM of the
 * response it came in (the caller passes that lifetime), and never longer
 * than the keys that verified it nor MAX_RESULT_TTL. Bounded: at most
 * `maxRecords` records and wildcards over all zones, oldest insertion first out.
 *
 * Pure: no I/O, the time is passed in; the caller decides which zone's keys
 * are secure and that the zone is the zone of the name (RFC 4035 §5.3.1).
 */
import { type Name, ancestorWithLabels, compareNames, isStrictSubdomain, isSubdomain, nameKey, nameToCanonicalWire, rrsigLabelCount } from '../wire/name.js';
import { RRType } from '../wire/rrtype.js';
import { base32hexDecode } from '../wire/base32hex.js';
import { nsec3Hash } from '../crypto/index.js';
import { type DenialInput, type DenialRecord, proveNodata, proveNxdomain, proveWildcardAnswer } from '../dnssec/denial.js';
import { provesNameAbsent } from '../dnssec/absence.js';
import { NSEC3_FLAG_OPT_OUT, readNsec3 } from '../dnssec/records.js';
import { type RRset, isWildcardExpansion } from '../dnssec/rrsig.js';
import { MAX_AGGRESSIVE_NSEC3_HASH_WORK, MAX_NSEC3_ITERATIONS } from '../dnssec/limits.js';
import { MAX_RESULT_TTL } from '../dnssec/ttl.js';

/**
 * Labels below the zone apex for which a question is answered from the cache.
 * Bounds the records a proof is fed (2 per label + 1, below
 * MAX_NSEC3_RECORDS_PER_RESPONSE) and the NSEC3 hashes per question.
 */
export const MAX_AGGRESSIVE_DEPTH = 12;

export type Synthesised =
  | { readonly kind: 'nxdomain' | 'nodata'; readonly zone: Name; readonly ttl: number; readonly detail: string }
  | { readonly kind: 'wildcard'; readonly zone: Name; readonly ttl: number; readonly detail: string; readonly rrset: RRset };

interface Stored<K> {
  readonly key: K;
  readonly record: DenialRecord;
  readonly expires: number;
}

/** Records in canonical order of their key (name, or NSEC3 owner hash), for predecessor look-ups. */
class Sorted<K> {
  readonly items: Stored<K>[] = [];
  constructor(private readonly cmp: (a: K, b: K) => number) {}

  /** Index of the last record whose key is <= `k`, or -1. */
  floor(k: K): number {
    let lo = 0;
    let hi = this.items.length - 1;
    let best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cmp(this.items[mid]!.key, k) <= 0) {
        best = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return best;
  }

  upsert(s: Stored<K>): void {
    const i = this.floor(s.key);
    if (i >= 0 && this.cmp(this.items[i]!.key, s.key) === 0) this.items[i] = s;
    else this.items.splice(i + 1, 0, s);
  }

  remove(k: K): void {
    const i = this.floor(k);
    if (i >= 0 && this.cmp(this.items[i]!.key, k) === 0) this.items.splice(i, 1);
  }
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

interface ZoneStore {
  readonly zone: Name;
  readonly nsec: Sorted<Name>;
  nsec3: Sorted<Uint8Array>;
  nsec3Params: { readonly salt: Uint8Array; readonly iterations: number } | undefined;
  /** Validated wildcard RRsets by `${nameKey(owner)}|${type}`, owner `*.<closest encloser>`. */
  readonly wildcards: Map<string, { readonly rrset: RRset; readonly expires: number }>;
}

export class AggressiveCache {
  private readonly zones = new Map<string, ZoneStore>();
  /** Label counts of the zones kept: zoneOf looks only at ancestors that could be one. */
  private readonly zoneDepths = new Set<number>();
  /** Insertion order over all zones, for the size bound: key -> remover. */
  private readonly order = new Map<string, () => void>();

  constructor(private readonly maxRecords = 10_000) {}

  get size(): number {
    return this.order.size;
  }

  /** Zones with records held (each has a store; an emptied store is dropped). */
  get zoneCount(): number {
    return this.zones.size;
  }

  clear(): void {
    this.zones.clear();
    this.zoneDepths.clear();
    this.order.clear();
  }

  private store(zone: Name): ZoneStore {
    const key = nameKey(zone);
    let z = this.zones.get(key);
    if (!z) {
      z = { zone, nsec: new Sorted(compareNames), nsec3: new Sorted(compareBytes), nsec3Params: undefined, wildcards: new Map() };
      this.zones.set(key, z);
      this.zoneDepths.add(zone.length);
    }
    return z;
  }

  /** Drops the store of a zone when nothing is left in it (the record bound then bounds the stores too). */
  private prune(z: ZoneStore): void {
    const key = nameKey(z.zone);
    if (this.zones.get(key) === z && z.nsec.items.length === 0 && z.nsec3.items.length === 0 && z.wildcards.size === 0) this.zones.delete(key);
  }

  private remember(key: string, remove: () => void): void {
    this.order.delete(key);
    this.order.set(key, remove);
    while (this.order.size > this.maxRecords) {
      const [oldest, drop] = this.order.entries().next().value as [string, () => void];
      this.order.delete(oldest);
      drop();
    }
  }

  /**
   * Keeps the NSEC/NSEC3 records of `input` (already verified with the secure
   * keys of `input.zone`) for `ttl` seconds from `now` (see the module comment).
   */
  addDenial(input: DenialInput, ttl: number, now: number): void {
    const life = Math.min(ttl, MAX_RESULT_TTL);
    if (!(life > 0)) return;
    const expires = now + life;
    const z = this.store(input.zone);
    const zk = nameKey(input.zone);
    for (const r of input.nsec) {
      if (!isSubdomain(r.owner, input.zone)) continue;
      z.nsec.upsert({ key: r.owner, record: r, expires });
      this.remember(`${zk}|nsec|${nameKey(r.owner)}`, () => {
        z.nsec.remove(r.owner);
        this.prune(z);
      });
    }
    for (const r of input.nsec3) {
      const d = readNsec3(r.rdata);
      const hash = r.owner.length === input.zone.length + 1 ? base32hexDecode(r.owner[0]!) : undefined;
      // RFC 8198 §5.2 / RFC 5155 §6: never from an Opt-Out span; RFC 9276 §3.2: never beyond the iteration limit.
      if (!d || !hash || !isSubdomain(r.owner, input.zone) || (d.flags & NSEC3_FLAG_OPT_OUT) !== 0 || d.iterations > MAX_NSEC3_ITERATIONS) continue;
      const p = z.nsec3Params;
      if (!p || p.iterations !== d.iterations || compareBytes(p.salt, d.salt) !== 0) {
        z.nsec3 = new Sorted(compareBytes);
        z.nsec3Params = { salt: d.salt, iterations: d.iterations };
      }
      const chain = z.nsec3;
      chain.upsert({ key: hash, record: r, expires });
      this.remember(`${zk}|nsec3|${nameKey(r.owner)}`, () => {
        chain.remove(hash);
        this.prune(z);
      });
    }
    this.prune(z);
  }

  /**
   * Keeps a validated positive RRset that was expanded from a wildcard (its
   * RRSIG Labels field `rrsigLabels` < the owner's label count), as the
   * wildcard RRset `*.<closest encloser>` of `zone`.
   */
  addWildcard(zone: Name, expanded: RRset, rrsigLabels: number, ttl: number, now: number): void {
    const life = Math.min(ttl, MAX_RESULT_TTL);
    if (!(life > 0) || !isWildcardExpansion(expanded.name, rrsigLabels) || rrsigLabels < zone.length || !isSubdomain(expanded.name, zone)) return;
    const owner: Name = ['*', ...ancestorWithLabels(expanded.name, rrsigLabels)];
    const rrset: RRset = {
      ...expanded,
      name: owner,
      rrs: expanded.rrs.map((rr) => ({ ...rr, name: owner })),
      sigs: expanded.sigs.map((rr) => ({ ...rr, name: owner })),
    };
    const z = this.store(zone);
    const key = `${nameKey(owner)}|${expanded.type}`;
    z.wildcards.set(key, { rrset, expires: now + life });
    this.remember(`${nameKey(zone)}|wild|${key}`, () => {
      z.wildcards.delete(key);
      this.prune(z);
    });
  }

  /** The deepest zone kept at or above `name` (strictly above with `strict`). */
  private zoneOf(name: Name, strict: boolean): ZoneStore | undefined {
    for (let n = strict ? name.length - 1 : name.length; n >= 0; n--) {
      if (!this.zoneDepths.has(n)) continue;
      const z = this.zones.get(nameKey(ancestorWithLabels(name, n)));
      if (z) return z;
    }
    return undefined;
  }

  /**
   * The kept records that can take part in a proof about `name`: the
   * predecessor (or match) of `name`, of every ancestor down to the apex and
   * of the wildcard below each; expired ones left out.
   */
  private select(z: ZoneStore, name: Name, now: number): { input: DenialInput; expires: number } | undefined {
    if (!isSubdomain(name, z.zone) || name.length - z.zone.length > MAX_AGGRESSIVE_DEPTH) return undefined;
    const candidates: Name[] = [name];
    for (let n = name.length - 1; n >= z.zone.length; n--) {
      const a = ancestorWithLabels(name, n);
      candidates.push(a, ['*', ...a]);
    }
    let expires = Number.POSITIVE_INFINITY;
    const pick = <K>(sorted: Sorted<K>, key: K, out: Map<Stored<K>, DenialRecord>): void => {
      if (sorted.items.length === 0) return;
      const i = sorted.floor(key);
      // Before the first key: the last record wraps around (RFC 4034 §4.1.1, RFC 5155 §3.1.7).
      const s = sorted.items[i >= 0 ? i : sorted.items.length - 1]!;
      if (s.expires <= now || out.has(s)) return;
      out.set(s, s.record);
      expires = Math.min(expires, s.expires);
    };
    const nsec = new Map<Stored<Name>, DenialRecord>();
    for (const c of candidates) pick(z.nsec, c, nsec);
    const nsec3 = new Map<Stored<Uint8Array>, DenialRecord>();
    const p = z.nsec3Params;
    if (p && z.nsec3.items.length > 0 && candidates.length * (p.iterations + 1) <= MAX_AGGRESSIVE_NSEC3_HASH_WORK) {
      for (const c of candidates) pick(z.nsec3, nsec3Hash(nameToCanonicalWire(c), p.salt, p.iterations), nsec3);
    }
    if (nsec.size === 0 && nsec3.size === 0) return undefined;
    return { input: { zone: z.zone, nsec: [...nsec.values()], nsec3: [...nsec3.values()] }, expires };
  }

  /**
   * An answer to (qname, qtype) synthesised from kept records, or undefined
   * when they do not prove one (ask upstream). DS (decided by the parent
   * zone), ANY and the DNSSEC meta types are never synthesised.
   */
  lookup(qname: Name, qtype: number, now: number): Synthesised | undefined {
    if (qtype === RRType.DS || qtype === RRType.ANY || qtype === RRType.RRSIG || qtype === RRType.NSEC || qtype === RRType.NSEC3) return undefined;
    const z = this.zoneOf(qname, false);
    if (!z) return undefined;
    const sel = this.select(z, qname, now);
    if (!sel) return undefined;
    const ttl = sel.expires - now;
    const nx = proveNxdomain(qname, sel.input);
    if (nx.result === 'proven') return { kind: 'nxdomain', zone: z.zone, ttl, detail: `${nx.detail} (cached, RFC 8198)` };
    const nodata = proveNodata(qname, qtype, sel.input);
    if (nodata.result === 'proven') return { kind: 'nodata', zone: z.zone, ttl, detail: `${nodata.detail} (cached, RFC 8198)` };
    // RFC 8198 §5.3: a kept wildcard RRset, and a proof that no closer name exists.
    for (let n = qname.length - 1; n >= z.zone.length; n--) {
      const ce = ancestorWithLabels(qname, n);
      const wild = z.wildcards.get(`${nameKey(['*', ...ce])}|${qtype}`);
      if (!wild || wild.expires <= now) continue;
      const proof = proveWildcardAnswer(qname, rrsigLabelCount(ce), sel.input);
      if (proof.result !== 'proven') return undefined;
      const rrset: RRset = {
        ...wild.rrset,
        name: qname,
        rrs: wild.rrset.rrs.map((rr) => ({ ...rr, name: qname })),
        sigs: wild.rrset.sigs.map((rr) => ({ ...rr, name: qname })),
      };
      return { kind: 'wildcard', zone: z.zone, ttl: Math.min(ttl, wild.expires - now), detail: `${proof.detail} (cached, RFC 8198)`, rrset };
    }
    return undefined;
  }

  /**
   * True when kept records of the zone above `name` prove that no such name
   * exists (dnssec/absence.ts): then neither it nor anything below it is a
   * zone cut. False whenever they prove nothing.
   */
  isAbsent(name: Name, now: number): boolean {
    const z = this.zoneOf(name, true);
    if (!z || !isStrictSubdomain(name, z.zone)) return false;
    const sel = this.select(z, name, now);
    return sel !== undefined && provesNameAbsent(name, sel.input);
  }
}
