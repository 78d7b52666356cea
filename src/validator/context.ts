/**
 * The state of one question: the clock, the work budget, the memoised
 * upstream queries and the trace being written.
 */
import { type Name, nameKey } from '../wire/name.js';
import type { Message } from '../wire/message.js';
import type { CryptoOptions } from '../crypto/index.js';
import { WorkBudget } from '../dnssec/budget.js';
import type { VerifyContext } from '../dnssec/rrsig.js';
import { VerifiedSignatures } from '../dnssec/verified.js';
import { MAX_QUERIES_PER_QUESTION } from '../dnssec/limits.js';
import { type QueryOptions, type ResponseSource, UpstreamError } from '../types.js';
import { monotonicMs } from './deadline.js';
import type { ChainStep } from './result.js';

/** Defined in src/types.ts (below every layer); re-exported here for existing imports. */
export type { QueryOptions, ResponseSource } from '../types.js';

/** The question's abort signal and deadline (a monotonicMs() value, deadline.ts). */
export interface QuestionLimits {
  readonly signal?: AbortSignal;
  readonly deadline?: number;
}

export class QueryBudgetError extends Error {
  override name = 'QueryBudgetError';
}

export class QuestionContext {
  /** One work budget per question (limits.ts MAX_WORK_UNITS_PER_QUESTION): signatures, NSEC3 hashes, queries. */
  readonly budget = new WorkBudget();
  readonly trace: ChainStep[] = [];
  private readonly seenSteps = new Set<ChainStep>();
  private readonly memo = new Map<string, Promise<Message>>();
  queries = 0;
  /**
   * A query whose answer was wanted but did not come (a zone-cut check that
   * went on without it). A bogus verdict reached after one is no verdict:
   * the validator reports this instead (no answer is never bogus).
   */
  unanswered: UpstreamError | undefined;

  /** What signature checks need of the question: its time, budget, crypto options and the verifications done. */
  readonly verify: VerifyContext;

  constructor(
    readonly source: ResponseSource,
    readonly now: number,
    readonly crypto: CryptoOptions | undefined,
    readonly maxQueries: number = MAX_QUERIES_PER_QUESTION,
    readonly limits: QuestionLimits = {},
  ) {
    this.verify = { now, budget: this.budget, crypto, verified: new VerifiedSignatures() };
  }

  /** Asks the source once per (name, type) for this question. */
  ask(name: Name, type: number): Promise<Message> {
    const key = `${nameKey(name)}|${type}`;
    let p = this.memo.get(key);
    if (!p) {
      if (this.queries >= this.maxQueries) {
        return Promise.reject(new QueryBudgetError(`more than ${this.maxQueries} upstream queries for one question`));
      }
      if (!this.budget.takeQuery()) return Promise.reject(new QueryBudgetError(this.budget.describe()));
      this.queries++;
      // Promise.resolve().then: a source that throws synchronously rejects too.
      p = Promise.resolve()
        .then(() => this.source.query(name, type, this.queryOptions()))
        .catch((e: unknown) => {
        if (e instanceof UpstreamError) throw e;
        throw new UpstreamError(e instanceof Error ? e.message : String(e), e);
      });
      this.memo.set(key, p);
    }
    return p;
  }

  private queryOptions(): QueryOptions | undefined {
    const { signal, deadline } = this.limits;
    if (!signal && deadline === undefined) return undefined;
    return {
      ...(signal ? { signal } : {}),
      ...(deadline !== undefined ? { deadlineMs: Math.max(0, deadline - monotonicMs()) } : {}),
    };
  }

  /**
   * Starts a query whose answer may be needed later; its failure is ignored
   * here. Prefetching may use at most half of the question's query budget,
   * so it can never starve the queries the answer really needs.
   */
  prefetch(name: Name, type: number): void {
    if (this.queries >= this.maxQueries / 2) return;
    this.ask(name, type).catch(() => undefined);
  }

  addStep(step: ChainStep): void {
    if (this.seenSteps.has(step)) return;
    this.seenSteps.add(step);
    this.trace.push(step);
  }
}

/** What a decision from held entries alone needs of a question: its time and its trace. */
export type HeldContext = Pick<QuestionContext, 'now' | 'addStep'>;

/** A question context for answers decided without any query (the RFC 8198 hot path): no budget, no memo. */
export class TraceOnly implements HeldContext {
  readonly trace: ChainStep[] = [];
  constructor(readonly now: number) {}

  addStep(step: ChainStep): void {
    if (!this.trace.includes(step)) this.trace.push(step);
  }
}
