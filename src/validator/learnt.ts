/**
 * What a Validator has learnt for one anchor set, from one validation time
 * on (Validator.learntAt): its key chain, RFC 8198 records, results and
 * questions in flight, and the answers those records prove without a query.
 */
import type { TrustAnchor } from '../dnssec/anchors.js';
import { type Name, nameKey } from '../wire/name.js';
import type { RR } from '../wire/message.js';
import { bytesToHex } from '../wire/presentation/encoding.js';
import type { AggressiveCache } from './aggressive-cache.js';
import { answerFromCacheNow } from './aggressive-answer.js';
import type { AnswerOutcome } from './answer.js';
import { TraceOnly } from './context.js';
import type { SharedWork } from './deadline.js';
import type { KeyChain } from './key-chain.js';
import type { ChainStep } from './result.js';

/**
 * The answer the RFC 8198 cache proves, when everything it needs is held
 * settled (aggressive-answer.ts answerFromCacheNow); undefined otherwise,
 * and compute() then takes the full way (which tries the cache again,
 * waiting for entries being decided).
 */
export function fromCacheNow(learnt: Learnt, qname: Name, qtype: number, now: number): CachedResult | undefined {
  if (!learnt.aggressive) return undefined;
  const ctx = new TraceOnly(now);
  const out = answerFromCacheNow(learnt.aggressive, learnt.keyChain, ctx, qname, qtype);
  if (out === undefined || out === 'unknown') return undefined;
  return { outcome: out, chain: ctx.trace, expires: now + out.ttl };
}

/** The validator's state for one anchor set, from one validation time on (Validator.learntAt). */
export interface Learnt {
  /** The anchor set, as one string (anchorSetKey). */
  readonly anchorsKey: string;
  readonly anchors: readonly TrustAnchor[];
  /** The latest validation time it served: what it holds was learnt at or before it, so it answers for no earlier time. */
  latest: number;
  /** Replaced by the key chain of another path that fixed a bogus verdict (compute). */
  keyChain: KeyChain;
  readonly aggressive: AggressiveCache | undefined;
  readonly results: Map<string, CachedResult>;
  readonly inFlight: Map<string, SharedWork<CachedResult>>;
}

/** The hex of an anchor record's RDATA, computed once per record (anchorsAt hands out the same records at every validation). */
const rdataHex = new WeakMap<RR, string>();
function rdata(rr: RR): string {
  let hex = rdataHex.get(rr);
  if (hex === undefined) {
    hex = bytesToHex(rr.rdata);
    rdataHex.set(rr, hex);
  }
  return hex;
}

/** The anchor set as one string: its records, so that any change of them is a change of the set. */
export function anchorSetKey(anchors: readonly TrustAnchor[]): string {
  return anchors.map((a) => `${nameKey(a.zone)}|${a.ds.map(rdata).join(',')}|${a.dnskeys.map(rdata).join(',')}`).join(';');
}

export interface CachedResult {
  readonly outcome: AnswerOutcome;
  readonly chain: readonly ChainStep[];
  /** Unix time when the result's TTL runs out. */
  readonly expires: number;
  /** Decided on an exhausted work budget: not kept. */
  readonly transient?: boolean;
}
