/**
 * The validating stub: asks a response source (DO=1, CD=1), walks the chain
 * of trust from the trust anchors and classifies the answer as secure,
 * insecure or bogus (RFC 4033 §5, RFC 4035 §4.3, §5).
 *
 * No I/O here: responses come from the source passed in; the clock is
 * injectable.
 */
import { type Name, nameKey, nameToText } from '../wire/name.js';
import { RRType, Rcode, typeToText, rcodeToText } from '../wire/rrtype.js';
import { rdataToText, rrToText } from '../wire/presentation.js';
import { type CryptoOptions, pureCryptoReady } from '../crypto/index.js';
import { type TrustAnchor, AnchorFileError, anchorsAt, loadTrustAnchorWindows, DEFAULT_ROOT_ANCHORS_PATH } from '../dnssec/anchors.js';
import type { RRset } from '../dnssec/rrsig.js';
import type { ResponseSource } from '../types.js';
import { QuestionContext, QueryBudgetError, type QuestionLimits, TraceOnly } from './context.js';
import { DEFAULT_DEADLINE_MS, type SharedWork, monotonicMs, shareWork, waitFor } from './deadline.js';
import { MAX_OTHER_PATHS, anotherPathCouldFix } from './other-paths.js';
import { KeyChain } from './key-chain.js';
import { AnswerValidator, type AnswerOutcome } from './answer.js';
import type { ChainStep, ValidatedRecord, ValidationResult } from './result.js';
import { because } from './reasons.js';
import { BOGUS_TTL, MAX_RESULT_TTL } from '../dnssec/ttl.js';
import { ValidationInputError, toName, toType } from './input.js';
import { type Typed, type MxRecord, type TlsaRecord, type TxtRecord, typed, readMx, readTlsa, readTxt } from './typed.js';
import { AggressiveCache } from './aggressive-cache.js';
import { answerFromCache, answerFromCacheNow } from './aggressive-answer.js';

export { ValidationInputError, toName, toType };

export interface ValidatorOptions {
  /** Where responses come from (transport, fixture replay, test). */
  readonly source: ResponseSource;
  /** Trust anchors; default: trust-anchors/root-anchors.xml, read at the validation time. */
  readonly trustAnchors?: readonly TrustAnchor[];
  /** The validation time in unix seconds; default: the system clock. */
  readonly clock?: () => number;
  /** Crypto backend and legacy algorithms (DSA, for conformance data only). */
  readonly crypto?: CryptoOptions;
  /**
   * Ask for the DS and DNSKEY sets of every ancestor in parallel with the
   * answer (one round trip instead of one per zone). Default true.
   */
  readonly prefetch?: boolean;
  /** Entries in the validated-key cache (LRU). Default 10000. */
  readonly keyCacheSize?: number;
  /**
   * Results kept (LRU): secure and insecure ones until their capped TTL runs
   * out (RFC 4035 §5.3.3), bogus ones for `bogusTtl`. Default 1000; 0 turns
   * the result cache off.
   */
  readonly resultCacheSize?: number;
  /** Default deadline of one validate() call, ms (DEFAULT_DEADLINE_MS, 10 s). */
  readonly deadlineMs?: number;
  /**
   * Aggressive use of validated NSEC/NSEC3 records (RFC 8198): NXDOMAIN,
   * NODATA and wildcard answers synthesised from records an earlier answer
   * proved, and no DS query at names they prove absent. Default true.
   */
  readonly aggressiveNsec?: boolean;
  /** Records and wildcard RRsets kept for aggressiveNsec (oldest out first). Default 10000. */
  readonly aggressiveCacheSize?: number;
  /**
   * Seconds a bogus result is kept (Unbound's val-bogus-ttl): asks for a
   * broken name within that time cost nothing upstream. Default 60; 0 keeps
   * none. A question that ran out of its work budget, or that got no answer
   * (UpstreamError), is never kept.
   */
  readonly bogusTtl?: number;
}

/** Per-call options of validate(). */
export interface ValidateOptions {
  /** Aborts the call: it rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Milliseconds the call may take; past it, it rejects with an UpstreamError. Default: the validator's deadlineMs. */
  readonly deadlineMs?: number;
}

/**
 * Types asked for at zone apexes: apex-only ones (RFC 1035 §5.2 SOA and NS,
 * RFC 4034 §2 DNSKEY, RFC 7344 CDS/CDNSKEY) and MX, which mail domains hold
 * at their apex. For these the DNSKEY set of the question name is asked
 * for with the question (one round trip when it is a zone apex).
 */
const APEX_TYPES: ReadonlySet<number> = new Set([RRType.SOA, RRType.NS, RRType.DNSKEY, RRType.CDS, RRType.CDNSKEY, RRType.MX]);

function systemClock(): number {
  return Math.floor(Date.now() / 1000);
}

function toRecords(rrsets: readonly RRset[], ttl: number): ValidatedRecord[] {
  const out: ValidatedRecord[] = [];
  for (const set of rrsets) {
    for (const rr of set.rrs) {
      const shown = { ...rr, ttl: Math.min(rr.ttl, ttl) };
      out.push({
        name: nameToText(rr.name),
        type: typeToText(rr.type),
        ttl: shown.ttl,
        data: rdataToText(rr.type, rr.rdata),
        text: rrToText(shown),
        rdata: rr.rdata,
      });
    }
  }
  return out;
}

export class Validator {
  private readonly source: ResponseSource;
  private readonly clock: () => number;
  private readonly crypto: CryptoOptions | undefined;
  private readonly prefetch: boolean;
  private anchors: readonly TrustAnchor[] | undefined;
  private keyChain: KeyChain | undefined;
  /** The anchors the key chain was built from, as one string (a change means a new chain). */
  private chainAnchors = '';
  /** The anchors valid at the last validation time (those of keyChain). */
  private activeAnchors: readonly TrustAnchor[] = [];
  /** The validation time the anchors were last judged at (the same second needs no new judgement). */
  private chainNow: number | undefined;
  private readonly keyCacheSize: number;
  private readonly resultCacheSize: number;
  private readonly bogusTtl: number;
  private readonly results = new Map<string, CachedResult>();
  private readonly inFlight = new Map<string, SharedWork<CachedResult>>();
  private readonly deadlineMs: number;
  private readonly aggressive: AggressiveCache | undefined;

  constructor(opts: ValidatorOptions) {
    this.source = opts.source;
    this.clock = opts.clock ?? systemClock;
    this.crypto = opts.crypto;
    this.prefetch = opts.prefetch ?? true;
    this.anchors = opts.trustAnchors;
    this.keyCacheSize = opts.keyCacheSize ?? 10_000;
    this.resultCacheSize = opts.resultCacheSize ?? 1000;
    this.deadlineMs = opts.deadlineMs ?? DEFAULT_DEADLINE_MS;
    if (!(this.deadlineMs > 0)) throw new ValidationInputError(`deadlineMs must be a positive number, not ${this.deadlineMs}`);
    this.aggressive = opts.aggressiveNsec === false ? undefined : new AggressiveCache(opts.aggressiveCacheSize ?? 10_000);
    this.bogusTtl = opts.bogusTtl ?? BOGUS_TTL;
  }

  /**
   * The key chain for the anchors valid at `now` (RFC 9718 §2.1: each
   * KeyDigest has its window), judged at every validation: when the set
   * changes (a KSK roll while the process runs), a new chain with an empty
   * key cache, and the results of the old anchors are dropped.
   */
  private chain(now: number): KeyChain {
    if (this.keyChain && now === this.chainNow) return this.keyChain;
    this.anchors ??= loadTrustAnchorWindows(DEFAULT_ROOT_ANCHORS_PATH);
    const active = anchorsAt(this.anchors, now);
    if (active.length === 0) {
      const file = this.anchors.find((a) => a.validity?.[0])?.validity?.[0]?.file ?? 'trust anchors';
      throw new AnchorFileError(file, `no trust anchor is valid at ${new Date(now * 1000).toISOString()} (check validFrom/validUntil and the clock)`);
    }
    const key = active.map((a) => `${a.source}|${a.ds.length}|${a.dnskeys.length}`).join(';');
    if (!this.keyChain || key !== this.chainAnchors) {
      if (this.keyChain) {
        // Nothing learnt under the old anchors is kept: results, keys, and the RFC 8198 records they verified.
        this.results.clear();
        this.aggressive?.clear();
      }
      const aggressive = this.aggressive;
      this.keyChain = new KeyChain(active, this.keyCacheSize, aggressive ? (name, at) => aggressive.isAbsent(name, at) : undefined);
      this.activeAnchors = active;
      this.chainAnchors = key;
    }
    this.chainNow = now;
    return this.keyChain;
  }

  /** Forgets every validated key and result (the next question walks the chain again). */
  clearCache(): void {
    this.keyChain?.clear();
    this.aggressive?.clear();
    this.results.clear();
  }

  /** MX records of `name` with the answer's status (a null MX, RFC 7505, is preference 0 and "."). */
  async mx(name: string | Name): Promise<Typed<MxRecord>> {
    return typed(await this.validate(name, 'MX'), 'MX', readMx);
  }

  /** TLSA records, e.g. of `_25._tcp.mx.example.com` (DANE for SMTP, RFC 7672 §2.2). */
  async tlsa(name: string | Name): Promise<Typed<TlsaRecord>> {
    return typed(await this.validate(name, 'TLSA'), 'TLSA', readTlsa);
  }

  /** TXT records (SPF, `_dmarc`, `_mta-sts`), strings decoded as UTF-8. */
  async txt(name: string | Name): Promise<Typed<TxtRecord>> {
    return typed(await this.validate(name, 'TXT'), 'TXT', readTxt);
  }

  /**
   * Validates the answer to (name, type). Resolves to a result for every
   * DNSSEC outcome; rejects with UpstreamError when no answer could be had
   * (network failure, upstream SERVFAIL, no answer within the deadline),
   * ValidationInputError for a bad name or type, and the signal's reason
   * when `opts.signal` aborts.
   */
  async validate(name: string | Name, type: string | number = 'A', opts: ValidateOptions = {}): Promise<ValidationResult> {
    const qname = toName(name);
    const qtype = toType(type);
    const deadlineMs = opts.deadlineMs ?? this.deadlineMs;
    if (!(deadlineMs > 0)) throw new ValidationInputError(`deadlineMs must be a positive number, not ${deadlineMs}`);
    if (opts.signal?.aborted) throw opts.signal.reason;
    // Runtimes without require (browsers) load the pure crypto backend asynchronously, once (crypto/_noble.ts).
    const cryptoReady = pureCryptoReady();
    if (cryptoReady !== undefined) await cryptoReady;
    const now = this.clock();
    // The anchors are judged first: a change (a KSK roll) drops the results of the old ones.
    this.chain(now);
    const key = `${nameKey(qname)}|${qtype}`;
    const hit = this.results.get(key);
    if (hit && hit.expires > now) {
      this.results.delete(key);
      this.results.set(key, hit);
      return present(hit, qname, qtype, hit.outcome.status === 'bogus' ? 0 : hit.expires - now);
    }
    if (hit) this.results.delete(key);
    // RFC 8198: an answer the validated records held prove, decided now
    // (no query, nothing to wait for, so no deadline or abort to arm). Not
    // kept as a result: deciding it again costs about what a result-cache
    // hit does, and keeping every fresh name's result until it is evicted
    // made the garbage collector the largest cost of bulk NXDOMAINs.
    const held = this.fromCacheNow(qname, qtype, now);
    if (held) return present(held, qname, qtype, held.outcome.ttl);
    // Identical questions in flight are validated once.
    let pending = this.inFlight.get(key);
    if (!pending) {
      const deadline = monotonicMs() + deadlineMs;
      const work = shareWork((signal) => this.compute(qname, qtype, now, { signal, deadline }));
      const forget = (): void => {
        if (this.inFlight.get(key) === work) this.inFlight.delete(key);
      };
      work.promise.then(forget, forget);
      work.controller.signal.addEventListener('abort', forget, { once: true });
      this.inFlight.set(key, work);
      pending = work;
    }
    const done = await waitFor(pending, opts.signal, deadlineMs, `${nameToText(qname)} ${typeToText(qtype)}`);
    this.remember(key, done, now);
    return present(done, qname, qtype, done.outcome.ttl);
  }

  /** Keeps a result (LRU): secure and insecure ones for their TTL, bogus ones for bogusTtl, transient ones not. */
  private remember(key: string, done: CachedResult, now: number): void {
    const keep = done.outcome.status === 'bogus' ? !done.transient && this.bogusTtl > 0 : done.outcome.ttl > 0;
    if (this.resultCacheSize > 0 && keep && !this.results.has(key)) {
      this.results.set(key, done.outcome.status === 'bogus' ? { ...done, expires: now + this.bogusTtl } : done);
      if (this.results.size > this.resultCacheSize) {
        // The oldest eighth in one pass: a Map walked from its start again
        // for every insertion skips the holes of all earlier deletions.
        const drop = Math.max(1, this.resultCacheSize >> 3);
        const oldest = this.results.keys();
        for (let i = 0; i < drop; i++) this.results.delete(oldest.next().value as string);
      }
    }
  }

  /**
   * The answer the RFC 8198 cache proves, when everything it needs is held
   * settled (aggressive-answer.ts answerFromCacheNow); undefined otherwise,
   * and compute() then takes the full way (which tries the cache again,
   * waiting for entries being decided).
   */
  private fromCacheNow(qname: Name, qtype: number, now: number): CachedResult | undefined {
    if (!this.aggressive) return undefined;
    const ctx = new TraceOnly(now);
    const out = answerFromCacheNow(this.aggressive, this.chain(now), ctx, qname, qtype);
    if (out === undefined || out === 'unknown') return undefined;
    return { outcome: out, chain: ctx.trace, expires: now + out.ttl };
  }

  /**
   * Validates through the source; a bogus verdict another path could fix is
   * validated again through the source's other paths (other-paths.ts), each
   * with a fresh key chain, and the first verdict that is not bogus wins (its
   * key chain then replaces the one learnt through the suspect path).
   */
  private async compute(qname: Name, qtype: number, now: number, limits: QuestionLimits): Promise<CachedResult> {
    const first = await this.computeVia(this.source, this.chain(now), qname, qtype, now, limits);
    if (!anotherPathCouldFix(first.outcome) || !this.source.otherPaths) return first;
    for (const path of this.source.otherPaths().slice(0, MAX_OTHER_PATHS)) {
      if (limits.signal?.aborted) break;
      const keys = new KeyChain(this.activeAnchors, this.keyCacheSize);
      const again = await this.computeVia(path, keys, qname, qtype, now, limits).catch(() => undefined);
      if (again && again.outcome.status !== 'bogus') {
        this.keyChain = keys;
        return again;
      }
    }
    return first;
  }

  private async computeVia(source: ResponseSource, keys: KeyChain, qname: Name, qtype: number, now: number, limits: QuestionLimits): Promise<CachedResult> {
    const ctx = new QuestionContext(source, now, this.crypto, undefined, limits);
    const answer = new AnswerValidator(keys, ctx, this.prefetch, this.aggressive);
    if (this.aggressive) {
      // RFC 8198: what validated records already held prove needs no query.
      const synthesised = await answerFromCache(this.aggressive, keys, ctx, qname, qtype).catch((e: unknown) => {
        if (e instanceof QueryBudgetError) return undefined;
        throw e;
      });
      if (synthesised) return { outcome: synthesised, chain: ctx.trace, expires: now + synthesised.ttl };
    }
    if (this.prefetch) {
      // The answer's query goes first; the DS/DNSKEY sets the walk will need
      // go out alongside it (one round trip for a cold chain, not one per zone).
      ctx.prefetch(qname, qtype);
      // The DS set is answered by the parent zone, whose keys are needed.
      keys.prefetchFor(qtype === RRType.DS ? qname.slice(1) : qname, ctx, qtype === RRType.DS || APEX_TYPES.has(qtype));
    }
    try {
      const raw = withBudgetReason(await answer.run(qname, qtype), ctx);
      // No answer is never bogus: a bogus verdict reached without an answer that was asked for is that missing answer.
      if (raw.status === 'bogus' && ctx.unanswered) throw ctx.unanswered;
      // No result outlives a day, whatever TTLs the (possibly unsigned) data claimed.
      const outcome = { ...raw, ttl: Math.min(raw.ttl, MAX_RESULT_TTL) };
      // A verdict reached while the work budget ran out says nothing durable.
      return { outcome, chain: ctx.trace, expires: now + outcome.ttl, transient: ctx.budget.exhausted };
    } catch (e) {
      if (e instanceof QueryBudgetError) {
        const outcome: AnswerOutcome = {
          status: 'bogus',
          reasons: [because({ kind: 'budget', detail: e.message })],
          ttl: 0,
          rcode: Rcode.SERVFAIL,
          rrsets: [],
        };
        return { outcome, chain: ctx.trace, expires: now, transient: true };
      }
      throw e;
    }
  }
}

/**
 * A bogus result reached after the question's work budget ran out names that
 * budget first (EDE 6): the other reasons may be its side effects.
 */
function withBudgetReason(out: AnswerOutcome, ctx: QuestionContext): AnswerOutcome {
  if (out.status !== 'bogus' || !ctx.budget.exhausted) return out;
  return { ...out, reasons: [because({ kind: 'budget', detail: ctx.budget.describe() }), ...out.reasons] };
}

interface CachedResult {
  readonly outcome: AnswerOutcome;
  readonly chain: readonly ChainStep[];
  /** Unix time when the result's TTL runs out. */
  readonly expires: number;
  /** Decided on an exhausted work budget: not kept. */
  readonly transient?: boolean;
}

function present(c: CachedResult, qname: Name, qtype: number, ttl: number): ValidationResult {
  const out = c.outcome;
  return {
    status: out.status,
    name: nameToText(qname),
    type: typeToText(qtype),
    rcode: rcodeToText(out.rcode),
    // Fail closed: a bogus answer's records are not handed out.
    records: out.status === 'bogus' ? [] : toRecords(out.rrsets, ttl),
    ttl,
    reasons: out.reasons,
    chain: c.chain,
  };
}

export function createValidator(opts: ValidatorOptions): Validator {
  return new Validator(opts);
}
