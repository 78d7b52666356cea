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
import { QuestionContext, QueryBudgetError, type QuestionLimits } from './context.js';
import { DEFAULT_DEADLINE_MS, monotonicMs, shareWork, waitFor } from './deadline.js';
import { MAX_OTHER_PATHS, anotherPathCouldFix } from './other-paths.js';
import { KeyChain } from './key-chain.js';
import { AnswerValidator, type AnswerOutcome } from './answer.js';
import type { ValidatedRecord, ValidationResult } from './result.js';
import { because } from './reasons.js';
import { BOGUS_TTL, MAX_RESULT_TTL } from '../dnssec/ttl.js';
import { ValidationInputError, toName, toQuestionType, toType } from './input.js';
import { type Typed, type MxRecord, type TlsaRecord, type TxtRecord, typed, readMx, readTlsa, readTxt } from './typed.js';
import { AggressiveCache } from './aggressive-cache.js';
import { answerFromCache } from './aggressive-answer.js';
import { type CachedResult, type Learnt, anchorSetKey, fromCacheNow } from './learnt.js';

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
  /** What the validator has learnt, for the anchors and validation times it holds for (see learntAt). */
  private learnt: Learnt | undefined;
  private readonly keyCacheSize: number;
  private readonly resultCacheSize: number;
  private readonly bogusTtl: number;
  private readonly deadlineMs: number;
  private readonly aggressiveNsec: boolean;
  private readonly aggressiveCacheSize: number;

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
    this.aggressiveNsec = opts.aggressiveNsec !== false;
    this.aggressiveCacheSize = opts.aggressiveCacheSize ?? 10_000;
    this.bogusTtl = opts.bogusTtl ?? BOGUS_TTL;
  }

  /**
   * What was learnt (key chain, RFC 8198 records, results, questions in
   * flight) for the anchors valid at `now` (RFC 9718 §2.1: each KeyDigest
   * has its window), judged at every validation. It is started afresh, and
   * the old one dropped, when
   * - the anchor set changes (a KSK roll while the process runs): nothing
   *   learnt under the old anchors is kept;
   * - the clock went back before the latest validation time it served: what
   *   was learnt was judged at later times, and a signature valid then may
   *   not be valid yet (RFC 4035 §5.3.1: inception <= now).
   * Questions still in flight keep the old one: their keys, denial records
   * and results land there and are not seen by later questions, which
   * neither join them.
   */
  private learntAt(now: number): Learnt {
    // The same second as the last validation: the same anchors are valid, and nothing was learnt later.
    if (this.learnt && now === this.learnt.latest) return this.learnt;
    this.anchors ??= loadTrustAnchorWindows(DEFAULT_ROOT_ANCHORS_PATH);
    const active = anchorsAt(this.anchors, now);
    if (active.length === 0) {
      const file = this.anchors.find((a) => a.validity?.[0])?.validity?.[0]?.file ?? 'trust anchors';
      throw new AnchorFileError(file, `no trust anchor is valid at ${new Date(now * 1000).toISOString()} (check validFrom/validUntil and the clock)`);
    }
    const key = anchorSetKey(active);
    const l = this.learnt;
    if (l && l.anchorsKey === key && now >= l.latest) {
      l.latest = now;
      return l;
    }
    const aggressive = this.aggressiveNsec ? new AggressiveCache(this.aggressiveCacheSize) : undefined;
    this.learnt = {
      anchorsKey: key,
      anchors: active,
      latest: now,
      keyChain: new KeyChain(active, this.keyCacheSize, aggressive ? (name, at) => aggressive.isAbsent(name, at) : undefined),
      aggressive,
      results: new Map(),
      inFlight: new Map(),
    };
    return this.learnt;
  }

  /** Forgets every validated key and result (the next question walks the chain again). */
  clearCache(): void {
    this.learnt = undefined;
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
    const qtype = toQuestionType(type);
    const deadlineMs = opts.deadlineMs ?? this.deadlineMs;
    if (!(deadlineMs > 0)) throw new ValidationInputError(`deadlineMs must be a positive number, not ${deadlineMs}`);
    if (opts.signal?.aborted) throw opts.signal.reason;
    // Runtimes without require (browsers) load the pure crypto backend asynchronously, once (crypto/_noble.ts).
    const cryptoReady = pureCryptoReady();
    if (cryptoReady !== undefined) await cryptoReady;
    const now = this.clock();
    // The anchors and the clock are judged first: a change (a KSK roll, a clock gone back) starts afresh.
    const learnt = this.learntAt(now);
    const { results, inFlight } = learnt;
    const key = `${nameKey(qname)}|${qtype}`;
    const hit = results.get(key);
    if (hit && hit.expires > now) {
      results.delete(key);
      results.set(key, hit);
      return present(hit, qname, qtype, hit.outcome.status === 'bogus' ? 0 : hit.expires - now);
    }
    if (hit) results.delete(key);
    // RFC 8198: an answer the validated records held prove, decided now
    // (no query, nothing to wait for, so no deadline or abort to arm). Not
    // kept as a result: deciding it again costs about what a result-cache
    // hit does, and keeping every fresh name's result until it is evicted
    // made the garbage collector the largest cost of bulk NXDOMAINs.
    const held = fromCacheNow(learnt, qname, qtype, now);
    if (held) return present(held, qname, qtype, held.outcome.ttl);
    // Identical questions in flight are validated once.
    let pending = inFlight.get(key);
    if (!pending) {
      const deadline = monotonicMs() + deadlineMs;
      const work = shareWork((signal) => this.compute(learnt, qname, qtype, now, { signal, deadline }));
      const forget = (): void => {
        if (inFlight.get(key) === work) inFlight.delete(key);
      };
      work.promise.then(forget, forget);
      work.controller.signal.addEventListener('abort', forget, { once: true });
      inFlight.set(key, work);
      pending = work;
    }
    const done = await waitFor(pending, opts.signal, deadlineMs, `${nameToText(qname)} ${typeToText(qtype)}`);
    const keep = done.outcome.status === 'bogus' ? !done.transient && this.bogusTtl > 0 : done.outcome.ttl > 0;
    if (this.resultCacheSize > 0 && keep && !results.has(key)) {
      results.set(key, done.outcome.status === 'bogus' ? { ...done, expires: now + this.bogusTtl } : done);
      if (results.size > this.resultCacheSize) {
        // The oldest eighth in one pass: a Map walked from its start again
        // for every insertion skips the holes of all earlier deletions.
        const drop = Math.max(1, this.resultCacheSize >> 3);
        const oldest = results.keys();
        for (let i = 0; i < drop; i++) results.delete(oldest.next().value as string);
      }
    }
    return present(done, qname, qtype, done.outcome.ttl);
  }

  /**
   * Validates through the source; a bogus verdict another path could fix is
   * validated again through the source's other paths (other-paths.ts), each
   * with a fresh key chain, and the first verdict that is not bogus wins (its
   * key chain then replaces the one learnt through the suspect path).
   */
  private async compute(learnt: Learnt, qname: Name, qtype: number, now: number, limits: QuestionLimits): Promise<CachedResult> {
    const first = await this.computeVia(learnt, this.source, learnt.keyChain, qname, qtype, now, limits);
    if (!anotherPathCouldFix(first.outcome) || !this.source.otherPaths) return first;
    for (const path of this.source.otherPaths().slice(0, MAX_OTHER_PATHS)) {
      if (limits.signal?.aborted) break;
      const keys = new KeyChain(learnt.anchors, this.keyCacheSize);
      const again = await this.computeVia(learnt, path, keys, qname, qtype, now, limits).catch(() => undefined);
      if (again && again.outcome.status !== 'bogus') {
        learnt.keyChain = keys;
        return again;
      }
    }
    return first;
  }

  private async computeVia(learnt: Learnt, source: ResponseSource, keys: KeyChain, qname: Name, qtype: number, now: number, limits: QuestionLimits): Promise<CachedResult> {
    const ctx = new QuestionContext(source, now, this.crypto, undefined, limits);
    const aggressive = learnt.aggressive;
    const answer = new AnswerValidator(keys, ctx, this.prefetch, aggressive);
    if (aggressive) {
      // RFC 8198: what validated records already held prove needs no query.
      const synthesised = await answerFromCache(aggressive, keys, ctx, qname, qtype).catch((e: unknown) => {
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
