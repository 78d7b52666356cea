/**
 * The validating stub: asks a response source (DO=1, CD=1), walks the chain
 * of trust from the trust anchors and classifies the answer as secure,
 * insecure or bogus (RFC 4033 §5, RFC 4035 §4.3, §5).
 *
 * No I/O here: responses come from the source passed in; the clock is
 * injectable.
 */
import { type Name, nameFromText, nameKey, nameToText } from '../wire/name.js';
import { RRType, Rcode, typeFromText, typeToText, rcodeToText } from '../wire/rrtype.js';
import { rdataToText, rrToText } from '../wire/presentation.js';
import type { CryptoOptions } from '../crypto/index.js';
import { type TrustAnchor, loadTrustAnchorFile, DEFAULT_ROOT_ANCHORS_PATH } from '../dnssec/anchors.js';
import type { RRset } from '../dnssec/rrsig.js';
import type { ResponseSource } from '../types.js';
import { QuestionContext, QueryBudgetError } from './context.js';
import { KeyChain } from './key-chain.js';
import { AnswerValidator, type AnswerOutcome } from './answer.js';
import type { ChainStep, ValidatedRecord, ValidationResult } from './result.js';
import { because } from './reasons.js';
import { MAX_RESULT_TTL } from '../dnssec/ttl.js';
import { type Typed, type MxRecord, type TlsaRecord, type TxtRecord, typed, readMx, readTlsa, readTxt } from './typed.js';

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
   * Secure and insecure results kept (LRU), each until its capped TTL runs
   * out (RFC 4035 §5.3.3); bogus results are never kept. Default 1000; 0
   * turns the result cache off.
   */
  readonly resultCacheSize?: number;
}

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

export class ValidationInputError extends Error {
  override name = 'ValidationInputError';
}

/** Parses a name given as text or labels. */
export function toName(name: string | Name): Name {
  if (typeof name !== 'string') return name;
  try {
    return nameFromText(name.endsWith('.') ? name : `${name}.`);
  } catch (e) {
    throw new ValidationInputError(`invalid domain name ${JSON.stringify(name)}: ${(e as Error).message}`);
  }
}

/** Parses a type given as a mnemonic, TYPEnnn or a number. */
export function toType(type: string | number): number {
  if (typeof type === 'number') {
    if (Number.isInteger(type) && type >= 0 && type <= 0xffff) return type;
    throw new ValidationInputError(`invalid RR type ${type}`);
  }
  const t = typeFromText(type);
  if (t === undefined) throw new ValidationInputError(`unknown RR type ${JSON.stringify(type)}`);
  return t;
}

export class Validator {
  private readonly source: ResponseSource;
  private readonly clock: () => number;
  private readonly crypto: CryptoOptions | undefined;
  private readonly prefetch: boolean;
  private anchors: readonly TrustAnchor[] | undefined;
  private keyChain: KeyChain | undefined;
  private readonly keyCacheSize: number;
  private readonly resultCacheSize: number;
  private readonly results = new Map<string, CachedResult>();
  private readonly inFlight = new Map<string, Promise<CachedResult>>();

  constructor(opts: ValidatorOptions) {
    this.source = opts.source;
    this.clock = opts.clock ?? systemClock;
    this.crypto = opts.crypto;
    this.prefetch = opts.prefetch ?? true;
    this.anchors = opts.trustAnchors;
    this.keyCacheSize = opts.keyCacheSize ?? 10_000;
    this.resultCacheSize = opts.resultCacheSize ?? 1000;
  }

  private chain(now: number): KeyChain {
    if (!this.keyChain) {
      this.anchors ??= loadTrustAnchorFile(DEFAULT_ROOT_ANCHORS_PATH, now);
      this.keyChain = new KeyChain(this.anchors, this.keyCacheSize);
    }
    return this.keyChain;
  }

  /** Forgets every validated key and result (the next question walks the chain again). */
  clearCache(): void {
    this.keyChain?.clear();
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
   * (network failure, upstream SERVFAIL), and ValidationInputError for a bad
   * name or type.
   */
  async validate(name: string | Name, type: string | number = 'A'): Promise<ValidationResult> {
    const qname = toName(name);
    const qtype = toType(type);
    const now = this.clock();
    const key = `${nameKey(qname)}|${qtype}`;
    const hit = this.results.get(key);
    if (hit && hit.expires > now) {
      this.results.delete(key);
      this.results.set(key, hit);
      return present(hit, qname, qtype, hit.expires - now);
    }
    if (hit) this.results.delete(key);
    // Identical questions in flight are validated once.
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.compute(qname, qtype, now).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    const done = await pending;
    if (this.resultCacheSize > 0 && done.outcome.status !== 'bogus' && done.outcome.ttl > 0 && !this.results.has(key)) {
      this.results.set(key, done);
      while (this.results.size > this.resultCacheSize) this.results.delete(this.results.keys().next().value as string);
    }
    return present(done, qname, qtype, done.outcome.ttl);
  }

  private async compute(qname: Name, qtype: number, now: number): Promise<CachedResult> {
    const ctx = new QuestionContext(this.source, now, this.crypto);
    const keys = this.chain(now);
    const answer = new AnswerValidator(keys, ctx, this.prefetch);
    if (this.prefetch) {
      // The answer's query goes first; the DS/DNSKEY sets the walk will need
      // go out alongside it (one round trip for a cold chain, not one per zone).
      ctx.prefetch(qname, qtype);
      keys.prefetchFor(qtype === RRType.DS ? qname.slice(1) : qname, ctx);
    }
    try {
      const raw = withBudgetReason(await answer.run(qname, qtype), ctx);
      // No result outlives a day, whatever TTLs the (possibly unsigned) data claimed.
      const outcome = { ...raw, ttl: Math.min(raw.ttl, MAX_RESULT_TTL) };
      return { outcome, chain: ctx.trace, expires: now + outcome.ttl };
    } catch (e) {
      if (e instanceof QueryBudgetError) {
        const outcome: AnswerOutcome = {
          status: 'bogus',
          reasons: [because({ kind: 'budget', detail: e.message })],
          ttl: 0,
          rcode: Rcode.SERVFAIL,
          rrsets: [],
        };
        return { outcome, chain: ctx.trace, expires: now };
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
