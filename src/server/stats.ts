/**
 * The proxy's counters, read on demand (like `unbound-control stats`):
 * queries, answers by outcome, cache hits, queries dropped or refused by the
 * limits and the access list, and latency percentiles over the last answers.
 */
import type { Outcome } from './handler.js';

/** Latencies kept for the percentiles (the most recent ones). */
const LATENCY_WINDOW = 8192;

export interface StatsSnapshot {
  readonly queries: number;
  readonly outcomes: Readonly<Record<Outcome, number>>;
  readonly cacheHits: number;
  /** Dropped: over the in-flight limits or draining (UDP), or not a query. */
  readonly dropped: number;
  /** Answered SERVFAIL at once over TCP: over the in-flight limits, or draining (counted in the outcomes too). */
  readonly limited: number;
  /** Sources the access list refused. */
  readonly denied: number;
  readonly p50Ms: number | undefined;
  readonly p99Ms: number | undefined;
}

const OUTCOMES: readonly Outcome[] = ['secure', 'insecure', 'bogus', 'unvalidated', 'servfail', 'refused', 'formerr', 'notimp', 'badvers'];

export class ServerStats {
  queries = 0;
  cacheHits = 0;
  dropped = 0;
  limited = 0;
  denied = 0;
  private readonly outcomes = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  private readonly latencies = new Float64Array(LATENCY_WINDOW);
  private latencyCount = 0;

  answered(outcome: Outcome, cacheHit: boolean, ms: number): void {
    this.outcomes[outcome]++;
    if (cacheHit) this.cacheHits++;
    this.latencies[this.latencyCount++ % LATENCY_WINDOW] = ms;
  }

  private percentile(sorted: Float64Array, p: number): number | undefined {
    if (sorted.length === 0) return undefined;
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  }

  snapshot(): StatsSnapshot {
    const n = Math.min(this.latencyCount, LATENCY_WINDOW);
    const sorted = this.latencies.slice(0, n).sort();
    return {
      queries: this.queries,
      outcomes: { ...this.outcomes },
      cacheHits: this.cacheHits,
      dropped: this.dropped,
      limited: this.limited,
      denied: this.denied,
      p50Ms: this.percentile(sorted, 50),
      p99Ms: this.percentile(sorted, 99),
    };
  }

  /** One log line: `queries=N secure=N ... cache_hits=N dropped=N limited=N denied=N p50_ms=X p99_ms=Y`. */
  line(): string {
    const s = this.snapshot();
    const ms = (v: number | undefined): string => (v === undefined ? '-' : v.toFixed(2));
    const counts = OUTCOMES.map((o) => `${o}=${s.outcomes[o]}`).join(' ');
    return `queries=${s.queries} ${counts} cache_hits=${s.cacheHits} dropped=${s.dropped} limited=${s.limited} denied=${s.denied} p50_ms=${ms(s.p50Ms)} p99_ms=${ms(s.p99Ms)}`;
  }
}
