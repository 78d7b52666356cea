/**
 * The TTL caps, in one place: how long a validated RRset, a negative answer,
 * a key entry or a result may be kept.
 */
import type { RRset } from './rrsig.js';
import type { RrsigData } from './records.js';
import { MAX_RESULT_TTL } from './limits.js';

export { MAX_RESULT_TTL };

/** Upper bound for any cached key entry or result (Unbound's cache-max-ttl, a day). */
export const MAX_ENTRY_TTL = MAX_RESULT_TTL;

/**
 * How long a bogus verdict is kept, seconds (Unbound's val-bogus-ttl: 60):
 * long enough that a flood of asks for a broken name costs nothing upstream,
 * short enough that a repaired zone is seen soon.
 */
export const BOGUS_TTL = 60;

/**
 * RFC 4035 §5.3.3: the TTL of a validated RRset is at most the RRSIG's
 * original TTL and the time left until the signature expires.
 */
export function cappedTtl(rrsetTtl: number, sig: RrsigData, now: number): number {
  const left = (sig.expiration - (now >>> 0)) >>> 0;
  return Math.max(0, Math.min(rrsetTtl, sig.originalTtl, left < 0x80000000 ? left : 0));
}

/** RFC 2308 §5: a negative answer lives min(SOA TTL, SOA MINIMUM). */
export function negativeTtl(soa: RRset): number {
  const rd = soa.rrs[0]?.rdata;
  if (!rd || rd.length < 4) return soa.ttl;
  const minimum = ((rd[rd.length - 4]! << 24) >>> 0) + ((rd[rd.length - 3]! << 16) | (rd[rd.length - 2]! << 8) | rd[rd.length - 1]!);
  return Math.min(soa.ttl, minimum);
}

/**
 * Seconds left of something that expires at `expires` (unix time), capped
 * at MAX_RESULT_TTL: data lives no longer than the keys that vouch for it.
 */
export function secondsLeft(expires: number, now: number): number {
  return Math.max(0, Math.min(expires, now + MAX_RESULT_TTL) - now);
}
