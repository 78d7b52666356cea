/**
 * The key cache, apart from the chain walk (like Unbound's val_kcache and
 * val_kentry): per zone name a key entry — secure (a validated DNSKEY
 * RRset), insecure (with the proof that made it so) or bogus (with the
 * reasons) — shared by every question of one validator until it expires.
 * Entries being decided are shared as promises, so concurrent questions walk
 * a zone once.
 */
import { type Name, ancestorWithLabels, nameKey } from '../wire/name.js';
import type { RR } from '../wire/message.js';
import type { Reason } from '../types.js';
import { MAX_PREFETCH_DEPTH } from '../dnssec/limits.js';
import { BOGUS_TTL } from '../dnssec/ttl.js';
import { type QuestionContext, QueryBudgetError } from './context.js';
import type { ChainStep } from './result.js';

interface EntryBase {
  /** The zone the entry is about (for insecure: the cut where security ends). */
  readonly zone: Name;
  /** Trace steps that produced this entry, parents first. */
  readonly steps: readonly ChainStep[];
  /** Unix time after which the entry must be fetched again. */
  readonly expires: number;
}

export type SecureEntry = EntryBase & { readonly kind: 'secure'; readonly dnskeys: readonly RR[] };

export type KeyEntry =
  | SecureEntry
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

/**
 * A bogus entry: kept BOGUS_TTL seconds (Unbound's val-bogus-ttl), or not at
 * all when `transient` (it says nothing durable about the zone).
 */
export function bogusEntry(zone: Name, reasons: readonly Reason[], steps: readonly ChainStep[], now: number, transient = false): KeyEntry {
  return { kind: 'bogus', zone, reasons, steps, expires: transient ? now : now + BOGUS_TTL };
}

/** Bounded LRU of values by name key, each with its expiry. */
class Lru<T> {
  private readonly map = new Map<string, { value: T; expires: number }>();
  constructor(private readonly maxEntries: number) {}

  get(key: string, now: number): T | undefined {
    const hit = this.map.get(key);
    if (!hit) return undefined;
    this.map.delete(key);
    if (hit.expires <= now) return undefined;
    this.map.set(key, hit);
    return hit.value;
  }

  set(key: string, value: T, expires: number): void {
    this.map.delete(key);
    this.map.set(key, { value, expires });
    while (this.map.size > this.maxEntries) this.map.delete(this.map.keys().next().value as string);
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }
}

export class KeyCache {
  private readonly entries: Lru<Promise<KeyEntry>>;
  /** The value each settled entry promise resolved to (for peek: no await on a hot path). */
  private readonly settled = new WeakMap<Promise<KeyEntry>, KeyEntry>();
  private readonly notCuts: Lru<true>;

  constructor(maxEntries = 10_000) {
    this.entries = new Lru(maxEntries);
    this.notCuts = new Lru(maxEntries);
  }

  clear(): void {
    this.entries.clear();
    this.notCuts.clear();
  }

  /** Whether an entry for `name` is held (decided or being decided). */
  has(name: Name, now: number): boolean {
    return this.entries.get(nameKey(name), now) !== undefined;
  }

  /**
   * The entry for `name` when one is held, settled and unexpired, without
   * waiting: undefined when there is none or it is still being decided (the
   * caller then takes the asynchronous way, entry()). A bogus entry is
   * returned like any other; callers use only what they can.
   */
  peek(name: Name, now: number): KeyEntry | undefined {
    const p = this.entries.get(nameKey(name), now);
    return p && this.settled.get(p);
  }

  /**
   * The entry for `name`: the cached one, or the one `make` decides (shared
   * with concurrent questions until it settles, then kept until it expires).
   * Its trace steps are added to the question's trace.
   */
  async entry(name: Name, ctx: QuestionContext, make: () => Promise<KeyEntry>, join = true): Promise<KeyEntry> {
    const key = nameKey(name);
    const hit = join ? this.entries.get(key, ctx.now) : undefined;
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
      return this.entry(name, ctx, make, false);
    }
    // An entry decided while this question's work budget ran out, or from a
    // failed fetch, says nothing durable about the zone: it is not kept, and
    // questions that joined the walk decide again on their own budget.
    const p = make().then((entry): KeyEntry => (ctx.budget.exhausted && entry.kind === 'bogus' ? { ...entry, expires: ctx.now } : entry));
    // Until it settles, concurrent walks share the same promise.
    this.entries.set(key, p, Number.POSITIVE_INFINITY);
    try {
      const entry = await p;
      this.entries.set(key, p, ctx.budget.exhausted ? ctx.now : entry.expires);
      this.settled.set(p, entry);
      for (const s of entry.steps) ctx.addStep(s);
      return entry;
    } catch (e) {
      this.entries.delete(key);
      throw e;
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
      this.notCuts.set(nameKey(ancestorWithLabels(owner, n)), true, expires);
    }
  }

  isKnownNotCut(name: Name, now: number): boolean {
    return this.notCuts.get(nameKey(name), now) === true;
  }
}
