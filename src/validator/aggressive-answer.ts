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
import type { AggressiveCache } from './aggressive-cache.js';
import type { AnswerOutcome } from './outcome.js';
import type { QuestionContext } from './context.js';
import type { KeyChain } from './key-chain.js';
import { rrsetLabel } from './reasons.js';

export async function answerFromCache(
  cache: AggressiveCache,
  keys: KeyChain,
  ctx: QuestionContext,
  qname: Name,
  qtype: number,
): Promise<AnswerOutcome | undefined> {
  const s = cache.lookup(qname, qtype, ctx.now);
  if (!s) return undefined;
  const anchor = keys.closestAnchor(qname);
  if (!anchor || !isSubdomain(s.zone, anchor.zone)) return undefined;
  // Normally a cache hit (the records were verified with these keys); the
  // walk's steps land in the trace.
  const entry = await keys.entryFor(s.zone, ctx, false);
  if (entry.kind !== 'secure' || !nameEquals(entry.zone, s.zone)) return undefined;
  // RFC 4035 §5.3.1: the zone must be THE zone of the name. Names the held
  // records prove absent need no query; names they show to exist are checked
  // (a DS query, then kept in the key cache), as for an answer from upstream.
  // (An NXDOMAIN or a wildcard expansion has just proven qname itself absent.)
  const absent = s.kind === 'nodata' ? undefined : (c: Name) => nameEquals(c, qname);
  if (await keys.cutBetween(s.zone, qname, ctx, 0, absent)) return undefined;
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
