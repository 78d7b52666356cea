/**
 * An answer from the RFC 8198 cache, before any query: NXDOMAIN, NODATA or a
 * wildcard expansion that validated records already held prove. Used only
 * when the zone those records came from still has a secure key entry, is
 * THE zone of the name (no cut between, RFC 4035 §5.3.1), and no trust
 * anchor below it covers the name (an island of trust decides for itself).
 * Otherwise the question goes upstream as usual.
 */
import { type Name, isSubdomain, nameEquals, nameToText } from '../wire/name.js';
import { Rcode } from '../wire/rrtype.js';
import { MAX_RESULT_TTL } from '../dnssec/ttl.js';
import type { AggressiveCache, Synthesised } from './aggressive-cache.js';
import type { AnswerOutcome } from './outcome.js';
import type { HeldContext, QuestionContext } from './context.js';
import type { KeyChain, SecureEntry } from './key-chain.js';
import { rrsetLabel } from './reasons.js';

/** The trust anchor over the name must be at or above the records' zone (an island of trust decides for itself). */
function underAnchor(s: Synthesised, keys: KeyChain, qname: Name): boolean {
  const anchor = keys.closestAnchor(qname);
  return anchor !== undefined && isSubdomain(s.zone, anchor.zone);
}

/**
 * Names the held records prove absent need no cut check: an NXDOMAIN or a
 * wildcard expansion has just proven qname itself absent.
 */
function absentIn(s: Synthesised, qname: Name): ((c: Name) => boolean) | undefined {
  return s.kind === 'nodata' ? undefined : (c: Name) => nameEquals(c, qname);
}

/** The answer, once the zone's secure entry and the cut check have passed. */
function synthesisedOutcome(s: Synthesised, entry: SecureEntry, ctx: HeldContext, qname: Name, qtype: number): AnswerOutcome | undefined {
  const ttl = Math.max(0, Math.min(s.ttl, entry.expires - ctx.now, MAX_RESULT_TTL));
  if (ttl === 0) return undefined;
  const what = s.kind === 'wildcard' ? rrsetLabel(qname, qtype) : `${s.kind === 'nxdomain' ? 'NXDOMAIN' : 'NODATA'} for ${rrsetLabel(qname, qtype)}`;
  ctx.addStep({
    kind: s.kind === 'wildcard' ? 'wildcard' : 'denial',
    zone: nameToText(s.zone),
    signatures: [],
    status: 'secure',
    note: `${what} synthesised from validated ${s.kind === 'wildcard' ? 'wildcard and ' : ''}NSEC/NSEC3 records held (RFC 8198): ${s.detail}`,
  });
  return {
    status: 'secure',
    reasons: [],
    ttl,
    rcode: s.kind === 'nxdomain' ? Rcode.NXDOMAIN : Rcode.NOERROR,
    rrsets: s.kind === 'wildcard' ? [s.rrset] : [],
  };
}

export async function answerFromCache(
  cache: AggressiveCache,
  keys: KeyChain,
  ctx: QuestionContext,
  qname: Name,
  qtype: number,
): Promise<AnswerOutcome | undefined> {
  const s = cache.lookup(qname, qtype, ctx.now);
  if (!s || !underAnchor(s, keys, qname)) return undefined;
  // Normally a cache hit (the records were verified with these keys); the
  // walk's steps land in the trace.
  const entry = await keys.entryFor(s.zone, ctx, false);
  if (entry.kind !== 'secure' || !nameEquals(entry.zone, s.zone)) return undefined;
  // RFC 4035 §5.3.1: the zone must be THE zone of the name. Names the held
  // records prove absent need no query; names they show to exist are checked
  // (a DS query, then kept in the key cache), as for an answer from upstream.
  if (await keys.cutBetween(s.zone, qname, ctx, 0, absentIn(s, qname))) return undefined;
  return synthesisedOutcome(s, entry, ctx, qname, qtype);
}

/**
 * answerFromCache without waiting and without any query, for the hot path
 * of bulk questions: 'unknown' when a key entry it needs is not held
 * settled (then answerFromCache decides, asking if it must). The same
 * checks, in the same order, from the same entries.
 */
export function answerFromCacheNow(
  cache: AggressiveCache,
  keys: KeyChain,
  ctx: HeldContext,
  qname: Name,
  qtype: number,
): AnswerOutcome | undefined | 'unknown' {
  const s = cache.lookup(qname, qtype, ctx.now);
  if (!s || !underAnchor(s, keys, qname)) return undefined;
  const entry = keys.peekEntry(s.zone, ctx);
  if (!entry) return 'unknown';
  if (entry.kind !== 'secure' || !nameEquals(entry.zone, s.zone)) return undefined;
  const cut = keys.cutBetweenNow(s.zone, qname, ctx, absentIn(s, qname));
  if (cut === 'unknown') return 'unknown';
  if (cut) return undefined;
  return synthesisedOutcome(s, entry, ctx, qname, qtype);
}
