/**
 * A bounded LRU cache of upstream responses, keyed by question (name
 * lowercased, RFC 4343; type). Each response is kept for the smallest TTL
 * it carries (RFC 2181 §5.2, §8), a negative answer for its SOA's
 * min(TTL, MINIMUM) (RFC 2308 §5), and never past the expiration of an RRSIG
 * in it (a stale signature would turn a good answer bogus). SERVFAIL and
 * other failures are not cached here: the upstream is asked again.
 *
 * The cache holds raw (unvalidated) responses: validation happens on every
 * use. Validated key entries are cached by the validator itself.
 */
import type { Message } from '../wire/message.js';
import { type Name, nameKey } from '../wire/name.js';
import { RRType, Rcode } from '../wire/rrtype.js';

export interface ResponseCacheOptions {
  /** Most responses kept. Default 10,000. */
  readonly maxEntries?: number;
  /** Approximate memory bound, bytes (wire size plus an estimate of the parsed form). Default 32 MiB. */
  readonly maxBytes?: number;
  /** Longest time any response is kept, seconds. Default 86,400 (RFC 8767 §4 suggests a day at most). */
  readonly maxTtl?: number;
  /** Unix seconds (fractions allowed). Default: the system clock. */
  readonly clock?: () => number;
}

export interface CachedResponse {
  readonly message: Message;
  /** The response bytes as received. */
  readonly raw: Uint8Array;
  /** Unix seconds after which the entry is gone. */
  readonly expires: number;
}

export interface CacheStats {
  hits: number;
  misses: number;
  /** Responses stored. */
  stored: number;
  /** Responses not stored: failure rcode, TTL 0, negative answer without SOA, too large. */
  refused: number;
  /** Entries dropped to stay within the size bounds. */
  evicted: number;
}

export const DEFAULT_CACHE_ENTRIES = 10_000;
export const DEFAULT_CACHE_BYTES = 32 * 1024 * 1024;
export const DEFAULT_CACHE_MAX_TTL = 86_400;

/** Per-entry bookkeeping and the parsed form, roughly: the decoded message is about twice the wire size. */
const ENTRY_OVERHEAD_BYTES = 256;
const PARSED_FACTOR = 3;

interface Entry extends CachedResponse {
  readonly size: number;
}

function systemClock(): number {
  return Date.now() / 1000;
}

/** The SOA MINIMUM field: the last 32 bits of the RDATA (RFC 1035 §3.3.13). */
function soaMinimum(rdata: Uint8Array): number | undefined {
  if (rdata.length < 22) return undefined;
  const o = rdata.length - 4;
  return ((rdata[o]! << 24) >>> 0) + ((rdata[o + 1]! << 16) | (rdata[o + 2]! << 8) | rdata[o + 3]!);
}

/**
 * Seconds from `now` until an RRSIG's expiration (RFC 4034 §3.1.5: serial
 * number arithmetic, RFC 1982), negative when already expired; undefined
 * when the RDATA is too short to hold one.
 */
function rrsigSecondsLeft(rdata: Uint8Array, now: number): number | undefined {
  if (rdata.length < 12) return undefined;
  const expiration = ((rdata[8]! << 24) >>> 0) + ((rdata[9]! << 16) | (rdata[10]! << 8) | rdata[11]!);
  const diff = (expiration - (Math.floor(now) >>> 0)) | 0;
  return diff;
}

/**
 * How long a response may be cached at `now`, seconds; 0 when it must not
 * be. Positive answers: the smallest TTL of every record (RFC 2181 §5.2).
 * NXDOMAIN and NODATA: also at most min(SOA TTL, SOA MINIMUM) of the SOA in
 * the authority section, and not cached at all without one (RFC 2308 §5).
 */
export function cacheableTtl(message: Message, now: number, maxTtl: number = DEFAULT_CACHE_MAX_TTL): number {
  if (message.rcode !== Rcode.NOERROR && message.rcode !== Rcode.NXDOMAIN) return 0;
  if (message.flags.tc) return 0;
  let ttl = maxTtl;
  const records = [...message.answer, ...message.authority, ...message.additional];
  for (const rr of records) {
    ttl = Math.min(ttl, rr.ttl);
    if (rr.type === RRType.RRSIG) {
      const left = rrsigSecondsLeft(rr.rdata, now);
      if (left !== undefined) ttl = Math.min(ttl, left);
    }
  }
  const negative = message.rcode === Rcode.NXDOMAIN || message.answer.length === 0;
  if (negative) {
    const soa = message.authority.find((rr) => rr.type === RRType.SOA);
    const minimum = soa ? soaMinimum(soa.rdata) : undefined;
    if (!soa || minimum === undefined) return 0;
    ttl = Math.min(ttl, soa.ttl, minimum);
  }
  return Math.max(0, Math.floor(ttl));
}

function checkBound(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, not ${value}`);
  return value;
}

export class ResponseCache {
  readonly maxEntries: number;
  readonly maxBytes: number;
  readonly maxTtl: number;
  private readonly clock: () => number;
  /** Insertion order is recency order: the first entry is the least recently used. */
  private readonly entries = new Map<string, Entry>();
  private totalBytes = 0;
  private readonly counters: CacheStats = { hits: 0, misses: 0, stored: 0, refused: 0, evicted: 0 };

  constructor(opts: ResponseCacheOptions = {}) {
    this.maxEntries = checkBound('maxEntries', opts.maxEntries ?? DEFAULT_CACHE_ENTRIES);
    this.maxBytes = checkBound('maxBytes', opts.maxBytes ?? DEFAULT_CACHE_BYTES);
    this.maxTtl = checkBound('maxTtl', opts.maxTtl ?? DEFAULT_CACHE_MAX_TTL);
    this.clock = opts.clock ?? systemClock;
  }

  private static key(name: Name, type: number): string {
    return `${nameKey(name)}|${type}`;
  }

  /** The live response for (name, type), marking it most recently used. */
  get(name: Name, type: number): CachedResponse | undefined {
    const key = ResponseCache.key(name, type);
    const entry = this.entries.get(key);
    if (!entry) {
      this.counters.misses++;
      return undefined;
    }
    if (entry.expires <= this.clock()) {
      this.remove(key, entry);
      this.counters.misses++;
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.counters.hits++;
    return entry;
  }

  /**
   * Stores a response for as long as cacheableTtl allows. Returns whether
   * it was stored (failures, TTL 0 and oversized responses are not).
   */
  set(name: Name, type: number, message: Message, raw: Uint8Array): boolean {
    const now = this.clock();
    const ttl = cacheableTtl(message, now, this.maxTtl);
    const size = raw.length * PARSED_FACTOR + ENTRY_OVERHEAD_BYTES;
    const key = ResponseCache.key(name, type);
    const old = this.entries.get(key);
    if (old) this.remove(key, old);
    if (ttl <= 0 || size > this.maxBytes || this.maxEntries === 0) {
      this.counters.refused++;
      return false;
    }
    this.entries.set(key, { message, raw, expires: now + ttl, size });
    this.totalBytes += size;
    this.counters.stored++;
    this.evict();
    return this.entries.has(key);
  }

  delete(name: Name, type: number): boolean {
    const key = ResponseCache.key(name, type);
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.remove(key, entry);
    return true;
  }

  clear(): void {
    this.entries.clear();
    this.totalBytes = 0;
  }

  /** Entries held (expired ones included until they are touched or evicted). */
  get size(): number {
    return this.entries.size;
  }

  /** Approximate bytes held. */
  get bytes(): number {
    return this.totalBytes;
  }

  stats(): CacheStats {
    return { ...this.counters };
  }

  private remove(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.totalBytes -= entry.size;
  }

  /** Drops the least recently used entries until within both bounds (O(1) per eviction). */
  private evict(): void {
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.totalBytes <= this.maxBytes) break;
      this.remove(key, entry);
      this.counters.evicted++;
    }
  }
}

export function createResponseCache(opts: ResponseCacheOptions = {}): ResponseCache {
  return new ResponseCache(opts);
}
